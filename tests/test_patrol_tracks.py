"""Replay of a closed day reads its stored tracks (equal to the raw read), stored once even
when first readers come together; today is still read from the raw fixes.
"""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from data.db import Database
from data.patrol.replay import day_fixes
from data.patrol.tracks import store_tracks, stored_tracks
from data.positions import ensure_partition
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.patrol_world import DAY, build_patrol_world
from workflow.accounts import load_actor
from workflow.clock import BEIJING
from workflow.patrol.replay import replay_day
from workflow.patrol.sheets import ensure_stored

TODAY = SESSION_NOW.astimezone(BEIJING).date()
EARLIER = DAY - timedelta(days=2)        # a closed day nobody has read yet
# worker_a's scripted day copied onto other days (only the scripted day's own fixes).
COPY = """
insert into positions (device_id, user_id, device_time, server_time, grid_id, geom)
select device_id, user_id, device_time + make_interval(days => :shift),
       server_time + make_interval(days => :shift), grid_id, geom
from positions where not flagged and device_time >= :lo and device_time < :hi"""


@pytest.fixture(scope="module")
def tracks_db(server_settings):
    url = create_test_database(server_settings, "patrol_tracks")
    engine = create_engine(url)
    with engine.begin() as conn:
        pw = build_patrol_world(conn)
        lo = datetime.combine(DAY, datetime.min.time(), tzinfo=BEIJING)
        for shift in (1, -2, -3):
            ensure_partition(conn, DAY + timedelta(days=shift))
            conn.execute(text(COPY), {"shift": shift, "lo": lo, "hi": lo + timedelta(days=1)})
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"engine": engine, "pw": pw, "settings": settings}
    engine.dispose()
    drop_test_database(server_settings, url)


def _replay(conn, pw, day, **area):
    actor = load_actor(conn, pw.world.users["leader"])
    return replay_day(conn, actor, day, SESSION_NOW, **area)


def _rows(conn, day) -> list:
    return conn.execute(text("select user_id, step_s, stored_at from patrol_tracks "
                             "where day = :d order by user_id, step_s"), {"d": day}).all()


def test_a_closed_day_comes_from_its_stored_tracks_equal_to_the_raw_fixes(tracks_db):
    pw, worker = tracks_db["pw"], tracks_db["pw"].world.users["worker_a"]
    with tracks_db["engine"].connect() as conn:
        [first] = _replay(conn, pw, DAY, user_id=worker)["workers"]
        raw = [{"t": f["t"], "lon": f["lon"], "lat": f["lat"]}
               for f in day_fixes(conn, DAY, [worker], 1)]
        assert first["fixes"] == raw and len(raw) == len(pw.fixes)   # tolerance: none
        assert [(r.user_id, r.step_s) for r in _rows(conn, DAY)] == [(worker, 1)]
        # The stored row is what is served: shorten it and replay shortens with it.
        conn.execute(text("""update patrol_tracks set track = (
            select json_agg(p)::text from (select p from json_array_elements(track::json)
            with ordinality e(p, n) where n > 1 order by n) x)
            where day = :d and user_id = :u"""), {"d": DAY, "u": worker})
        conn.commit()
        [again] = _replay(conn, pw, DAY, user_id=worker)["workers"]
        assert again["fixes"] == raw[1:]
        assert len(again["stops"]) == 1
        # A street's thinning (one per 30 s) is stored as the raw read thins it.
        store_tracks(conn, DAY, [worker], 30, SESSION_NOW)
        thinned = [{"t": f["t"], "lon": f["lon"], "lat": f["lat"]}
                   for f in day_fixes(conn, DAY, [worker], 30)]
        assert stored_tracks(conn, DAY, [worker], 30) == {worker: thinned}
        assert 0 < len(thinned) < len(raw) / 2
        conn.rollback()


def test_today_is_read_from_the_raw_fixes_and_stores_nothing(tracks_db):
    pw, worker = tracks_db["pw"], tracks_db["pw"].world.users["worker_a"]
    with tracks_db["engine"].connect() as conn:
        [today] = _replay(conn, pw, TODAY, user_id=worker)["workers"]
        raw = [{"t": f["t"], "lon": f["lon"], "lat": f["lat"]}
               for f in day_fixes(conn, TODAY, [worker], 1)]
        assert today["fixes"] == raw and len(raw) == len(pw.fixes)
        assert _rows(conn, TODAY) == []


def test_concurrent_first_reads_of_a_closed_day_store_its_tracks_once(tracks_db):
    pw, engine = tracks_db["pw"], tracks_db["engine"]
    worker, idle = pw.world.users["worker_a"], pw.world.users["worker_b"]
    readers, barrier, results, errors = 4, threading.Barrier(4), [], []

    def read():
        try:
            with engine.connect() as conn:
                barrier.wait(timeout=30)
                results.append(_replay(conn, pw, EARLIER, user_id=worker)["workers"][0])
        except Exception as err:          # noqa: BLE001 - surfaced by the assert below
            errors.append(err)

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == readers
    assert all(r["fixes"] == results[0]["fixes"] for r in results)
    assert len(results[0]["fixes"]) == len(pw.fixes)
    with engine.connect() as conn:
        rows = _rows(conn, EARLIER)
        assert [(r.user_id, r.step_s) for r in rows] == [(worker, 1)]
        # Read again: nothing more stored, the row untouched; a worker without a fix that day
        # has no row and nothing to show.
        _replay(conn, pw, EARLIER, user_id=worker)
        [quiet] = _replay(conn, pw, EARLIER, user_id=idle)["workers"]
        assert _rows(conn, EARLIER) == rows and quiet["fixes"] == []


def test_summing_a_closed_days_sheets_stores_its_tracks_too(tracks_db):
    day, worker = EARLIER - timedelta(days=1), tracks_db["pw"].world.users["worker_a"]
    db = Database(tracks_db["settings"])
    try:
        assert ensure_stored(db, day, SESSION_NOW)
        assert not ensure_stored(db, TODAY, SESSION_NOW)
    finally:
        db.dispose()
    with tracks_db["engine"].connect() as conn:
        assert [(r.user_id, r.step_s) for r in _rows(conn, day)] == [(worker, 1), (worker, 30)]
        assert len(stored_tracks(conn, day, [worker], 1)[worker]) == len(tracks_db["pw"].fixes)
        assert _rows(conn, TODAY) == []


def test_readers_finding_a_closed_day_missing_at_once_store_it_once(tracks_db):
    """The /patrol page's callbacks, the round job and attendance may all find a closed day
    unstored at the same moment: one stores it, the others wait and find it stored (before,
    the second delete-then-insert failed on the sheets' key and its callback showed nothing).
    """
    day = EARLIER - timedelta(days=2)
    dbs = [Database(tracks_db["settings"]) for _ in range(4)]
    barrier, stored, errors = threading.Barrier(len(dbs)), [], []

    def store(db):
        try:
            barrier.wait(timeout=30)
            stored.append(ensure_stored(db, day, SESSION_NOW))
        except Exception as err:          # noqa: BLE001 - surfaced by the assert below
            errors.append(err)

    threads = [threading.Thread(target=store, args=(db,)) for db in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for db in dbs:
        db.dispose()
    assert errors == [] and sorted(stored) == [False, False, False, True]
    with tracks_db["engine"].connect() as conn:
        sheets = conn.execute(text("select count(*) from patrol_sheets where day = :d"),
                              {"d": day}).scalar()
        workers = conn.execute(text("select count(*) from users "
                                    "where role = 'grid_worker' and active")).scalar()
    assert sheets == workers > 0             # one sheet per worker, stored once
