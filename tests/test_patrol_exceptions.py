"""Patrol exceptions: the rules on their own, then detected from a scripted day, stored once,
listed and acknowledged within scope through the API, by the background job's round.
"""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from app import build_app
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.patrol_world import DAY, START, build_patrol_world
from tests.workflow_world import PASSWORD
from workflow.clock import BEIJING
from workflow.patrol.exceptions import detect
from workflow.patrol.rules import Thresholds, low_battery, no_fix, off_beat
from workflow.patrol.ticker import patrol_round

TH = Thresholds()
W = [(0.0, 3 * 3600.0)]


def test_off_beat_needs_more_than_ten_minutes_and_ends_back_on_the_beat():
    t = [k * 60.0 for k in range(30)]
    grids = [1] * 5 + [2] * 11 + [1] * 14          # off from minute 5 to minute 16
    assert off_beat(t, grids, {1}, W, 10_000, TH) == [("off_beat", 300.0, 960.0)]
    short = [1] * 5 + [2] * 9 + [1] * 16
    assert off_beat(t, short, {1}, W, 10_000, TH) == []
    still_off = [1] * 5 + [2] * 25
    assert off_beat(t, still_off, {1}, W, 1_800, TH) == [("off_beat", 300.0, None)]


def test_no_fix_counts_silences_inside_the_window_only():
    t = [600.0, 700.0, 3000.0]
    events = no_fix(t, W, 20_000, TH)
    assert ("no_fix", 0.0, 600.0) not in events        # 10 minutes: under the threshold
    assert ("no_fix", 700.0, 3000.0) in events and ("no_fix", 3000.0, 10_800.0) in events
    # While the window is open, a silence reaching now is still going on.
    assert no_fix(t, W, 5_000, TH)[-1] == ("no_fix", 3000.0, None)


def test_low_battery_runs_until_charged():
    assert low_battery([1, 2, 3, 4], [20, 14, 12, 40], 10, TH) == [("low_battery", 2, 4)]
    assert low_battery([1, 2], [20, 9], 10, TH) == [("low_battery", 2, None)]


@pytest.fixture(scope="module")
def exc_db(server_settings):
    url = create_test_database(server_settings, "patrol_exceptions")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_patrol_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"settings": settings, "world": world, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


def events(engine):
    with engine.connect() as conn:
        return conn.execute(text("""
            select u.username, e.kind, e.started_at, e.ended_at from patrol_exceptions e
            join users u on u.id = e.user_id order by u.username, e.started_at, e.kind""")).all()


def test_the_scripted_day_gives_its_exceptions_once(exc_db):
    engine, settings = exc_db["engine"], exc_db["settings"]
    with engine.begin() as conn:
        detect(conn, settings, DAY, SESSION_NOW)
    first = events(engine)
    a = [(k, s.astimezone(BEIJING).strftime("%H:%M"), e and e.astimezone(BEIJING).strftime("%H:%M"))
         for u, k, s, e in first if u == "worker_a"]
    # Out of grid A from 09:30, back at 10:15 (last seen off the beat before the silence).
    assert ("off_beat", "09:30", "10:15") in a
    assert ("no_fix", "09:44", "10:15") in a            # the 30-minute silence
    assert ("no_fix", "14:00", "17:00") in a            # the whole afternoon
    assert not [k for k, *_ in a if k in ("idle", "low_battery")]   # 10 min still; 70% battery
    b = [(k, s.astimezone(BEIJING).strftime("%H:%M")) for u, k, s, _ in first if u == "worker_b"]
    assert b == [("no_fix", "08:30"), ("no_fix", "14:00")]
    with engine.begin() as conn:
        detect(conn, settings, DAY, SESSION_NOW)        # the job runs every minute
    assert events(engine) == first


def test_thresholds_are_settings(exc_db):
    settings = exc_db["settings"].with_overrides(patrol_idle_min=5.0)
    with exc_db["engine"].connect() as conn:
        detect(conn, settings, DAY, SESSION_NOW)
        idle = conn.execute(text("select started_at from patrol_exceptions where kind = 'idle'")).all()
        conn.rollback()
    # Within 30 m of 09:19:30 (two 12 m steps before standing still) for 10.5 minutes.
    assert [r.started_at for r in idle] == [START + timedelta(minutes=19, seconds=30)]


def client_for(app, username):
    client = app.server.test_client()
    login_client(client, username, PASSWORD)
    return client


def test_the_api_lists_and_acknowledges_within_scope(exc_db):
    app = build_app(exc_db["settings"])
    with exc_db["engine"].begin() as conn:
        detect(conn, exc_db["settings"], DAY, SESSION_NOW)
    chief = client_for(app, "chief_a")
    listed = chief.get(f"/api/v1/patrol/exceptions?date={DAY}").get_json()["exceptions"]
    assert listed and {e["username"] for e in listed} == {"worker_a"}
    off = next(e for e in listed if e["kind"] == "off_beat")
    url = f"/api/v1/patrol/exceptions/{off['id']}/acknowledge"
    assert client_for(app, "chief_b").post(url, json={"note": "x"}).status_code == 404
    assert client_for(app, "leader").post(url, json={"note": "x"}).status_code == 403
    bad = client_for(app, "operator").post(url, json={"note": "  "})
    assert bad.status_code == 400 and bad.get_json()["field"] == "note"
    ok = client_for(app, "operator").post(url, json={"note": "已电话核实：协助邻格处置"})
    assert ok.status_code == 200
    again = chief.post(url, json={"note": "再次"})
    assert again.status_code == 409
    after = client_for(app, "leader").get(f"/api/v1/patrol/exceptions?date={DAY}").get_json()
    acked = next(e for e in after["exceptions"] if e["id"] == off["id"])
    assert acked["acknowledged_by"] == "operator" and acked["note"] == "已电话核实：协助邻格处置"
    assert {e["username"] for e in after["exceptions"]} == {"worker_a", "worker_b"}
    assert client_for(app, "analyst").get("/api/v1/patrol/exceptions").status_code == 403


def test_the_background_round_takes_its_clock_from_the_settings(exc_db):
    late = datetime.combine(DAY + timedelta(days=1), datetime.min.time(), tzinfo=BEIJING) \
        + timedelta(hours=9)
    settings = exc_db["settings"].with_overrides(clock=lambda: late)
    from data.db import Database

    db = Database(settings)
    try:
        result = patrol_round(db, settings)
    finally:
        db.dispose()
    assert result["stored_yesterday"] in (True, False) and result["today_sheets"]
    with exc_db["engine"].connect() as conn:
        assert conn.execute(text("select count(*) from patrol_sheets where day = :d"),
                            {"d": DAY}).scalar() == 2
        # Today's snapshot so far, stamped with the settings' clock.
        assert conn.execute(text("select count(*), min(computed_at) from patrol_sheets "
                                 "where day = :d"), {"d": DAY + timedelta(days=1)}).one() \
            == (2, late)
        today = conn.execute(text("select count(*) from patrol_exceptions where day = :d"),
                             {"d": DAY + timedelta(days=1)}).scalar()
    assert today >= 2      # 08:30-09:00 today: nobody has sent a fix
