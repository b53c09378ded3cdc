"""Benchmark: load the full synthetic world with COPY, against a naive row-by-row ORM insert.

Run with `make bench` or `.venv/bin/python -m bench world`. Prints each stage's time, the
total, peak memory, and the naive baseline's rows/s on a sample with the ratio.
"""
from __future__ import annotations

import resource
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bench.scratch_db import create_database, drop_database
from data.models import Grid, Incident
from data.settings import Settings
from etl.world.load import load_world

SEED = 20191115
NAIVE_SAMPLE = 2_000


def naive_rows_per_second(url: str) -> float:
    """One ORM insert and one commit per incident: what a first draft of a loader does."""
    engine = create_engine(url)
    with Session(engine) as session:
        grid = session.scalars(select(Grid).limit(1)).one()
        rows = session.execute(text("select category_code, reported_at from incidents limit :n"),
                               {"n": NAIVE_SAMPLE}).all()
        start = time.perf_counter()
        for i, (category, reported) in enumerate(rows):
            session.add(Incident(code=f"NAIVE{i:07d}", street_id=grid.street_id,
                                 community_id=grid.community_id, grid_id=grid.id,
                                 category_code=category, source="patrol", status="reported",
                                 reported_at=reported, geom="SRID=4326;POINT(117.13 39.17)"))
            session.commit()
        elapsed = time.perf_counter() - start
    engine.dispose()
    return len(rows) / elapsed


def main() -> None:
    settings = Settings.from_env()
    url = create_database(settings, "bench_world")
    try:
        engine = create_engine(url)
        as_of = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)   # 17:00 Beijing: a full day
        start = time.perf_counter()
        with engine.begin() as conn:
            counts = load_world(conn, SEED, 1.0, as_of, settings.demo_password,
                                report=lambda n, s: print(f"  {n:<16} {s:6.1f} s", flush=True))
        total = time.perf_counter() - start
        rows = sum(v for k, v in counts.items() if k not in ("second_whistles",
                                                               "devices_with_fixes"))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"world loaded: {total:.1f} s for {rows:,} rows ({rows / total:,.0f} rows/s), "
              f"peak memory {peak_mb:,.0f} MB (targets: <= 60 s, < 2,048 MB)")
        print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        naive = naive_rows_per_second(url)
        print(f"naive ORM insert + commit per row: {naive:,.0f} rows/s on {NAIVE_SAMPLE:,} "
              f"incidents -> the full world would take {rows / naive / 60:,.0f} min; "
              f"COPY is {rows / total / naive:,.0f}x faster")
        engine.dispose()
    finally:
        drop_database(settings, url)
