"""Suggested duplicates: a pass pairs open cases close in space and time; operators decide."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import incident_store, intake_store
from data.settings import Settings
from workflow.errors import conflict, forbidden, invalid, not_found
from workflow.incidents.read import incident_target
from workflow.intake.duplicates import window
from workflow.intake.merge import _check_pair, _lock_pair, write_merge
from workflow.roles import Actor, list_filter, require

# Only cases reported this recently are paired again each round: older ones were already
# paired when they were new, and the pass stays a small indexed scan.
LOOKBACK = timedelta(days=2)
DECISIONS = ("confirm", "dismiss")


def suggest(conn: Connection, settings: Settings, now: datetime,
            lookback: timedelta = LOOKBACK) -> int:
    """One pass: record new (case, earliest matching earlier case) pairs; returns how many."""
    return intake_store.suggest_pairs(conn, now, settings.duplicate_radius_m, window(settings),
                                      lookback)


def list_suggestions(conn: Connection, actor: Actor, limit: int = 100) -> list[dict]:
    """The open suggestions in the actor's scope, newest first."""
    scope = list_filter(actor, "duplicates.read")
    if scope is None:
        raise forbidden()
    if scope.get("own") or scope.get("department_id") or scope.get("leader_id"):
        raise forbidden()
    return intake_store.open_suggestions(conn, scope, limit)


def decide(conn: Connection, actor: Actor, suggestion_id: int, decision: str,
           now: datetime) -> dict:
    """Confirm (merge the case into its suggested parent) or dismiss one suggestion."""
    if decision not in DECISIONS:
        raise invalid("决定应为 confirm 或 dismiss / decision must be confirm or dismiss",
                      "decision")
    row = intake_store.suggestion(conn, suggestion_id)
    if row is None:
        raise not_found("重复建议", "suggestion", "id")
    if row["status"] != "open":
        raise conflict("decided", "该建议已处理 / the suggestion was already decided", "id")
    child, parent = _lock_pair(conn, row["incident_id"], row["parent_id"])
    for case in (child, parent):
        parties = incident_store.incident_whistle_parties(conn, case["id"])
        require(actor, "duplicates.decide", incident_target(case, parties))
    if decision == "confirm":
        _check_pair(child, parent)
        write_merge(conn, actor.id, child, parent, now, "")
    intake_store.decide_suggestion(conn, suggestion_id,
                                   "confirmed" if decision == "confirm" else "dismissed",
                                   actor.id, now)
    return {"id": suggestion_id, "status": "confirmed" if decision == "confirm" else "dismissed",
            "incident_id": child["id"], "parent_id": parent["id"]}
