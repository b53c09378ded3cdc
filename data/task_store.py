"""Field tasks in PostGIS: offer, pass on, accept, complete; the nearest on-duty workers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text


def cancel_live(conn: Connection, incident_id: int, now: datetime) -> int:
    """Cancel every live task of a case; returns how many."""
    return conn.execute(text("""update field_tasks set status = 'cancelled', done_at = :now
                                where incident_id = :id
                                  and status in ('offered', 'accepted', 'unassigned')"""),
                        {"id": incident_id, "now": now}).rowcount
