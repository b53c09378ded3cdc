"""Planted duplicates: open cases reported again nearby by residents, a known answer key.

Each planted report copies an open case's category some metres away and some hours later,
as a resident or the hotline reports what a worker already filed. Its ``idempotency_key`` is
``world-dup-<parent id>-<n>``: the world's own label, never sent by a client, so a bench can
score the suggested duplicates against it (tests/test_intake_suggestions.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from etl.world.timeline import as_minutes

PREFIX = "world-dup-"
OTHER_PREFIX = "world-other-"
# Where a caller says the problem is: the median resident's point lies ~18 m from the
# worker's, and one in ten beyond 50 m (a phone in a stairwell, an address geocoded to the
# gate), so the 50 m rule cannot find every planted report.
MEDIAN_M, SIGMA = 18.0, 0.8
MAX_DISTANCE_M = 150.0
# A different problem of the same kind next door (the next lamp post): not a duplicate.
OTHER_SHARE = 0.3
OTHER_M = (15.0, 60.0)
RECENT = np.timedelta64(5, "D")      # parents are open cases reported in the last days
GROUP_SHARE = 0.3                    # of those, how many get reported again
M_PER_DEG_LAT = 111_320.0


def _offset(lon: float, lat: float, distance: float,
            rng: np.random.Generator) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * np.pi)
    dlat = distance * np.sin(angle) / M_PER_DEG_LAT
    dlon = distance * np.cos(angle) / (M_PER_DEG_LAT * np.cos(np.radians(lat)))
    return lon + dlon, lat + dlat


def _near(parent, polygon, distance, rng) -> tuple[float, float] | None:
    for _ in range(5):
        lon, lat = _offset(float(parent["lon"]), float(parent["lat"]), distance, rng)
        if shapely.contains_xy(polygon, lon, lat):
            return lon, lat
    return None


def plant(frame: pd.DataFrame, grids, as_of64: np.datetime64, rng: np.random.Generator,
          first_id: int) -> pd.DataFrame:
    """New reports repeating some open recent cases of ``frame`` (same grid, same category),
    and beside some of them a different problem of the same kind (``world-other-``).

    ``grids`` is the grids GeoDataFrame (WGS84) indexed like ``frame.grid_id - 1``; a point
    that would leave its parent's grid is drawn again (at most 5 times, then skipped), so
    every planted report lies in the grid it names.
    """
    open_ = ~frame["status"].isin(["closed", "rejected"]).to_numpy()
    recent = frame["reported_at"].to_numpy() >= as_of64 - RECENT
    candidates = np.flatnonzero(open_ & recent)
    k = int(len(candidates) * GROUP_SHARE)
    parents = np.sort(rng.choice(candidates, k, replace=False)) if k else candidates[:0]
    polygons = np.asarray(grids.geometry.to_numpy(), dtype=object)
    rows = []
    for p in parents:
        parent = frame.iloc[p]
        polygon = polygons[int(parent["grid_id"]) - 1]
        copies = int(rng.choice([1, 1, 2, 3]))
        distances = np.minimum(rng.lognormal(np.log(MEDIAN_M), SIGMA, copies), MAX_DISTANCE_M)
        labels = [f"{PREFIX}{int(parent['id'])}-{n}" for n in range(copies)]
        if rng.random() < OTHER_SHARE:
            distances = np.append(distances, rng.uniform(*OTHER_M))
            labels.append(f"{OTHER_PREFIX}{int(parent['id'])}-0")
        for distance, label in zip(distances, labels):
            point = _near(parent, polygon, float(distance), rng)
            if point is None:
                continue
            room = (as_of64 - parent["reported_at"].to_datetime64()) / np.timedelta64(1, "m")
            gap = as_minutes(np.array([rng.uniform(5, max(6.0, min(room, 72 * 60)))]))[0]
            rows.append({"lon": point[0], "lat": point[1], "grid_id": parent["grid_id"],
                         "community_id": parent["community_id"],
                         "street_id": parent["street_id"],
                         "category_code": parent["category_code"],
                         "reported_at": min(parent["reported_at"].to_datetime64() + gap, as_of64),
                         "source": str(rng.choice(["hotline", "resident"])),
                         "idempotency_key": label,
                         "address": parent["address"], "description": parent["description"]})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out.insert(0, "id", np.arange(first_id, first_id + len(out)))
    out["status"] = "reported"
    out["reopen_count"] = 0
    phones = rng.integers(1000, 9999, len(out)).astype(str)
    out["reporter_contact"] = np.char.add("138****", phones)
    return out
