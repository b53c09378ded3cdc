"""What the point importers share: options, reading, placing points in grids, reporting."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection

from data.bulk import points_ewkb
from data.import_store import grid_index
from data.models.base import DISTRICT_CODE
from etl.importers.fields import Fields
from etl.importers.problems import ImportRefused, Report
from etl.importers.sources import CrsChoice, Source, read_points
from geo.coverage import locate_points


@dataclass
class PointOptions:
    """How to read a point file (see ``python app.py import incidents --help``)."""

    mapping: dict[str, str] = field(default_factory=dict)
    lon: str = "lon"
    lat: str = "lat"
    choice: CrsChoice = field(default_factory=CrsChoice)
    layer: str | None = None
    encoding: str = "utf-8-sig"
    timezone: str = "Asia/Shanghai"
    secret: str = ""
    # The district the file belongs to: a point outside its grids (its outline) is refused.
    district_code: str = DISTRICT_CODE
    # The old system an incidents file comes from: its codes are unique only within it.
    system: str = "legacy"


@dataclass
class PointPlan:
    """Rows ready to write (meaningful only when the report has no errors)."""

    report: Report
    rows: pd.DataFrame
    existing: int = 0
    extra: dict = field(default_factory=dict)


def open_points(path: Path, options: PointOptions, defaults: dict) -> tuple[Report, Source, Fields]:
    """Read a point file and resolve its field mapping."""
    report = Report(file=Path(path).name)
    source = read_points(Path(path), options.lon, options.lat, options.choice, report,
                         options.layer, options.encoding)
    return report, source, Fields(source.frame.columns, options.mapping, defaults)


def place(conn: Connection, source: Source, labels: pd.Series, report: Report,
          district_code: str = DISTRICT_CODE) -> pd.DataFrame:
    """The grid, community, street and district of every point; points outside the grids of
    ``district_code`` (which tile its outline) are reported.

    Returns a frame aligned with the source: nullable ids, and ``placed`` per row.
    """
    grids, polygons = grid_index(conn, district_code)
    if grids.empty:
        raise ImportRefused(f"数据库中没有区划 {district_code} 的网格，请先导入网格 no grids of "
                            f"district {district_code} in the database: import grids first "
                            "(python app.py import grids FILE --commit)")
    index = locate_points(source.geometry, polygons)
    present = ~shapely.is_missing(source.geometry)
    for i in np.flatnonzero(present & (index < 0)):
        x, y = shapely.get_x(source.geometry[i]), shapely.get_y(source.geometry[i])
        report.add("outside_district", int(source.rows[i]), labels.iat[i],
                   f"({x:.6f}, {y:.6f}) 不在区划 {district_code} 的任何网格内 is not inside "
                   f"any grid of district {district_code}")
    hit = index >= 0
    out = pd.DataFrame({"placed": hit}, index=source.frame.index)
    for column in ("id", "community_id", "street_id"):
        values = pd.array([pd.NA] * len(index), dtype="Int64")
        values[hit] = grids[column].to_numpy()[index[hit]]
        out["grid_id" if column == "id" else column] = values
    codes = np.full(len(index), None, dtype=object)
    codes[hit] = grids["code"].to_numpy()[index[hit]]
    out["district_code"] = [c[:6] if c else None for c in codes]
    return out


def point_ewkb(source: Source, keep: np.ndarray) -> list[str]:
    """Hex EWKB of the kept rows' points."""
    geoms = source.geometry[keep]
    return points_ewkb(shapely.get_x(geoms), shapely.get_y(geoms))


def require(values: pd.Series, rows, labels, column: str | None, key: str,
            report: Report) -> np.ndarray:
    """Report rows where a required field is empty; returns the mask of rows that have it."""
    empty = (values == "").to_numpy()
    for i in np.flatnonzero(empty):
        report.add("missing_field", int(rows[i]), labels.iat[i],
                   f"缺少 missing {key} (column {column or key + ': not in the file'})")
    return ~empty


def duplicates(keys: pd.Series, rows, labels, report: Report, ignore_empty=True) -> np.ndarray:
    """Report every row of a repeated key; returns the mask of first occurrences."""
    repeated = np.array(keys.duplicated(keep=False), dtype=bool)
    if ignore_empty:
        repeated &= (keys != "").to_numpy()
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(repeated):
        groups.setdefault(keys.iat[i], []).append(int(i))
    for where in groups.values():
        listed = ", ".join(str(int(rows[j])) for j in where)
        for i in where:
            report.add("duplicate_code", int(rows[i]), labels.iat[i],
                       f"重复出现{len(where)}次 appears {len(where)} times (at {listed})")
    return ~keys.duplicated(keep="first").to_numpy() | (keys == "").to_numpy()


def too_long(values: pd.Series, limit: int, rows, labels, key: str, report: Report) -> None:
    """Report values longer than the column allows."""
    for i in np.flatnonzero((values.str.len() > limit).to_numpy()):
        report.add("too_long", int(rows[i]), labels.iat[i],
                   f"{key} 超过{limit}字 longer than {limit} characters")


def summarise(report: Report, source: Source, kind: str, n: int, existing: int,
              existing_action: str) -> None:
    """The dry run's account of what would be loaded."""
    report.summary += [
        f"文件 file: {report.file} ({len(source.frame)} {report.unit}s)",
        f"坐标系 CRS: {source.crs_label}",
        f"范围 bounds: {source.bounds()}",
        f"将导入 would load: {kind} {n} (新增 new {n - existing}, 已存在 already in the "
        f"database {existing}: {existing_action})",
    ]
