"""The escalation job: record, once, that overdue incidents and whistles went to 督办."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import incident_store, whistle_store
from data.queries import supervision as queries
from workflow.deadlines import hours_overdue
from workflow.notices import events as notices

TICK_LOCK = 4_120_106     # advisory lock id: one ticker at a time across all workers


def tick(conn: Connection, now: datetime) -> dict:
    """Write an escalation event for every overdue incident and whistle not yet escalated.

    Idempotent: running it twice at the same ``now`` writes nothing the second time; an
    incident re-dispatched with a new deadline can escalate again after that deadline.

    Returns
    -------
    dict
        incidents, whistles: how many were escalated; skipped: another ticker held the lock.
    """
    if not queries.try_lock(conn, TICK_LOCK):
        return {"incidents": 0, "whistles": 0, "skipped": True}
    incidents, whistles = queries.unescalated(conn, now)
    for row in incidents:
        hours = hours_overdue(row["deadline"], now)
        event_id = incident_store.add_incident_event(
            conn, row["id"], now, None, "escalate", row["status"], "escalated",
            department_id=row["department_id"],
            note=f"超期 {hours:.0f} 小时未办结，转区委督查室督办")
        notices.incident_overdue(conn, row, event_id, hours, now)
    for row in whistles:
        hours = hours_overdue(row["deadline"], now)
        event_id = whistle_store.add_whistle_event(
            conn, row["id"], now, None, "overdue",
            note=f"吹哨超期 {hours:.0f} 小时未办结，区委督查室督办")
        notices.whistle_overdue(conn, row["id"], event_id, now)
    return {"incidents": len(incidents), "whistles": len(whistles), "skipped": False}
