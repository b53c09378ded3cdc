"""Import incidents from an old system: categories, sources, statuses, times, their grid.

Each case gets the product's own code (HQ{Beijing day}-{id}); the old system's code is kept
in ``source_code`` with the system's name, and is what a re-import recognises a case by.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data.import_store import append_rows, lookup, write_keyed
from data.incident_import_store import known_incident_refs, reserve_incident_ids
from data.models.base import INCIDENT_STATUSES, SOURCES
from etl.importers.incident_rules import (
    HANDLERS,
    SOURCE_WORDS,
    STATUS_WORDS,
    TIMES,
    check_times,
    known,
    lifecycle_events,
    normalise,
    read_times,
)
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
from workflow.incidents.codes import incident_code

# The district leads, as in the unique key (migration 0024; docs/scaling.md).
KEY = ("district_code", "source_system", "source_code")

DEFAULTS = {
    "code": ("code", "编号", "事件编号"), "category": ("category_code", "category", "类别编码"),
    "source": ("source", "来源"), "status": ("status", "状态"),
    "description": ("description", "描述", "事件描述"), "address": ("address", "地址"),
    "department": ("department_code", "department", "处置部门"),
    "handled_by": ("handled_by",), "deadline": ("deadline", "处置时限"),
    **{t: (t,) for t in TIMES},
}


def plan_incidents(conn: Connection, path: Path, options: PointOptions) -> PointPlan:
    """Read and check an incidents file; cases already imported are counted and skipped."""
    report, source, fields = open_points(path, options, DEFAULTS)
    frame, rows = source.frame, source.rows
    codes = fields.values(frame, "code")
    report.name_rows(dict(zip(rows.tolist(), codes)))
    keep = require(codes, rows, codes, fields.column("code"), "code", report)
    keep &= duplicates(codes, rows, codes, report)
    for key, limit in (("code", 40), ("address", 200), ("description", 4000)):
        too_long(fields.values(frame, key), limit, rows, codes, key, report)
    out = _classify(conn, fields, frame, rows, codes, report)
    times = read_times(fields, frame, options.timezone, rows, codes, report)
    check_times(times, out["status"].to_numpy(), options.timezone, rows, codes, report)
    out = pd.concat([out, times.drop(columns=["deadline", "bad"])], axis=1)
    out["deadline"] = _deadlines(conn, times, out["category_code"])
    placed = place(conn, source, codes, report, options.district_code)
    keep &= placed["placed"].to_numpy()
    out = pd.concat([placed.drop(columns="placed"), out], axis=1)
    out["source_system"] = options.system
    out["source_code"] = codes
    out["description"] = fields.values(frame, "description")
    out["address"] = fields.values(frame, "address").replace("", None)
    out = out[keep]
    out["geom"] = point_ewkb(source, keep)
    existing = len(known_incident_refs(conn, options.system, out["source_code"].tolist()))
    summarise(report, source, "事件 incidents", len(out), existing, "跳过 skipped")
    return PointPlan(report, out.reset_index(drop=True), existing)


def write_incidents(conn: Connection, plan: PointPlan) -> dict[str, int]:
    """Insert the new incidents and their event log; cases already here are left alone."""
    rows = plan.rows
    system = rows["source_system"].iat[0] if len(rows) else ""
    known = known_incident_refs(conn, system, rows["source_code"].tolist())
    new = rows[~rows["source_code"].isin(known)].copy()
    # The product's code is made from the id, so the ids are taken before the insert.
    new["id"] = reserve_incident_ids(conn, len(new)) if len(new) else []
    new["code"] = [incident_code(at.to_pydatetime(), i)
                   for at, i in zip(new["reported_at"], new["id"])]
    written = write_keyed(conn, "incidents", new, KEY, update=False)
    events = lifecycle_events(new, written)
    append_rows(conn, "incident_events", events)
    return {"inserted": len(written), "skipped": len(rows) - len(written),
            "events": len(events)}


def _classify(conn, fields, frame, rows, codes, report) -> pd.DataFrame:
    categories = lookup(conn, "categories", "code", "department_code")
    departments = lookup(conn, "departments", "code", "id")
    category = fields.values(frame, "category")
    known(category, categories, "unknown_category", rows, codes, report)
    department = fields.values(frame, "department")
    known(department, departments, "unknown_value", rows, codes, report, required=False)
    handled = fields.values(frame, "handled_by")
    known(handled, dict.fromkeys(HANDLERS), "unknown_value", rows, codes, report, required=False)
    dispatched = fields.values(frame, "dispatched_at") != ""
    # Without a department column, a dispatched incident went to its category's default.
    default = category.map(categories).where(dispatched & (department == ""))
    dept_code = department.where(department != "", default)
    dept_id = dept_code.map(departments).astype("Int64")
    return pd.DataFrame({
        "category_code": category,
        "source": normalise(fields.values(frame, "source"), SOURCES, SOURCE_WORDS,
                            "unknown_source", rows, codes, report),
        "status": normalise(fields.values(frame, "status"), INCIDENT_STATUSES, STATUS_WORDS,
                            "unknown_status", rows, codes, report),
        "department_id": dept_id,
        "handled_by": np.where(handled != "", handled,
                               np.where(dept_id.notna(), "department", None)),
    }, index=frame.index)


def _deadlines(conn, times: pd.DataFrame, category: pd.Series) -> pd.Series:
    # Without a deadline column: dispatch time plus the category's hours, as on dispatch.
    hours = lookup(conn, "categories", "code", "deadline_hours")
    delta = pd.to_timedelta(category.map(hours).astype(float), unit="h")
    computed = times["dispatched_at"] + delta
    return times["deadline"].where(times["deadline"].notna(), computed)
