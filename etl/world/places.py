"""Where incidents happen: population-weighted background plus persistent and new hot spots."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from etl.world.sampling import Uniform, points_in_polygons, to_lonlat
from geo.density import sample_points

HOTSPOT_KINDS = {
    "market": ("0105", "0102", "0404", "0202"),
    "old_housing": ("0403", "0303", "0501", "0505", "0402"),
    "construction": ("0201", "0202", "0104", "0405"),
}
HOTSPOT_SHARE = 0.3
NEW_HOTSPOT_DAYS = 75


@dataclass
class Hotspots:
    x: np.ndarray
    y: np.ndarray
    sigma: np.ndarray
    weight: np.ndarray
    kind: np.ndarray
    is_new: np.ndarray


def hotspots(grid_geoms_metric, population: np.ndarray, n: int,
             rng: np.random.Generator) -> Hotspots:
    """``n`` hot spots in populous grids; a few of them new this quarter."""
    grids = rng.choice(len(population), n, replace=False, p=population / population.sum())
    xy = np.concatenate([sample_points(grid_geoms_metric[g], 1, Uniform(), rng) for g in grids])
    kinds = rng.choice(np.array(list(HOTSPOT_KINDS)), n)
    is_new = np.zeros(n, dtype=bool)
    is_new[rng.choice(n, max(1, n // 8), replace=False)] = True
    return Hotspots(xy[:, 0], xy[:, 1], rng.uniform(60, 160, n), rng.uniform(0.5, 1.5, n),
                    kinds, is_new)


def place_incidents(times: np.ndarray, as_of64: np.datetime64, grid_geoms_metric,
                    population: np.ndarray, spots: Hotspots, outline_metric,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Locations for incidents at ``times``: lon, lat, grid index, hot-spot index (-1: none)."""
    n = len(times)
    recent = times >= as_of64 - np.timedelta64(NEW_HOTSPOT_DAYS, "D")
    spot = np.full(n, -1)
    in_spot = rng.random(n) < HOTSPOT_SHARE
    for active_recent in (False, True):
        rows = np.flatnonzero(in_spot & (recent == active_recent))
        allowed = spots.weight * (~spots.is_new if not active_recent else 1.0)
        spot[rows] = rng.choice(len(spots.x), len(rows), p=allowed / allowed.sum())
    lon, lat, grid = np.empty(n), np.empty(n), np.empty(n, dtype=int)
    background = np.flatnonzero(spot < 0)
    per_grid = rng.multinomial(len(background), population / population.sum())
    b_lon, b_lat, b_grid = points_in_polygons(grid_geoms_metric, per_grid, rng)
    order = rng.permutation(len(background))
    lon[background], lat[background], grid[background] = b_lon[order], b_lat[order], b_grid[order]
    hot = np.flatnonzero(spot >= 0)
    hx, hy, hgrid = _scatter_in_grids(spots, spot[hot], grid_geoms_metric, outline_metric, rng)
    lon[hot], lat[hot] = to_lonlat(hx, hy)
    grid[hot] = hgrid
    return lon, lat, grid, spot


def _scatter_in_grids(spots: Hotspots, which: np.ndarray, geoms, outline, rng):
    """Gaussian scatter around each hot spot, redrawn until every point is in some grid."""
    tree = shapely.STRtree(geoms)
    x = np.empty(len(which))
    y = np.empty(len(which))
    grid = np.full(len(which), -1)
    todo = np.arange(len(which))
    while len(todo):
        x[todo] = spots.x[which[todo]] + rng.normal(0, 1, len(todo)) * spots.sigma[which[todo]]
        y[todo] = spots.y[which[todo]] + rng.normal(0, 1, len(todo)) * spots.sigma[which[todo]]
        pts = shapely.points(x[todo], y[todo])
        inside, owner = tree.query(pts, predicate="within")
        grid[todo[inside]] = owner
        todo = todo[grid[todo] < 0]
    return x, y, grid
