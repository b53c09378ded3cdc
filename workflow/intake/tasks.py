"""Field tasks: 核实 before dispatch and 核查 after the fix, offered to the nearest worker."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import task_store


def cancel_tasks(conn: Connection, incident_id: int, now: datetime) -> int:
    """Cancel a case's live tasks (it was merged or rejected): nobody walks there for it."""
    return task_store.cancel_live(conn, incident_id, now)
