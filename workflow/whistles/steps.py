"""The steps after a whistle: parties report in and complete, the street verifies and rates."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import incident_store, whistle_store
from workflow.errors import bad_request, forbidden, invalid, not_found
from workflow.notices import events as notices
from workflow.roles import Actor, require
from workflow.whistles.machine import (
    ArrivalRules,
    check_arrival,
    check_complete,
    check_rate,
    check_report_in,
    check_verify,
    derive_status,
    validate_ratings,
)
from workflow.whistles.read import own_summons, whistle_target, whistle_view

STAGE_ACTION = {"acknowledged": "report_in", "arrived": "arrive"}
MAX_NOTE = 2000


def _load(conn: Connection, actor: Actor, whistle_id: int, action: str):
    whistle = whistle_store.lock_whistle(conn, whistle_id)
    if whistle is None:
        raise not_found("吹哨", "whistle", "id")
    summonses = whistle_store.summonses(conn, whistle_id)
    incidents = whistle_store.whistle_incidents(conn, whistle_id)
    require(actor, action, whistle_target(whistle, summonses, incidents))
    return whistle, summonses, incidents


def _party(actor: Actor, summonses: list[dict], department_code: str | None,
           leader_id: int | None) -> dict:
    """The summons the actor answers for; an administrator must say which one."""
    if actor.role != "admin":
        mine = own_summons(actor, summonses)
        if mine is None:
            raise forbidden("您的部门未被召集 / you were not summoned")
        return mine
    if department_code is None and leader_id is None:
        raise bad_request("请指明 department_code 或 leader_id / name the party",
                          "department_code")
    for s in summonses:
        if (department_code and s["department_code"] == department_code) or \
                (leader_id is not None and s["leader_id"] == leader_id):
            return s
    raise not_found("被召集方", "summoned party", "department_code")


def _note(note: str) -> str:
    if len(note or "") > MAX_NOTE:
        raise invalid("说明最多 2000 字 / note longer than 2000 characters", "note")
    return note or ""


def _settle(conn: Connection, whistle: dict, summonses: list[dict], now: datetime) -> None:
    """Recompute the whistle's status from its parties and write it when it changed."""
    status = derive_status(whistle["status"], summonses)
    if status != whistle["status"]:
        values: dict[str, object] = {"status": status}
        if status == "completed":
            values["completed_at"] = now
        whistle_store.update_whistle(conn, whistle["id"], values)
        if status == "completed":
            notices.whistle_completed(conn, whistle["id"], now)


def report_in(conn: Connection, actor: Actor, whistle_id: int, now: datetime,
              stage: str | None = None, department_code: str | None = None,
              leader_id: int | None = None, note: str = "", rules: ArrivalRules | None = None,
              position: tuple[float, float] | None = None) -> dict:
    """报到: a summoned party acknowledges the whistle, then arrives on site (two stamps);
    arrival only near the meeting's time and, with a ``position``, its place (``rules``).
    """
    whistle, summonses, _ = _load(conn, actor, whistle_id, "whistle.report_in")
    party = _party(actor, summonses, department_code, leader_id)
    stage = check_report_in(whistle["status"], party, stage)
    if stage == "arrived":
        check_arrival(whistle, now, rules, position)
    column = "acknowledged_at" if stage == "acknowledged" else "arrived_at"
    whistle_store.update_summons(conn, party["id"], {column: now})
    party[column] = now
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, STAGE_ACTION[stage],
                                    party["department_id"], _note(note))
    _settle(conn, whistle, summonses, now)
    return whistle_view(conn, actor, whistle_id, now)


def complete(conn: Connection, actor: Actor, whistle_id: int, now: datetime,
             department_code: str | None = None, leader_id: int | None = None,
             note: str = "") -> dict:
    """A party reports its part done; when every party has, the whistle is completed."""
    whistle, summonses, _ = _load(conn, actor, whistle_id, "whistle.complete")
    party = _party(actor, summonses, department_code, leader_id)
    check_complete(whistle["status"], party)
    whistle_store.update_summons(conn, party["id"], {"completed_at": now})
    party["completed_at"] = now
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "complete",
                                    party["department_id"], _note(note))
    _settle(conn, whistle, summonses, now)
    return whistle_view(conn, actor, whistle_id, now)


def verify(conn: Connection, actor: Actor, whistle_id: int, now: datetime,
           feedback: str = "") -> dict:
    """The street accepts the result and closes the whistle; the result is fed back to the
    incidents' logs, where their reporters see it.
    """
    whistle, _, incidents = _load(conn, actor, whistle_id, "whistle.verify")
    check_verify(whistle["status"])
    feedback = _note(feedback).strip() or "问题已解决"
    whistle_store.update_whistle(conn, whistle_id, {"status": "closed", "closed_at": now,
                                                    "feedback": feedback})
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "close", note=feedback)
    for incident in incidents:
        incident_store.add_incident_event(
            conn, incident["id"], now, actor.id, "feedback", incident["status"], "commented",
            note=f"吹哨 {whistle['code']} 已验收：{feedback}")
    return whistle_view(conn, actor, whistle_id, now)


def rate(conn: Connection, actor: Actor, whistle_id: int, department_code: str,
         ratings: dict, now: datetime, note: str = "") -> dict:
    """下考上: the street rates one summoned department 0-100 on three counts."""
    whistle, summonses, _ = _load(conn, actor, whistle_id, "whistle.rate")
    party = next((s for s in summonses if s["department_code"] == department_code), None)
    if party is None:
        raise not_found("被召集部门", "summoned department", "department_code")
    check_rate(whistle, party, now)
    values = validate_ratings(ratings)
    whistle_store.update_summons(conn, party["id"], {
        "rating_timeliness": values["timeliness"], "rating_quality": values["quality"],
        "rating_attitude": values["attitude"], "rated_at": now, "rated_by_id": actor.id})
    summary = f"时效 {values['timeliness']} 质量 {values['quality']} 态度 {values['attitude']}"
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "rate",
                                    party["department_id"], (summary + " " + _note(note)).strip())
    return whistle_view(conn, actor, whistle_id, now)


def comment(conn: Connection, actor: Actor, whistle_id: int, note: str, now: datetime) -> dict:
    """A remark on the whistle's record (督办 by the supervision office, a leader's word)."""
    _load(conn, actor, whistle_id, "whistle.comment")
    if not (note or "").strip():
        raise invalid("请填写内容 / the comment is empty", "note")
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "comment", note=_note(note))
    return whistle_view(conn, actor, whistle_id, now)
