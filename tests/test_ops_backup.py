"""scripts/backup.sh and scripts/restore.sh: a dump restores into a fresh database, row for row."""
import os
import re
import subprocess
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data.db import Database
from data.positions import Fix, ensure_current_partitions, write_fixes
from tests import factories as f
from tests.clock import SESSION_NOW

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture(scope="module")
def source(fault_cluster):
    """A small database: a grid, workers, departments and categories, fixes over 3 days."""
    settings = fault_cluster.database("ops_source")
    db = Database(settings)
    now = SESSION_NOW
    ensure_current_partitions(db, now=SESSION_NOW)
    with db.begin() as conn:
        grid = f.hierarchy(conn)["grid"]
        f.reference_data(conn)
        workers = [f.patrol_worker(conn, grid, f"backup{i}", f"backup-{i}") for i in range(3)]
        fixes = [Fix(w["device"], w["user"], now - timedelta(hours=25 * day, seconds=60 * k),
                     117.105 + 1e-5 * k, 39.155, accuracy_m=5.0)
                 for w in workers for day in range(3) for k in range(20)]
        write_fixes(conn, fixes)
    db.dispose()
    yield settings
    fault_cluster.drop(settings)


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(
                "select table_name from information_schema.tables where table_schema = "
                "'public' and table_type = 'BASE TABLE' order by 1")).scalars().all()
            # Names come from the catalogue, not from input.
            return {t: conn.execute(text(f'select count(*) from "{t}"')).scalar_one()
                    for t in tables}
    finally:
        engine.dispose()


def run(script: str, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["bash", str(SCRIPTS / script), *args], capture_output=True,
                            text=True, env={**os.environ, **(env or {})}, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_backup_restores_into_a_fresh_database_with_every_row(source, fault_cluster, tmp_path):
    dump = Path(run("backup.sh", str(tmp_path), env={"DATABASE_URL": source.database_url}))
    name = make_url(source.database_url).database
    assert dump.parent == tmp_path and re.fullmatch(rf"{name}-\d{{8}}T\d{{6}}Z\.dump", dump.name)
    assert not list(tmp_path.glob("*.partial"))
    target = make_url(source.database_url).set(database=f"hq_restored_{uuid.uuid4().hex[:8]}")
    target_url = target.render_as_string(hide_password=False)
    try:
        run("restore.sh", str(dump), target_url)
        before, after = table_counts(source.database_url), table_counts(target_url)
        assert after == before
        assert before["positions"] == 180 and before["departments"] > 0
        engine = create_engine(target_url)
        with engine.begin() as conn:
            # The restored database works: PostGIS, the partition function, the geometry.
            assert conn.execute(text("select hq_ensure_position_partition(current_date + 30)"))
            assert conn.execute(text("select count(*) from positions p join grids g "
                                     "on ST_Contains(g.geom, p.geom)")).scalar_one() == 180
        engine.dispose()
        # A second restore into an existing database is refused, not merged.
        again = subprocess.run(["bash", str(SCRIPTS / "restore.sh"), str(dump), target_url],
                               capture_output=True, text=True)
        assert again.returncode != 0 and "exists" in again.stderr
    finally:
        fault_cluster.drop(fault_cluster.settings.with_overrides(database_url=target_url))
