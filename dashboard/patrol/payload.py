"""Replay data as the browser gets it once: integers, delta-encoded, coordinates at 1e-5.

A worker-day of 2,000 fixes at 10 s is then about 12 KB of JSON (3-4 KB gzipped); the
browser decodes it once and the player runs from it without asking the server again.
"""
from __future__ import annotations

import json

SCALE = 100_000       # 1e-5 degree: about a metre, finer than a phone's fix


def _deltas(values: list[int]) -> list[int]:
    out, prev = [], 0
    for v in values:
        out.append(v - prev)
        prev = v
    return out


def encode(replay: dict, day_start_s: int) -> dict:
    """The compact form of ``workflow.patrol.replay.replay_day``'s answer.

    Times are seconds after the day's start (Beijing midnight, ``day_start_s`` in epoch
    seconds); each worker's times, longitudes and latitudes are delta-encoded integers.
    """
    workers = []
    for w in replay["workers"]:
        fixes = w["fixes"]
        workers.append({
            "id": w["id"], "name": w["display_name"], "grid": w["grid_code"],
            "t": _deltas([f["t"] - day_start_s for f in fixes]),
            "x": _deltas([round(f["lon"] * SCALE) for f in fixes]),
            "y": _deltas([round(f["lat"] * SCALE) for f in fixes]),
            "stops": [[s["t0"] - day_start_s, s["t1"] - day_start_s, round(s["lon"] * SCALE),
                       round(s["lat"] * SCALE)] for s in w["stops"]],
        })
    reports = [[r["t"] - day_start_s, round(r["lon"] * SCALE), round(r["lat"] * SCALE),
                r["code"]] for r in replay["reports"]]
    times = [f["t"] - day_start_s for w in replay["workers"] for f in w["fixes"]]
    return {"day": replay["day"].isoformat(), "scale": SCALE, "step": replay["step_s"],
            "start": min(times, default=0), "end": max(times, default=0),
            "workers": workers, "reports": reports}


def decode_worker(worker: dict) -> list[tuple[int, float, float]]:
    """(seconds, lon, lat) of one encoded worker (the browser does the same in patrol.js)."""
    out, t, x, y = [], 0, 0, 0
    for dt, dx, dy in zip(worker["t"], worker["x"], worker["y"]):
        t, x, y = t + dt, x + dx, y + dy
        out.append((t, x / SCALE, y / SCALE))
    return out


def size_bytes(payload: dict) -> int:
    """The payload's JSON size, as the response would carry it."""
    return len(json.dumps(payload, separators=(",", ":")).encode())
