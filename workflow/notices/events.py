"""Who is told what: the notices each step of an incident or a whistle causes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import directory, incident_store, notices_store, whistle_store
from workflow.notices.outbox import Notice, notify
from workflow.notices.texts import incident_text, whistle_text

SUPERVISION_CODE = "DCS"          # 区委督查室, the district supervision office
CHIEF_TITLES = ("party_secretary", "director")


def _supervision(conn: Connection) -> tuple[int, ...]:
    office = directory.department_by_code(conn, SUPERVISION_CODE)
    return (office["id"],) if office else ()


def _incident_notice(conn, kind: str, incident_id: int, subject: str, **who) -> Notice | None:
    incident = incident_store.incident_detail(conn, incident_id)
    if incident is None:
        return None
    title, title_en, body = incident_text(kind, incident, who.pop("hours", None))
    return Notice(kind, subject, title, title_en, body, incident_id=incident_id, **who)


def incident_step(conn: Connection, incident_id: int, action: str, event_id: int,
                  now: datetime) -> int:
    """After a lifecycle step: dispatched → the department; resolved → the reporting grid
    worker, to verify; any step → an Open311 reporter who gave an email. Rows written.
    """
    row = incident_store.incident_detail(conn, incident_id)
    if row is None:
        return 0
    written, subject = 0, f"incident:{incident_id}:event:{event_id}"
    if action == "dispatch" and row["department_id"] is not None:
        notice = _incident_notice(conn, "dispatched", incident_id, subject,
                                  department_ids=(row["department_id"],))
        written += notify(conn, notice, now) if notice else 0
    reporter = row["reporter_id"]
    if action == "resolve" and reporter and notices_store.user_role(conn, reporter) == "grid_worker":
        notice = _incident_notice(conn, "verify_fix", incident_id, subject, user_ids=(reporter,))
        written += notify(conn, notice, now) if notice else 0
    email = notices_store.open311_email(conn, incident_id)
    if email:
        notice = _incident_notice(conn, "open311_status", incident_id, subject, emails=(email,))
        written += notify(conn, notice, now) if notice else 0
    return written


def duplicate_closed(conn: Connection, child_id: int, event_id: int, now: datetime) -> int:
    """A case merged into another (issue 22) whose parent closed: its reporter (an account)
    and its Open311 reporter who gave an email are told. Rows written.
    """
    row = incident_store.incident_detail(conn, child_id)
    if row is None:
        return 0
    users = tuple(u for u in (row["reporter_id"],) if u)
    emails = tuple(e for e in (notices_store.open311_email(conn, child_id),) if e)
    if not users and not emails:
        return 0
    notice = _incident_notice(conn, "parent_closed", child_id,
                              f"incident:{child_id}:event:{event_id}", user_ids=users,
                              emails=emails)
    return notify(conn, notice, now) if notice else 0


def incident_overdue(conn: Connection, incident: dict, event_id: int, hours: float,
                     now: datetime) -> int:
    """An overdue incident: its department and the supervision office."""
    departments = tuple(d for d in (incident.get("department_id"),) if d) + _supervision(conn)
    notice = _incident_notice(conn, "overdue", incident["id"],
                              f"incident:{incident['id']}:event:{event_id}",
                              department_ids=departments, hours=hours)
    return notify(conn, notice, now) if notice else 0


def incident_due_soon(conn: Connection, incident: dict, now: datetime) -> int:
    """Due within 24 hours: the department, once per deadline."""
    subject = f"incident:{incident['id']}:deadline:{incident['deadline'].isoformat()}"
    notice = _incident_notice(conn, "due_soon", incident["id"], subject,
                              department_ids=(incident["department_id"],))
    return notify(conn, notice, now) if notice else 0


def _whistle_notice(conn, kind: str, whistle_id: int, subject: str,
                    **who) -> tuple[Notice | None, list[dict]]:
    whistle = whistle_store.whistle(conn, whistle_id)
    if whistle is None:
        return None, []
    parties = whistle_store.summonses(conn, whistle_id)
    names = [p["department_name"] or p["leader_name"] or "" for p in parties]
    title, title_en, body = whistle_text(kind, whistle, names)
    return Notice(kind, subject or f"whistle:{whistle_id}", title, title_en, body,
                  whistle_id=whistle_id, **who), parties


def _summoned(parties: list[dict]) -> dict:
    return {"department_ids": tuple(p["department_id"] for p in parties if p["department_id"]),
            "user_ids": tuple(p["leader_id"] for p in parties if p["leader_id"])}


def whistle_blown(conn: Connection, whistle_id: int, now: datetime,
                  kind: str = "whistle_blown") -> int:
    """Each summoned department's officers (and, on a second whistle, the district leaders
    it summoned), with the meeting time and place.
    """
    notice, parties = _whistle_notice(conn, kind, whistle_id, "")
    if notice is None:
        return 0
    return notify(conn, Notice(**{**notice.__dict__, **_summoned(parties)}), now)


def meeting_reminder(conn: Connection, whistle_id: int, now: datetime) -> int:
    """The meeting is near: every summoned party that has not arrived, once per meeting."""
    whistle = whistle_store.whistle(conn, whistle_id)
    if whistle is None:
        return 0
    notice, parties = _whistle_notice(conn, "meeting_reminder", whistle_id,
                                      f"whistle:{whistle_id}:meeting:"
                                      f"{whistle['meeting_at'].isoformat()}")
    waiting = [p for p in parties if p["arrived_at"] is None]
    if notice is None or not waiting:
        return 0
    return notify(conn, Notice(**{**notice.__dict__, **_summoned(waiting)}), now)


def whistle_completed(conn: Connection, whistle_id: int, now: datetime) -> int:
    """Every party is done: the street's chiefs, to verify and rate."""
    whistle = whistle_store.whistle(conn, whistle_id)
    if whistle is None:
        return 0
    chiefs = notices_store.users_where(conn, "street_chief", street_id=whistle["street_id"],
                                       titles=CHIEF_TITLES)
    notice, _ = _whistle_notice(conn, "whistle_completed", whistle_id, "",
                                user_ids=tuple(chiefs))
    return notify(conn, notice, now) if notice else 0


def whistle_overdue(conn: Connection, whistle_id: int, event_id: int, now: datetime) -> int:
    """An overdue whistle: the parties that have not finished and the supervision office."""
    notice, parties = _whistle_notice(conn, "overdue", whistle_id,
                                      f"whistle:{whistle_id}:event:{event_id}")
    if notice is None:
        return 0
    late = _summoned([p for p in parties if p["completed_at"] is None])
    late["department_ids"] += _supervision(conn)
    return notify(conn, Notice(**{**notice.__dict__, **late}), now)


