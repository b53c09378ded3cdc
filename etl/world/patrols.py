"""Yesterday's and today's patrols: on-duty workers walk street-like routes in their grids,
a fix every 10 s.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from etl.world.sampling import to_lonlat
from etl.world.timeline import BEIJING
from geo.patrol import street_lattice

FIX_INTERVAL_S = 10
SHIFTS = ((8, 30, 11, 30), (14, 0, 17, 0))      # Beijing time: morning and afternoon rounds
ON_DUTY_SHARE = 0.92
WALK_MPS = (1.0, 1.4)
DWELL_P, DWELL_S = 0.15, (30, 240)


DAYS_BACK = 1       # yesterday too: replay and "vs yesterday" have a day to compare with


def shift_windows(as_of: datetime, rng: np.random.Generator) -> list[tuple[float, float]]:
    """The shift windows (epoch seconds) of yesterday and today, each start jittered, cut at
    as-of: whatever the hour as-of falls on, yesterday's rounds are whole.
    """
    today = as_of.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
    end_cap = as_of.timestamp()
    windows = []
    for back in range(DAYS_BACK, -1, -1):
        day = today - timedelta(days=back)
        for h0, m0, h1, m1 in SHIFTS:
            start = (day + timedelta(hours=h0, minutes=m0)).timestamp() + rng.uniform(-900, 900)
            end = min((day + timedelta(hours=h1, minutes=m1)).timestamp(), end_cap)
            if end > start:
                windows.append((start, end))
    return windows


def walk(nodes: np.ndarray, neighbours: list, t0: float, t1: float,
         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A walk on the lattice as (times, xy) of its turning points, from t0 past t1."""
    speed = rng.uniform(*WALK_MPS)
    xy = nodes.tolist()   # plain floats: this loop runs ~600 times per worker
    # Draw the random numbers for the whole walk at once (numpy calls are the slow part).
    budget = int((t1 - t0) / 10) + 16
    picks, dwell, pause = rng.random(budget), rng.random(budget) < DWELL_P, rng.uniform(*DWELL_S, budget)
    node, prev, t, i = int(rng.integers(len(xy))), -1, t0, 0
    times, points = [t0], [xy[node]]
    while t < t1 and i < budget:
        options = [n for n in neighbours[node] if n != prev] or neighbours[node] or [node]
        nxt = options[int(picks[i] * len(options))]
        (x0, y0), (x1, y1) = xy[node], xy[nxt]
        t += math.hypot(x1 - x0, y1 - y0) / speed + 1.0
        times.append(t)
        points.append(xy[nxt])
        if dwell[i]:      # a stop at a door, a shop, a hazard
            t += pause[i]
            times.append(t)
            points.append(xy[nxt])
        prev, node, i = node, nxt, i + 1
    if t < t1:
        times.append(t1)
        points.append(points[-1])
    return np.asarray(times), np.asarray(points)


def sample(times: np.ndarray, points: np.ndarray, t0: float, t1: float,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixes every 10 s along the walk, with a few metres of GPS jitter."""
    ticks = np.arange(t0, t1, FIX_INTERVAL_S)
    x = np.interp(ticks, times, points[:, 0]) + rng.normal(0, 3, ticks.size)
    y = np.interp(ticks, times, points[:, 1]) + rng.normal(0, 3, ticks.size)
    return ticks, x, y


def patrols(workers: pd.DataFrame, grid_geoms_metric, grid_index: dict, as_of: datetime,
            rng: np.random.Generator) -> pd.DataFrame:
    """Every on-duty worker's fixes for today up to as-of, ready for COPY into positions."""
    frames = []
    for worker in workers.itertuples():
        if rng.random() > ON_DUTY_SHARE:
            continue
        nodes, neighbours = street_lattice(grid_geoms_metric[grid_index[worker.grid_id]], rng)
        battery = rng.uniform(85, 100)
        for t0, t1 in shift_windows(as_of, rng):
            times, points = walk(nodes, neighbours, t0, t1, rng)
            ticks, x, y = sample(times, points, t0, t1, rng)
            frames.append(pd.DataFrame({
                "device_id": worker.device_pk, "user_id": worker.id, "grid_id": worker.grid_id,
                "t": ticks, "x": x, "y": y, "accuracy_m": rng.uniform(4, 15, ticks.size).round(1),
                "battery": np.clip(battery - (ticks - ticks[0]) / 900, 5, 100).astype(int)}))
            battery -= (t1 - t0) / 900
    if not frames:
        return pd.DataFrame()
    fixes = pd.concat(frames, ignore_index=True)
    fixes["lon"], fixes["lat"] = to_lonlat(fixes["x"].to_numpy(), fixes["y"].to_numpy())
    step = np.hypot(np.diff(fixes["x"], prepend=np.nan), np.diff(fixes["y"], prepend=np.nan))
    same = fixes["device_id"].eq(fixes["device_id"].shift())
    fixes["speed_mps"] = np.where(same, step / FIX_INTERVAL_S, 0).round(2)
    fixes["device_time"] = pd.to_datetime(fixes["t"], unit="s")
    fixes["server_time"] = fixes["device_time"] + pd.to_timedelta(rng.uniform(0.2, 2.0, len(fixes)), unit="s")
    return fixes.drop(columns=["t", "x", "y"])
