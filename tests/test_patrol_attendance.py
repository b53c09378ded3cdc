"""Attendance: statuses from the first and last good fix against the street's shifts, leave
recorded within scope, the month as JSON and XLSX.
"""
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine

from app import build_app
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.patrol_world import DAY, build_patrol_world
from tests.workflow_world import PASSWORD
from workflow.clock import BEIJING
from workflow.patrol.attendance import day_status

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
