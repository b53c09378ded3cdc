"""Blowing whistles under the rules: the first whistle from a street, and the second whistle."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from data import directory, incident_store, whistle_store
from data.models.base import DISTRICT_CODE
from workflow.clock import beijing_day
from workflow.errors import conflict, forbidden, invalid, not_found, present
from workflow.idempotency import check_key, check_replay
from workflow.incidents.machine import FINAL_STATUSES
from workflow.notices import events as notices
from workflow.roles import Actor, Target, require
from workflow.whistles.machine import check_second_whistle, validate_parties, validate_schedule
from workflow.whistles.read import whistle_view

# Incidents not yet in anyone's hands become the street's own work when it whistles.
TAKEN_OVER = ("reported", "accepted", "reopened")
MAX_INCIDENTS = 20


@dataclass(frozen=True)
class NewWhistle:
    matter: str
    meeting_at: datetime
    meeting_place: str
    deadline: datetime
    incident_ids: tuple[int, ...] = ()
    department_codes: tuple[str, ...] = ()
    leader_ids: tuple[int, ...] = field(default=())
    description: str = ""


def _text(value: str, name: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(f"请填写 {name} / {name} is required", name)
    if len(value) > limit:
        raise invalid(f"{name} 最多 {limit} 字 / {name} longer than {limit}", name)
    return value


def _departments(conn: Connection, codes: tuple[str, ...]) -> list[int]:
    out = []
    for code in codes:
        department = directory.department_by_code(conn, code)
        if department is None or department["kind"] != "functional":
            raise invalid(f"未知的职能部门 {code} / unknown functional department {code}",
                          "department_codes")
        out.append(department["id"])
    return out


def _incidents(conn: Connection, actor: Actor, ids: tuple[int, ...]) -> list[dict]:
    if not ids:
        raise invalid("请选择吹哨所针对的事件 / name the incident(s) the whistle is about",
                      "incident_ids")
    if len(ids) > MAX_INCIDENTS or len(set(ids)) != len(ids):
        raise invalid("事件列表有误 / duplicate or too many incidents", "incident_ids")
    rows = []
    for incident_id in ids:
        row = incident_store.lock_incident(conn, incident_id)
        if row is None:
            raise not_found("事件", "incident", "incident_ids")
        if row["street_id"] != actor.street_id:
            raise forbidden("只能为本街道的事件吹哨 / a street whistles only for its own incidents")
        if row["status"] in FINAL_STATUSES:
            raise conflict("incident_closed", "事件已结案或不予受理 / the incident is closed",
                           "incident_ids")
        rows.append(row)
    return rows


def _insert(conn, actor, new: NewWhistle, now, key, level, parent_id, street_id, lonlat,
            district_code: str) -> int:
    whistle_id = incident_store.next_id(conn, "whistles")
    whistle_store.insert_whistle(conn, dict(
        id=whistle_id, code=f"WS{beijing_day(now)}-{whistle_id}", district_code=district_code,
        street_id=street_id, blown_by_id=actor.id, level=level, parent_id=parent_id,
        matter=new.matter, description=new.description, meeting_at=new.meeting_at,
        meeting_place=new.meeting_place, blown_at=now, deadline=new.deadline,
        idempotency_key=key, lon=lonlat[0], lat=lonlat[1]))
    return whistle_id


def _summon(conn, whistle_id, department_ids, leader_ids) -> None:
    for department_id in department_ids:
        whistle_store.add_summons(conn, whistle_id, department_id=department_id)
    for leader_id in leader_ids:
        whistle_store.add_summons(conn, whistle_id, leader_id=leader_id)


def _note_on_incidents(conn, actor, incidents, whistle_id, code, deadline, now, level) -> None:
    """Each incident's log says a whistle was blown; unowned incidents become the street's."""
    whistle_store.link_incidents(conn, whistle_id, [i["id"] for i in incidents])
    label = "二次吹哨" if level == 2 else "街道吹哨"
    for row in incidents:
        note = f"{label} {code}，召集部门报到"
        at = max(now, row["reported_at"])
        if row["status"] in TAKEN_OVER:
            incident_store.update_incident(conn, row["id"], {
                "status": "dispatched", "handled_by": "street", "department_id": None,
                "accepted_at": row["accepted_at"] or at, "dispatched_at": at,
                "deadline": deadline, "updated_at": at})
            incident_store.add_incident_event(conn, row["id"], at, actor.id, "whistle",
                                              row["status"], "dispatched", note=note)
        else:
            incident_store.add_incident_event(conn, row["id"], at, actor.id, "whistle",
                                              row["status"], "commented", note=note)


def _replayed(conn, actor, key, matter, now) -> dict | None:
    existing = whistle_store.whistle_by_key(conn, key) if key else None
    if existing is None:
        return None
    check_replay(existing, actor.id, "blown_by_id", existing["matter"] == matter)
    return whistle_view(conn, actor, existing["id"], now)


def blow_whistle(conn: Connection, actor: Actor, new: NewWhistle, now: datetime,
                 idempotency_key: str | None = None) -> tuple[dict, bool]:
    """A street chief summons departments for incidents of their street; (view, created)."""
    require(actor, "whistle.blow", Target(street_id=actor.street_id))
    key = check_key(idempotency_key)
    matter = _text(new.matter, "matter", 200)
    if (replay := _replayed(conn, actor, key, matter, now)) is not None:
        return replay, False
    incidents = _incidents(conn, actor, new.incident_ids)
    departments = _departments(conn, new.department_codes)
    validate_parties(departments, [])
    validate_schedule(new.meeting_at, new.deadline, now)
    new = NewWhistle(**{**new.__dict__, "matter": matter,
                        "meeting_place": _text(new.meeting_place, "meeting_place", 200),
                        "description": _text(new.description, "description", 4000, False)})
    first = present(incident_store.incident_detail(conn, incidents[0]["id"]), "事件", "incident",
                    "incident_ids")
    try:
        with conn.begin_nested():
            whistle_id = _insert(conn, actor, new, now, key, 1, None, actor.street_id,
                                 (first["lon"], first["lat"]),
                                 first.get("district_code") or DISTRICT_CODE)
    except IntegrityError:
        if (replay := _replayed(conn, actor, key, matter, now)) is None:
            raise
        return replay, False
    _summon(conn, whistle_id, departments, [])
    code = present(whistle_store.whistle(conn, whistle_id), "吹哨", "whistle")["code"]
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "blow", note=matter)
    _note_on_incidents(conn, actor, incidents, whistle_id, code, new.deadline, now, 1)
    notices.whistle_blown(conn, whistle_id, now)
    return whistle_view(conn, actor, whistle_id, now), True


def _leaders(conn: Connection, leader_ids: tuple[int, ...], district_code: str) -> list[int]:
    # A second whistle calls the leaders of the whistle's own district.
    leaders = [row["id"] for row in directory.district_leaders(conn, district_code)]
    if not leaders:
        raise conflict("no_district_leader", "系统中没有区领导账号 / no district leader account")
    if not leader_ids:
        return leaders[:1]      # the duty leader
    if not set(leader_ids) <= set(leaders):
        raise invalid("leader_ids 须为区领导 / leader_ids must be district leaders", "leader_ids")
    return list(leader_ids)


def second_whistle(conn: Connection, actor: Actor, parent_id: int, new: NewWhistle,
                   now: datetime, idempotency_key: str | None = None) -> tuple[dict, bool]:
    """The street is not satisfied: a level-2 whistle on the same matter that also summons
    district leaders. The first whistle becomes "escalated".
    """
    parent = whistle_store.lock_whistle(conn, parent_id)
    if parent is None:
        raise not_found("吹哨", "whistle", "id")
    require(actor, "whistle.second", Target(street_id=parent["street_id"],
                                            district_code=parent["district_code"]))
    key = check_key(idempotency_key)
    matter = _text(new.matter or f"{parent['matter']}（二次哨）"[:200], "matter", 200)
    if (replay := _replayed(conn, actor, key, matter, now)) is not None:
        return replay, False
    check_second_whistle(parent, now, parent["child_id"] is not None)
    summoned = whistle_store.summonses(conn, parent_id)
    departments = (_departments(conn, new.department_codes) if new.department_codes else
                   [s["department_id"] for s in summoned if s["department_id"] is not None])
    leaders = _leaders(conn, new.leader_ids, parent["district_code"])
    validate_parties(departments, leaders)
    validate_schedule(new.meeting_at, new.deadline, now)
    new = NewWhistle(**{**new.__dict__, "matter": matter,
                        "meeting_place": _text(new.meeting_place, "meeting_place", 200),
                        "description": _text(new.description, "description", 4000, False)})
    whistle_id = _insert(conn, actor, new, now, key, 2, parent_id, parent["street_id"],
                         (parent["lon"], parent["lat"]), parent["district_code"])
    _summon(conn, whistle_id, departments, leaders)
    whistle_store.update_whistle(conn, parent_id, {"status": "escalated"})
    whistle_store.add_whistle_event(conn, parent_id, now, actor.id, "escalate",
                                    note="街道不满意，吹响二次哨")
    code = present(whistle_store.whistle(conn, whistle_id), "吹哨", "whistle")["code"]
    whistle_store.add_whistle_event(conn, whistle_id, now, actor.id, "second_whistle", note=matter)
    linked = [incident_store.lock_incident(conn, i["id"])
              for i in whistle_store.whistle_incidents(conn, parent_id)]
    _note_on_incidents(conn, actor, [i for i in linked if i], whistle_id, code, new.deadline,
                       now, 2)
    notices.whistle_blown(conn, whistle_id, now, kind="second_whistle")
    return whistle_view(conn, actor, whistle_id, now), True
