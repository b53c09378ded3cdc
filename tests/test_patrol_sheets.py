"""The daily patrol sheet: computed from trusted fixes only, stored once a day is over, served
as JSON and XLSX by /api/v1/patrol/sheets within the caller's scope.
"""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pyproj import Transformer
from sqlalchemy import create_engine, text

from app import build_app
from data.patrol.sheets import compute_sheets
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.patrol_world import DAY, build_patrol_world
from tests.workflow_world import PASSWORD

TO_UTM = Transformer.from_crs(4326, 32650, always_xy=True)


@pytest.fixture(scope="module")
def patrol_db(server_settings):
    url = create_test_database(server_settings, "patrol_sheets")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_patrol_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"url": url, "settings": settings, "world": world, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def patrol_app(patrol_db):
    return build_app(patrol_db["settings"])


def expected(fixes):
    """The sheet's figures recomputed here, by the rules the sheet states (gaps over 5 min
    count neither time nor distance; an interval belongs to the grid of the fix it starts at).
    """
    km = on = off = 0.0
    for (t0, lon0, lat0, g0), (t1, lon1, lat1, _) in zip(fixes, fixes[1:]):
        dt = (t1 - t0).total_seconds()
        if dt > 300:
            continue
        (x0, y0), (x1, y1) = TO_UTM.transform(lon0, lat0), TO_UTM.transform(lon1, lat1)
        km += ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / 1000
        on, off = (on + dt, off) if g0 == "A" else (on, off + dt)
    return km, on / 60, off / 60


def sheet_of(rows, username):
    return next(r for r in rows if r["username"] == username)


def test_the_sheet_counts_good_fixes_only(patrol_db):
    fixes = patrol_db["world"].fixes
    with patrol_db["engine"].connect() as conn:
        rows = compute_sheets(conn, DAY)
    a = sheet_of(rows, "worker_a")
    km, on, off = expected(fixes)
    assert a["first_fix"] == fixes[0][0] and a["last_fix"] == fixes[-1][0]
    assert a["fixes"] == len(fixes)                    # the flagged fix is not one of them
    assert a["km"] == pytest.approx(km, abs=0.002)     # nor is it 15 km away in the distance
    assert a["minutes_on_beat"] == pytest.approx(on, abs=0.1)
    assert a["minutes_off_beat"] == pytest.approx(off, abs=0.1)
    assert a["minutes_off_beat"] == pytest.approx(89 * 10 / 60, abs=0.1)   # 90 fixes in B
    assert on + off < 66                               # the 30-minute silence counts nowhere
    assert a["stops"] == 1                             # the 10 minutes standing still
    assert a["reports"] == 1 and a["set_aside"] == 3
    assert 0 < a["beat_covered"] < 0.2                 # one line across a 1 km² grid
    b = sheet_of(rows, "worker_b")
    assert b["first_fix"] is None and b["km"] == 0 and b["stops"] == 0


def get(app, username, query):
    client = app.server.test_client()
    login_client(client, username, PASSWORD)
    return client.get(f"/api/v1/patrol/sheets?{query}")


def test_the_api_serves_a_row_per_worker_in_scope(patrol_app, patrol_db):
    body = get(patrol_app, "leader", f"date={DAY}").get_json()
    assert [s["worker"] for s in body["sheets"]] == ["worker_a", "worker_b"]
    a = body["sheets"][0]
    for key in ("worker", "grid_code", "first_fix", "last_fix", "km", "minutes_on_beat",
                "beat_covered", "stops", "reports", "set_aside"):
        assert key in a
    assert a["grid_code"] == "120106001001001" and a["reports"] == 1
    assert sum(s["workers"] for s in body["streets"]) == 2
    assert {c["on_duty"] for c in body["communities"]} == {0, 1}
    chief = get(patrol_app, "chief_a", f"date={DAY}").get_json()
    assert [s["worker"] for s in chief["sheets"]] == ["worker_a"]
    community_b = get(patrol_app, "community_b", f"date={DAY}").get_json()
    assert [s["worker"] for s in community_b["sheets"]] == ["worker_b"]
    # Asking for another street narrows to nothing; it never widens the scope.
    street_b = patrol_db["world"].world.ids["street_b"]
    assert get(patrol_app, "chief_a", f"date={DAY}&street={street_b}").get_json()["sheets"] == []
    worker = patrol_db["world"].world.users["worker_a"]
    one = get(patrol_app, "leader", f"date={DAY}&worker={worker}").get_json()
    assert [s["worker"] for s in one["sheets"]] == ["worker_a"]


@pytest.mark.parametrize("username", ["analyst", "worker_a", "officer_road", "wall"])
def test_roles_that_do_not_supervise_patrols_are_refused(patrol_app, username):
    assert get(patrol_app, username, f"date={DAY}").status_code == 403


@pytest.mark.parametrize("query, field", [("date=2026-13-01", "date"), ("date=2999-01-01", "date"),
                                          ("street=x", "street"), ("format=csv", "format")])
def test_bad_input_is_a_400_naming_the_field(patrol_app, query, field):
    response = get(patrol_app, "leader", query)
    assert response.status_code == 400 and response.get_json()["field"] == field


def test_a_closed_day_is_stored_once_and_read_back(patrol_app, patrol_db):
    with patrol_db["engine"].begin() as conn:
        conn.execute(text("delete from patrol_sheets"))
    first = get(patrol_app, "leader", f"date={DAY}").get_json()
    with patrol_db["engine"].connect() as conn:
        stored = conn.execute(text("select count(*), min(computed_at) from patrol_sheets "
                                   "where day = :d"), {"d": DAY}).one()
    assert stored[0] == 2
    again = get(patrol_app, "leader", f"date={DAY}").get_json()
    assert again["sheets"] == first["sheets"]
    with patrol_db["engine"].connect() as conn:
        assert conn.execute(text("select min(computed_at) from patrol_sheets")).scalar() == stored[1]


def test_the_xlsx_has_the_sheet_and_its_rollups(patrol_app, patrol_db):
    with patrol_db["engine"].begin() as conn:
        conn.execute(text("update users set display_name = '=HYPERLINK(1)' "
                          "where username = 'worker_b'"))
        conn.execute(text("delete from patrol_sheets"))
    try:
        response = get(patrol_app, "leader", f"date={DAY}&format=xlsx")
    finally:
        with patrol_db["engine"].begin() as conn:
            conn.execute(text("update users set display_name = '杨帆' where username = 'worker_b'"))
            conn.execute(text("delete from patrol_sheets"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["网格员巡查日报", "按社区", "按街道"]
    rows = list(book["网格员巡查日报"].values)
    assert rows[0][:4] == ("街道", "社区", "网格", "网格员") and len(rows) == 3
    names = [r[3] for r in rows[1:]]
    assert "马小红" in names and "'=HYPERLINK(1)" in names
    assert len(list(book["按街道"].values)) == 3


def test_todays_district_is_the_jobs_snapshot_until_the_day_is_over(patrol_db):
    from datetime import datetime, time, timedelta

    from data.db import Database
    from workflow.accounts import load_actor
    from workflow.clock import BEIJING
    from workflow.patrol.sheets import daily_sheets, ensure_stored, refresh_today

    engine, world = patrol_db["engine"], patrol_db["world"].world
    with engine.begin() as conn:
        conn.execute(text("delete from patrol_sheets where day = :d"), {"d": DAY})
        leader = load_actor(conn, world.users["leader"])
    evening = datetime.combine(DAY, time(18), tzinfo=BEIJING)     # DAY is "today" here
    db = Database(patrol_db["settings"])

    def stamps(rows):
        return {r["computed_at"] for r in rows}

    def figures(rows):
        return [{k: v for k, v in r.items() if k != "computed_at"} for r in rows]

    try:
        assert refresh_today(db, evening, 300)
        assert not refresh_today(db, evening + timedelta(seconds=299), 300)   # not due yet
        later = evening + timedelta(minutes=4)
        snapshot = daily_sheets(db, leader, DAY, later, snapshot_s=600)
        live = daily_sheets(db, leader, DAY, later)
        assert stamps(snapshot) == {evening} and stamps(live) == {None}
        assert figures(snapshot) == figures(live) and len(live) == 2
        # A street is summed live; so is the district once the snapshot is overdue.
        street = daily_sheets(db, leader, DAY, later, world.ids["street"], snapshot_s=600)
        assert stamps(street) == {None}
        assert stamps(daily_sheets(db, leader, DAY, evening + timedelta(minutes=11),
                                   snapshot_s=600)) == {None}
        # After midnight the snapshot is no stored day: the day is summed whole, once.
        night = evening + timedelta(hours=7)
        assert ensure_stored(db, DAY, night)
        assert stamps(daily_sheets(db, leader, DAY, night)) == {night}
        assert not ensure_stored(db, DAY, night + timedelta(minutes=1))
    finally:
        db.dispose()
