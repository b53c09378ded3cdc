"""A hot standby: reads go to it, the wall says when it lags, and its promotion is survived."""
import time
from urllib.parse import quote

import pytest
from sqlalchemy import text

from app import build_app
from dashboard import ids
from dashboard.context import AppContext
from data.db import Database
from tests.auth_helpers import login_browser, login_client
from tests.conftest import WORLD_PATROL_AT
from tests.dash_helpers import start_app
from tests.fault_helpers import wait_for
from tests.replica_helpers import replica_pair  # noqa: F401 - the module's primary + standby
from tests.wall_helpers import call

AT = "?at=" + quote(WORLD_PATROL_AT.isoformat())
WARN_S = 2.0


def settings_for(pair, primary_url: str, replica_url: str):
    return pair.primary.settings.with_overrides(database_url=primary_url,
                                                database_replica_url=replica_url,
                                                replica_lag_warn_s=WARN_S, warm_wall=False)


@pytest.fixture(scope="module")
def app_on_pair(replica_pair):
    pair = replica_pair
    settings = settings_for(pair, pair.url(pair.primary.port), pair.url(pair.standby_port))
    app = build_app(settings)
    client = app.server.test_client()
    login_client(client, "wall", settings.demo_password)
    yield app, client, settings
    app.server.extensions["hq_db"].dispose()


def head_tick(app, client, n: int) -> dict:
    trigger = f"{ids.WALL_GO['head']}.data"
    status, _, _, response = call(client, app, trigger, {"app-url.search": AT, trigger: n,
                                                         "wall-last-ok.data": None})
    assert status == 200
    return response


@pytest.fixture
def replay_paused(replica_pair):
    """The standby stops replaying (it still receives) until the test ends."""
    replica_pair.sql(replica_pair.standby_port, "select pg_wal_replay_pause()")
    try:
        yield
    finally:
        replica_pair.sql(replica_pair.standby_port, "select pg_wal_replay_resume()")
        replica_pair.caught_up()


def lag_behind(pair, seconds: float) -> None:
    """With replay paused: let time pass, write on the primary, until the standby is behind."""
    pair.sql(pair.primary.port, "create table if not exists lag_probe (at timestamptz)")

    def behind():
        pair.sql(pair.primary.port, "insert into lag_probe values (now())")
        return pair.staleness() > seconds
    wait_for(behind, 60, 0.5, f"the standby to be {seconds} s behind")


def test_reads_go_to_the_standby_and_writes_to_the_primary(app_on_pair):
    _, _, settings = app_on_pair
    ctx = AppContext(settings=settings, db=Database(settings))
    try:
        with ctx.reads.connect() as conn:
            assert conn.execute(text("select pg_is_in_recovery()")).scalar() is True
        with ctx.db.begin() as conn:
            assert conn.execute(text("select pg_is_in_recovery()")).scalar() is False
        assert ctx.lag.seconds() is not None
        # Without DATABASE_REPLICA_URL every read stays on the primary, and no lag is asked.
        alone = AppContext(settings=settings.with_overrides(database_replica_url=""), db=ctx.db)
        assert alone.reads is ctx.db and alone.lag.seconds() is None
    finally:
        ctx.reads.dispose()
        ctx.db.dispose()


def test_the_wall_reads_the_standby_and_says_how_far_behind_it_is(app_on_pair, replica_pair,
                                                                  replay_paused):
    app, client, _ = app_on_pair
    response = head_tick(app, client, 1)
    assert response["wall-banner"]["className"] == "wall-banner hidden"
    assert ids.WALL_STATS in response
    lag_behind(replica_pair, WARN_S + 1)
    time.sleep(2.1)         # the lag is asked at most every 2 s per process
    response = head_tick(app, client, 2)
    assert response["wall-banner"]["className"] == "wall-banner lag"
    text_shown = response["wall-banner-text"]["children"]
    assert "数据延迟" in text_shown and "秒" in text_shown
    shown = int(text_shown.split()[2])
    assert shown >= WARN_S + 1
    assert ids.WALL_STATS in response        # the tiles still come, only older


def test_in_chromium_the_lag_banner_comes_and_goes(dash_duo, app_on_pair, replica_pair):
    from selenium.webdriver.support.ui import WebDriverWait

    app, _, settings = app_on_pair
    start_app(dash_duo, app)
    login_browser(dash_duo, "wall", settings.demo_password, "/wall")
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/wall" + AT)

    def banner(d):
        return d.find_element("css selector", ".wall-banner").get_attribute("class")

    WebDriverWait(driver, 60, 0.5).until(lambda d: banner(d) == "wall-banner hidden")
    replica_pair.sql(replica_pair.standby_port, "select pg_wal_replay_pause()")
    try:
        lag_behind(replica_pair, WARN_S + 1)
        WebDriverWait(driver, 40, 0.5).until(lambda d: banner(d) == "wall-banner lag")
        text_shown = driver.find_element("css selector", ".wall-banner").text
        assert "数据延迟" in text_shown, text_shown
        driver.save_screenshot("tests/artifacts/wall_replica_lag.png")
    finally:
        replica_pair.sql(replica_pair.standby_port, "select pg_wal_replay_resume()")
    WebDriverWait(driver, 40, 0.5).until(lambda d: banner(d) == "wall-banner hidden")


def test_the_standby_is_promoted_and_the_app_carries_on_without_a_restart(replica_pair):
    """Last in the module: the pair is a primary and a promoted standby afterwards."""
    pair = replica_pair
    p1, p2 = pair.primary.port, pair.standby_port
    hosts = f"postgresql://postgres@127.0.0.1:{p1},127.0.0.1:{p2}/{pair.dbname}"
    # libpq finds whichever server is now the read-write one, and reads prefer a standby.
    settings = settings_for(pair, hosts + "?target_session_attrs=read-write",
                            hosts + "?target_session_attrs=prefer-standby")
    app = build_app(settings)
    db = app.server.extensions["hq_db"]
    try:
        client = app.server.test_client()
        login_client(client, "wall", settings.demo_password)
        assert head_tick(app, client, 1)["wall-banner"]["className"] == "wall-banner hidden"
        pair.primary.stop()
        pair.sql(p2, "select pg_promote(true, 60)")
        assert pair.sql(p2, "select pg_is_in_recovery()") is False
        # The same app object: pooled connections to the old primary fail their pre-ping and
        # are replaced by ones libpq finds on the promoted server.
        fresh = app.server.test_client()
        login_client(fresh, "wall", settings.demo_password)       # a sign-in writes a session
        with db.begin() as conn:
            conn.execute(text("create table after_promotion (x int)"))
            conn.execute(text("insert into after_promotion values (1)"))
            assert conn.execute(text("select inet_server_port()")).scalar() == p2
        response = head_tick(app, fresh, 2)
        assert response["wall-banner"]["className"] == "wall-banner hidden"
        assert ids.WALL_STATS in response
    finally:
        db.dispose()
