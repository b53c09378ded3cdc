"""Benchmark: precision and recall of the suggested duplicates on the world's planted groups.

`.venv/bin/python -m bench duplicates [--scale 0.05] [--seeds 424242,1,2]`. For each seed,
loads the synthetic world (which plants duplicate reports some metres and hours after open
cases, and different problems of the same kind next door; etl/world/duplicates.py) into a
scratch database, runs one suggestion pass over the last 8 days at the world's as-of, and
scores the pairs (workflow/intake/score.py). Also times the pass. The naive baseline is the
same rule without the category: what "anything near, recently" would suggest.
"""
from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from data.scratch import create_database, drop_database
from data.settings import Settings
from etl.world.load import load_world
from workflow.intake.score import score
from workflow.intake.suggestions import suggest

AS_OF = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)

PLANTED = """select id, split_part(idempotency_key, '-', 3)::bigint as parent from incidents
             where idempotency_key like 'world-dup-%'"""
NAIVE = """select b.id, a.id from incidents b join incidents a
           on a.id <> b.id and (a.reported_at, a.id) < (b.reported_at, b.id)
          and a.reported_at >= b.reported_at - interval '7 days'
          and a.status not in ('closed', 'rejected') and b.status not in ('closed', 'rejected')
          and ST_DWithin(a.geom::geography, b.geom::geography, :radius)
           where b.reported_at >= :since"""


def _options(argv: list[str]) -> tuple[float, list[int]]:
    scale, seeds = 0.05, [424242, 1, 2]
    for i, arg in enumerate(argv):
        if arg == "--scale":
            scale = float(argv[i + 1])
        if arg == "--seeds":
            seeds = [int(s) for s in argv[i + 1].split(",")]
    return scale, seeds


def one(settings: Settings, seed: int, scale: float) -> dict:
    url = create_database(settings, f"dups{seed}")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            load_world(conn, seed, scale, AS_OF, settings.demo_password)
        with engine.begin() as conn:
            started = time.perf_counter()
            made = suggest(conn, settings, AS_OF, lookback=timedelta(days=8))
            took = time.perf_counter() - started
            planted = {r.id: r.parent for r in conn.execute(text(PLANTED))}
            pairs = [tuple(r) for r in conn.execute(text(
                "select incident_id, parent_id from duplicate_suggestions"))]
            naive = [tuple(r) for r in conn.execute(text(NAIVE), {
                "radius": settings.duplicate_radius_m, "since": AS_OF - timedelta(days=8)})]
        return {"seed": seed, "made": made, "ms": took * 1000, "ours": score(pairs, planted),
                "naive": score(naive, planted)}
    finally:
        engine.dispose()
        drop_database(settings, url)


def main(argv: list[str] | None = None) -> None:
    scale, seeds = _options(argv or [])
    settings = Settings.from_env()
    totals = {"ours": [0, 0, 0, 0], "naive": [0, 0, 0, 0]}
    for seed in seeds:
        r = one(settings, seed, scale)
        for name in ("ours", "naive"):
            s = r[name]
            for i, v in enumerate((s.pairs, s.correct, s.planted, s.found)):
                totals[name][i] += v
            print(f"seed {seed} {name:5}: pairs {s.pairs:4} correct {s.correct:4} planted "
                  f"{s.planted:4} found {s.found:4} precision {s.precision:.3f} "
                  f"recall {s.recall:.3f}" + (f"  pass {r['ms']:.0f} ms" if name == "ours"
                                              else ""))
    for name, (pairs, correct, planted, found) in totals.items():
        print(f"all   {name:5}: precision {correct / max(pairs, 1):.3f} "
              f"recall {found / max(planted, 1):.3f} ({pairs} pairs, {planted} planted)")


if __name__ == "__main__":
    main(sys.argv[1:])
