"""Group commit: many requests' fixes in one statement, with each job's own outcome."""
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api.ingest.group_writer import GroupWriter, Job
from api.ingest.ingestor import Ingestor
from api.ingest.osmand import Reading
from data.db import Database
from data.positions import Fix
from tests import factories as f
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database

M = 1 / 111_195.0


@pytest.fixture(scope="module")
def world(server_settings):
    url = create_test_database(server_settings, "group")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    db = Database(settings)
    with db.begin() as conn:
        grid = f.hierarchy(conn)["grid"]
        phones = [f.patrol_worker(conn, grid, f"worker{k}", f"phone-{k}") for k in range(40)]
    yield settings, db, phones
    db.dispose()
    drop_test_database(server_settings, url)


def job(phone, when, north_m=0.0, index=0):
    fix = Fix(phone["device"], phone["user"], when, 117.105, 39.155 + north_m * M, accuracy_m=5.0)
    return Job(phone["device"], [fix], [5.0], [index])


def count(db, device_pk):
    with db.connect() as conn:
        return conn.execute(text("select count(*) from positions where device_id = :d"),
                            {"d": device_pk}).scalar_one()


def aside_count(db, device_pk):
    with db.connect() as conn:
        return conn.execute(text("select count(*) from set_aside_fixes where device_id = :d"),
                            {"d": device_pk}).scalar_one()


def test_a_jump_is_set_aside_without_sinking_the_group(world):
    settings, db, phones = world
    writer = GroupWriter(db, settings)
    t = SESSION_NOW.replace(microsecond=0) - timedelta(minutes=5)
    writer.commit([job(phones[0], t), job(phones[1], t)])
    a = job(phones[0], t + timedelta(seconds=10), north_m=10)
    b = job(phones[1], t + timedelta(seconds=10), north_m=1000)    # 1 km in 10 s
    again = job(phones[0], t + timedelta(seconds=10), north_m=10)   # a retry of a
    c = job(phones[0], t + timedelta(seconds=20), north_m=20)       # after a: same device
    writer.commit([a, b, again, c])
    assert (a.result, again.result, c.result) == (
        [("accepted", None)], [("duplicate", None)], [("accepted", None)])
    assert b.error is None and b.result == [("set_aside", "impossible_speed")]
    assert count(db, phones[0]["device"]) == 3 and count(db, phones[1]["device"]) == 1
    assert aside_count(db, phones[1]["device"]) == 1


def test_a_jump_is_judged_from_what_the_database_holds(world):
    """Another process wrote the device's last fix: this writer's own memory of it is stale,
    the statement reads the real one, and the group is planned again from it.
    """
    settings, db, phones = world
    ours, theirs = GroupWriter(db, settings), GroupWriter(db, settings)
    t = SESSION_NOW.replace(microsecond=0) - timedelta(minutes=10)
    ours.commit([job(phones[3], t)])
    theirs.commit([job(phones[3], t + timedelta(seconds=60), north_m=450)])   # walked north
    # Plausible from where this writer last saw the phone, 870 m in 10 s from where it was.
    follow = job(phones[3], t + timedelta(seconds=70), north_m=-420)
    ours.commit([follow])
    assert follow.result == [("set_aside", "impossible_speed")] and ours.replans == 1
    assert count(db, phones[3]["device"]) == 2 and aside_count(db, phones[3]["device"]) == 1


def test_a_job_that_breaks_the_statement_fails_alone(world):
    settings, db, phones = world
    writer = GroupWriter(db, settings)
    t = SESSION_NOW.replace(microsecond=0) - timedelta(minutes=4)
    ghost = job({"device": 999_999, "user": phones[2]["user"]}, t)     # no such device
    good = job(phones[2], t)
    writer.commit([ghost, good])
    assert isinstance(ghost.error, IntegrityError) and good.result == [("accepted", None)]


def test_concurrent_requests_are_written_together(world):
    settings, db, phones = world
    ingestor = Ingestor(db, settings)
    t = SESSION_NOW.timestamp() - 120
    start = threading.Barrier(len(phones))
    results, errors = [], []

    def send(phone):
        reading = Reading(time=datetime.fromtimestamp(t, UTC), lat=39.157, lon=117.107)
        start.wait()
        try:
            results.append(ingestor.ingest(ingestor.device_by_key(f"phone-{phones.index(phone)}"),
                                           [reading]).stored)
        except Exception as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=send, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and results == [1] * len(phones)
    assert ingestor.writer.largest_group > 1
    with db.connect() as conn:
        n = conn.execute(text("select count(*) from positions where device_time = :t"),
                         {"t": datetime.fromtimestamp(t, UTC)}).scalar_one()
    assert n == len(phones)
