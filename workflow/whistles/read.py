"""Reading whistles under the rules: one whistle with its parties and log, and lists."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import whistle_store
from data.queries import cases
from workflow.deadlines import WHISTLE_OPEN, is_overdue, urgency
from workflow.errors import forbidden, not_found
from workflow.incidents.read import page_bounds
from workflow.roles import Actor, Target, can, list_filter, require


def whistle_target(whistle: dict, summonses: list[dict], incidents: list[dict]) -> Target:
    """Where a whistle sits: its street, its incidents' communities, whom it summoned."""
    return Target(street_id=whistle["street_id"], district_code=whistle.get("district_code"),
                  community_ids=frozenset(i["community_id"] for i in incidents),
                  department_ids=frozenset(s["department_id"] for s in summonses
                                           if s["department_id"] is not None),
                  leader_ids=frozenset(s["leader_id"] for s in summonses
                                       if s["leader_id"] is not None))


def own_summons(actor: Actor, summonses: list[dict]) -> dict | None:
    """The summons this actor answers for: their department's, or their own as a leader."""
    for s in summonses:
        if actor.role == "dept_officer" and s["department_id"] == actor.department_id:
            return s
        if actor.role == "district_leader" and s["leader_id"] == actor.id:
            return s
    return None


def whistle_actions(actor: Actor, whistle: dict, summonses: list[dict], target: Target,
                    now: datetime) -> list[str]:
    """What the workbench offers this actor on this whistle now."""
    actions = []
    mine = own_summons(actor, summonses)
    is_open = whistle["status"] in WHISTLE_OPEN
    if mine and is_open and can(actor, "whistle.report_in", target):
        if mine["acknowledged_at"] is None:
            actions.append("acknowledge")
        elif mine["arrived_at"] is None:
            actions.append("arrive")
        elif mine["completed_at"] is None:
            actions.append("complete")
    if can(actor, "whistle.verify", target) and whistle["status"] == "completed":
        actions.append("verify")
    overdue = is_overdue(whistle["status"], whistle["deadline"], now, WHISTLE_OPEN)
    if (can(actor, "whistle.second", target) and whistle["level"] == 1
            and whistle["child_id"] is None and (whistle["status"] == "completed" or overdue)):
        actions.append("second")
    if can(actor, "whistle.rate", target) and rateable(whistle, summonses, now):
        actions.append("rate")
    return actions


def rateable(whistle: dict, summonses: list[dict], now: datetime) -> list[dict]:
    """Department summonses the street may rate now (finished, or failed, and not yet rated)."""
    failed = whistle["status"] == "escalated" or is_overdue(
        whistle["status"], whistle["deadline"], now, WHISTLE_OPEN)
    return [s for s in summonses if s["department_id"] is not None and s["rated_at"] is None
            and (s["completed_at"] is not None or failed)]


def whistle_view(conn: Connection, actor: Actor, whistle_id: int, now: datetime) -> dict:
    """One whistle as this actor may see it: parties, incidents, log, urgency, actions."""
    whistle = whistle_store.whistle(conn, whistle_id)
    if whistle is None:
        raise not_found("吹哨", "whistle", "id")
    summonses = whistle_store.summonses(conn, whistle_id)
    incidents = whistle_store.whistle_incidents(conn, whistle_id)
    target = whistle_target(whistle, summonses, incidents)
    require(actor, "whistle.read", target)
    view = {k: v for k, v in whistle.items() if k != "idempotency_key"}
    for s in summonses:
        s["overdue"] = s["completed_at"] is None and now > whistle["deadline"] and \
            whistle["status"] in WHISTLE_OPEN
    view.update(summons=summonses, incidents=incidents,
                events=whistle_store.whistle_events(conn, whistle_id),
                urgency=urgency(whistle["status"], whistle["blown_at"], whistle["deadline"], now,
                                WHISTLE_OPEN),
                overdue=is_overdue(whistle["status"], whistle["deadline"], now, WHISTLE_OPEN),
                actions=whistle_actions(actor, whistle, summonses, target, now),
                can_comment=can(actor, "whistle.comment", target))
    return view


def list_whistles(conn: Connection, actor: Actor, filters: dict, now: datetime,
                  page: int = 1, per_page: int = 50) -> dict:
    """A page of the whistles in the actor's scope that match ``filters``."""
    scope = list_filter(actor, "whistle.read")
    if scope is None:
        raise forbidden()
    limit, offset = page_bounds(page, per_page)
    rows, total = cases.list_whistles(conn, scope, filters, now, limit, offset)
    for row in rows:
        row["urgency"] = urgency(row["status"], row["blown_at"], row["deadline"], now,
                                 WHISTLE_OPEN)
        row["overdue"] = is_overdue(row["status"], row["deadline"], now, WHISTLE_OPEN)
    return {"items": rows, "total": total, "page": max(1, int(page)), "per_page": limit}


def awaiting_report_in(conn: Connection, actor: Actor, now: datetime) -> int:
    """How many open whistles wait for this actor's report-in (their department's, or their
    own as a summoned leader): the workbench's badge.
    """
    if actor.role == "dept_officer" and actor.department_id is not None:
        key, value = "awaiting_department", actor.department_id
    elif actor.role == "district_leader":
        key, value = "awaiting_leader", actor.id
    else:
        return 0
    filters = {"statuses": list(WHISTLE_OPEN), key: value}
    return list_whistles(conn, actor, filters, now, 1, 1)["total"]
