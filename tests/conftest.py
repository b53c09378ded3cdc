"""Test fixtures: a real PostGIS (started if needed), a fresh migrated database per session,
a rolled-back transaction per test, and Chromium options for Dash's browser fixture.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import create_engine

from data import local_server
from data.scratch import create_database, drop_database
from data.settings import Settings
from tests.clock import SESSION_NOW, session_clock
from tests.fault_helpers import fault_cluster  # noqa: F401 - one per session, restartable
from tests.redis_helpers import redis_url  # noqa: F401 - one private redis-server per session


def pytest_report_header(config):
    from workflow.clock import BEIJING

    return f"session clock: {SESSION_NOW.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} Beijing"


# Test tiers. pytest.ini registers the markers (with --strict-markers, a typo is an error);
# each tier follows from a fixture the test asks for, so a new test lands in its tier by
# itself. `make test-fast` leaves all three out; `make test` runs everything.
TIER_FIXTURES = {
    "browser": {"dash_duo", "dash_br", "dash_thread_server", "dash_process_server"},
    "faults": {"fault_cluster", "replica_pair"},
    # The synthetic world (a session's first load takes most of a minute) and the modules
    # that load worlds of their own.
    "slow": {"world_db_url", "world_settings", "world_conn", "mobile_world", "sw",
             "security_world", "open311_world"},
}
# Modules measured over a few seconds a test (`pytest --durations=40`): whole-district
# partitions, importers and exports of real files, the simulator, sign-in budgets that wait
# for their window, migrations up and down.
SLOW_MODULES = {"test_etl_world", "test_ops_backup", "test_security_fuzz", "test_geo_track",
                "test_geo_partition", "test_security_ratelimit", "test_etl_simulate",
                "test_api_ingest_clock", "test_security_sessions", "test_etl_importers",
                "test_etl_export", "test_data_migrate"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in TIER_FIXTURES.items():
            if names & fixtures:
                item.add_marker(marker)
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker("slow")


def pytest_setup_options():
    """Chromium for dash_duo: Debian's build, headless, no sandbox (we run as root in CI)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1920,1080",
                "--lang=zh-CN"):
        options.add_argument(arg)
    return options


def _server_settings() -> Settings:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    env = dict(os.environ)
    # Each test app would start a thread warming the wall against a database the test may
    # drop before it finishes; test_dashboard_wall_assembly.py checks the warming itself.
    env.setdefault("HQ_WARM_WALL", "false")
    # The suite signs in thousands of times from the test client's one address; the
    # per-address budget is tested with its own setting (test_security_ratelimit.py).
    env.setdefault("HQ_LOGIN_ADDRESS_MAX", "1000000")
    if url:
        env["DATABASE_URL"] = url
    # Every app a test builds reads the session's one frozen now (tests/clock.py).
    return Settings.from_env(env).with_overrides(clock=session_clock)


@pytest.fixture(scope="session")
def server_settings() -> Settings:
    """Settings of the server the tests use; the local cluster is started when we own it."""
    settings = _server_settings()
    local_server.up(settings, do_migrate=False)
    return settings


def create_test_database(server_settings: Settings, label: str) -> str:
    """A new database with PostGIS and the schema; returns its SQLAlchemy URL."""
    return create_database(server_settings, f"test_{label}")


def drop_test_database(server_settings: Settings, url: str) -> None:
    drop_database(server_settings, url)


@pytest.fixture
def now() -> datetime:
    """The session's one moment (tests/clock.py); the apps under test read the same."""
    return SESSION_NOW


@pytest.fixture(scope="session")
def test_db_url(server_settings):
    """The URL of this session's own empty, migrated database (dropped at the end)."""
    url = create_test_database(server_settings, "empty")
    yield url
    drop_test_database(server_settings, url)


@pytest.fixture(scope="session")
def test_settings(server_settings, test_db_url) -> Settings:
    return server_settings.with_overrides(database_url=test_db_url, database_from_env=True,
                                          background_jobs=False)


@pytest.fixture(scope="session")
def engine(test_db_url):
    eng = create_engine(test_db_url)
    yield eng
    eng.dispose()


@contextmanager
def rolled_back(engine):
    """A connection inside a transaction that is rolled back afterwards."""
    connection = engine.connect()
    transaction = connection.begin()
    try:
        yield connection
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def conn(engine):
    """A connection inside a transaction that is rolled back after the test."""
    with rolled_back(engine) as connection:
        yield connection


WORLD_SEED = 424242
WORLD_SCALE = 0.05
# The end of the world's history is the session's now, so "today" is the day the suite runs
# on (any day, any hour: make test-clock moves it).
WORLD_AS_OF = SESSION_NOW


def last_patrol_moment(as_of: datetime) -> datetime:
    """The latest moment at or before ``as_of`` when the world's on-duty workers are all out
    walking (11:15 or 16:45 Beijing, today or yesterday): tests of live dots and tracks look
    there, since at 07:00 or 23:00 nobody patrols.
    """
    from datetime import time, timedelta

    from workflow.clock import BEIJING

    today = as_of.astimezone(BEIJING).date()
    moments = [datetime.combine(today - timedelta(days=back), time(hh, mm), tzinfo=BEIJING)
               for back in (1, 0) for hh, mm in ((11, 15), (16, 45))]
    return max(m for m in moments if m <= as_of)


WORLD_PATROL_AT = last_patrol_moment(WORLD_AS_OF)


def load_small_world(url: str, settings: Settings, seed: int = WORLD_SEED,
                     replace: bool = False) -> dict:
    """Load the synthetic world at test scale into the database at ``url`` (committed)."""
    from etl.world.load import load_world

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return load_world(conn, seed, WORLD_SCALE, WORLD_AS_OF, settings.demo_password,
                              replace=replace, device_secret=settings.demo_secret)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def world_db_url(server_settings):
    """A database holding a small synthetic world, loaded once for the session."""
    url = create_test_database(server_settings, "world")
    counts = load_small_world(url, server_settings)
    yield url, counts
    drop_test_database(server_settings, url)


@pytest.fixture(scope="session")
def world_settings(server_settings, world_db_url) -> Settings:
    return server_settings.with_overrides(database_url=world_db_url[0], database_from_env=True,
                                          background_jobs=False)


@pytest.fixture
def world_conn(world_db_url):
    """A rolled-back connection on the world database."""
    engine = create_engine(world_db_url[0])
    try:
        with rolled_back(engine) as connection:
            yield connection
    finally:
        engine.dispose()
