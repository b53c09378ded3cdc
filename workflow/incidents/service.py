"""Changing incidents under the rules: report, each lifecycle transition, comment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from data import directory, incident_store
from data.models.base import SOURCES
from workflow.deadlines import incident_deadline
from workflow.errors import conflict, invalid, not_found, present
from workflow.idempotency import check_key, check_replay
from workflow.incidents.codes import incident_code
from workflow.incidents.machine import HANDLERS, check_not_under_whistle, transition_values
from workflow.incidents.read import incident_target, incident_view
from workflow.intake.hooks import after_transition, before_transition
from workflow.mobile.photo import check_photo_url
from workflow.notices import events as notices
from workflow.roles import Actor, Target, require

MAX_DESCRIPTION = 4000
MAX_NOTE = 2000
CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_AGE = timedelta(days=7)     # a phone's queued report older than this is refused
NOTE_REQUIRED = ("reject", "reopen")


def to_wgs84(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float]:
    """Phones with Amap/Tencent SDKs send GCJ-02; everything is stored in WGS84."""
    if crs == "gcj02":
        from geo.crs import gcj02_to_wgs84

        lon, lat = gcj02_to_wgs84(lon, lat)
    return float(lon), float(lat)


@dataclass(frozen=True)
class NewIncident:
    category_code: str
    lon: float
    lat: float
    description: str = ""
    address: str | None = None
    source: str | None = None
    photo_url: str | None = None
    reporter_contact: str | None = None
    reported_at: datetime | None = None


def _check_new(conn: Connection, actor: Actor, new: NewIncident, now: datetime) -> tuple[dict, str, datetime]:
    category = directory.category(conn, new.category_code)
    if category is None or category["level"] != 2:
        raise invalid("未知的事件类别 / unknown category", "category_code")
    if not (-180 <= new.lon <= 180 and -90 <= new.lat <= 90):
        raise invalid("坐标超出范围 / coordinates out of range", "location")
    place = incident_store.locate(conn, new.lon, new.lat)
    if place is None:
        raise invalid("位置不在辖区网格内 / the location is outside the district's grids",
                      "location")
    require(actor, "incident.create", Target(street_id=place["street_id"],
                                             community_ids=frozenset({place["community_id"]}),
                                             grid_id=place["grid_id"], reporter_id=actor.id,
                                             district_code=place["district_code"]))
    source = new.source or ("patrol" if actor.role == "grid_worker" else "hotline")
    if source not in SOURCES:
        raise invalid(f"来源应为 {', '.join(SOURCES)} 之一 / unknown source", "source")
    if len(new.description) > MAX_DESCRIPTION:
        raise invalid("描述最多 4000 字 / description longer than 4000 characters", "description")
    check_photo_url(new.photo_url)
    at = new.reported_at or now
    if at > now + CLOCK_SKEW or at < now - OFFLINE_AGE:
        raise invalid("上报时间须在过去 7 天内 / reported_at must be within the last 7 days",
                      "reported_at")
    return place, source, at


def create_incident(conn: Connection, actor: Actor, new: NewIncident, now: datetime,
                    idempotency_key: str | None = None) -> tuple[dict, bool]:
    """Report an incident where it lies; returns (view, created). A retried key replays."""
    key = check_key(idempotency_key)
    if key and (existing := incident_store.incident_by_key(conn, key)):
        return _replay(conn, actor, existing, new, now), False
    place, source, at = _check_new(conn, actor, new, now)
    incident_id = incident_store.next_id(conn, "incidents")
    values = dict(id=incident_id, code=incident_code(at, incident_id), **place,
                  category_code=new.category_code, source=source, status="reported",
                  reporter_id=actor.id, reporter_contact=new.reporter_contact,
                  address=new.address, description=new.description, photo_url=new.photo_url,
                  idempotency_key=key, reported_at=at, updated_at=now)
    try:
        with conn.begin_nested():
            incident_store.insert_incident(conn, values, new.lon, new.lat)
    except IntegrityError:
        # Another request with the same key won the race: answer as its replay.
        existing = incident_store.incident_by_key(conn, key) if key else None
        if existing is None:
            raise
        return _replay(conn, actor, existing, new, now), False
    incident_store.add_incident_event(conn, incident_id, at, actor.id, "report", None,
                                      "reported", note=new.description[:MAX_NOTE],
                                      photo_url=new.photo_url)
    return incident_view(conn, actor, incident_id, now), True


def _replay(conn, actor, existing: dict, new: NewIncident, now) -> dict:
    same = (existing["category_code"] == new.category_code
            and existing["description"] == new.description)
    check_replay(existing, actor.id, "reporter_id", same)
    return incident_view(conn, actor, existing["id"], now)


def _dispatch_values(conn, row: dict, handled_by: str | None, department_code: str | None,
                     now: datetime) -> dict:
    handled_by = handled_by or "department"
    if handled_by not in HANDLERS:
        raise invalid("handled_by 应为 department、street 或 community / unknown handler",
                      "handled_by")
    category = present(directory.category(conn, row["category_code"]), "类别", "category",
                       "category_code")
    department_id = None
    if handled_by == "department":
        code = department_code or category["department_code"]
        department = directory.department_by_code(conn, code) if code else None
        if department is None or department["kind"] != "functional":
            raise invalid("未知的职能部门 / unknown functional department", "department_code")
        department_id = department["id"]
    return {"handled_by": handled_by, "department_id": department_id,
            "deadline": incident_deadline(now, category["deadline_hours"])}


def transition_incident(conn: Connection, actor: Actor, incident_id: int, action: str,
                        now: datetime, note: str = "", photo_url: str | None = None,
                        handled_by: str | None = None,
                        department_code: str | None = None, public: bool = False) -> dict:
    """Take one lifecycle step (accept, dispatch, start, resolve, verify, close, reject,
    reopen): permission first (403), then the lifecycle (409), then write row and event.

    ``public`` marks the step's note as meant for the reporter and the public (Open311's
    status_notes); notes are internal otherwise.
    """
    row = incident_store.lock_incident(conn, incident_id)
    if row is None:
        raise not_found("事件", "incident", "id")
    parties = incident_store.incident_whistle_parties(conn, incident_id)
    require(actor, f"incident.{action}", incident_target(row, parties))
    _check_note(action, note)
    check_photo_url(photo_url)
    # A device clock a little ahead must not make a step precede the report.
    at = max(now, row["reported_at"])
    if row.get("parent_id") is not None:
        raise conflict("merged", "该事件已作为重复事件合并 / the case was merged as a duplicate",
                       "status")
    values = transition_values(action, row["status"], at, row["reopen_count"])
    check_not_under_whistle(action, parties["open_whistle_ids"])
    before_transition(conn, incident_id, action)
    if action == "dispatch":
        values.update(_dispatch_values(conn, row, handled_by, department_code, at))
    incident_store.update_incident(conn, incident_id, values)
    event_id = incident_store.add_incident_event(
        conn, incident_id, at, actor.id, action, row["status"], values["status"],
        department_id=values.get("department_id", row["department_id"]), note=note,
        photo_url=photo_url, public=bool(public and note.strip()))
    # The notices go in this same transaction: told if and only if the step happened.
    notices.incident_step(conn, incident_id, action, event_id, at)
    after_transition(conn, incident_id, action, at)
    return incident_view(conn, actor, incident_id, now)


def _check_note(action: str, note: str) -> None:
    if len(note) > MAX_NOTE:
        raise invalid("说明最多 2000 字 / note longer than 2000 characters", "note")
    if action in NOTE_REQUIRED and not note.strip():
        raise invalid("请填写原因 / give a reason", "note")


def comment_incident(conn: Connection, actor: Actor, incident_id: int, note: str,
                     now: datetime) -> dict:
    """A remark on the record (the supervision office's 督办 note, a department's update)."""
    row = incident_store.lock_incident(conn, incident_id)
    if row is None:
        raise not_found("事件", "incident", "id")
    parties = incident_store.incident_whistle_parties(conn, incident_id)
    require(actor, "incident.comment", incident_target(row, parties))
    if not note.strip():
        raise invalid("请填写内容 / the comment is empty", "note")
    _check_note("comment", note)
    incident_store.add_incident_event(conn, incident_id, max(now, row["reported_at"]), actor.id,
                                      "comment", row["status"], "commented", note=note)
    return incident_view(conn, actor, incident_id, now)
