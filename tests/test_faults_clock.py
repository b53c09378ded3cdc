"""Day partitions and clock jumps: tomorrow's exists ahead; fixes of a day without one are kept."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from api.ingest.ingestor import Ingestor
from api.ingest.osmand import Reading
from api.server import create_server
from data.db import Database
from data.positions import ensure_current_partitions
from data.positions.partitions import local_day
from tests import factories as f
from tests.clock import SESSION_NOW

LAT, LON = 39.152, 117.102
METRE_LON = 1 / (111_320.0 * 0.776)


@pytest.fixture(scope="module")
def clock_db(fault_cluster):
    settings = fault_cluster.database("faults_clock")
    db = Database(settings)
    with db.begin() as conn:
        grid = f.hierarchy(conn)["grid"]
    yield settings, db, grid
    db.dispose()
    fault_cluster.drop(settings)


def partitions(db: Database) -> set[str]:
    with db.connect() as conn:
        return set(conn.execute(text(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
            "where i.inhparent = 'positions'::regclass")).scalars())


def where_stored(db: Database, device_pk: int) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute(text(
            "select tableoid::regclass::text, count(*) from positions where device_id = :d "
            "group by 1"), {"d": device_pk}).all())


def walk(start: datetime, n: int) -> list[Reading]:
    """n fixes 10 s and 10 m apart from ``start``."""
    return [Reading(time=start + timedelta(seconds=10 * k), lat=LAT, lon=LON + 10 * k * METRE_LON,
                    accuracy_m=5.0) for k in range(n)]


def phone(db: Database, grid: int, name: str):
    with db.begin() as conn:
        f.patrol_worker(conn, grid, name, name)
    return name


def name_of(day) -> str:
    return f"positions_{day:%Y%m%d}"


def test_the_server_makes_tomorrows_partition_when_it_starts(clock_db):
    settings, db, _ = clock_db
    create_server(settings, db)
    today = local_day(SESSION_NOW, settings.timezone)
    made = partitions(db)
    assert {name_of(today + timedelta(days=k)) for k in range(-7, 2)} <= made
    assert "positions_default" in made


@pytest.mark.parametrize("jump_days", [3, -10])
def test_fixes_after_a_clock_jump_are_kept_and_filed_by_the_next_upkeep(clock_db, jump_days):
    """The server's clock moves (forward past tomorrow, or back beyond the 7 days kept);
    phones follow it. Their fixes have no day partition yet: the default one holds them, and
    the next upkeep run moves them into a new partition of their own day.
    """
    settings, db, grid = clock_db
    ensure_current_partitions(db, settings.timezone, now=SESSION_NOW)
    jumped = SESSION_NOW + timedelta(days=jump_days)
    ingestor = Ingestor(db, settings, clock=lambda: jumped.timestamp())
    key = phone(db, grid, f"clock{jump_days + 100}")
    device = ingestor.device_by_key(key)
    readings = walk(jumped - timedelta(minutes=3), 19)
    result = ingestor.ingest(device, readings)
    assert result.stored == 19
    assert where_stored(db, device.id) == {"positions_default": 19}

    ensure_current_partitions(db, settings.timezone, now=jumped)
    day = local_day(jumped, settings.timezone)
    filed = where_stored(db, device.id)
    assert sum(filed.values()) == 19 and "positions_default" not in filed
    assert set(filed) <= {name_of(day), name_of(day - timedelta(days=1))}
    assert {name_of(day), name_of(day + timedelta(days=1))} <= partitions(db)


def test_a_fix_a_few_minutes_after_midnight_goes_to_tomorrows_partition(clock_db):
    """A phone walking across midnight (Beijing time), each fix sent as it is taken: those
    after midnight go to tomorrow's partition, made before midnight.
    """
    settings, db, grid = clock_db
    today = local_day(SESSION_NOW, settings.timezone)
    midnight = datetime(today.year, today.month, today.day, 16, tzinfo=UTC)
    ensure_current_partitions(db, settings.timezone, now=midnight - timedelta(minutes=2))
    arrival = [midnight.timestamp()]
    ingestor = Ingestor(db, settings, clock=lambda: arrival[0])
    device = ingestor.device_by_key(phone(db, grid, "clock-midnight"))
    stored = 0
    for reading in walk(midnight - timedelta(seconds=60), 12):
        arrival[0] = reading.time.timestamp() + 0.5
        stored += ingestor.ingest(device, [reading]).stored
    assert stored == 12
    tomorrow = local_day(midnight, settings.timezone)
    assert where_stored(db, device.id) == {name_of(tomorrow - timedelta(days=1)): 6,
                                           name_of(tomorrow): 6}
