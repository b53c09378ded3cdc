"""The notices no request causes: deadlines within 24 hours and meetings within 2 hours."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import notices_store
from workflow.notices import events

DUE_SOON = timedelta(hours=24)
MEETING_SOON = timedelta(hours=2)


def scan(conn: Connection, now: datetime) -> dict[str, int]:
    """Write due-soon and meeting-reminder notices; safe to run as often as wanted (each is
    keyed by its deadline or meeting time, so it is written once).
    """
    due = sum(events.incident_due_soon(conn, row, now)
              for row in notices_store.incidents_due_soon(conn, now, now + DUE_SOON))
    meetings = sum(events.meeting_reminder(conn, whistle_id, now)
                   for whistle_id in notices_store.meetings_soon(conn, now, now + MEETING_SOON))
    return {"due_soon": due, "meeting_reminder": meetings}
