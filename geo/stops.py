"""Stops on a track: the worker stayed within a radius for at least some minutes."""
from __future__ import annotations

import numpy as np


def find_stops(t, x, y, radius_m: float = 30.0, min_s: float = 180.0) -> list[tuple[int, int]]:
    """Runs of consecutive fixes all within ``radius_m`` of the run's first fix, lasting at
    least ``min_s`` seconds.

    Parameters
    ----------
    t : array-like of float
        Times in seconds, ascending.
    x, y : array-like of float
        Metric coordinates (a projected CRS), same length as ``t``.
    radius_m, min_s : float

    Returns
    -------
    list of (int, int)
        Index of each stop's first and last fix.
    """
    t, x, y = (np.asarray(a, dtype=float) for a in (t, x, y))
    out, i, n = [], 0, len(t)
    while i < n:
        j = i + 1
        while j < n and (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2 <= radius_m ** 2:
            j += 1
        if t[j - 1] - t[i] >= min_s:
            out.append((i, j - 1))
            i = j
        else:
            i += 1
    return out
