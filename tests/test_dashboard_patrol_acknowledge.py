"""Acknowledging a patrol exception and recording a leave day on /patrol: the same rules as
the API (who, scope, a note), through the page's callbacks and in Chromium.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import build_app
from tests.auth_helpers import login_browser, login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.patrol_world import DAY, build_patrol_world
from tests.workflow_world import PASSWORD
from workflow.patrol.exceptions import detect

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def ack_db(server_settings):
    url = create_test_database(server_settings, "patrol_ack")
    engine = create_engine(url)
    with engine.begin() as conn:
        pw = build_patrol_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    with engine.begin() as conn:
        detect(conn, settings, DAY, SESSION_NOW)
    yield {"settings": settings, "pw": pw, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def ack_app(ack_db):
    return build_app(ack_db["settings"])


@pytest.fixture
def fresh(ack_db):
    """Every exception unacknowledged again after the test."""
    yield ack_db
    with ack_db["engine"].begin() as conn:
        conn.execute(text("update patrol_exceptions set acknowledged_at = null, "
                          "acknowledged_by = null, note = null"))
        conn.execute(text("delete from leave_days"))


def exception_of(engine, username):
    with engine.connect() as conn:
        return conn.execute(text(
            "select e.id from patrol_exceptions e join users u on u.id = e.user_id "
            "where u.username = :u order by e.started_at limit 1"), {"u": username}).scalar()


def acked(engine, ident):
    with engine.connect() as conn:
        return conn.execute(text("select a.username, e.note from patrol_exceptions e "
                                 "left join users a on a.id = e.acknowledged_by where e.id = :i"),
                            {"i": ident}).one()


@pytest.fixture(scope="module")
def clients(ack_app):
    """One signed-in client per account: sign-ins are rate-limited per address, and the
    browser tests after these still need to sign in.
    """
    made: dict = {}

    def client_of(username):
        if username not in made:
            made[username] = ack_app.server.test_client()
            login_client(made[username], username, PASSWORD)
        return made[username]
    return client_of


def ack_call(app, client, ident, note, worker=None):
    states = [("patrol-ack-pick", "value", ident), ("patrol-ack-note", "value", note),
              ("patrol-street", "value", None), ("patrol-community", "value", None),
              ("patrol-worker", "value", worker), ("patrol-day", "date", DAY.isoformat()),
              ("app-url", "search", "")]
    payload = {"output": "patrol-exceptions.children@" + _hash(app),
               "outputs": {"id": "patrol-exceptions", "property": "children@" + _hash(app)},
               "inputs": [{"id": "patrol-ack-go", "property": "n_clicks", "value": 1}],
               "state": [{"id": i, "property": p, "value": v} for i, p, v in states],
               "changedPropIds": ["patrol-ack-go.n_clicks"]}
    return client.post("/_dash-update-component", json=payload)


def _hash(app) -> str:
    """The suffix Dash gives a duplicate-allowed output (read from the callback map)."""
    key = next(k for k in app.callback_map if k.startswith("patrol-exceptions.children@"))
    return key.split("@", 1)[1]


def test_an_operator_acknowledges_through_the_page_callback(ack_app, clients, fresh):
    engine = fresh["engine"]
    ident = exception_of(engine, "worker_a")
    response = ack_call(ack_app, clients("operator_a"), ident, "  电话联系，手机没电  ")
    assert response.status_code == 200
    assert "已确认。" in response.get_data(as_text=True)
    assert tuple(acked(engine, ident)) == ("operator_a", "电话联系，手机没电")
    again = ack_call(ack_app, clients("operator_a"), ident, "再次")
    assert "already acknowledged" in again.get_data(as_text=True)
    assert tuple(acked(engine, ident)) == ("operator_a", "电话联系，手机没电")


@pytest.mark.parametrize("username, note, says", [
    ("chief_b", "越权", "not found"),              # worker_a's exception lies in street A
    ("community_a", "社区", "not allowed"),         # reads patrols, may not acknowledge
    ("operator_a", "   ", "note"),                 # a note is required
])
def test_the_callback_keeps_the_apis_rules(ack_app, clients, fresh, username, note, says):
    engine = fresh["engine"]
    ident = exception_of(engine, "worker_a")
    response = ack_call(ack_app, clients(username), ident, note)
    assert response.status_code == 200 and says in response.get_data(as_text=True)
    assert tuple(acked(engine, ident)) == (None, None)


def test_an_operator_acknowledges_on_the_page(dash_duo, ack_app, fresh):
    worker = fresh["pw"].world.users["worker_a"]
    start_app(dash_duo, ack_app)
    login_browser(dash_duo, "operator_a", PASSWORD, f"/patrol?worker={worker}&date={DAY}")
    try:
        dash_duo.wait_for_element("#patrol-ack-pick", timeout=300)
        dash_duo.select_dcc_dropdown("#patrol-ack-pick", index=0)
        dash_duo.find_element("#patrol-ack-note").send_keys("已电话联系，恢复巡查")
        dash_duo.find_element("#patrol-ack-go").click()
        dash_duo.wait_for_text_to_equal("#patrol-ack-status", "已确认。", timeout=30)
    finally:
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.save_screenshot(str(SHOTS / "patrol_acknowledge_last.png"))
    assert "已确认（operator_a）：已电话联系，恢复巡查" in dash_duo.find_element(
        "#patrol-exceptions").text
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.execute_script(
        "document.getElementById('patrol-exceptions').scrollIntoView()")
    dash_duo.driver.save_screenshot(str(SHOTS / "patrol_acknowledge.png"))


def test_a_community_chief_sees_no_form(dash_duo, ack_app, fresh):
    worker = fresh["pw"].world.users["worker_a"]
    start_app(dash_duo, ack_app)
    login_browser(dash_duo, "community_a", PASSWORD, f"/patrol?worker={worker}&date={DAY}")
    try:
        dash_duo.wait_for_contains_text("#patrol-exceptions", "离开责任网格", timeout=300)
    finally:
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.save_screenshot(str(SHOTS / "patrol_acknowledge_community.png"))
    assert not dash_duo.driver.find_elements("css selector", "#patrol-ack-go")


def leave_call(app, client, worker, day):
    states = [("patrol-leave-worker", "value", worker),
              ("patrol-leave-worker", "options", [{"label": "马小红（worker_a）", "value": worker}]),
              ("patrol-leave-day", "date", day), ("app-url", "search", "")]
    payload = {"output": "patrol-leave-status.children",
               "outputs": {"id": "patrol-leave-status", "property": "children"},
               "inputs": [{"id": "patrol-leave-go", "property": "n_clicks", "value": 1}],
               "state": [{"id": i, "property": p, "value": v} for i, p, v in states],
               "changedPropIds": ["patrol-leave-go.n_clicks"]}
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]["patrol-leave-status"]["children"]


def leave_days(engine):
    with engine.connect() as conn:
        return conn.execute(text("select u.username, l.day, r.username from leave_days l "
                                 "join users u on u.id = l.user_id "
                                 "left join users r on r.id = l.recorded_by")).all()


def test_leave_is_recorded_once_within_scope(ack_app, clients, fresh):
    engine, worker = fresh["engine"], fresh["pw"].world.users["worker_a"]
    day = DAY + timedelta(days=3)
    assert "not found" in leave_call(ack_app, clients("chief_b"), worker, day.isoformat())
    assert "not allowed" in leave_call(ack_app, clients("community_a"), worker, day.isoformat())
    assert "请先选择" in leave_call(ack_app, clients("operator_a"), worker, "2026-02-30")
    assert leave_days(engine) == []
    assert leave_call(ack_app, clients("operator_a"), worker, day.isoformat()) == (
        f"已登记 马小红（worker_a） {day} 请假。")
    assert "已登记请假" in leave_call(ack_app, clients("operator_a"), worker, day.isoformat())
    assert [tuple(r) for r in leave_days(engine)] == [("worker_a", day, "operator_a")]


def test_a_street_chief_records_leave_on_the_page(dash_duo, ack_app, fresh):
    worker = fresh["pw"].world.users["worker_a"]
    start_app(dash_duo, ack_app)
    login_browser(dash_duo, "director_a", PASSWORD, f"/patrol?worker={worker}&date={DAY}")
    try:
        dash_duo.wait_for_element("#patrol-leave-worker", timeout=300)
        dash_duo.select_dcc_dropdown("#patrol-leave-worker", index=0)
        dash_duo.find_element("#patrol-leave-go").click()
        dash_duo.wait_for_text_to_equal("#patrol-leave-status",
                                        f"已登记 马小红（worker_a） {DAY} 请假。", timeout=30)
    finally:
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.save_screenshot(str(SHOTS / "patrol_leave.png"))
    assert [tuple(r) for r in leave_days(fresh["engine"])] == [("worker_a", DAY, "director_a")]
