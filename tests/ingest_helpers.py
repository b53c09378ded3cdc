"""Shared fixtures of the ingest tests: a database of their own, a server, fresh phones."""
import uuid
from datetime import UTC, datetime, timezone

import pytest
from sqlalchemy import text

from api.server import create_server
from data.db import Database
from tests import factories as f
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database

LAT, LON = 39.155, 117.105          # the middle of the test grid
M = 1 / 111_195.0


@pytest.fixture(scope="module")
def ingest_db(server_settings):
    """Its own database: the server commits, so the session's shared one stays clean."""
    url = create_test_database(server_settings, "ingest")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, max_accuracy_m=100.0)
    db = Database(settings)
    with db.begin() as conn:
        ids = f.hierarchy(conn)
    yield settings, db, ids
    db.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def client(ingest_db):
    settings, db, _ = ingest_db
    return create_server(settings, db).test_client()


@pytest.fixture
def phone(ingest_db):
    _, db, ids = ingest_db
    name = uuid.uuid4().hex[:10]
    with db.begin() as conn:
        worker = f.patrol_worker(conn, ids["grid"], f"w{name}", f"dev{name}")
    return {**worker, "id": f"dev{name}"}


def stored(ingest_db, phone) -> list:
    with ingest_db[1].connect() as conn:
        return conn.execute(text(
            "select device_time, ST_X(geom) as lon, ST_Y(geom) as lat, speed_mps, bearing, "
            "altitude, accuracy_m, battery, flagged, grid_id from positions "
            "where device_id = :d order by device_time"), {"d": phone["device"]}).all()


def now_s() -> int:
    """The session's now (the server under test reads the same frozen moment)."""
    return int(SESSION_NOW.timestamp())


def aside(ingest_db, phone) -> list:
    """The phone's fixes set aside: (raw time, corrected time, reason, lat, lon)."""
    with ingest_db[1].connect() as conn:
        return conn.execute(text(
            "select device_time, corrected_time, reason, ST_Y(geom) as lat, ST_X(geom) as lon "
            "from set_aside_fixes where device_id = :d order by device_time"),
            {"d": phone["device"]}).all()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
