"""Reporting with duplicates in view: the new case, the open cases it may repeat, attaching."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data.settings import Settings
from workflow.errors import WorkflowError
from workflow.incidents.read import incident_view
from workflow.incidents.service import NewIncident, create_incident
from workflow.intake.duplicates import possible_duplicates
from workflow.intake.merge import attach_report
from workflow.roles import Actor, require


def preview_duplicates(conn: Connection, actor: Actor, settings: Settings, category: str,
                       lon: float, lat: float, now: datetime) -> list[dict]:
    """"Is it one of these?" before filing: the open cases a report here would repeat."""
    require(actor, "incident.create")
    return possible_duplicates(conn, settings, category, lon, lat, now)


def report_incident(conn: Connection, actor: Actor, settings: Settings, new: NewIncident,
                    now: datetime, idempotency_key: str | None = None,
                    attach_to: int | None = None) -> tuple[dict, bool]:
    """Create the case (or replay it) and name its possible duplicates, nearest first.

    With ``attach_to`` (one of those duplicates) the new report is merged into it at once:
    its reporter keeps the record and is told when that case closes, and it counts once.
    """
    view, created = create_incident(conn, actor, new, now, idempotency_key)
    found = possible_duplicates(conn, settings, view["category_code"], view["lon"], view["lat"],
                                view["reported_at"], exclude=view["id"])
    if attach_to is not None and created:
        attach_report(conn, actor, view["id"], attach_to, [d["id"] for d in found], now)
        view = incident_view(conn, actor, view["id"], now)
    view["possible_duplicates"] = [d["id"] for d in found]
    view["possible_duplicate_cases"] = found
    return view, created


def attach_new_report(conn: Connection, actor: Actor, settings: Settings, view: dict,
                      parent_id: int, now: datetime) -> bool:
    """Merge a report just filed (the phone's) into one of its possible duplicates.

    A phone may send it hours later from its queue: when that case has closed or moved
    meanwhile, the report stays a case of its own rather than being refused (and lost).
    """
    found = possible_duplicates(conn, settings, view["category_code"], view["lon"],
                                view["lat"], view["reported_at"], exclude=view["id"])
    try:
        with conn.begin_nested():
            attach_report(conn, actor, view["id"], parent_id, [d["id"] for d in found], now)
    except WorkflowError:
        return False
    return True
