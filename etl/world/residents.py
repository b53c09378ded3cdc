"""Residents as households in buildings, with age bands, sex and special-group flags."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from etl.world.names import masked, person_names
from etl.world.sampling import points_in_polygons

PEOPLE_PER_HOUSEHOLD = 2.5
HOUSEHOLDS_PER_BUILDING = (24, 72)
AGE_BANDS = np.array(["0-17", "18-39", "40-59", "60-79", "80+"])
AGE_SHARES = np.array([0.13, 0.27, 0.31, 0.22, 0.07])   # an old inner-city district


def grid_populations(weights: np.ndarray, total: int) -> np.ndarray:
    """People per grid in proportion to its density mass, summing exactly to ``total``."""
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(int)
    short = total - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def buildings(grids: pd.DataFrame, grid_geoms_metric, population: np.ndarray,
              rng: np.random.Generator) -> pd.DataFrame:
    """Building points per grid, enough to house each grid's households."""
    households = np.ceil(population / PEOPLE_PER_HOUSEHOLD).astype(int)
    per_building = rng.integers(*HOUSEHOLDS_PER_BUILDING, size=len(grids))
    n_buildings = np.maximum(1, np.ceil(households / per_building)).astype(int)
    lon, lat, owner = points_in_polygons(grid_geoms_metric, n_buildings, rng)
    frame = pd.DataFrame({"grid_id": grids["id"].to_numpy()[owner], "lon": lon, "lat": lat})
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    frame["households"] = 0
    number = frame.groupby("grid_id").cumcount() + 1
    frame["address"] = grids.set_index("id").loc[frame["grid_id"], "name_zh"].to_numpy()
    frame["address"] = frame["address"].str.replace("第", "", regex=False) + number.astype(str) + "号楼"
    return frame


def residents(buildings_frame: pd.DataFrame, population: np.ndarray, grid_ids: np.ndarray,
              seed: int, rng: np.random.Generator) -> pd.DataFrame:
    """Every resident, placed at a building of their grid, in households of 1-5 people."""
    n = int(population.sum())
    grid_of = np.repeat(grid_ids, population)
    by_grid = buildings_frame.groupby("grid_id")["id"].apply(np.asarray)
    building = np.empty(n, dtype=np.int64)
    start = 0
    for gid, count in zip(grid_ids, population):
        choices = by_grid.get(gid)
        building[start:start + count] = rng.choice(choices, count) if count else []
        start += count
    # Within a building, residents come in households alternating 3 and 2 people.
    order = np.argsort(building, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    sorted_b = building[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_b)) + 1]
    rank[order] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    household = rank * 2 // 5
    age = rng.choice(len(AGE_BANDS), n, p=AGE_SHARES)
    old = age >= 3
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1), "grid_id": grid_of, "building_id": building,
        "household_no": household.astype(int) + 1,
        "name_masked": masked(person_names(n, rng)),
        "id_hash": _id_hashes(n, seed),
        "age_band": AGE_BANDS[age], "sex": np.where(rng.random(n) < 0.49, "M", "F"),
        "elderly_alone": old & (rng.random(n) < 0.11),
        "disabled": rng.random(n) < 0.025,
        "low_income": rng.random(n) < 0.03,
        "special_care": rng.random(n) < 0.01,
        "floor": rng.integers(1, 8, n),
    })
    coords = buildings_frame.set_index("id").loc[building, ["lon", "lat"]].to_numpy()
    frame["lon"], frame["lat"] = coords[:, 0], coords[:, 1]
    return frame


def _id_hashes(n: int, seed: int) -> list[str]:
    # Synthetic identity numbers are never stored; only a salted hash of each is.
    salt = f"hongqiao-demo-{seed}".encode()
    return [hashlib.sha256(salt + str(i).encode()).hexdigest() for i in range(n)]
