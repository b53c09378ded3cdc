"""Import cameras: code, kind, and the owner (a department code, or a street code or name)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data.import_store import existing_keys, lookup, write_keyed
from data.models.base import CAMERA_KINDS
from etl.importers.incident_rules import normalise
from etl.importers.points import (
    PointOptions,
    PointPlan,
    duplicates,
    open_points,
    place,
    point_ewkb,
    require,
    summarise,
    too_long,
)
from etl.importers.problems import Report

KIND_WORDS = {"街面": "street", "道路": "street", "幼儿园": "kindergarten", "学校": "school",
              "医院": "hospital", "工地": "worksite", "社区": "community"}
DEFAULTS = {
    "code": ("code", "编号", "设备编码"), "name": ("name_zh", "name", "名称"),
    "kind": ("kind", "类型"), "owner": ("owner", "owner_code", "权属单位"),
}


def plan_cameras(conn: Connection, path: Path, options: PointOptions) -> PointPlan:
    """Read and check a cameras file; known codes will be updated."""
    report, source, fields = open_points(path, options, DEFAULTS)
    frame, rows = source.frame, source.rows
    codes = fields.values(frame, "code")
    report.name_rows(dict(zip(rows.tolist(), codes)))
    keep = require(codes, rows, codes, fields.column("code"), "code", report)
    keep &= duplicates(codes, rows, codes, report)
    names = fields.values(frame, "name")
    too_long(codes, 24, rows, codes, "code", report)
    too_long(names, 80, rows, codes, "name", report)
    kinds = normalise(fields.values(frame, "kind"), CAMERA_KINDS, KIND_WORDS, "unknown_value",
                      rows, codes, report)
    owners = _owners(conn, fields.values(frame, "owner"), rows, codes, report)
    placed = place(conn, source, codes, report, options.district_code)
    keep &= placed["placed"].to_numpy()
    out = pd.concat([placed[["district_code", "grid_id"]], owners], axis=1)
    out["code"] = codes
    out["name_zh"] = [n or f"监控{c}" for n, c in zip(names, codes)]
    out["kind"] = kinds
    out = out[keep]
    out["geom"] = point_ewkb(source, keep)
    existing = len(existing_keys(conn, "cameras", "code", out["code"].tolist()))
    summarise(report, source, "摄像头 cameras", len(out), existing, "将更新 updated")
    return PointPlan(report, out.reset_index(drop=True), existing)


def write_cameras(conn: Connection, plan: PointPlan) -> dict[str, int]:
    """Insert new cameras and update known ones (by code)."""
    written = write_keyed(conn, "cameras", plan.rows, "code", update=True)
    inserted = int(written["inserted"].sum())
    return {"inserted": inserted, "updated": len(written) - inserted}


def _owners(conn, owners: pd.Series, rows, codes, report: Report) -> pd.DataFrame:
    departments = lookup(conn, "departments", "code", "id")
    streets = {**lookup(conn, "streets", "name_zh", "id"), **lookup(conn, "streets", "code", "id")}
    dept = [departments.get(o) for o in owners]
    street = [None if d is not None else streets.get(o) for o, d in zip(owners, dept)]
    for i in np.flatnonzero([d is None and s is None for d, s in zip(dept, street)]):
        report.add("unknown_owner", int(rows[i]), codes.iat[i],
                   f"{owners.iat[i]!r} 既不是部门编码也不是街道 is neither a department code "
                   "nor a street code or name" if owners.iat[i] else "缺少 missing owner")
    return pd.DataFrame({"owner_department_id": pd.array(dept, dtype="Int64"),
                         "owner_street_id": pd.array(street, dtype="Int64")},
                        index=owners.index)
