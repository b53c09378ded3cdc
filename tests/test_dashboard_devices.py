"""Phone health: the JSON endpoint and the /devices page, scoped like incidents, in Chromium too;
the attention rules and the silences in shift on their own.
"""
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import build_app
from data.devices import create_device
from data.queries.device_health import shift_gaps
from tests.auth_helpers import login_browser, login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.workflow_world import IN_A, IN_B, PASSWORD, build_world
from workflow.devices.health import attention_key, issues

SHOTS = Path(__file__).parent / "artifacts"
NOW = SESSION_NOW


def point(lon, lat):
    return f"SRID=4326;POINT({lon} {lat})"


@pytest.fixture(scope="module")
def phones_db(server_settings):
    url = create_test_database(server_settings, "devices")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        a, _ = create_device(conn, world.users["worker_a"], "A" * 4 + "x" * 18)
        b, _ = create_device(conn, world.users["worker_b"], "B" * 4 + "y" * 18)
        conn.execute(text("update devices set clock_offset_s = 600, clock_checked_at = :t "
                          "where id = :d"), {"t": NOW, "d": a})
        conn.execute(text("""
            insert into latest_positions (device_id, user_id, device_time, server_time, grid_id,
                                          battery, fixes_today, geom)
            values (:d, :u, :t, :t, :g, 64, 37, ST_GeomFromEWKT(:p))"""),
            {"d": a, "u": world.users["worker_a"], "t": NOW, "g": world.ids["grid"],
             "p": point(*IN_A)})
        for k, reason in enumerate(["outside_district"] * 3 + ["impossible_speed"]):
            conn.execute(text("""
                insert into set_aside_fixes (device_id, device_time, server_time, user_id, reason,
                                             battery, geom)
                values (:d, :t, :s, :u, :r, 63, ST_GeomFromEWKT(:p))"""),
                {"d": a, "t": NOW - timedelta(seconds=k + 1), "s": NOW, "u": world.users["worker_a"],
                 "r": reason, "p": point(117.2, 39.3)})
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"url": url, "settings": settings, "world": world, "engine": engine, "a": a, "b": b}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def phones_app(phones_db):
    return build_app(phones_db["settings"])


def health(phones_app, username):
    client = phones_app.server.test_client()
    login_client(client, username, PASSWORD)
    return client.get("/api/v1/devices/health")


def test_a_street_chief_sees_the_phones_of_the_street_and_what_is_wrong(phones_app, phones_db):
    response = health(phones_app, "chief_a")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [phone] = response.get_json()["devices"]
    assert phone["username"] == "worker_a" and phone["id"] == phones_db["a"]
    assert phone["device_id"] == "AAAA…"              # the identifier is a secret: never whole
    assert phone["fixes_today"] == 37 and phone["battery"] == 64
    assert phone["set_aside"] == {"outside_district": 3, "impossible_speed": 1}
    assert phone["set_aside_today"] == 4 and phone["clock_offset_s"] == 600
    assert "clock" in phone["issues"]
    assert datetime.fromisoformat(phone["last_fix"]) == NOW


def test_operators_see_the_district_and_others_are_refused(phones_app, phones_db):
    everyone = health(phones_app, "operator").get_json()
    assert {d["username"] for d in everyone["devices"]} == {"worker_a", "worker_b"}
    silent = next(d for d in everyone["devices"] if d["username"] == "worker_b")
    assert silent["last_fix"] is None and silent["fixes_today"] == 0
    assert [d["username"] for d in health(phones_app, "chief_b").get_json()["devices"]] == ["worker_b"]
    assert health(phones_app, "officer_road").status_code == 403
    assert health(phones_app, "worker_a").status_code == 403
    assert phones_app.server.test_client().get("/api/v1/devices/health").status_code == 401


def test_the_page_is_for_people_who_follow_phones(phones_app):
    client = phones_app.server.test_client()
    assert client.get("/devices").status_code == 302             # to the sign-in page
    login_client(client, "officer_road", PASSWORD)
    assert client.get("/devices").status_code == 403


def test_the_phones_that_need_attention_come_first():
    now = NOW
    rows = [
        {"username": "fine", "last_heard": now, "fixes_today": 100, "battery": 80},
        {"username": "dark", "last_heard": now - timedelta(minutes=25), "fixes_today": 50},
        {"username": "skewed", "last_heard": now, "fixes_today": 90, "clock_offset_s": -600},
        {"username": "asleep", "last_heard": None, "fixes_today": 0},
        {"username": "walked_home", "last_heard": now, "fixes_today": 40, "set_aside_today": 60,
         "battery": 15},
    ]
    for row in rows:
        row["issues"] = issues(row, now, on_shift=True)
    assert [r["username"] for r in sorted(rows, key=attention_key)] == [
        "dark", "asleep", "walked_home", "skewed", "fine"]
    assert rows[4]["issues"] == ["low_battery", "set_aside"]
    off = {"username": "x", "last_heard": None, "fixes_today": 0}
    assert issues(off, now, on_shift=False) == []        # nobody is expected out of shift


def test_silences_in_shift_are_counted_from_the_windows_edges(phones_db):
    day = datetime(2026, 6, 1, tzinfo=UTC)
    windows = [(day, day + timedelta(hours=1)), (day + timedelta(hours=2), day + timedelta(hours=3))]
    engine, d, u = phones_db["engine"], phones_db["b"], phones_db["world"].users["worker_b"]
    with engine.connect() as conn, conn.begin():
        conn.execute(text("select hq_ensure_position_partition(cast(:d as date))"), {"d": day.date()})
        # Fixes every minute from 00:15 to 00:45, nothing in the second window.
        for k in range(31):
            conn.execute(text("insert into positions (device_id, device_time, user_id, geom) "
                              "values (:d, :t, :u, ST_GeomFromEWKT(:p))"),
                         {"d": d, "t": day + timedelta(minutes=15 + k), "u": u, "p": point(*IN_B)})
        gaps = shift_gaps(conn, [d], windows, 600)
        conn.rollback()
    # 00:00-00:15, 00:45-01:00 and the whole second hour.
    assert gaps[d]["gaps"] == 3 and gaps[d]["gap_s"] == pytest.approx(15 * 60 * 2 + 3600)


def test_in_chromium_a_street_chief_opens_the_phones_of_the_street(dash_duo, phones_app):
    start_app(dash_duo, phones_app)
    login_browser(dash_duo, "chief_a", PASSWORD, "/devices")
    dash_duo.wait_for_contains_text(".devices-table", "worker_a", timeout=15)
    dash_duo.wait_for_contains_text(".devices-table", "时钟不准", timeout=5)
    dash_duo.wait_for_contains_text(".devices-table", "辖区外 3", timeout=5)
    table = dash_duo.find_element(".devices-table").text
    assert "worker_b" not in table and "+10 min" in table and "64%" in table
    dash_duo.wait_for_contains_text("#devices-summary", "手机", timeout=5)
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "devices_health.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []
