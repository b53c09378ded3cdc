"""Import the grid hierarchy from a polygon file: plan (check everything), then replace."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from sqlalchemy import Connection

from data.export_store import level_frame
from data.import_store import hierarchy_counts, hierarchy_references, replace_hierarchy
from etl.importers.fields import Fields
from etl.importers.grid_checks import (
    derived_problems,
    partition_problems,
    unit_frame,
    unit_names,
)
from etl.importers.hierarchy import (
    COLUMNS,
    LABELS,
    LEVELS,
    TABLES,
    dissolve,
    empty_level,
    fallback_names,
    parent_level,
    table_frames,
)
from etl.importers.problems import ImportRefused, Report
from etl.importers.sources import CrsChoice, Source, read_vector

DEFAULTS = {
    "code": ("code", "CODE", "编码", "grid_code"),
    "name": ("name_zh", "name", "NAME", "名称"),
    "parent": (),
    "name_en": ("name_en",),
    "street_name": ("street_name",),
    "community_name": ("community_name",),
}


@dataclass
class GridOptions:
    """How to read a level file (see ``python app.py import grids --help``)."""

    level: str = "grid"
    mapping: dict[str, str] = field(default_factory=dict)
    choice: CrsChoice = field(default_factory=CrsChoice)
    layer: str | None = None
    derive_parents: bool = False
    district_name: str | None = None
    tolerance_m2: float = 1.0


@dataclass
class GridPlan:
    """The whole hierarchy as it would be after the import, and what stands in the way."""

    report: Report
    levels: dict[str, gpd.GeoDataFrame]
    references: dict[str, int]
    parents_from: str


def plan_grids(conn: Connection, path: Path, options: GridOptions) -> GridPlan:
    """Read and check a level file, and build the hierarchy it would leave behind."""
    if options.level not in LEVELS[1:]:
        raise ImportRefused(f"unknown level {options.level!r}")
    report = Report(file=Path(path).name, unit="feature")
    source = read_vector(Path(path), options.choice, report, options.layer,
                         default_layer=TABLES[options.level])
    fields = Fields(source.frame.columns, options.mapping, DEFAULTS)
    units = unit_frame(source, fields, options.level, report)
    levels, parents_from = _levels(conn, units, options, report)
    plan = GridPlan(report, levels, hierarchy_references(conn), parents_from)
    _summarise(plan, source, hierarchy_counts(conn), options.level)
    return plan


def write_grids(conn: Connection, plan: GridPlan, replace_all: bool = False) -> dict[str, int]:
    """Replace the hierarchy with the plan's, in the caller's transaction."""
    if plan.report.errors:
        raise ImportRefused("the file has problems; nothing written")
    if plan.references and not replace_all:
        raise ImportRefused(_refusal(plan.references))
    return replace_hierarchy(conn, table_frames(plan.levels), replace_all=replace_all)


def _levels(conn, units, options: GridOptions, report: Report):
    level, up = options.level, parent_level(options.level)
    levels = {name: empty_level() for name in LEVELS}
    levels[level] = units[COLUMNS]
    if units.empty:
        return levels, "-"
    district = units["code"].iat[0][:6]
    above = LEVELS[:LEVELS.index(level)]
    stored = {} if options.derive_parents else {
        name: _stored(conn, name, district) for name in above}
    if stored and not stored[up].empty:
        levels.update(stored)
        if options.district_name:
            levels["district"] = levels["district"].assign(name_zh=options.district_name)
        partition_problems(units, stored[up], options.tolerance_m2, report)
        return levels, "数据库中已有 the database"
    for name in above[1:]:
        column = f"{name}_name"
        names = unit_names(units, column, name, report) if units[column].any() else {}
        levels[name] = dissolve(units, name, names)
    levels["district"] = dissolve(units, "district", {district: _district_name(
        conn, district, options.district_name)})
    partition_problems(units, levels[up], options.tolerance_m2, report)
    derived_problems(units, level, options.tolerance_m2, report)
    return levels, "由编码推导 derived from the codes"


def _stored(conn, level: str, district: str) -> gpd.GeoDataFrame:
    frame = level_frame(conn, level, district)
    return frame.assign(row=None)[COLUMNS]


def _district_name(conn, district: str, given: str | None) -> str:
    if given:
        return given
    stored = level_frame(conn, "district", district)
    return stored["name_zh"].iat[0] if len(stored) else fallback_names("district", district)[0]


def _summarise(plan: GridPlan, source: Source, now: dict[str, int], level: str) -> None:
    counts = ", ".join(f"{LABELS[n]} {len(plan.levels[n])}" for n in LEVELS)
    current = ", ".join(f"{LABELS[n]} {now[TABLES[n]]}" for n in LEVELS)
    plan.report.summary += [
        f"文件 file: {plan.report.file} ({len(source.frame)} 个要素 features)",
        f"坐标系 CRS: {source.crs_label}",
        f"范围 bounds: {source.bounds()}",
        f"将导入 would load: {counts}",
        f"上级单元来源 parents from: {plan.parents_from}",
        f"将替换现有 replaces what the database holds now: {current}",
    ]
    below = LEVELS[LEVELS.index(level) + 1:]
    if below:
        plan.report.notes.append(
            f"{'、'.join(LABELS[n] for n in below)} 将被清空，请接着导入 will be emptied: "
            f"import them next with --level {below[0]}")
    if plan.references:
        plan.report.notes.append(_refusal(plan.references))


def _refusal(references: dict[str, int]) -> str:
    listed = ", ".join(f"{table} {n}" for table, n in references.items())
    return (f"现有数据引用当前网格 rows refer to the current hierarchy ({listed}); "
            "--commit 需要加 --replace-all，将清空全部业务数据（保留部门和事件类别） "
            "needs --replace-all, which clears the whole world except departments and "
            "categories")
