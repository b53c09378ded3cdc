"""The wall's patrol pieces: the exceptions open at the wall's moment and in its ticker, and
a click on a worker's dot or track resolving to that worker's replay on /patrol.
"""
from datetime import timedelta
from urllib.parse import quote

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text

from app import build_app
from dashboard.context import AppContext
from dashboard.wall import assembly
from dashboard.wall.exception_ticker import exception_ticker
from data.db import Database
from tests.auth_helpers import login_browser, login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.patrol_world import DAY, START, build_patrol_world
from tests.wall_helpers import call
from tests.workflow_world import PASSWORD
from workflow.patrol.exceptions import detect

# 10:00 on the scripted day: worker_a strayed into grid B from 09:30 to 09:45 and has been
# silent since 09:45; worker_b's phone has been off since the shift began at 08:30.
AT = START + timedelta(hours=1)


@pytest.fixture(scope="module")
def wall_db(server_settings):
    url = create_test_database(server_settings, "wall_exceptions")
    engine = create_engine(url)
    with engine.begin() as conn:
        pw = build_patrol_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    with engine.begin() as conn:
        detect(conn, settings, DAY, SESSION_NOW)
    db = Database(settings)
    yield {"ctx": AppContext(settings=settings, db=db), "engine": engine, "pw": pw,
           "settings": settings}
    db.dispose()
    engine.dispose()
    drop_test_database(server_settings, url)


def events(engine):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(
            "select e.id, u.username, e.kind, e.started_at, e.ended_at from patrol_exceptions e "
            "join users u on u.id = e.user_id order by e.started_at")).mappings()]


def test_the_count_is_what_goes_on_unacknowledged_at_the_walls_moment(wall_db):
    stored = events(wall_db["engine"])
    going = [e for e in stored if e["started_at"] <= AT
             and (e["ended_at"] is None or e["ended_at"] > AT)]
    assert {(e["username"], e["kind"]) for e in going} >= {("worker_a", "no_fix"),
                                                           ("worker_b", "no_fix")}
    count, rows = exception_ticker(wall_db["ctx"], AT, "zh", 10)
    assert count == len(going)
    assert len(rows) == sum(e["started_at"] <= AT for e in stored)
    assert rows[0]["at"] >= rows[-1]["at"]                          # newest first
    assert all(r["category"].startswith("巡查异常 · ") for r in rows)
    assert {r["status"] for r in rows} <= {"持续中", "已结束", "已确认"}
    assert any(r["status"] == "已结束" and r["tone"] == "closed" for r in rows)  # off the beat
    one = next(e for e in going if e["username"] == "worker_b")
    with wall_db["engine"].begin() as conn:
        conn.execute(text("update patrol_exceptions set acknowledged_at = :at, note = '已电话联系' "
                          "where id = :id"), {"at": AT - timedelta(minutes=5), "id": one["id"]})
    try:
        after, rows = exception_ticker(wall_db["ctx"], AT, "zh", 10)
        assert after == count - 1
        assert any(r["status"] == "已确认" and r["tone"] == "progress" for r in rows)
    finally:
        with wall_db["engine"].begin() as conn:
            conn.execute(text("update patrol_exceptions set acknowledged_at = null, note = null"))


def test_a_toured_street_shows_its_own_exceptions_only(wall_db):
    _, district = exception_ticker(wall_db["ctx"], AT, "en", 10)
    _, street_b = exception_ticker(wall_db["ctx"], AT, "en", 10, "120106002")
    assert street_b and {r["street"] for r in street_b} == {"Xigu"}
    assert len(street_b) < len(district)


def test_the_ticker_panel_carries_the_count_and_at_most_a_third_exceptions(wall_db):
    ctx = wall_db["ctx"]
    built = assembly.panel_parts(ctx, AT, "zh", None)["built"]
    count, _ = exception_ticker(ctx, AT, "zh", 10)
    assert built["exceptions"].children == f"巡查异常 {count}"
    assert "tone-overdue" in built["exceptions"].className
    shown = [row.children[2].children for row in built["ticker"]]
    assert 0 < sum(s.startswith("巡查异常") for s in shown) <= assembly.EXCEPTION_ROWS


@pytest.fixture(scope="module")
def wall_app(wall_db):
    return build_app(wall_db["settings"])


def click(app, username, lon, lat, at=START + timedelta(minutes=5)):
    client = app.server.test_client()
    login_client(client, username, PASSWORD)
    values = {"wall-map.clickData": {"points": [{"lon": lon, "lat": lat, "curveNumber": 9}]},
              "app-url.search": "?at=" + quote(at.isoformat())}
    return call(client, app, "wall-map.clickData", values)


def test_a_click_on_a_workers_track_opens_that_workers_day(wall_app, wall_db):
    worker = wall_db["pw"].world.users["worker_a"]
    # Near worker_a's fix of 09:01:40 (117.1024, 39.152), seen by a wall replaying 09:05.
    status, _, _, body = click(wall_app, "operator", 117.10242, 39.15204)
    assert status == 200
    assert body["wall-open"]["data"] == f"/patrol?worker={worker}&date={DAY.isoformat()}"


@pytest.mark.parametrize("lon, lat", [(117.15, 39.18), ("x", 39.152), (500.0, 39.152)])
def test_a_click_away_from_any_worker_opens_nothing(wall_app, lon, lat):
    status, *_ = click(wall_app, "operator", lon, lat)
    assert status == 204


def test_a_track_that_is_older_than_the_walls_window_opens_nothing(wall_app):
    # At 11:00 the nearest fix of worker_a there is two hours old: not on the wall's tracks.
    status, *_ = click(wall_app, "operator", 117.10242, 39.15204,
                       at=START + timedelta(hours=2))
    assert status == 204


def test_only_the_walls_readers_may_ask(wall_app):
    status, *_ = click(wall_app, "worker_a", 117.10242, 39.15204)
    assert status == 403


POINT_JS = """
const gd = document.querySelector('#wall-map .js-plotly-plot');
const layout = gd && gd._fullLayout.map;
const m = layout && layout._subplot && layout._subplot.map;
if (!m || !m.loaded() || !gd.data.find(t => t.name === 'online' && (t.lon || []).length)) {
  return null;
}
const p = m.project([arguments[0], arguments[1]]);
const c = m.getCanvas().getBoundingClientRect();
return [c.left + p.x * c.width / m.getCanvas().clientWidth,
        c.top + p.y * c.height / m.getCanvas().clientHeight];
"""


def test_clicking_a_dot_on_the_wall_opens_the_replay_in_a_new_tab(dash_duo, wall_app, wall_db):
    at = START + timedelta(minutes=5)               # worker_a's dot: fix 30 of the first leg
    start_app(dash_duo, wall_app)
    driver = dash_duo.driver
    driver.set_window_size(1920, 1080)
    login_browser(dash_duo, "operator", PASSWORD, "/wall?at=" + quote(at.isoformat()))
    where = WebDriverWait(driver, 120, poll_frequency=0.5).until(
        lambda d: d.execute_script(POINT_JS, 117.1010 + 30 * 0.00014, 39.152))
    handles = set(driver.window_handles)
    actions = ActionChains(driver)
    actions.w3c_actions.pointer_action.move_to_location(int(where[0]), int(where[1]))
    actions.w3c_actions.pointer_action.click()
    actions.perform()
    WebDriverWait(driver, 30, poll_frequency=0.3).until(
        lambda d: len(d.window_handles) > len(handles))
    wall = driver.current_window_handle
    driver.switch_to.window((set(driver.window_handles) - handles).pop())
    worker = wall_db["pw"].world.users["worker_a"]
    WebDriverWait(driver, 30).until(lambda d: "/patrol" in d.current_url)
    assert f"worker={worker}" in driver.current_url and f"date={DAY}" in driver.current_url
    driver.close()
    driver.switch_to.window(wall)
    assert "/wall" in driver.current_url                 # the wall runs on
