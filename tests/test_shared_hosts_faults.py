"""Issue 24: Redis stopped mid-run. The app keeps serving: revocations are read from the
database each time (never stale), counters and wall answers go per process, one warning.
"""
from __future__ import annotations

import logging

import pytest

from app import build_app
from dashboard.context import AppContext
from dashboard.wall import reads
from data import shared_state
from data.db import Database
from tests.clock import SESSION_NOW
from tests.redis_helpers import private_redis
from tests.security_world import build_security_world, drop_security_world
from tests.test_security_ratelimit import form_login
from tests.test_shared_hosts import RECHECK_S, signed_in_pair
from tests.workflow_world import PASSWORD


@pytest.fixture
def hosts_on_own_redis(server_settings, tmp_path):
    """Two hosts on a Redis of their own (this test stops it), and its port."""
    with private_redis(tmp_path) as (url, port):
        world = build_security_world(server_settings, "shared_faults", redis_url=url,
                                     ratelimit_storage_uri=url, login_max_failures=3,
                                     account_recheck_s=RECHECK_S, warm_wall=False)
        try:
            yield world, world.app, build_app(world.settings), port, tmp_path
        finally:
            drop_security_world(server_settings, world)


def test_redis_stopped_mid_run_degrades_to_per_process_state(hosts_on_own_redis, caplog):
    world, a, b, port, root = hosts_on_own_redis
    on_a, on_b = signed_in_pair(a, b, "worker_a")
    other_a, other_b = signed_in_pair(a, b, "chief_a")
    assert on_b.get("/api/v1/me").status_code == 200
    assert shared_state.run_script("down", port=port, root=root).returncode == 0

    with caplog.at_level(logging.WARNING):
        # Signed-in people keep working on both hosts.
        assert on_a.get("/api/v1/me").status_code == 200
        assert on_b.get("/api/v1/me").status_code == 200
        # A sign-out still reaches the other host at once: without Redis nobody caches.
        assert other_a.post("/logout").status_code == 302
        assert other_b.get("/api/v1/me").status_code == 401
        # Sign-in budgets still hold, counted in each process's memory.
        codes = [form_login(a.server.test_client(), "chief_b", "wrong").status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert form_login(a.server.test_client(), "worker_b", PASSWORD).status_code == 302
        # The wall answers, each host for itself.
        ctx = AppContext(world.settings, Database(world.settings),
                         fuse=a.server.extensions["hq_redis"])
        try:
            assert 0 in reads.headline(ctx, SESSION_NOW)
        finally:
            ctx.db.dispose()
    warnings = [r.getMessage() for r in caplog.records if r.name == "data.shared_state"]
    assert any("Redis is away" in w for w in warnings)
    # One warning per process and outage, not one per request.
    assert len(warnings) <= 2
