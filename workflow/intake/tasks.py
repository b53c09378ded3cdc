"""Field tasks: 核实 before dispatch and 核查 after the fix, offered to the nearest worker.

A task goes to the nearest on-duty worker of the case's grid (then of its community); one
not accepted within ``settings.task_accept_min`` minutes, or passed on, goes to the next
nearest. The case waits: no dispatch while its 核实 is live, no verify or close while its
核查 is (workflow/intake/hooks.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import incident_store, task_store
from data.settings import Settings
from workflow.errors import conflict, forbidden, invalid, not_found
from workflow.incidents.read import incident_target
from workflow.mobile.photo import check_photo_url
from workflow.roles import Actor, require

# Reports nobody from the grid has seen: the hotline, residents, Open311 apps.
TASK_SOURCES = ("hotline", "resident", "app")
ONLINE = timedelta(minutes=10)           # a worker with no fix this recent is not on duty
NEW_REPORTS = timedelta(days=1)          # older reports are not sent out by the pass
OUTCOMES = {"verify": ("confirmed", "not_found"), "check": ("fixed", "not_fixed")}
KIND_ZH = {"verify": "核实", "check": "核查"}
OUTCOME_ZH = {"confirmed": "属实", "not_found": "不属实", "fixed": "已整改", "not_fixed": "未整改"}
MAX_NOTE = 2000


def cancel_tasks(conn: Connection, incident_id: int, now: datetime) -> int:
    """Cancel a case's live tasks (it was merged or rejected): nobody walks there for it."""
    return task_store.cancel_live(conn, incident_id, now)


def offer(conn: Connection, settings: Settings, task: dict, now: datetime) -> int | None:
    """Offer ``task`` to the nearest on-duty worker not yet passed over; returns the worker
    (None: nobody on duty now, the task waits unassigned for the next round).
    """
    passed = list(task.get("passed") or [])
    if task.get("assignee_id") is not None and task["assignee_id"] not in passed:
        passed.append(task["assignee_id"])
    found = task_store.nearest_workers(conn, task["incident_id"], now, ONLINE, passed, 1)
    if not found and passed:
        # Everyone near was asked once: start again from the nearest.
        found = task_store.nearest_workers(conn, task["incident_id"], now, ONLINE,
                                           [task["assignee_id"] or 0], 1)
    worker = found[0]["user_id"] if found else None
    task_store.update_task(conn, task["id"], {
        "status": "offered" if worker else "unassigned", "assignee_id": worker,
        "offered_at": now if worker else None,
        "accept_by": now + timedelta(minutes=settings.task_accept_min) if worker else None,
        "offers": int(task.get("offers") or 0) + (1 if worker else 0), "passed": passed})
    return worker


def create_task(conn: Connection, settings: Settings, incident_id: int, kind: str,
                now: datetime) -> int:
    """Open a task on a case and offer it at once; returns its id."""
    if task_store.live_task(conn, incident_id, kind):
        raise conflict("task_live", "该事件已有进行中的同类任务 / the case already has a live "
                       "task of this kind", "kind")
    task_id = task_store.insert_task(conn, incident_id, kind, now)
    row = incident_store.lock_incident(conn, incident_id)
    incident_store.add_incident_event(
        conn, incident_id, max(now, row["reported_at"]) if row else now, None, "task",
        row["status"] if row else None, "commented",
        note=f"派发{KIND_ZH[kind]}任务 / {kind} task sent to the nearest grid worker")
    task = task_store.lock_task(conn, task_id)
    assert task is not None
    offer(conn, settings, task, now)
    return task_id


def order_task(conn: Connection, settings: Settings, actor: Actor, incident_id: int,
               kind: str, now: datetime) -> dict:
    """An operator sends a task by hand (any source)."""
    if kind not in OUTCOMES:
        raise invalid("任务类型应为 verify 或 check / kind must be verify or check", "kind")
    row = incident_store.lock_incident(conn, incident_id)
    if row is None:
        raise not_found("事件", "incident", "id")
    parties = incident_store.incident_whistle_parties(conn, incident_id)
    require(actor, "incident.accept", incident_target(row, parties))
    if row["status"] in ("closed", "rejected"):
        raise conflict("invalid_transition", "已结案的事件不再派任务 / the case is closed",
                       "status")
    task_id = create_task(conn, settings, incident_id, kind, now)
    return task_view(conn, task_id)


def task_view(conn: Connection, task_id: int) -> dict:
    task = task_store.lock_task(conn, task_id)
    if task is None:
        raise not_found("任务", "task", "id")
    return {k: task[k] for k in ("id", "incident_id", "code", "kind", "status", "assignee_id",
                                 "offered_at", "accept_by", "accepted_at", "done_at", "offers",
                                 "outcome", "note", "photo_url")}


def _mine(conn: Connection, actor: Actor, task_id: int) -> dict:
    task = task_store.lock_task(conn, task_id)
    if task is None:
        raise not_found("任务", "task", "id")
    if task["assignee_id"] != actor.id:
        raise forbidden()
    if task["status"] not in ("offered", "accepted"):
        raise conflict("task_closed", "任务已结束或已转交 / the task is over or passed on",
                       "status")
    return task


def accept_task(conn: Connection, actor: Actor, task_id: int, now: datetime) -> dict:
    """The worker takes the task (an offer may be taken until the pass moves it on)."""
    task = _mine(conn, actor, task_id)
    if task["status"] == "offered":
        task_store.update_task(conn, task_id, {"status": "accepted", "accepted_at": now})
    return task_view(conn, task_id)


def pass_task(conn: Connection, settings: Settings, actor: Actor, task_id: int,
              now: datetime) -> dict:
    """The worker cannot go: the task goes to the next nearest at once."""
    task = _mine(conn, actor, task_id)
    offer(conn, settings, task, now)
    return task_view(conn, task_id)


def complete_task(conn: Connection, actor: Actor, task_id: int, outcome: str, note: str,
                  photo_url: str | None, lon: float, lat: float, now: datetime) -> dict:
    """Done on site, with what was found, a photo, a note and where the worker stood."""
    task = _mine(conn, actor, task_id)
    if outcome not in OUTCOMES[task["kind"]]:
        raise invalid(f"结果应为 {' 或 '.join(OUTCOMES[task['kind']])} / outcome must be one of "
                      f"{', '.join(OUTCOMES[task['kind']])}", "outcome")
    if not photo_url:
        raise invalid("请拍照 / a photo is required", "photo_url")
    check_photo_url(photo_url)
    if not note.strip() or len(note) > MAX_NOTE:
        raise invalid("请填写说明（2000 字以内） / give a note of at most 2000 characters", "note")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise invalid("坐标超出范围 / coordinates out of range", "location")
    task_store.update_task(conn, task_id, {
        "status": "done", "done_at": now, "accepted_at": task["accepted_at"] or now,
        "outcome": outcome, "note": note, "photo_url": photo_url})
    task_store.set_task_position(conn, task_id, lon, lat)
    row = incident_store.lock_incident(conn, task["incident_id"])
    assert row is not None
    incident_store.add_incident_event(
        conn, task["incident_id"], max(now, row["reported_at"]), actor.id, "task_done",
        row["status"], "commented",
        note=f"{KIND_ZH[task['kind']]}：{OUTCOME_ZH[outcome]} / {task['kind']}: {outcome}. "
             f"{note}"[:MAX_NOTE], photo_url=photo_url)
    return task_view(conn, task_id)


def my_tasks(conn: Connection, actor: Actor) -> list[dict]:
    """The worker's ordered task list."""
    if actor.role != "grid_worker":
        raise forbidden()
    return task_store.tasks_of(conn, actor.id)


def tick(conn: Connection, settings: Settings, now: datetime) -> dict:
    """One round: open the tasks new and resolved cases need, move offers not taken."""
    needed = task_store.cases_needing_tasks(conn, list(TASK_SOURCES), now - NEW_REPORTS)
    for case in needed:
        create_task(conn, settings, case["id"], case["kind"], now)
    moved = 0
    for task_id in task_store.due_offers(conn, now):
        task = task_store.lock_task(conn, task_id)
        if task is not None and (task["status"] == "unassigned" or task["accept_by"] <= now):
            moved += offer(conn, settings, task, now) is not None
    return {"created": len(needed), "offered": moved}
