"""The patrol exception rules, on one worker's fixes inside the shift windows (pure).

Each rule gives events (kind, start, end); ``end`` is None while it still lasts at ``now``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.stops import find_stops

IDLE_R_M = 30.0


@dataclass(frozen=True)
class Thresholds:
    """Minutes off the own beat, without a fix, idle; the low battery percentage."""

    off_beat_min: float = 10.0
    no_fix_min: float = 15.0
    idle_min: float = 30.0
    low_battery: int = 15


def off_beat(t, grids, own: set, windows, now: float, th: Thresholds) -> list[tuple]:
    """Runs of fixes outside the own grids lasting over the threshold; a run ends at the first
    fix back on the beat (or the last fix off it when the window closed).
    """
    out, i, n = [], 0, len(t)
    while i < n:
        if grids[i] in own:
            i += 1
            continue
        j = i
        while j + 1 < n and grids[j + 1] not in own and _same_window(t[i], t[j + 1], windows):
            j += 1
        back = j + 1 < n and _same_window(t[i], t[j + 1], windows)
        end = t[j + 1] if back else t[j]
        ongoing = not back and _open_window(t[j], windows, now)
        if (now if ongoing else end) - t[i] > th.off_beat_min * 60:
            out.append(("off_beat", t[i], None if ongoing else end))
        i = j + 1
    return out


def no_fix(t, windows, now: float, th: Thresholds) -> list[tuple]:
    """Silences over the threshold inside each window (its start and end count as marks;
    a window still open ends at ``now``, and a silence reaching it is still going on).
    """
    out = []
    for ws, we in windows:
        if ws >= now:
            continue
        end = min(we, now)
        marks = [ws] + [x for x in t if ws <= x < end] + [end]
        for a, b in zip(marks, marks[1:]):
            if b - a > th.no_fix_min * 60:
                out.append(("no_fix", a, None if b == now and we > now else b))
    return out


def idle(t, x, y, now: float, th: Thresholds) -> list[tuple]:
    """Staying within 30 m for over the threshold (a stop far longer than a door's)."""
    out = []
    for i, j in find_stops(t, x, y, IDLE_R_M, th.idle_min * 60):
        ongoing = j == len(t) - 1 and now - t[j] < th.no_fix_min * 60
        out.append(("idle", t[i], None if ongoing else t[j]))
    return out


def low_battery(t, battery, now: float, th: Thresholds) -> list[tuple]:
    """From the first fix under the threshold to the first one at or above it again."""
    out, start = [], None
    for when, level in zip(t, battery):
        if level is None:
            continue
        if level < th.low_battery and start is None:
            start = when
        elif level >= th.low_battery and start is not None:
            out.append(("low_battery", start, when))
            start = None
    if start is not None:
        out.append(("low_battery", start, None))
    return out


def _same_window(a: float, b: float, windows) -> bool:
    return any(ws <= a < we and ws <= b < we for ws, we in windows)


def _open_window(at: float, windows, now: float) -> bool:
    return any(ws <= at < we and we > now for ws, we in windows)


def worker_events(fixes: Sequence, own: set, windows: list[tuple[float, float]], now: float,
                  th: Thresholds) -> list[tuple]:
    """Every rule on one worker's fixes (rows with at, grid_id, battery, lon, lat; times in
    epoch seconds), oldest first.
    """
    t = [f.at for f in fixes]
    events = no_fix(t, windows, now, th)
    if fixes:
        lat0 = math.radians(sum(f.lat for f in fixes) / len(fixes))
        x = np.array([f.lon for f in fixes]) * 111_412.84 * math.cos(lat0)
        y = np.array([f.lat for f in fixes]) * 111_132.95
        events += off_beat(t, [f.grid_id for f in fixes], own, windows, now, th)
        events += idle(t, x, y, now, th)
        events += low_battery(t, [f.battery for f in fixes], now, th)
    return sorted(events, key=lambda e: (e[1], e[0]))
