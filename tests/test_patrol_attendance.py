"""Attendance: statuses from the first and last good fix against the street's shifts, leave
recorded within scope, the month as JSON and XLSX.
"""
import gzip
import json
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine

from app import build_app
from tests.auth_helpers import login_browser, login_client
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.patrol_world import DAY, build_patrol_world
from tests.workflow_world import PASSWORD
from workflow.clock import BEIJING
from workflow.patrol.attendance import day_status

SHOTS = Path(__file__).parent / "artifacts"
SHIFTS = [(time(8, 30), time(11, 30)), (time(14, 0), time(17, 0))]


def at(hh, mm, day=date(2026, 5, 6)):
    return datetime.combine(day, time(hh, mm), tzinfo=BEIJING)


@pytest.mark.parametrize("first, last, leave, expected", [
    (at(8, 31), at(17, 0), False, "ok"), (at(9, 0), at(17, 0), False, "late"),
    (at(8, 30), at(16, 0), False, "early"), (at(9, 0), at(11, 0), False, "late_early"),
    (None, None, False, "absent"), (None, None, True, "leave"), (at(9, 0), at(17, 0), True, "leave")])
def test_a_day_status(first, last, leave, expected):
    row = {"day": date(2026, 5, 6), "first_fix": first, "last_fix": last, "on_leave": leave}
    assert day_status(row, SHIFTS) == expected


@pytest.fixture(scope="module")
def att(server_settings):
    url = create_test_database(server_settings, "patrol_attendance")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_patrol_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world.world}
    engine.dispose()
    drop_test_database(server_settings, url)


def client(app, username):
    c = app.server.test_client()
    login_client(c, username, PASSWORD)
    return c


def test_the_month_counts_each_worker_day_and_leave_changes_absent(att):
    app, world = att["app"], att["world"]
    month = DAY.strftime("%Y-%m")
    before = client(app, "leader").get(f"/api/v1/patrol/attendance?month={month}").get_json()
    key = DAY.isoformat()
    by = {w["username"]: w for w in before["workers"]}
    assert by["worker_a"]["status"][key] == "late_early"     # 09:00 to 10:19
    assert by["worker_b"]["status"][key] == "absent"
    worker_b = world.users["worker_b"]
    assert client(app, "chief_a").post("/api/v1/patrol/leave",
                                       json={"worker": worker_b, "date": key}).status_code == 404
    bad = client(app, "chief_b").post("/api/v1/patrol/leave", json={"worker": worker_b,
                                                                    "date": "2026-02-30"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "date"
    assert client(app, "chief_b").post("/api/v1/patrol/leave",
                                       json={"worker": worker_b, "date": key}).status_code == 201
    after = client(app, "chief_b").get(f"/api/v1/patrol/attendance?month={month}").get_json()
    [b] = after["workers"]                                   # the chief sees their street only
    assert b["username"] == "worker_b" and b["status"][key] == "leave"
    assert b["counts"]["leave"] >= 1 and b["counts"]["absent"] == len(after["days"]) - 1 - \
        sum(v for k, v in b["counts"].items() if k not in ("absent", "leave"))
    response = client(app, "leader").get(f"/api/v1/patrol/attendance?month={month}&format=xlsx")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [f"考勤汇总{month}", "考勤明细"]
    calendar = list(book["考勤明细"].values)
    assert calendar[0][2] == key[5:] or key[5:] in calendar[0]
    assert "请假" in [cell for row in calendar for cell in row]


@pytest.mark.parametrize("query", ["month=2026-13", "month=x", "format=pdf"])
def test_bad_months_are_400s_naming_the_field(att, query):
    response = client(att["app"], "leader").get(f"/api/v1/patrol/attendance?{query}")
    assert response.status_code == 400 and response.get_json()["field"] in ("month", "format")


def test_a_street_can_have_its_own_shifts(server_settings):
    settings = server_settings.with_overrides(street_shifts="120106004=09:30-12:00")
    assert settings.street_shift_windows("120106004") == [(time(9, 30), time(12, 0))]
    assert settings.street_shift_windows("120106001") == settings.shift_windows
    with pytest.raises(ValueError):
        server_settings.with_overrides(street_shifts="120106004=late")


def attendance_call(app, username, street=None, month=None):
    """The page's attendance callback as the browser posts it."""
    c = client(app, username)
    inputs = [("patrol-street", "value", street), ("patrol-community", "value", None),
              ("patrol-worker", "value", None),
              ("patrol-month", "value", month or DAY.strftime("%Y-%m"))]
    response = c.post("/_dash-update-component", headers={"Accept-Encoding": "gzip"}, json={
        "output": "patrol-attendance.children",
        "outputs": {"id": "patrol-attendance", "property": "children"},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": "app-url", "property": "search", "value": ""}],
        "changedPropIds": ["patrol-month.value"]})
    assert response.status_code == 200, response.data[:300]
    raw = response.data
    body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
    return json.dumps(json.loads(body)["response"], ensure_ascii=False)


def test_the_page_shows_a_street_chief_their_street_only(att):
    world = att["world"]
    mine = attendance_call(att["app"], "chief_a", world.ids["street"])
    assert "月度考勤" in mine and "马小红" in mine and "杨帆" not in mine
    theirs = attendance_call(att["app"], "chief_a", world.ids["street_b"])
    assert "杨帆" not in theirs
    assert "月度考勤" in attendance_call(att["app"], "leader", world.ids["street_b"])
    bad = attendance_call(att["app"], "leader", world.ids["street"], month="2026-13")
    assert "month" in bad and "杨帆" not in bad and "马小红" not in bad


def test_a_street_chief_reads_the_month_on_the_page(dash_duo, att):
    street = att["world"].ids["street"]
    start_app(dash_duo, att["app"])
    login_browser(dash_duo, "chief_a", PASSWORD, f"/patrol?street={street}&date={DAY}")
    try:
        dash_duo.wait_for_contains_text("#patrol-attendance", "马小红", timeout=300)
    finally:
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.execute_script(
            "document.getElementById('patrol-attendance').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / "patrol_attendance.png"))
    text_ = dash_duo.find_element("#patrol-attendance").text
    assert f"月度考勤 · {DAY:%Y-%m}" in text_ and "杨帆" not in text_
    cell = dash_duo.find_element(f"#patrol-attendance td.att-day[title^='{DAY.isoformat()}']")
    assert cell.text == "迟早" and "迟到早退" in cell.get_attribute("title")   # 09:00 to 10:19
    xlsx = dash_duo.find_element("#patrol-attendance .patrol-download").get_attribute("href")
    assert "/api/v1/patrol/attendance?" in xlsx and "format=xlsx" in xlsx and f"street={street}" in xlsx


def test_one_workers_month_reads_their_community_only(att):
    world, month = att["world"], DAY.strftime("%Y-%m")
    worker_a, worker_b = world.users["worker_a"], world.users["worker_b"]
    one = client(att["app"], "leader").get(
        f"/api/v1/patrol/attendance?month={month}&worker={worker_a}").get_json()
    assert [w["username"] for w in one["workers"]] == ["worker_a"]
    # Outside the reader's street, or a worker and a street that do not match: nobody.
    theirs = client(att["app"], "chief_a").get(
        f"/api/v1/patrol/attendance?month={month}&worker={worker_b}").get_json()
    mismatch = client(att["app"], "leader").get(
        f"/api/v1/patrol/attendance?month={month}&worker={worker_b}"
        f"&street={world.ids['street']}").get_json()
    assert theirs["workers"] == [] and mismatch["workers"] == []
