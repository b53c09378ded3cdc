"""Reading import files (pyogrio layers, CSV with lon/lat) and bringing them to WGS84."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from etl.importers.fields import iso_text
from etl.importers.problems import ImportRefused, Report
from geo.crs import geometry_gcj02_to_wgs84

WGS84 = pyproj.CRS.from_epsg(4326)
TABLE_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class CrsChoice:
    """How the file's coordinates are to be read: an EPSG override, or GCJ-02."""

    crs: str | None = None
    gcj02: bool = False


@dataclass
class Source:
    """A file's features: attribute text, WGS84 geometries, and numbers for reports."""

    frame: pd.DataFrame
    geometry: np.ndarray
    rows: np.ndarray
    crs_label: str

    def bounds(self) -> str:
        present = self.geometry[~shapely.is_missing(self.geometry)]
        if len(present) == 0:
            return "-"
        x0, y0, x1, y1 = shapely.total_bounds(present)
        return f"经度 lon {x0:.5f}–{x1:.5f}, 纬度 lat {y0:.5f}–{y1:.5f}"


def read_vector(path: Path, choice: CrsChoice, report: Report, layer: str | None = None,
                default_layer: str | None = None) -> Source:
    """A GeoJSON, GeoPackage or Shapefile layer, its geometries converted to WGS84."""
    report.unit = "feature"
    layer = layer or _default_layer(path, default_layer)
    try:
        gdf = gpd.read_file(path, engine="pyogrio", layer=layer)
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's problem
        raise ImportRefused(f"无法读取 cannot read {path}: {exc}") from exc
    geoms = np.asarray(shapely.force_2d(np.asarray(gdf.geometry.values, dtype=object)),
                       dtype=object)
    frame = _as_text(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    rows = np.arange(1, len(frame) + 1)
    geoms, label = _to_wgs84(geoms, gdf.crs, choice)
    source = Source(frame.reset_index(drop=True), geoms, rows, label)
    _check_range(source, report)
    return source


def read_table(path: Path, lon: str, lat: str, choice: CrsChoice, report: Report,
               encoding: str = "utf-8-sig") -> Source:
    """A CSV with coordinate columns; rows are numbered as in a spreadsheet (header = 1)."""
    report.unit = "row"
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep)
    except (UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
        raise ImportRefused(f"无法读取 cannot read {path} ({encoding}): {exc}") from exc
    frame = frame.apply(lambda col: col.astype(str).str.strip())
    for column in (lon, lat):
        if column not in frame.columns:
            raise ImportRefused(f"坐标列不存在 no column {column!r} in {path.name}; columns: "
                                f"{', '.join(frame.columns)} (use --lon/--lat)")
    rows = np.arange(2, len(frame) + 2)
    x = pd.to_numeric(frame[lon], errors="coerce").to_numpy(float)
    y = pd.to_numeric(frame[lat], errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    for i in np.flatnonzero(bad):
        report.add("bad_coordinates", int(rows[i]), "", f"{lon}={frame[lon].iat[i]!r}, "
                   f"{lat}={frame[lat].iat[i]!r} 不是数字 not numbers")
    geoms = np.full(len(frame), None, dtype=object)
    geoms[~bad] = shapely.points(x[~bad], y[~bad])
    geoms, label = _to_wgs84(geoms, None, choice)
    source = Source(frame.drop(columns=[lon, lat]), geoms, rows, label)
    _check_range(source, report)
    return source


def read_points(path: Path, lon: str, lat: str, choice: CrsChoice, report: Report,
                layer: str | None = None, encoding: str = "utf-8-sig") -> Source:
    """Points from a CSV (by its suffix) or from any vector layer pyogrio reads."""
    if not path.exists():
        raise ImportRefused(f"文件不存在 no such file: {path}")
    if path.suffix.lower() in TABLE_SUFFIXES:
        return read_table(path, lon, lat, choice, report, encoding)
    source = read_vector(path, choice, report, layer)
    types = shapely.get_type_id(source.geometry)
    for i in np.flatnonzero((types != 0) & (types != -1)):
        report.add("geometry_type", int(source.rows[i]), "",
                   f"应为点 expected a point, got {source.geometry[i].geom_type}")
        source.geometry[i] = None
    return source


def crs_label(crs: pyproj.CRS) -> str:
    """``EPSG:4490 China Geodetic Coordinate System 2000`` or the CRS's own name."""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} {crs.name}" if epsg else crs.name


def _default_layer(path: Path, preferred: str | None) -> str | None:
    if not path.exists():
        raise ImportRefused(f"文件不存在 no such file: {path}")
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # noqa: BLE001
        raise ImportRefused(f"无法读取 cannot read {path}: {exc}") from exc
    if preferred and preferred in names:
        return preferred
    return names[0] if names else None


def _to_wgs84(geoms: np.ndarray, declared, choice: CrsChoice) -> tuple[np.ndarray, str]:
    present = ~shapely.is_missing(geoms)
    if choice.gcj02:
        if declared is not None and not pyproj.CRS(declared).is_geographic:
            raise ImportRefused("--gcj02 需要经纬度坐标 needs lon/lat coordinates, but the file "
                                f"declares {crs_label(pyproj.CRS(declared))}")
        out = geoms.copy()
        out[present] = geometry_gcj02_to_wgs84(geoms[present])
        return out, "GCJ-02 (火星坐标 Amap/Tencent) → EPSG:4326 WGS 84"
    source = pyproj.CRS.from_user_input(choice.crs) if choice.crs else declared
    if source is None:
        return geoms, "EPSG:4326 WGS 84 (未声明，按默认 none declared, assumed)"
    source = pyproj.CRS(source)
    if source.equals(WGS84, ignore_axis_order=True):
        return geoms, crs_label(source)
    transformer = pyproj.Transformer.from_crs(source, WGS84, always_xy=True)

    def apply(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = geoms.copy()
    out[present] = shapely.transform(geoms[present], apply)
    return out, f"{crs_label(source)} → EPSG:4326 WGS 84"


def _check_range(source: Source, report: Report) -> None:
    present = ~shapely.is_missing(source.geometry)
    x0, y0, x1, y1 = shapely.bounds(source.geometry).T
    with np.errstate(invalid="ignore"):
        ok = (np.isfinite([x0, y0, x1, y1]).all(axis=0) & (x0 >= -180) & (x1 <= 180)
              & (y0 >= -90) & (y1 <= 90))
    empty = shapely.is_empty(source.geometry)
    for i in np.flatnonzero(present & ~ok & ~empty):
        report.add("bad_coordinates", int(source.rows[i]), "",
                   f"转换后超出经纬度范围 outside lon/lat range after {source.crs_label}: "
                   "坐标系是否正确? is the CRS right (--crs, --gcj02)?")
        source.geometry[i] = None


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every attribute as stripped text: integral floats without '.0', missing as ''."""
    return pd.DataFrame({str(name): _text_column(frame[name]) for name in frame.columns},
                        index=frame.index)


def _text_column(values: pd.Series) -> pd.Series:
    missing = values.isna()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        text = iso_text(values)
    elif pd.api.types.is_float_dtype(values.dtype):
        integral = ~missing & (values == values.round())
        text = values.astype(str).where(~integral, values.where(integral, 0).astype("int64")
                                        .astype(str))
    elif values.dtype == object:
        text = values.map(_text_value)
    else:
        text = values.astype(str)
    return text.where(~missing, "").astype(str).str.strip()


def _text_value(value) -> str:
    if isinstance(value, str):
        return value
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
