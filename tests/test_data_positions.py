"""Positions in PostGIS: day partitions across Beijing midnight, batched writes, the queries."""
import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from data.db import Database
from data.devices import create_device, demo_token, find_device, find_device_by_token, hash_token
from data.models import Grid, LatestPosition
from data.positions import (
    Fix,
    ensure_current_partitions,
    ensure_partition,
    local_day,
    patrol_coverage,
    recent_tracks,
    track_arrays,
    worker_history,
    worker_status,
    write_fixes,
)
from tests import factories as f
from tests.clock import SESSION_NOW

BJ = timezone(timedelta(hours=8))
M = 1 / 111_195.0          # a metre of latitude in degrees
EAST_HALF = "SRID=4326;MULTIPOLYGON(((117.11 39.15,117.12 39.15,117.12 39.16,117.11 39.16,117.11 39.15)))"
FAR_AWAY = "SRID=4326;MULTIPOLYGON(((117.20 39.15,117.21 39.15,117.21 39.16,117.20 39.16,117.20 39.15)))"


@pytest.fixture
def world(conn):
    ids = f.hierarchy(conn)
    for name, code, geom in (("east", "120106001001002", EAST_HALF),
                             ("far", "120106001001003", FAR_AWAY)):
        ids[name] = conn.execute(insert(Grid).values(
            code=code, community_id=ids["community"], street_id=ids["street"], name_zh=name,
            area_km2=1.0, population=1, geom=geom).returning(Grid.id)).scalar_one()
    ids.update(f.patrol_worker(conn, ids["grid"], "worker1", "phone-1"))
    return ids


def fix(w, when, lon=117.105, lat=39.155, **kw):
    return Fix(w["device"], w["user"], when, lon, lat, **kw)


def partition_of(conn, device_pk, when):
    return conn.execute(text("select tableoid::regclass::text from positions "
                             "where device_id = :d and device_time = :t"),
                        {"d": device_pk, "t": when}).scalar_one()


def test_local_day_is_beijing_time():
    assert local_day(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert local_day(datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_partitions_are_made_ahead_across_midnight(test_settings, engine):
    db = Database(test_settings, engine=engine)
    before_midnight = datetime(2026, 3, 1, 23, 59, 30, tzinfo=BJ)
    names = ensure_current_partitions(db, now=before_midnight)
    assert names[-2:] == ["positions_20260301", "positions_20260302"]
    assert names[0] == "positions_20260222" and len(names) == 9
    assert ensure_current_partitions(db, now=before_midnight) == names     # idempotent


def test_fixes_either_side_of_beijing_midnight_land_in_their_days(conn, world):
    ensure_partition(conn, date(2026, 3, 1))
    ensure_partition(conn, date(2026, 3, 2))
    late, early = datetime(2026, 3, 1, 23, 59, 50, tzinfo=BJ), datetime(2026, 3, 2, 0, 0, 10, tzinfo=BJ)
    write_fixes(conn, [fix(world, late), fix(world, early)])
    assert partition_of(conn, world["device"], late) == "positions_20260301"
    assert partition_of(conn, world["device"], early) == "positions_20260302"


def test_fixes_caught_in_the_default_partition_are_moved_into_their_day(conn, world):
    when = datetime(2025, 6, 15, 12, 0, tzinfo=BJ)
    write_fixes(conn, [fix(world, when), fix(world, when + timedelta(seconds=10))])
    assert partition_of(conn, world["device"], when) == "positions_default"
    assert ensure_partition(conn, date(2025, 6, 15)) == "positions_20250615"
    assert partition_of(conn, world["device"], when) == "positions_20250615"
    count = conn.execute(text("select count(*) from positions_default")).scalar_one()
    assert count == 0


def test_writes_find_the_grid_skip_duplicates_and_move_latest_forward(conn, world):
    ensure_partition(conn, local_day(SESSION_NOW))
    now = SESSION_NOW.replace(microsecond=0)
    batch = [fix(world, now - timedelta(seconds=30)),
             fix(world, now - timedelta(seconds=20), lon=117.115, battery=60),
             fix(world, now - timedelta(seconds=10), lon=117.30, battery=77)]   # in no grid
    first = write_fixes(conn, batch)
    assert first.inserted == 3 and first.previous == {}
    result = write_fixes(conn, batch[:2] + [fix(world, now - timedelta(seconds=40), battery=99)])
    assert (result.inserted, result.duplicates) == (1, 2)
    [(lon, lat, t, acc)] = result.previous.values()
    assert (lon, lat, t) == (117.30, 39.155, (now - timedelta(seconds=10)).timestamp())
    assert math.isnan(acc)
    grids = conn.execute(text("select grid_id from positions where device_id = :d "
                              "order by device_time"), {"d": world["device"]}).scalars().all()
    assert grids == [world["grid"], world["grid"], world["east"], None]
    latest = conn.execute(select(LatestPosition)).one()
    assert latest.device_time == now - timedelta(seconds=10)     # the older late fix did not win
    # Today's fixes only: at 00:00:30 the late one, 40 s before, was yesterday's.
    times = [now - timedelta(seconds=k) for k in (30, 20, 10, 40)]
    today = sum(local_day(t) == local_day(now) for t in times)
    assert latest.fixes_today == today and latest.battery == 77 and latest.grid_id is None


def test_a_failed_batch_writes_nothing(conn, world):
    ensure_partition(conn, local_day(SESSION_NOW))
    now = SESSION_NOW
    with pytest.raises(DBAPIError):       # battery 500 breaks the table's check
        with conn.begin_nested():
            write_fixes(conn, [fix(world, now), fix(world, now + timedelta(seconds=1), battery=500)])
    assert conn.execute(text("select count(*) from positions")).scalar_one() == 0
    assert conn.execute(text("select count(*) from latest_positions")).scalar_one() == 0


def test_worker_status_says_who_is_online(conn, world):
    ensure_partition(conn, local_day(SESSION_NOW))
    idle = f.patrol_worker(conn, world["grid"], "worker2", "phone-2")
    f.patrol_worker(conn, world["grid"], "worker3", "phone-3")     # never sent anything
    now = SESSION_NOW.replace(microsecond=0)
    write_fixes(conn, [fix(world, now - timedelta(minutes=1)), fix(idle, now - timedelta(minutes=6))])
    status = worker_status(conn, now=now).set_index("user_id")
    assert status.loc[world["user"], "online"] and not status.loc[idle["user"], "online"]
    assert status["online"].sum() == 1 and status["device_time"].isna().sum() == 1
    assert status.loc[world["user"], "device_id"] == "phone-1"
    assert status.loc[world["user"], "lon"] == pytest.approx(117.105)


def crafted_route(w, start, n=30, dt=10):
    """North along a straight street, 10 m per fix, then east: two legs, one corner."""
    pts = [(117.1020, 39.1520 + k * 10 * M) for k in range(n // 2)]
    pts += [(117.1020 + k * 13e-5, pts[-1][1]) for k in range(1, n - n // 2 + 1)]
    return [fix(w, start + timedelta(seconds=k * dt), lon, lat, accuracy_m=5.0)
            for k, (lon, lat) in enumerate(pts)]


def test_tracks_are_simplified_in_metres_and_skip_flagged_fixes(conn, world):
    ensure_partition(conn, local_day(SESSION_NOW))
    now = SESSION_NOW.replace(microsecond=0)
    route = crafted_route(world, now - timedelta(minutes=6))
    route[7] = route[7]._replace(lon=117.1030, flagged=True)       # an inaccurate fix, 85 m off
    write_fixes(conn, route + [fix(world, now - timedelta(minutes=40), lon=117.108)])
    tracks = recent_tracks(conn, minutes=10, tolerance_m=3.0, now=now)
    assert len(tracks) == 1 and tracks.loc[0, "points"] == 29
    lon, lat = tracks.loc[0, "lon"], tracks.loc[0, "lat"]
    assert len(lon) == len(lat) == 3                                      # start, corner, end
    assert lon[0] == pytest.approx(117.1020) and lon[-1] == pytest.approx(route[-1].lon)
    lons, lats = track_arrays(tracks)
    assert lons[-1] is None and len(lons) == 4


def test_a_phone_standing_still_is_a_dot_not_an_error(conn, world):
    ensure_partition(conn, local_day(SESSION_NOW))
    now = SESSION_NOW.replace(microsecond=0)
    still = [fix(world, now - timedelta(seconds=10 * k), accuracy_m=5.0) for k in range(1, 6)]
    write_fixes(conn, still)
    tracks = recent_tracks(conn, minutes=10, tolerance_m=5.0, now=now)
    assert len(tracks) == 1 and tracks.loc[0, "points"] == 5
    assert tracks.loc[0, "lon"] == [pytest.approx(117.105)] * 2


def test_coverage_counts_time_within_each_grid_and_ignores_gaps(conn, world):
    ensure_partition(conn, date(2026, 3, 1))
    ensure_partition(conn, date(2026, 2, 28))
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=BJ)
    west = [fix(world, t0 + timedelta(seconds=10 * k), 117.1095, 39.155) for k in range(10)]
    east = [fix(world, t0 + timedelta(seconds=100 + 10 * k), 117.1105, 39.155) for k in range(5)]
    back = [fix(world, t0 + timedelta(seconds=1200 + 10 * k), 117.1105, 39.155) for k in range(3)]
    yesterday = [fix(world, t0 - timedelta(days=1), 117.1095, 39.155)]
    write_fixes(conn, west + east + back + yesterday)
    cov = patrol_coverage(conn, date(2026, 3, 1)).set_index("grid_id")
    assert cov.loc[world["grid"], "visited"] and cov.loc[world["east"], "visited"]
    assert not cov.loc[world["far"], "visited"] and cov.loc[world["far"], "fixes"] == 0
    assert cov.loc[world["grid"], "time_spent_s"] == 90       # 9 intervals of 10 s
    assert cov.loc[world["east"], "time_spent_s"] == 60       # 4 + 2 intervals; the gap is not
    assert cov.loc[world["grid"], "fixes"] == 10 and cov.loc[world["east"], "workers"] == 1
    assert cov.loc[world["east"], "first_visit"] == t0 + timedelta(seconds=100)
    assert cov.loc[world["east"], "last_visit"] == t0 + timedelta(seconds=1220)


def test_history_is_one_worker_one_day_in_order(conn, world):
    ensure_partition(conn, date(2026, 3, 1))
    ensure_partition(conn, date(2026, 3, 2))
    other = f.patrol_worker(conn, world["grid"], "worker2", "phone-2")
    t0 = datetime(2026, 3, 1, 23, 59, 40, tzinfo=BJ)
    mine = [fix(world, t0 + timedelta(seconds=10 * k), accuracy_m=500.0, flagged=True)
            if k == 1 else fix(world, t0 + timedelta(seconds=10 * k)) for k in range(4)]
    write_fixes(conn, list(reversed(mine)) + [fix(other, t0)])
    history = worker_history(conn, world["user"], date(2026, 3, 1))
    assert history["device_time"].tolist() == [m.time for m in mine[:2]]
    assert history["flagged"].tolist() == [False, True]
    assert len(worker_history(conn, world["user"], date(2026, 3, 2))) == 2


def test_device_tokens_are_stored_only_as_hashes(conn, world):
    pk, token = create_device(conn, world["user"], "phone-9")
    stored = conn.execute(text("select token_hash from devices where id = :i"), {"i": pk}).scalar_one()
    assert stored == hash_token(token) and token not in stored and len(stored) == 64
    assert find_device_by_token(conn, token).id == pk
    assert find_device_by_token(conn, token + "x") is None
    assert find_device(conn, "phone-9").user_id == world["user"]
    assert find_device(conn, "nobody") is None
    assert demo_token("hq00001", "pw") == demo_token("hq00001", "pw") != demo_token("hq00002", "pw")
    pk2, token2 = create_device(conn, world["user"], "phone-10", demo_token("phone-10", "pw"))
    assert token2 == demo_token("phone-10", "pw") and find_device_by_token(conn, token2).id == pk2


def test_fixes_set_aside_long_ago_are_forgotten(conn, world):
    from data.positions import prune_set_aside

    now = SESSION_NOW
    for days in (1, 89, 91, 400):
        conn.execute(text("insert into set_aside_fixes (device_id, device_time, server_time, "
                          "user_id, reason, geom) values (:d, :t, :t, :u, 'outside_district', "
                          "ST_GeomFromText('POINT(117.3 39.3)', 4326))"),
                     {"d": world["device"], "u": world["user"], "t": now - timedelta(days=days)})
    assert prune_set_aside(conn, now) == 2
    left = conn.execute(text("select count(*) from set_aside_fixes")).scalar_one()
    assert left == 2
