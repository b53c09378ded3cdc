"""A day's patrol in figures: distance walked, time on patrol, and the share of the beat seen."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from geo.crs import METRIC, to_metric
from geo.track import haversine_m

REACH_M = 30.0        # a worker sees this far around where a fix puts them
MAX_GAP_S = 300.0     # a longer silence is a break, not patrol time or a straight walk
CELL_M = 10.0         # the beat is judged in squares of this side


def patrol_summary(lon, lat, seconds, beat=(), reach_m: float = REACH_M,
                   max_gap_s: float = MAX_GAP_S, cell_m: float = CELL_M) -> dict:
    """Distance, minutes and beat coverage of one worker's fixes of a day.

    Parameters
    ----------
    lon, lat : array_like
        WGS84 degrees of the fixes, in time order.
    seconds : array_like
        Their times in seconds (any epoch).
    beat : sequence of shapely polygons
        The worker's grids, WGS84.
    reach_m, max_gap_s, cell_m : float
        How far a fix sees; the longest silence still counted as patrolling; the side of
        the squares the beat is judged in.

    Returns
    -------
    dict
        distance_m, minutes, coverage (share 0..1 of the beat's squares whose centre lies
        within ``reach_m`` of a fix; None without a beat).
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    t = np.asarray(seconds, float)
    beat = [g for g in beat if g is not None and not g.is_empty]
    distance = minutes = 0.0
    if len(lon) >= 2:
        gaps = np.diff(t)
        walking = (gaps > 0) & (gaps <= max_gap_s)
        steps = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
        distance = float(np.sum(np.where(walking, steps, 0.0)))
        minutes = float(np.sum(np.where(walking, gaps, 0.0)) / 60.0)
    coverage = _coverage(lon, lat, beat, reach_m, cell_m) if beat else None
    return {"distance_m": distance, "minutes": minutes, "coverage": coverage}


def _coverage(lon, lat, beat, reach_m: float, cell_m: float) -> float:
    """Share of the beat's squares with a fix within reach (a grid search, not a buffer of
    the path: a day's dense, self-crossing walk buffers slowly).
    """
    area = to_metric(shapely.union_all(beat))
    x0, y0, x1, y1 = area.bounds
    xs, ys = np.meshgrid(np.arange(x0 + cell_m / 2, x1, cell_m),
                         np.arange(y0 + cell_m / 2, y1, cell_m))
    inside = shapely.contains_xy(area, xs.ravel(), ys.ravel())
    cx, cy = xs.ravel()[inside], ys.ravel()[inside]
    if len(cx) == 0:
        return 0.0
    if len(lon) == 0:
        return 0.0
    fx, fy = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True).transform(lon, lat)
    fx, fy = np.asarray(fx), np.asarray(fy)
    seen = np.zeros(len(cx), bool)
    for start in range(0, len(fx), 500):         # bounded memory: cells x 500 fixes at a time
        dx = cx[:, None] - fx[None, start:start + 500]
        dy = cy[:, None] - fy[None, start:start + 500]
        seen |= ((dx * dx + dy * dy) <= reach_m * reach_m).any(axis=1)
    return float(seen.mean())
