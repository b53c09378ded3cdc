"""Shape generated tables for COPY: geometry as EWKB/EWKT, times as UTC ISO strings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from data.bulk import points_ewkb


def polygons_ewkb(geoms) -> np.ndarray:
    """Hex EWKB with SRID 4326 for an array of (Multi)Polygons."""
    return shapely.to_wkb(shapely.set_srid(np.asarray(geoms, dtype=object), 4326), hex=True,
                          include_srid=True)


def with_point(frame: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> pd.DataFrame:
    """The frame with a ``geom`` column of EWKB points and the lon/lat columns dropped."""
    out = frame.drop(columns=[lon, lat])
    out["geom"] = points_ewkb(frame[lon].to_numpy(float), frame[lat].to_numpy(float))
    return out


def nullable_int(values) -> pd.Series:
    """Integers that may be missing, kept integral (no 12.0 in COPY text)."""
    return pd.Series(values).astype("Int64")
