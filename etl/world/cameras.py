"""4,500 cameras from five departments and the streets; 2,000+ clustered at kindergartens."""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from etl.world.sampling import Uniform, points_in_polygons, to_lonlat
from geo.density import sample_points

# (owner department code or None for the streets, kind, share of the 4,500)
FLEETS = (
    ("JYJ", "kindergarten", 2050), ("GA", "street", 1200), ("WJW", "hospital", 300),
    ("YJGL", "worksite", 200), ("MZJ", "community", 250), (None, "street", 500),
)
CAMERAS_PER_KINDERGARTEN = (12, 22)
KIND_ZH = {"kindergarten": "幼儿园", "street": "街面", "hospital": "医院", "worksite": "工地",
           "community": "社区"}


def cameras(grids: pd.DataFrame, grid_geoms_metric, scale: float,
            rng: np.random.Generator) -> pd.DataFrame:
    """Camera points with owner, kind and grid; kindergartens as tight clusters."""
    weights = grids["population"].to_numpy(float) + 1
    frames = []
    for dept, kind, total in FLEETS:
        n = max(1, int(round(total * scale)))
        if kind == "kindergarten":
            frame = _kindergarten_clusters(grids, grid_geoms_metric, n, weights, rng)
        else:
            per_grid = rng.multinomial(n, weights / weights.sum())
            lon, lat, owner = points_in_polygons(grid_geoms_metric, per_grid, rng)
            frame = pd.DataFrame({"lon": lon, "lat": lat, "grid_idx": owner})
        frame["dept_code"] = dept
        frame["kind"] = kind
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["grid_id"] = grids["id"].to_numpy()[out["grid_idx"]]
    out["street_id"] = grids["street_id"].to_numpy()[out["grid_idx"]]
    out.insert(0, "id", np.arange(1, len(out) + 1))
    out["code"] = [f"CAM{i:05d}" for i in out["id"]]
    out["name_zh"] = [f"{KIND_ZH[k]}监控{i:05d}" for k, i in zip(out["kind"], out["id"])]
    return out.drop(columns="grid_idx")


def _kindergarten_clusters(grids, geoms, n, weights, rng) -> pd.DataFrame:
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(*CAMERAS_PER_KINDERGARTEN)))
    sizes[-1] -= sum(sizes) - n
    sites = np.sort(rng.choice(len(grids), len(sizes), p=weights / weights.sum()))
    anchors = np.concatenate([sample_points(geoms[s], 1, Uniform(), rng) for s in sites])
    site_of = np.repeat(np.arange(len(sizes)), sizes)
    # A kindergarten's cameras ring its yard: within ~40 m of the site, inside its grid.
    xs = anchors[site_of, 0] + rng.normal(0, 15, n)
    ys = anchors[site_of, 1] + rng.normal(0, 15, n)
    for i, site in enumerate(sites):
        mine = site_of == i
        outside = mine & ~shapely.contains_xy(geoms[site], xs, ys)
        xs[outside], ys[outside] = anchors[i]
    lon, lat = to_lonlat(xs, ys)
    return pd.DataFrame({"lon": lon, "lat": lat, "grid_idx": sites[site_of]})
