"""What the demo's whistle player reads: stuck cases to whistle for, and its own whistles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

STUCK_SQL = text("""
    select i.id, i.street_id, i.department_id, i.address, c.name_zh as category_name,
           s.name_zh as street_name
    from incidents i
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    where i.status in ('dispatched', 'in_progress', 'reopened') and i.department_id is not null
      and (i.deadline < :soon or i.dispatched_at < :stale)
      and not exists (select 1 from whistle_incidents wi where wi.incident_id = i.id)
    order by i.deadline nulls last, i.id
    limit :limit
""")


def stuck_incidents(conn: Connection, now: datetime, soon: datetime, stale: datetime,
                    limit: int = 40) -> list[dict]:
    """Open department cases that are due soon, overdue or dispatched long ago, and were
    never whistled for: what a street chief would whistle about.

    Parameters
    ----------
    conn : Connection
    now, soon, stale : datetime
        Cases due before ``soon`` or dispatched before ``stale`` count as stuck.
    limit : int

    Returns
    -------
    list of dict
        id, street_id, department_id, address, category_name, street_name.
    """
    rows = conn.execute(STUCK_SQL, {"soon": soon, "stale": stale, "limit": limit})
    return [dict(r) for r in rows.mappings()]


PLAYED_SQL = text("""
    select w.id from whistles w
    where w.idempotency_key like :prefix
      and (w.status in ('summoned', 'reported_in', 'completed')
           or exists (select 1 from whistle_summons ws
                      where ws.whistle_id = w.id and ws.department_id is not null
                        and ws.rated_at is null))
    order by w.id
""")


def played_whistles(conn: Connection, prefix: str) -> list[int]:
    """The player's whistles (by their idempotency-key prefix) with something left to do:
    still open, awaiting verification, or with a department not yet rated.
    """
    return list(conn.execute(PLAYED_SQL, {"prefix": prefix + "%"}).scalars())


def played_count(conn: Connection, prefix: str) -> int:
    """How many whistles the player has blown so far (its next key's number)."""
    sql = text("select count(*) from whistles where idempotency_key like :prefix")
    return int(conn.execute(sql, {"prefix": prefix + "%"}).scalar_one())
