"""Issue 24: two app hosts over one database and one Redis act as one (rate limits, sign-outs,
deactivations, the wall's answers); without REDIS_URL each host keeps its own, as before.
"""
from __future__ import annotations

import threading

import pytest
import redis

from app import build_app
from dashboard.context import AppContext
from dashboard.wall import reads
from data.db import Database
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.security_world import build_security_world, drop_security_world
from tests.test_security_ratelimit import form_login
from tests.workflow_world import PASSWORD

# A long account cache: a revocation seen on the other host at once is not its TTL running out.
RECHECK_S = 600.0


@pytest.fixture(scope="module")
def hosts(server_settings, redis_url):
    """(world, host A, host B): two apps built from the same settings, database and Redis."""
    redis.Redis.from_url(redis_url).flushdb()
    world = build_security_world(server_settings, "shared_hosts", redis_url=redis_url,
                                 ratelimit_storage_uri=redis_url, login_max_failures=3,
                                 account_recheck_s=RECHECK_S, warm_wall=False)
    yield world, world.app, build_app(world.settings)
    drop_security_world(server_settings, world)


def signed_in_pair(a, b, username: str):
    """A client signed in on host A and a client on host B carrying the same cookie."""
    on_a = a.server.test_client()
    login_client(on_a, username, PASSWORD)
    on_b = b.server.test_client()
    on_b.set_cookie("hq_session", on_a.get_cookie("hq_session").value)
    return on_a, on_b


def test_a_sign_in_budget_is_counted_across_both_hosts(hosts):
    _, a, b = hosts
    codes = [form_login(host.server.test_client(), "chief_b", "wrong", remote="10.2.0.1")
             .status_code for host in (a, b, a)]
    assert codes == [401, 401, 401]
    # Three failures spread over the two hosts spend the username's budget on both.
    assert form_login(b.server.test_client(), "chief_b", PASSWORD).status_code == 429
    assert form_login(a.server.test_client(), "chief_b", PASSWORD).status_code == 429


def test_signing_out_on_one_host_refuses_the_session_on_the_other_at_once(hosts):
    _, a, b = hosts
    on_a, on_b = signed_in_pair(a, b, "worker_a")
    assert on_b.get("/api/v1/me").status_code == 200      # host B now caches it as live
    assert on_a.post("/logout").status_code == 302
    assert on_b.get("/api/v1/me").status_code == 401
    assert on_a.get("/api/v1/me").status_code == 401


def test_deactivating_on_one_host_refuses_the_account_on_the_other_at_once(hosts):
    world, a, b = hosts
    _, analyst_on_b = signed_in_pair(a, b, "analyst")
    assert analyst_on_b.get("/api/v1/me").status_code == 200
    admin = a.server.test_client()
    login_client(admin, "admin", PASSWORD)
    try:
        assert admin.post("/api/v1/admin/users/analyst/deactivate").status_code == 200
        assert analyst_on_b.get("/api/v1/me").status_code == 401
    finally:
        assert admin.post("/api/v1/admin/users/analyst/reactivate").status_code == 200


def test_a_wall_answer_is_computed_once_for_both_hosts_in_a_slot(hosts, monkeypatch):
    world, a, b = hosts
    fuses = [host.server.extensions["hq_redis"] for host in (a, b)]
    assert fuses[0] is not fuses[1]                       # two clients, as on two machines
    contexts = [AppContext(world.settings, Database(world.settings), fuse=fuse) for fuse in fuses]
    calls, start = [], threading.Barrier(2)
    real = reads._headline

    def counted(ctx, *args):
        calls.append(ctx)
        return real(ctx, *args)

    monkeypatch.setattr(reads, "_headline", counted)
    answers: list = [None, None]

    def ask(i):
        start.wait()            # both hosts ask at the same moment: one computes, one waits
        answers[i] = reads.headline(contexts[i], SESSION_NOW)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1
    assert answers[0] == answers[1] and 0 in answers[0]       # today's tiles, as on one host
    for ctx in contexts:
        ctx.db.dispose()


def test_without_redis_each_host_keeps_its_own_state(server_settings):
    world = build_security_world(server_settings, "one_host", login_max_failures=2,
                                 account_recheck_s=RECHECK_S, warm_wall=False)
    try:
        a, b = world.app, build_app(world.settings)
        assert world.settings.redis_url == "" and a.server.extensions["hq_redis"] is None
        for _ in range(2):
            assert form_login(a.server.test_client(), "chief_a", "wrong").status_code == 401
        assert form_login(a.server.test_client(), "chief_a", PASSWORD).status_code == 429
        # Host B never heard of those failures: its counters are its own memory.
        assert form_login(b.server.test_client(), "chief_a", PASSWORD).status_code == 302
        on_a, on_b = signed_in_pair(a, b, "worker_a")
        assert on_b.get("/api/v1/me").status_code == 200
        on_a.post("/logout")
        # The revoked session lives on in B's own cache until its TTL (why Redis exists).
        assert on_b.get("/api/v1/me").status_code == 200
        assert on_a.get("/api/v1/me").status_code == 401
    finally:
        drop_security_world(server_settings, world)


def test_deactivating_from_the_command_line_reaches_every_host_at_once(hosts):
    from click.testing import CliRunner

    from cli.users import users_cli

    world, a, b = hosts
    on_a, on_b = signed_in_pair(a, b, "operator")
    assert on_a.get("/api/v1/me").status_code == on_b.get("/api/v1/me").status_code == 200

    def users(*args):
        result = CliRunner().invoke(users_cli, list(args), obj=world.settings,
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    try:
        assert "every app host applies it now" in users("deactivate", "operator")
        assert on_a.get("/api/v1/me").status_code == on_b.get("/api/v1/me").status_code == 401
    finally:
        users("reactivate", "operator")
