"""Checks of a polygon level file: codes, geometry, names, and the partition of parents."""
from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.importers.fields import Fields
from etl.importers.hierarchy import (
    CODE_LENGTH,
    NAME_LENGTH,
    fallback_names,
    parent_level,
    prefix,
)
from etl.importers.problems import Report
from etl.importers.sources import Source
from geo.coverage import detached_members, interior_gaps
from geo.crs import to_metric
from geo.validate import check_partition

POLYGONAL = ("Polygon", "MultiPolygon")
PARTITION_KINDS = ("overlap", "gap", "outside_parent", "across_parent")


def unit_frame(source: Source, fields: Fields, level: str, report: Report) -> gpd.GeoDataFrame:
    """The usable units of a level file; every feature that is not usable is reported.

    Kept: a well-formed unique code, in the file's main district, with a polygon (invalid
    polygons are kept so that overlaps are still measured; they are reported and block
    the commit).
    """
    frame = source.frame
    codes = fields.values(frame, "code")
    report.name_rows(dict(zip(source.rows.tolist(), codes)))
    keep = _check_codes(codes, source.rows, level, report)
    keep &= _check_geometry(source, codes, report)
    keep &= _check_duplicates(codes, source.rows, keep, report)
    keep &= _check_district(codes, source.rows, keep, report)
    _check_parent_field(fields.values(frame, "parent"), codes, source.rows, level, report)
    names = _check_names(fields, frame, codes, source.rows, level, report)
    up = parent_level(level)
    fallback = [fallback_names(level, c) for c in codes]
    units = gpd.GeoDataFrame({
        "code": codes.to_numpy(object),
        "parent_code": [prefix(c, up) if up else None for c in codes],
        "name_zh": [n or zh for n, (zh, _) in zip(names, fallback)],
        "name_en": [n or en for n, (_, en) in zip(fields.values(frame, "name_en"), fallback)],
        "row": source.rows,
    }, geometry=gpd.GeoSeries(source.geometry, crs="EPSG:4326"), crs="EPSG:4326")
    extra = {k: fields.values(frame, k).to_numpy(object) for k in ("street_name", "community_name")}
    return units.assign(**extra)[keep].reset_index(drop=True)


def _check_codes(codes: pd.Series, rows, level: str, report: Report) -> np.ndarray:
    width = CODE_LENGTH[level]
    ok = np.array(codes.str.fullmatch(rf"[0-9]{{{width}}}"), dtype=bool)
    for i in np.flatnonzero(~ok):
        if codes.iat[i] == "":
            report.add("missing_field", int(rows[i]), "", "没有编码 no code")
        else:
            report.add("bad_code", int(rows[i]), codes.iat[i],
                       f"编码应为{width}位数字 a {level} code is {width} digits, "
                       f"got {len(codes.iat[i])} characters")
    return ok


def _check_geometry(source: Source, codes: pd.Series, report: Report) -> np.ndarray:
    geoms = source.geometry
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    ok = ~missing
    for i in np.flatnonzero(missing):
        report.add("empty_geometry", int(source.rows[i]), codes.iat[i], "没有几何 no geometry")
    for i in np.flatnonzero(ok):
        geom = geoms[i]
        if geom.geom_type not in POLYGONAL:
            report.add("geometry_type", int(source.rows[i]), codes.iat[i],
                       f"应为面 expected a polygon, got {geom.geom_type}")
            ok[i] = False
        elif not geom.is_valid:
            report.add("invalid_geometry", int(source.rows[i]), codes.iat[i],
                       shapely.is_valid_reason(geom))
    return ok


def _check_duplicates(codes: pd.Series, rows, keep: np.ndarray, report: Report) -> np.ndarray:
    seen: dict[str, list[int]] = {}
    for i in np.flatnonzero(keep):
        seen.setdefault(codes.iat[i], []).append(i)
    first = keep.copy()
    for code, where in seen.items():
        if len(where) < 2:
            continue
        listed = ", ".join(str(int(rows[i])) for i in where)
        for i in where:
            report.add("duplicate_code", int(rows[i]), code,
                       f"编码出现{len(where)}次 code appears {len(where)} times (at {listed})")
        first[where[1:]] = False
    return first


def _check_district(codes: pd.Series, rows, keep: np.ndarray, report: Report) -> np.ndarray:
    districts = Counter(c[:6] for c in codes[keep])
    if len(districts) < 2:
        return keep
    main = districts.most_common(1)[0][0]
    ok = keep.copy()
    for i in np.flatnonzero(keep):
        if codes.iat[i][:6] != main:
            report.add("district_mismatch", int(rows[i]), codes.iat[i],
                       f"一次只导入一个区县 one district per file: most codes start {main}")
            ok[i] = False
    return ok


def _check_parent_field(parents: pd.Series, codes: pd.Series, rows, level, report) -> None:
    up = parent_level(level)
    for i, (parent, code) in enumerate(zip(parents, codes)):
        if parent and up and code and parent != prefix(code, up):
            report.add("parent_mismatch", int(rows[i]), code,
                       f"上级字段为 parent field says {parent}, 编码前缀为 code prefix is "
                       f"{prefix(code, up)}")


def _check_names(fields: Fields, frame, codes, rows, level: str, report: Report) -> list:
    names = fields.values(frame, "name")
    if fields.column("name") is None:
        return [None] * len(frame)
    for i in np.flatnonzero((names == "").to_numpy()):
        report.add("missing_field", int(rows[i]), codes.iat[i],
                   f"名称为空 empty name ({fields.column('name')})")
    for i in np.flatnonzero((names.str.len() > NAME_LENGTH[level]).to_numpy()):
        report.add("too_long", int(rows[i]), codes.iat[i],
                   f"名称超过{NAME_LENGTH[level]}字 name longer than {NAME_LENGTH[level]}")
    return [n or None for n in names]


def unit_names(units: gpd.GeoDataFrame, column: str, level: str, report: Report) -> dict:
    """A name per parent unit from a per-feature column; disagreeing names are reported."""
    names: dict[str, str] = {}
    for code, name, row in zip(units["code"], units[column], units["row"]):
        if not name:
            continue
        unit = prefix(code, level)
        if names.setdefault(unit, name) != name:
            report.add("conflicting_name", int(row), code,
                       f"{unit} 的名称 name is {names[unit]!r} elsewhere, here {name!r}")
    return names


def partition_problems(units, parents, tolerance_m2: float, report: Report) -> None:
    """Overlaps, gaps, and units outside or across their parents (geo.validate)."""
    known = units["parent_code"].isin(set(parents["code"]))
    for code, row, parent in zip(units["code"][~known], units["row"][~known],
                                 units["parent_code"][~known]):
        report.add("unknown_parent", int(row), code,
                   f"数据库中没有上级 no parent {parent} in the database")
    found = check_partition(units[known.to_numpy()], parents, "code", "parent_code",
                            tolerance_m2=tolerance_m2, child_code="code")
    rows = dict(zip(units["code"], units["row"]))
    for problem in found:
        if problem["kind"] in PARTITION_KINDS:
            _add_partition(problem, rows, report)


def _add_partition(problem: dict, rows: dict, report: Report) -> None:
    kind, codes, area = problem["kind"], problem["codes"], problem["area_m2"]
    if kind == "overlap":
        detail = f"与 {codes[1]} 重叠 overlaps {codes[1]} ({report.where(rows.get(codes[1]))})"
    elif kind == "gap":
        detail = f"上级未被下级完全覆盖 not covered by its units: {problem['detail']}"
    elif kind == "outside_parent":
        detail = f"超出所属上级 extends beyond its parent {codes[1] if len(codes) > 1 else ''}"
    else:
        detail = f"伸入 reaches into {codes[1]}: {problem['detail']}"
    report.add(kind, rows.get(codes[0]), codes[0], detail, area)


def derived_problems(units, level: str, tolerance_m2: float, report: Report) -> None:
    """Checks when the parents are built from the codes: holes, and strays from a parent."""
    metric = np.asarray(to_metric(units.geometry).values, dtype=object)
    tree = shapely.STRtree(metric)
    for hole in interior_gaps(metric, tolerance_m2):
        near = units["code"].to_numpy()[tree.query(hole, predicate="intersects")]
        report.add("gap", None, ", ".join(sorted(near)[:6]),
                   "网格之间的空隙 a hole between these units", hole.area)
    up = parent_level(level)
    if up in (None, "district"):
        return
    groups = [prefix(c, up) for c in units["code"]]
    for i in detached_members(metric, groups):
        report.add("detached", int(units["row"].iat[i]), units["code"].iat[i],
                   f"不与{groups[i]}的其他单元相连 does not touch the rest of {groups[i]}",
                   metric[i].area, severity="warning")

