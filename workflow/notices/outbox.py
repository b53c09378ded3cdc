"""The outbox: write one notice per recipient and channel in the caller's transaction.

Every notice has a key (what happened, to whom, on which channel); the key is unique in the
table, so an event processed twice, a tick run twice or a retried request writes nothing new
and nobody is told twice. In-app notices are delivered by being written; the outside
channels (WeCom, DingTalk, SMS, email) wait as ``pending`` for the delivery worker.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from data import notices_store

# Urgent notices go out in quiet hours too: a summons, its meeting, a leader's second
# whistle, and supervision of overdue work cannot wait for the morning.
URGENT = frozenset({"whistle_blown", "meeting_reminder", "second_whistle", "overdue"})


@dataclass(frozen=True)
class Notice:
    """What to say, about what, to whom."""

    kind: str
    subject: str                   # what happened, e.g. "incident:12:event:345"
    title: str
    title_en: str
    body: str
    user_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()   # addresses given by the public (Open311 reporters)
    incident_id: int | None = None
    whistle_id: int | None = None


def recipients(conn: Connection, notice: Notice) -> list[int]:
    """The people who get the in-app notice: those named, and each department's officers
    (or, for the supervision office and other oversight bodies, its supervisors).
    """
    people = list(notice.user_ids)
    for department_id in notice.department_ids:
        people += notices_store.users_where(conn, "dept_officer", department_id=department_id)
        people += notices_store.users_where(conn, "supervisor", department_id=department_id)
    return sorted(set(people))


def _row(notice: Notice, now: datetime, channel: str, key: str, **values) -> dict:
    inbox = channel == "inbox"
    return {"key": key[:200], "kind": notice.kind, "channel": channel,
            "user_id": values.get("user_id"), "route_id": values.get("route_id"),
            "address": values.get("address", ""), "incident_id": notice.incident_id,
            "whistle_id": notice.whistle_id, "title": notice.title[:200],
            "title_en": notice.title_en[:300], "body": notice.body,
            "urgent": notice.kind in URGENT, "created_at": now,
            "status": "sent" if inbox else "pending", "next_attempt_at": now,
            "sent_at": now if inbox else None}


def notify(conn: Connection, notice: Notice, now: datetime) -> int:
    """Write the notice for every recipient on every channel they have; how many rows were
    new (0 when this notice was written before).
    """
    base = f"{notice.kind}:{notice.subject}"
    people = recipients(conn, notice)
    rows = [_row(notice, now, "inbox", f"{base}:u{u}:inbox", user_id=u) for u in people]
    for route in notices_store.routes(conn, list(notice.department_ids), people):
        rows.append(_row(notice, now, route["channel"], f"{base}:r{route['id']}",
                         route_id=route["id"], address=route["address"],
                         user_id=route["user_id"]))
    for email in notice.emails:
        rows.append(_row(notice, now, "email", f"{base}:mail:{email.lower()}", address=email))
    return notices_store.add_notices(conn, rows)
