"""What intake adds to a lifecycle step: the case waits for its field task; children are
told when their parent closes; a rejected case's tasks end.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import task_store
from workflow.errors import conflict

# The step that waits, and the task kind it waits for.
WAITS_FOR = {"dispatch": "verify", "verify": "check", "close": "check"}


def before_transition(conn: Connection, incident_id: int, action: str) -> None:
    """409 while the field task this step waits for is still out."""
    kind = WAITS_FOR.get(action)
    if kind and task_store.live_task(conn, incident_id, kind):
        raise conflict("task_pending",
                       "请等待网格员现场核实/核查 / waiting for the grid worker's on-site check",
                       "status")


def after_transition(conn: Connection, incident_id: int, action: str, at: datetime) -> None:
    """Called by every transition, inside its transaction."""
    if action == "close":
        from workflow.intake.merge import tell_children

        tell_children(conn, incident_id, at)
    if action == "reject":
        task_store.cancel_live(conn, incident_id, at)
