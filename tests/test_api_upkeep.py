"""Partition upkeep: ensured at server start, hourly in a thread, harmless when the database is away."""
import time
from datetime import timedelta

from sqlalchemy import text

from api.ingest.upkeep import start_partition_upkeep
from data.db import Database
from data.positions import local_day
from tests.clock import SESSION_NOW


def partitions(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
            "where i.inhparent = 'positions'::regclass")).scalars())


def test_partitions_are_ensured_at_start_and_again_in_the_thread(test_settings, engine):
    db = Database(test_settings.with_overrides(background_jobs=True), engine=engine)
    # Tomorrow's partition: no test keeps rows there, so dropping it disturbs nobody.
    tomorrow = f"positions_{local_day(SESSION_NOW, test_settings.timezone) + timedelta(days=1):%Y%m%d}"
    with engine.begin() as conn:
        conn.execute(text(f"drop table if exists {tomorrow}"))
    stop = start_partition_upkeep(db, db.settings, interval_s=0.2)
    try:
        assert tomorrow in partitions(engine)
        with engine.begin() as conn:
            conn.execute(text(f"drop table {tomorrow}"))
        deadline = time.time() + 5
        while tomorrow not in partitions(engine) and time.time() < deadline:
            time.sleep(0.1)
        assert tomorrow in partitions(engine)
    finally:
        stop.set()


def test_a_missing_database_does_not_stop_the_server(test_settings):
    away = test_settings.with_overrides(database_url="postgresql://postgres@127.0.0.1:1/nowhere",
                                        background_jobs=False)
    stop = start_partition_upkeep(Database(away), away)
    assert not stop.is_set()
