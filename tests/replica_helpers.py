"""A primary and its hot standby in temporary folders (scripts/postgis.sh replica-up), for tests."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from data import local_server
from tests.conftest import load_small_world
from tests.fault_helpers import Cluster, free_port, wait_for


@dataclass
class ReplicaPair:
    """The primary's cluster, the standby's port and the one database both serve."""

    primary: Cluster
    standby_port: int
    dbname: str

    def url(self, port: int) -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{self.dbname}"

    def sql(self, port: int, statement: str):
        """Run one statement on one server (autocommit); its first value, if any."""
        conn = psycopg2.connect(self.url(port), connect_timeout=5)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement)
                return cur.fetchone()[0] if cur.description else None
        finally:
            conn.close()

    def staleness(self) -> float:
        return float(self.sql(self.standby_port, """
            select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                        else extract(epoch from now() - pg_last_xact_replay_timestamp()) end"""))

    def caught_up(self) -> None:
        """Wait until the standby has replayed all the primary has written so far."""
        lsn = self.sql(self.primary.port, "select pg_current_wal_lsn()::text")
        wait_for(lambda: self.sql(self.standby_port,
                                  f"select pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"),
                 60, 0.2, "the standby to catch up")


@pytest.fixture(scope="module")
def replica_pair():
    """A primary with the small world and a streaming standby of it; removed at the end."""
    root = Path(tempfile.mkdtemp(prefix="hq-replica-"))
    primary = Cluster(root, free_port())
    standby_port = free_port()
    try:
        primary.start()
        settings = primary.database("replica")
        load_small_world(settings.database_url, settings)
        result = local_server.run_script("replica-up", primary.settings, root=root,
                                         HQ_PG_REPLICA_PORT=str(standby_port),
                                         HQ_PG_SHARED_BUFFERS="64MB")
        assert result.returncode == 0, "postgis.sh replica-up failed"
        pair = ReplicaPair(primary, standby_port, settings.database_url.rsplit("/", 1)[-1])
        pair.caught_up()
        yield pair
    finally:
        for folder in (root, Path(f"{root}-replica")):
            pid = folder / "cluster" / "postmaster.pid"
            if pid.exists():
                local_server.run_script("down", primary.settings, root=folder)
            shutil.rmtree(folder, ignore_errors=True)
