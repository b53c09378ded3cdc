"""Export the hierarchy, incidents and cameras to GeoJSON or GeoPackage (WGS84)."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import Connection

from data.export_store import cameras_frame, incidents_frame, level_frame
from etl.importers.fields import iso_text

LEVEL_OF = {"districts": "district", "streets": "street", "communities": "community",
            "grids": "grid"}
KINDS = ("grids", "communities", "streets", "districts", "incidents", "cameras", "all")
FORMATS = {"geojson": "GeoJSON", "gpkg": "GPKG"}
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}


def format_for(out: Path, fmt: str | None) -> str:
    """The format asked for, or the one the output file's suffix names."""
    if fmt:
        return fmt
    try:
        return SUFFIXES[out.suffix.lower()]
    except KeyError:
        raise ValueError(f"give --format geojson|gpkg (cannot tell from {out.name!r})") from None


def export_frames(conn: Connection, kind: str, timezone: str) -> dict[str, gpd.GeoDataFrame]:
    """The layers of one export: one per level for ``all``, otherwise one."""
    if kind == "all":
        names = ("districts", "streets", "communities", "grids")
    else:
        names = (kind,)
    out = {}
    for name in names:
        if name in LEVEL_OF:
            frame = level_frame(conn, LEVEL_OF[name]).drop(columns="parent_code")
        elif name == "incidents":
            frame = incidents_frame(conn)
        else:
            frame = cameras_frame(conn)
        out[name] = _local_times(frame, timezone)
    return out


def write_layers(frames: dict[str, gpd.GeoDataFrame], fmt: str, out: Path) -> dict[str, int]:
    """Write the layers to a new file (an existing one is replaced)."""
    if fmt == "geojson" and len(frames) > 1:
        raise ValueError("GeoJSON holds one layer: export all with --format gpkg")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    for name, frame in frames.items():
        point = name in ("incidents", "cameras")
        pyogrio.write_dataframe(
            frame, out, layer=name, driver=FORMATS[fmt],
            geometry_type="Point" if point else "MultiPolygon", promote_to_multi=not point)
    return {name: len(frame) for name, frame in frames.items()}


def _local_times(frame: gpd.GeoDataFrame, timezone: str) -> gpd.GeoDataFrame:
    # ISO 8601 text with the offset: every reader (and our importer) reads it the same way.
    frame = frame.copy()
    for column in frame.columns:
        if column != frame.geometry.name and (
                column.endswith("_at") or column == "deadline"
                or pd.api.types.is_datetime64_any_dtype(frame[column])):
            stamps = pd.to_datetime(frame[column], utc=True).dt.tz_convert(timezone)
            text = iso_text(stamps).astype(object)
            frame[column] = text.where(stamps.notna(), None)
    return frame
