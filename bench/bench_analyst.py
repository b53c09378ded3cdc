"""Benchmark: the analyst's queries over 50 filter changes at 1x and 10x Hongqiao, with a
naive pandas baseline over the raw incidents in the same run.

`.venv/bin/python -m bench analyst` (ANALYST_BENCH_SCALES=1 for the 1x part only). Loads the
full world into a scratch database, replays the changes, then replicates the incidents
9 more times through COPY (shifted up to 3 days earlier, moved a few metres) and replays
them again. Prints p50/p95 in ms per query kind; targets: p95 <= 150 ms (1x), 300 ms (10x).
"""
from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

from bench.scratch_db import create_database, drop_database
from data.db import make_engine
from data.queries import analyst as analyst_queries
from data.queries import analyst_raw as raw
from data.queries.analyst_filter import AnalystFilter
from data.settings import Settings
from data.world_store import deferred_checks
from etl.world.load import load_world
from geo import hotspots

SEED = 20191115
AS_OF = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
TODAY = date(2026, 11, 26)
COLUMNS = ("street_id, community_id, grid_id, category_code, source, status, handled_by, "
           "department_id, reporter_id, reporter_contact, address, description, photo_url, "
           "accepted_at, dispatched_at, started_at, resolved_at, verified_at, closed_at, "
           "rejected_at, deadline, reopen_count, updated_at")
SHIFTED = ("accepted_at", "dispatched_at", "started_at", "resolved_at", "verified_at",
           "closed_at", "rejected_at", "deadline")


def filter_changes(conn, n: int = 50) -> list[AnalystFilter]:
    """A fixed walk through the filters an analyst would take (seeded)."""
    rng = np.random.default_rng(SEED)
    grids = pd.DataFrame(conn.execute(text(
        "select id, community_id, street_id from grids order by id")).all())
    cats = pd.DataFrame(conn.execute(text(
        "select code, parent_code from categories order by code")).all())
    depts = [r[0] for r in conn.execute(text(
        "select distinct department_id from incidents where department_id is not null "
        "order by 1")).all()]
    ranges = {"today": (TODAY, TODAY), "7d": (TODAY - timedelta(6), TODAY),
              "30d": (TODAY - timedelta(29), TODAY), "quarter": (date(2026, 10, 1), TODAY),
              "year": (date(2026, 1, 1), TODAY), "12m": (TODAY - timedelta(364), TODAY),
              "custom": (date(2026, 3, 17), date(2026, 7, 4))}
    f = AnalystFilter(*ranges["30d"], now=AS_OF)
    out = []
    for _ in range(n):
        move = rng.choice(["range", "street", "community", "grid", "subject", "category",
                           "source", "status", "department", "overdue", "clear"],
                          p=[.2, .12, .1, .05, .1, .08, .08, .06, .06, .05, .1])
        g = grids.iloc[int(rng.integers(len(grids)))]
        if move == "range":
            f = replace(f, date_from=ranges[rng.choice(list(ranges))][0])
            f = replace(f, date_to=TODAY if f.date_from != date(2026, 3, 17) else date(2026, 7, 4))
        elif move == "street":
            f = replace(f, street_id=int(g.street_id), community_id=None, grid_id=None)
        elif move == "community":
            f = replace(f, street_id=int(g.street_id), community_id=int(g.community_id), grid_id=None)
        elif move == "grid":
            f = replace(f, street_id=int(g.street_id), community_id=int(g.community_id),
                        grid_id=int(g.id))
        elif move == "subject":
            f = replace(f, category=str(rng.choice(cats[cats.parent_code.isna()].code)))
        elif move == "category":
            f = replace(f, category=str(rng.choice(cats[cats.parent_code.notna()].code)))
        elif move == "source":
            f = replace(f, sources=(str(rng.choice(["patrol", "resident", "hotline", "app"])),))
        elif move == "status":
            f = replace(f, statuses=("closed",) if rng.random() < .5 else ("in_progress", "dispatched"))
        elif move == "department":
            f = replace(f, department_id=int(rng.choice(depts)))
        elif move == "overdue":
            f = replace(f, overdue=not f.overdue)
        else:
            f = AnalystFilter(f.date_from, f.date_to, now=AS_OF)
        out.append(f)
    return out


def kinds(conn, w):
    """Every query a filter change runs, by kind (what the page's callbacks call)."""
    def hot(f):
        unplaced = replace(f, street_id=None, community_id=None, grid_id=None)
        both = analyst_queries.grid_counts_pair(conn, unplaced, unplaced.shifted(f.days))
        return hotspots.hot_spots(both["n"].to_numpy(), both["n_before"].to_numpy(), w)

    def table(f):
        count = raw.incident_count(conn, f)
        return raw.incident_page(conn, f, 0, 100, count=count), count

    return {
        "grid_counts": lambda f: analyst_queries.grid_counts(conn, f),
        "totals": lambda f: analyst_queries.totals(conn, f),
        "series_day": lambda f: analyst_queries.time_series(conn, f, "day", "subject"),
        "series_month": lambda f: analyst_queries.time_series(conn, f, "month", "source"),
        "breakdown_category": lambda f: analyst_queries.breakdown(conn, f, "subject"),
        "breakdown_place": lambda f: analyst_queries.breakdown(conn, f, "street" if f.street_id is None else "community"),
        "breakdown_department": lambda f: analyst_queries.breakdown(conn, f, "department"),
        "close_times": lambda f: raw.close_times(conn, f),
        "heat_bins": lambda f: raw.heat_bins(conn, f),
        "points": lambda f: raw.incident_points(conn, f),
        "table_page": table,
        "hot_spots": hot,
    }


NAIVE_SQL = text("""select i.id, (i.reported_at at time zone 'Asia/Shanghai')::date as day,
    i.grid_id, i.street_id, i.community_id, i.category_code, c.parent_code, i.source, i.status,
    i.department_id, i.deadline, i.reported_at, i.closed_at
    from incidents i join categories c on c.code = i.category_code""")


def naive(conn, f: AnalystFilter) -> None:
    """A first draft: read the incidents into pandas, filter and group there."""
    df = pd.DataFrame(conn.execute(NAIVE_SQL).all())
    keep = (df.day >= f.date_from) & (df.day <= f.date_to)
    for col, v in (("street_id", f.street_id), ("community_id", f.community_id),
                   ("grid_id", f.grid_id), ("department_id", f.department_id)):
        if v is not None:
            keep &= df[col] == v
    if f.category:
        keep &= (df.category_code == f.category) | (df.parent_code == f.category)
    if f.sources:
        keep &= df.source.isin(f.sources)
    if f.statuses:
        keep &= df.status.isin(f.statuses)
    sel = df[keep]
    sel.groupby("grid_id").size(), sel.groupby(["day", "parent_code"]).size()
    sel.groupby("source").size(), sel.groupby("street_id").size()


def replay(engine, label: str, naive_changes: int) -> None:
    with engine.connect() as conn:
        changes = filter_changes(conn)
        w = hotspots.queen_weights(raw.grid_shapes(conn))
        run = kinds(conn, w)
        for f in changes[:3]:                      # warm caches and plans
            for fn in run.values():
                fn(f)
        times: dict[str, list[float]] = {k: [] for k in run}
        per_change = []
        for f in changes:
            start_all = time.perf_counter()
            for name, fn in run.items():
                start = time.perf_counter()
                fn(f)
                times[name].append((time.perf_counter() - start) * 1000)
            per_change.append((time.perf_counter() - start_all) * 1000)
        naive_ms = []
        conn.execute(text("set statement_timeout = 0"))   # reading 2.9 M rows may take a minute
        for f in changes[:naive_changes]:
            start = time.perf_counter()
            naive(conn, f)
            naive_ms.append((time.perf_counter() - start) * 1000)
        n = conn.execute(text("select count(*) from incidents")).scalar()
        rollup = conn.execute(text("select count(*) from incident_rollup")).scalar()
    print(f"-- {label}: {n:,} incidents, day rollup {rollup:,} rows, {len(changes)} filter changes")
    print(f"   {'query kind':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, values in list(times.items()) + [("(all, one change)", per_change),
                                                ("naive pandas", naive_ms)]:
        v = np.array(values)
        print(f"   {name:<22}{np.percentile(v, 50):9.1f}{np.percentile(v, 95):9.1f}{v.max():9.1f}")


def replicate(engine, copies: int = 9) -> None:
    """Grow the incidents to (1 + copies)x through COPY: each copy shifted up to 3 days back."""
    with engine.begin() as conn:
        top = conn.execute(text("select max(id) from incidents")).scalar()
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute("set local timezone = 'UTC'")
        with deferred_checks(conn, ("incidents",)):
            for k in range(1, copies + 1):
                shift = "(random() * interval '3 days')"
                cols = ", ".join(f"{c} - s.d" if c in SHIFTED else c for c in COLUMNS.split(", "))
                select = (f"select id + {k * (top + 1)}, code || 'R{k}', {cols}, reported_at - s.d, "
                          f"ST_Translate(geom, (random() - 0.5) * 0.0003, (random() - 0.5) * 0.0002) "
                          f"from incidents cross join lateral (select {shift} as d) s "
                          f"where id <= {top}")
                buffer = io.StringIO()
                cursor.copy_expert(f"copy ({select}) to stdout", buffer)
                buffer.seek(0)
                cursor.copy_expert(f"copy incidents (id, code, {COLUMNS}, reported_at, geom) "
                                   f"from stdin", buffer)
                print(f"   copy {k}/{copies} done", flush=True)
        conn.execute(text("select setval(pg_get_serial_sequence('incidents', 'id'), "
                          "(select max(id) from incidents))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("incidents", "incident_rollup", "incident_rollup_month"):
            conn.execute(text(f"vacuum analyze {table}"))


def main() -> None:
    settings = Settings.from_env()
    scales = os.environ.get("ANALYST_BENCH_SCALES", "1,10").split(",")
    url = create_database(settings, "bench_analyst")
    try:
        engine = create_engine(url)
        start = time.perf_counter()
        with engine.begin() as conn:
            load_world(conn, SEED, 1.0, AS_OF, settings.demo_password)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("vacuum analyze incidents"))
        print(f"   world loaded in {time.perf_counter() - start:.0f} s")
        # The queries run on an engine set up as the app's (make_engine: no JIT, timeouts).
        queries = make_engine(url)
        replay(queries, "1x", naive_changes=10)
        if "10" in scales:
            start = time.perf_counter()
            replicate(engine)
            print(f"   replicated to 10x in {time.perf_counter() - start:.0f} s")
            replay(queries, "10x", naive_changes=3)
        queries.dispose()
        engine.dispose()
    finally:
        drop_database(settings, url)


if __name__ == "__main__":
    main()
