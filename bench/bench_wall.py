"""Benchmark: the wall's steady traffic with 1,000 workers moving, Patch against whole figures.

Run with `make bench` or `.venv/bin/python -m bench wall`, against the full-scale local
database (`python app.py demo load --scale 1`). A simulated fleet of 1,000 phones walks its
beats and its fixes are written between position ticks (5 s of simulated time each, written
into today's positions like the live feed does). Each channel's callback is posted through
the Flask test client with the body Dash's renderer sends, for one simulated minute per
round: 12 position ticks, 2 map ticks, 2 panel ticks and 1 headline tick. Prints the bytes
per minute from server to wall (raw JSON and gzipped, as Dash sends it compressed) for the
Patch wall and for a naive wall re-sending whole figures, the ratio, and the server time per
position tick (p50/p95; budget 50 ms).
"""
from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import text

from app import build_app
from bench.wall_naive import MovingFleet, naive_app, post, sign_in
from dashboard import ids
from data.db import Database
from data.settings import Settings

WORKERS = 1_000
ROUNDS = 2                    # simulated minutes
TICK_S = 5
PER_MINUTE = {"pos": 12, "map": 2, "panels": 2, "head": 1}
BUDGET_KB_S = 20.0
BUDGET_TICK_MS = 50.0


def start_time(db: Database) -> datetime:
    """Just after the newest fix (the demo world may have been loaded "as of" later today)."""
    with db.connect() as conn:
        newest = conn.execute(text("select max(device_time) from latest_positions")).scalar()
    now = datetime.now(UTC)
    return max(now, newest + timedelta(seconds=1)) if newest else now


def browser(at: datetime, ready: bool = True) -> dict:
    return {"app-url.search": "?at=" + quote(at.isoformat()), "wall-map-ready.data": ready,
            "wall-focus.data": {"street": None}, "wall-last-ok.data": None}


def one_minute(wall, naive, fleet: MovingFleet, at: datetime, totals: dict, tick_ms: list):
    """One simulated minute of every channel on both walls; returns the minute's end."""
    for i in range(PER_MINUTE["pos"]):
        at += timedelta(seconds=TICK_S)
        fleet.step(at, TICK_S)
        state = browser(at)
        got = post(wall["client"], wall["app"], f"{ids.WALL_GO['pos']}.data",
                   {**state, f"{ids.WALL_GO['pos']}.data": i})
        tick_ms.append(got.seconds * 1000)
        add(totals, "patch", "pos", got)
        add(totals, "naive", "pos", post(naive["client"], naive["app"], "naive-go-pos.data",
                                         {**state, "naive-go-pos.data": i}))
        if i % 6 == 0:
            for channel in ("map", "panels"):
                trigger = f"{ids.WALL_GO[channel]}.data"
                add(totals, "patch", channel,
                    post(wall["client"], wall["app"], trigger, {**state, trigger: i // 6}))
            # The naive wall re-sends the whole map every 5 s already; its panels go whole.
            add(totals, "naive", "panels", post(naive["client"], naive["app"],
                                                "naive-go-panels.data",
                                                {**state, "naive-go-panels.data": i // 6}))
        if i == 0:
            trigger = f"{ids.WALL_GO['head']}.data"
            head = post(wall["client"], wall["app"], trigger, {**state, trigger: 1})
            add(totals, "patch", "head", head)
            add(totals, "naive", "head", head)      # the headline is HTML either way
    return at


def add(totals: dict, version: str, channel: str, got) -> None:
    slot = totals.setdefault(version, {}).setdefault(channel, [0, 0])
    slot[0] += got.raw
    slot[1] += got.gz


def report(totals: dict, tick_ms: list, rounds: int) -> None:
    print(f"  {'channel':<10}{'patch raw':>12}{'patch gzip':>12}{'naive raw':>12}"
          f"{'naive gzip':>12}   (KB per minute)")
    sums = {v: [0, 0] for v in totals}
    for channel in ("pos", "map", "panels", "head"):
        row = []
        for version in ("patch", "naive"):
            raw, gz = totals[version].get(channel, [0, 0])
            sums[version][0] += raw
            sums[version][1] += gz
            row += [raw / rounds / 1000, gz / rounds / 1000]
        print(f"  {channel:<10}" + "".join(f"{x:>12,.1f}" for x in row))
    per_min = {v: (raw / rounds / 1000, gz / rounds / 1000) for v, (raw, gz) in sums.items()}
    print(f"  {'total':<10}" + "".join(f"{x:>12,.1f}" for v in ("patch", "naive")
                                        for x in per_min[v]))
    for version in ("patch", "naive"):
        raw, gz = per_min[version]
        print(f"  {version}: {raw / 60:,.1f} KB/s raw, {gz / 60:,.1f} KB/s gzipped "
              f"(budget {BUDGET_KB_S:g} KB/s)")
    print(f"  naive / patch: {per_min['naive'][0] / per_min['patch'][0]:,.1f}x raw, "
          f"{per_min['naive'][1] / per_min['patch'][1]:,.1f}x gzipped")
    ordered = sorted(tick_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(f"  position tick server time over {len(ordered)} ticks: p50 "
          f"{statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms (budget {BUDGET_TICK_MS:g} ms)")


def main() -> None:
    settings = Settings.from_env().with_overrides(background_jobs=False)
    db = Database(settings)
    wall_app, naive = build_app(settings), naive_app(settings)
    wall = {"app": wall_app, "client": wall_app.server.test_client()}
    sign_in(wall["client"], "wall", settings.demo_password)
    naive = {"app": naive, "client": naive.server.test_client()}
    fleet = MovingFleet(settings, db, WORKERS)
    at = start_time(db)
    print(f"wall traffic, {len(fleet.keys):,} workers moving, from {at:%Y-%m-%d %H:%M:%S} UTC, "
          f"{ROUNDS} simulated minute(s)")
    at = one_minute(wall, naive, fleet, at, {}, [])     # warm caches and the first polygons
    totals, tick_ms = {}, []
    for _ in range(ROUNDS):
        at = one_minute(wall, naive, fleet, at, totals, tick_ms)
    report(totals, tick_ms, ROUNDS)
    db.dispose()


if __name__ == "__main__":
    main()
