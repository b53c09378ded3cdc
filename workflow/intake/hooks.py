"""What intake adds to a lifecycle step: children told when their parent closes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection


def after_transition(conn: Connection, incident_id: int, action: str, at: datetime) -> None:
    """Called by every transition, inside its transaction."""
    if action == "close":
        from workflow.intake.merge import tell_children

        tell_children(conn, incident_id, at)
