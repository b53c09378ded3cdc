"""Merging a case into its parent: the child closes as a duplicate, linked and counted once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import incident_store, intake_store
from workflow.errors import conflict, invalid, not_found
from workflow.incidents.machine import FINAL_STATUSES
from workflow.incidents.read import incident_target, incident_view
from workflow.roles import Actor, require

MAX_NOTE = 2000


def _locked(conn: Connection, incident_id: int, field: str) -> dict:
    row = incident_store.lock_incident(conn, incident_id)
    if row is None:
        raise not_found("事件", "incident", field)
    return row


def _check_pair(child: dict, parent: dict) -> None:
    if child["id"] == parent["id"]:
        raise invalid("不能合并到自身 / a case cannot be merged into itself", "parent_id")
    if child["parent_id"] is not None:
        raise conflict("already_merged", "该事件已合并 / the case is already merged", "id")
    if child["status"] in FINAL_STATUSES:
        raise conflict("invalid_transition",
                       "已结案或不予受理的事件不能合并 / a closed or rejected case cannot be merged",
                       "status")
    if parent["parent_id"] is not None or parent["status"] == "rejected":
        raise conflict("invalid_parent",
                       "目标事件已合并或不予受理 / the parent is merged or rejected", "parent_id")
    if child["category_code"] != parent["category_code"]:
        raise invalid("只能合并同类事件 / only cases of one category can be merged",
                      "parent_id")


def _lock_pair(conn: Connection, child_id: int, parent_id: int) -> tuple[dict, dict]:
    # Lock in id order so two merges of the same pair the other way round cannot deadlock.
    first, second = sorted((child_id, parent_id))
    rows = {first: _locked(conn, first, "id" if first == child_id else "parent_id")}
    if second != first:
        rows[second] = _locked(conn, second, "id" if second == child_id else "parent_id")
    return rows[child_id], rows[parent_id]


def merge_incident(conn: Connection, actor: Actor, child_id: int, parent_id: int,
                   now: datetime, note: str = "") -> dict:
    """Close ``child_id`` as a duplicate of ``parent_id``: 404, 403, 409/422, then write.

    The child keeps its row (its reporter and Open311 client still read it) with
    ``parent_id`` set; its own children move to the parent, so links stay one level deep.
    Returns the parent's view.
    """
    if len(note) > MAX_NOTE:
        raise invalid("说明最多 2000 字 / note longer than 2000 characters", "note")
    child, parent = _lock_pair(conn, child_id, parent_id)
    for row in (child, parent):
        parties = incident_store.incident_whistle_parties(conn, row["id"])
        require(actor, "incident.merge", incident_target(row, parties))
    _check_pair(child, parent)
    write_merge(conn, actor.id, child, parent, now, note)
    return incident_view(conn, actor, parent_id, now)


def attach_report(conn: Connection, actor: Actor, child_id: int, parent_id: int,
                  nearby_ids: list[int], now: datetime) -> None:
    """The reporter's own "it is one of these": their new report joins a case it matched.

    Only a case among the report's possible duplicates may be chosen, so a reporter cannot
    close their report into any case they name.
    """
    if parent_id not in nearby_ids:
        raise invalid("只能附加到附近的同类未结事件 / attach only to an open case of the same "
                      "category nearby", "attach_to")
    child, parent = _lock_pair(conn, child_id, parent_id)
    _check_pair(child, parent)
    write_merge(conn, actor.id, child, parent, now, "")


def write_merge(conn: Connection, actor_id: int | None, child: dict, parent: dict,
                now: datetime, note: str) -> None:
    """Write a merge already checked: the child closed and linked, both logs, tasks ended."""
    child_id, parent_id = child["id"], parent["id"]
    if incident_store.incident_whistle_parties(conn, child_id)["open_whistle_ids"]:
        raise conflict("open_whistle", "该事件有未办结的吹哨，不能合并 / the case has an open "
                       "whistle", "id")
    at = max(now, child["reported_at"])
    incident_store.update_incident(conn, child_id, {"status": "closed", "closed_at": at,
                                                    "parent_id": parent_id, "updated_at": now})
    intake_store.repoint_children(conn, child_id, parent_id)
    merge_note = f"与 {parent['code']} 重复，已合并 / duplicate of {parent['code']}"
    incident_store.add_incident_event(conn, child_id, at, actor_id, "merge", child["status"],
                                      "closed", note=(note or merge_note)[:MAX_NOTE],
                                      public=True)
    incident_store.add_incident_event(conn, parent_id, max(now, parent["reported_at"]),
                                      actor_id, "merge_in", parent["status"], "commented",
                                      note=f"并入重复事件 {child['code']} / merged in "
                                           f"{child['code']}")
    if actor_id is not None:
        intake_store.confirm_pair(conn, child_id, parent_id, actor_id, now)
    from workflow.intake.tasks import cancel_tasks

    cancel_tasks(conn, child_id, now)


def tell_children(conn: Connection, parent_id: int, at: datetime) -> list[int]:
    """When a parent closes, each merged child gets a public event for its reporter (and its
    Open311 client's servicerequestupdates). Returns the children told.
    """
    from workflow.notices import events as notices

    told = []
    for child in intake_store.children(conn, parent_id):
        event_id = incident_store.add_incident_event(
            conn, child["id"], at, None, "parent_closed", "closed", "commented",
            note="与本事件重复的事件已办结 / the case this one duplicated is closed",
            public=True)
        # In the same transaction as the event: told if and only if the parent closed.
        notices.duplicate_closed(conn, child["id"], event_id, at)
        told.append(child["id"])
    return told
