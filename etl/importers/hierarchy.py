"""The four levels of the grid hierarchy: codes, derived parents, and rows for the tables."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.world.frames import polygons_ewkb
from geo.crs import to_metric

LEVELS = ("district", "street", "community", "grid")
CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}
TABLES = {"district": "districts", "street": "streets", "community": "communities",
          "grid": "grids"}
LABELS = {"district": "区县 districts", "street": "街道 streets",
          "community": "社区 communities", "grid": "网格 grids"}
NAME_LENGTH = {"district": 40, "street": 40, "community": 40, "grid": 60}
COLUMNS = ["code", "parent_code", "name_zh", "name_en", "row", "geometry"]


def parent_level(level: str) -> str | None:
    """The level above (None for the district)."""
    i = LEVELS.index(level)
    return LEVELS[i - 1] if i else None


def prefix(code: str, level: str) -> str:
    """The code of the unit at ``level`` that contains the unit with ``code``."""
    return code[:CODE_LENGTH[level]]


def fallback_names(level: str, code: str) -> tuple[str, str]:
    """Names for a unit the file does not name (street names must be unique)."""
    zh = {"district": "区县", "street": "街道", "community": "社区", "grid": "网格"}[level]
    return f"{zh}{code}", f"{level.title()} {code}"


def as_multi(geoms) -> np.ndarray:
    """Every geometry as a MultiPolygon (other parts of collections dropped)."""
    out = []
    for geom in np.asarray(geoms, dtype=object):
        polygons = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
        out.append(shapely.MultiPolygon(polygons))
    return np.asarray(out, dtype=object)


def empty_level() -> gpd.GeoDataFrame:
    """A level with no units."""
    return gpd.GeoDataFrame({c: [] for c in COLUMNS[:-1]},
                            geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def dissolve(children: gpd.GeoDataFrame, level: str, names: dict[str, str]) -> gpd.GeoDataFrame:
    """The units of ``level`` as the unions of their children, grouped by code prefix.

    ``names`` gives a Chinese name per unit code where the file carries one.
    """
    codes = np.asarray([prefix(c, level) for c in children["code"]])
    units = sorted(set(codes.tolist()))
    geoms = np.asarray(shapely.make_valid(np.asarray(children.geometry.values, dtype=object)),
                       dtype=object)
    unions = [shapely.union_all(geoms[codes == u]) for u in units]
    up = parent_level(level)
    rows = {
        "code": units,
        "parent_code": [prefix(u, up) if up else None for u in units],
        "name_zh": [names.get(u) or fallback_names(level, u)[0] for u in units],
        "name_en": [fallback_names(level, u)[1] for u in units],
        "row": [None] * len(units),
    }
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(as_multi(unions), crs="EPSG:4326"),
                            crs="EPSG:4326")


def table_frames(levels: dict[str, gpd.GeoDataFrame]) -> dict[str, pd.DataFrame]:
    """Rows for districts, streets, communities and grids with ids and parent ids."""
    ids: dict[str, dict[str, int]] = {}
    out = {}
    for level in LEVELS:
        units = levels[level]
        ids[level] = {c: i for i, c in enumerate(units["code"], start=1)}
        multi = as_multi(units.geometry.values)
        frame = pd.DataFrame({
            "id": np.arange(1, len(units) + 1, dtype=np.int64),
            "code": units["code"].to_numpy(object),
            "name_zh": units["name_zh"].to_numpy(object),
            "area_km2": np.asarray(shapely.area(to_metric(multi)), float) / 1e6,
            "geom": polygons_ewkb(multi) if len(units) else np.asarray([], dtype=object),
        })
        if level != "grid":
            frame["name_en"] = units["name_en"].to_numpy(object)
        up = parent_level(level)
        if up:
            key = {"street": "district_id", "community": "street_id", "grid": "community_id"}
            frame[key[level]] = [ids[up][prefix(c, up)] for c in frame["code"]]
        if level == "grid":
            frame["street_id"] = [ids["street"][prefix(c, "street")] for c in frame["code"]]
            frame["population"] = 0
        out[TABLES[level]] = frame
    return out
