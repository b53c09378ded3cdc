"""Benchmark: reading patrol days for replay and the day's sheets, against naive queries.

A scratch database gets ``--workers`` phones (default 1,000: the district) walking both
shifts at a fix every 10 s for ``--days`` days (default 3: ~6.5 M fixes in a few minutes;
``--days 30`` is the issue's ~65 M, ~19 minutes to load here), loaded by COPY. Then:

- a closed day's tracks stored once (``data.patrol.tracks.store_day_tracks``, every fix and
  one per 30 s), as the first read or the sheets' store does;
- a worker-day for replay (every fix) p95 over 20 workers: from the stored tracks (what replay
  reads for a closed day), from the raw fixes (``data.patrol.replay.day_fixes``, what it read
  before and still reads for today), against a naive query by user and local date (no
  partition pruning, no key);
- a street-day (105 workers, one fix per 30 s) p95 over 5 streets, the same three ways;
- the district's sheets of a day computed from the fixes (the job's work: once for a closed
  day, every HQ_PATROL_SHEET_REFRESH_S for today), against reading them stored (what every
  reader of the district gets, today's snapshot included).

Run: `.venv/bin/python -m bench patrol [--days N] [--workers N]`.
"""
from __future__ import annotations

import argparse
import os
import time
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

from bench.scratch_db import create_database, drop_database, seed_world
from data.bulk import copy_frame, points_ewkb
from data.patrol.replay import day_fixes
from data.patrol.sheets import compute_sheets, read_sheets, store_sheets
from data.patrol.tracks import store_day_tracks, stored_tracks
from data.positions import ensure_partition
from data.settings import Settings
from workflow.clock import BEIJING

ONLY_WHEN_NAMED = True
SHIFTS = ((8, 30), (14, 0))
STREET = 105

NAIVE = text("""
select user_id, extract(epoch from device_time)::bigint as t, ST_X(geom) as lon, ST_Y(geom) as lat
from positions
where user_id = any(cast(:users as int[]))
  and (device_time at time zone 'Asia/Shanghai')::date = :day and not flagged
order by user_id, device_time""")


def generate(engine, users: list[tuple[int, int, float, float]], day, rng) -> int:
    """Both shifts of ``day`` for every (user, device, lon, lat) at 10 s, by COPY."""
    midnight = pd.Timestamp(datetime.combine(day, datetime.min.time(), tzinfo=BEIJING))
    ticks = np.arange(0, 3 * 3600, 10)
    n = 0
    with engine.begin() as conn:
        ensure_partition(conn, day)
        for hh, mm in SHIFTS:
            times = (midnight + pd.Timedelta(hours=hh, minutes=mm)).tz_convert("UTC") \
                + pd.to_timedelta(ticks, unit="s")
            frames = []
            for uid, dev, lon0, lat0 in users:
                heading = np.cumsum(rng.normal(0, 0.3, ticks.size))
                lon = lon0 + np.clip(np.cumsum(np.cos(heading) * 12) / 86_000, -0.004, 0.004)
                lat = lat0 + np.clip(np.cumsum(np.sin(heading) * 12) / 111_000, -0.004, 0.004)
                frames.append(pd.DataFrame({"device_id": dev, "user_id": uid,
                                            "device_time": times, "server_time": times,
                                            "battery": 80, "geom": points_ewkb(lon, lat)}))
            frame = pd.concat(frames, ignore_index=True)
            copy_frame(conn, "positions", frame)
            n += len(frame)
    return n


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95)) * 1000


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def report(what: str, kept: list[float], raw: list[float], naive: list[float],
           target: int) -> None:
    """One line: stored-track p95 against the target, the raw read and the naive query."""
    ours = p95(kept)
    print(f"  {what}: stored tracks p95 {ours:.0f} ms (target {target}), raw fixes p95 "
          f"{p95(raw):.0f} ms (x{p95(raw) / ours:.1f}), naive p95 {p95(naive):.0f} ms "
          f"(x{p95(naive) / ours:.1f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench patrol")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1000)
    args = parser.parse_args(argv or [])
    settings = Settings.from_env()
    url = create_database(settings, "patrol")
    engine = create_engine(url)
    rng = np.random.default_rng(20)
    try:
        devices = seed_world(engine, args.workers, settings.secret_key)
        with engine.connect() as conn:
            rows = conn.execute(text("select d.user_id, d.id from devices d order by d.id")).all()
        users = [(u, d, lon, lat) for (u, d), (_, _, lon, lat) in zip(rows, devices)]
        today = datetime.now(BEIJING).date()
        days = [today - timedelta(days=k) for k in range(args.days, 0, -1)]
        start = time.perf_counter()
        total = sum(generate(engine, users, day, rng) for day in days)
        with engine.begin() as conn:
            conn.execute(text("analyze positions"))
        print(f"  {total:,} fixes over {args.days} days x {args.workers} workers, generated and "
              f"loaded in {time.perf_counter() - start:.0f} s; load {os.getloadavg()[0]:.1f}")
        day = days[len(days) // 2]
        ids = [u for u, *_ in users]
        picks = rng.choice(ids, 20, replace=False).tolist()
        with engine.begin() as conn:
            stored = timed(lambda: store_day_tracks(conn, day, (1, 30), datetime.now(BEIJING)))
        print(f"  the day's tracks stored once (every fix and 1 per 30 s): {stored:.1f} s")
        with engine.connect() as conn:
            kept = [timed(lambda u=u: stored_tracks(conn, day, [u], 1)) for u in picks]
            raw = [timed(lambda u=u: day_fixes(conn, day, [u], 1)) for u in picks]
            naive = [timed(lambda u=u: conn.execute(NAIVE, {"users": [u], "day": day}).all())
                     for u in picks[:5]]
            report("worker-day", kept, raw, naive, 200)
            streets = [ids[k * STREET:(k + 1) * STREET] for k in range(5)]
            kept = [timed(lambda s=s: stored_tracks(conn, day, s, 30)) for s in streets]
            raw = [timed(lambda s=s: day_fixes(conn, day, s, 30)) for s in streets]
            naive = [timed(lambda s=s: conn.execute(NAIVE, {"users": s, "day": day}).all())
                     for s in streets[:2]]
            report(f"street-day ({STREET} workers)", kept, raw, naive, 1000)
            computed = timed(lambda: compute_sheets(conn, day))
            conn.rollback()
        with engine.begin() as conn:
            store_sheets(conn, day, datetime.now(BEIJING))
        with engine.connect() as conn:
            stored = [timed(lambda: read_sheets(conn, day)) for _ in range(5)]
        print(f"  district sheets of a day: computed from fixes {computed * 1000:.0f} ms (the "
              f"job's), stored p95 {p95(stored):.0f} ms (readers'; target 5000); "
              f"load {os.getloadavg()[0]:.1f}")
    finally:
        engine.dispose()
        drop_database(settings, url)


if __name__ == "__main__":
    main()
