"""Reading incidents under the rules: one incident's view with its timeline, and lists."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import incident_store, whistle_store
from data.queries import cases
from workflow.deadlines import is_overdue, urgency
from workflow.errors import forbidden, not_found
from workflow.incidents.machine import ACTIONS, WITHHELD_UNDER_WHISTLE, allowed_actions
from workflow.roles import Actor, Target, can, list_filter, require, sees_personal_data

PERSONAL_FIELDS = ("reporter_contact", "reporter_name")
MAX_PAGE = 200


def incident_target(row: dict, parties: dict) -> Target:
    """Where an incident sits, including the departments and leaders its whistles summoned."""
    departments = set(parties.get("department_ids", ()))
    if row.get("department_id") is not None:
        departments.add(row["department_id"])
    return Target(street_id=row["street_id"], community_ids=frozenset({row["community_id"]}),
                  department_ids=frozenset(departments), grid_id=row["grid_id"],
                  reporter_id=row["reporter_id"], handled_by=row["handled_by"],
                  leader_ids=frozenset(parties.get("leader_ids", ())),
                  assigned_department_id=row.get("department_id"),
                  district_code=row.get("district_code"))


def next_actions(actor: Actor, status: str, target: Target,
                 under_whistle: bool = False) -> list[str]:
    """The transitions this actor may take now (lifecycle, permission and an open whistle
    all allow).
    """
    possible = [a for a in allowed_actions(status)
                if not (under_whistle and a in WITHHELD_UNDER_WHISTLE)]
    return [a for a in ACTIONS if a in possible and can(actor, f"incident.{a}", target)]


def whistles_of(conn: Connection, whistle_ids: list[int]) -> list[dict]:
    """The whistles on an incident, newest first, each with its parties' report-in state."""
    out = []
    for whistle_id in sorted(whistle_ids, reverse=True):
        row = whistle_store.whistle(conn, whistle_id)
        if row is None:
            continue
        parties = [{k: s[k] for k in ("department_code", "department_name",
                                      "department_name_en", "leader_name", "acknowledged_at",
                                      "arrived_at", "completed_at")}
                   for s in whistle_store.summonses(conn, whistle_id)]
        out.append({k: row[k] for k in ("id", "code", "level", "status", "meeting_at",
                                        "meeting_place", "deadline")} | {"parties": parties})
    return out


def incident_view(conn: Connection, actor: Actor, incident_id: int, now: datetime,
                  events: bool = True) -> dict:
    """One incident as this actor may see it, with urgency, its events and next actions."""
    row = incident_store.incident_detail(conn, incident_id)
    if row is None:
        raise not_found("事件", "incident", "id")
    parties = incident_store.incident_whistle_parties(conn, incident_id)
    target = incident_target(row, parties)
    require(actor, "incident.read", target)
    view = dict(row)
    masked = not sees_personal_data(actor) and row["reporter_id"] != actor.id
    if masked:
        for name in PERSONAL_FIELDS:
            view[name] = None
    view["urgency"] = urgency(row["status"], row["dispatched_at"], row["deadline"], now)
    view["overdue"] = is_overdue(row["status"], row["deadline"], now)
    view["whistle_ids"] = parties["whistle_ids"]
    view["under_whistle"] = bool(parties["open_whistle_ids"])
    view["whistles"] = whistles_of(conn, parties["whistle_ids"])
    view["actions"] = next_actions(actor, row["status"], target, view["under_whistle"])
    view["can_comment"] = can(actor, "incident.comment", target)
    # One open whistle per incident: when it fails, the way on is the second whistle.
    view["can_whistle"] = (can(actor, "whistle.blow", target) and not parties["open_whistle_ids"]
                           and row["status"] not in ("closed", "rejected"))
    if events:
        view["events"] = incident_store.incident_events(conn, incident_id)
        if masked:
            view["events"] = [mask_reporter(e, row["reporter_id"]) for e in view["events"]]
    return view


def mask_reporter(event: dict, reporter_id: int | None) -> dict:
    """An event as someone not allowed the reporter's identity sees it: the reporter's own
    steps (the report, a verification) carry no name or account id, only the role.
    """
    if reporter_id is None or event.get("actor_id") != reporter_id:
        return event
    return {**event, "actor_name": None, "actor_id": None}


def page_bounds(page: int, per_page: int) -> tuple[int, int]:
    """(limit, offset) for a 1-based page, with the page size capped."""
    per_page = max(1, min(int(per_page), MAX_PAGE))
    return per_page, (max(1, int(page)) - 1) * per_page


def list_incidents(conn: Connection, actor: Actor, filters: dict, now: datetime,
                   page: int = 1, per_page: int = 50, sort: str = "-reported_at") -> dict:
    """A page of the incidents in the actor's scope that match ``filters``."""
    scope = list_filter(actor, "incident.read")
    if scope is None:
        raise forbidden()
    limit, offset = page_bounds(page, per_page)
    rows, total = cases.list_incidents(conn, scope, filters, now, limit, offset, sort)
    for row in rows:
        row["urgency"] = urgency(row["status"], row["dispatched_at"], row["deadline"], now)
        row["overdue"] = is_overdue(row["status"], row["deadline"], now)
    return {"items": rows, "total": total, "page": max(1, int(page)), "per_page": limit}
