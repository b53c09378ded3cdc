"""Retention: a day past the kept days loses its raw fixes by a dropped partition, keeps its
sheet and a simplified track, and still replays.
"""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from data.db import Database
from data.positions import ensure_partition
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.patrol_world import DAY, build_patrol_world
from workflow.accounts import load_actor
from workflow.patrol.replay import replay_day
from workflow.patrol.retention import apply_retention

OLD = DAY - timedelta(days=40)


@pytest.fixture(scope="module")
def ret(server_settings):
    url = create_test_database(server_settings, "patrol_retention")
    engine = create_engine(url)
    with engine.begin() as conn:
        pw = build_patrol_world(conn)
        ensure_partition(conn, OLD)
        conn.execute(text("""
            insert into positions (device_id, user_id, device_time, server_time, grid_id, geom)
            select device_id, user_id, device_time - interval '40 days',
                   server_time - interval '40 days', grid_id, geom
            from positions where not flagged"""))
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, positions_keep_days=30)
    yield {"engine": engine, "settings": settings, "pw": pw}
    engine.dispose()
    drop_test_database(server_settings, url)


def test_old_days_are_dropped_whole_and_keep_sheet_and_track(ret):
    engine, settings, pw = ret["engine"], ret["settings"], ret["pw"]
    name = f"positions_{OLD:%Y%m%d}"
    db = Database(settings)
    try:
        dropped = apply_retention(db, settings, SESSION_NOW)
    finally:
        db.dispose()
    assert dropped == [name]
    with engine.connect() as conn:
        assert conn.execute(text("select to_regclass(:n)"), {"n": name}).scalar() is None
        assert conn.execute(text("select count(*) from positions where device_time < :d"),
                            {"d": SESSION_NOW - timedelta(days=35)}).scalar() == 0
        kept = conn.execute(text("select count(*) from positions")).scalar()
        # Storing the day's sheets stored its replay tracks too; they go with the fixes.
        assert conn.execute(text("select count(*) from patrol_tracks where day = :d"),
                            {"d": OLD}).scalar() == 0
        sheet = conn.execute(text("""select s.km, s.stops, s.track from patrol_sheets s
            join users u on u.id = s.user_id where s.day = :d and u.username = 'worker_a'"""),
            {"d": OLD}).one()
        replay = replay_day(conn, load_actor(conn, pw.world.users["leader"]), OLD, SESSION_NOW,
                            user_id=pw.world.users["worker_a"])
    assert kept == len(pw.fixes) + 1                 # yesterday's partition is untouched
    assert sheet.km > 2 and sheet.stops == 1 and sheet.track
    [worker] = replay["workers"]
    points = worker["fixes"]
    assert 4 <= len(points) < len(pw.fixes) / 5       # simplified: straight walks collapse
    shift = timedelta(days=40)
    assert points[0]["t"] == int((pw.fixes[0][0] - shift).timestamp())
    assert points[-1]["t"] == int((pw.fixes[-1][0] - shift).timestamp())
