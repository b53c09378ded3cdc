"""Whistles in PostGIS: insert with their incidents and summonses, lock, update, event log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, text, update

from data.models import Whistle, WhistleEvent, WhistleIncident, WhistleSummons

# The whistles model predates its idempotency_key column (migration 0003), so the insert
# is written out rather than built from the model.
INSERT_SQL = text("""
    insert into whistles (id, code, district_code, street_id, blown_by_id, level, parent_id,
                          matter, description, meeting_at, meeting_place, blown_at, deadline,
                          status, feedback, idempotency_key, geom)
    values (:id, :code, :district_code, :street_id, :blown_by_id, :level, :parent_id,
            :matter, :description, :meeting_at, :meeting_place, :blown_at, :deadline,
            'summoned', '', :idempotency_key, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
""")


def insert_whistle(conn: Connection, values: dict) -> None:
    """Insert one whistle (status "summoned"); ``values`` names every column of INSERT_SQL."""
    conn.execute(INSERT_SQL, values)


def link_incidents(conn: Connection, whistle_id: int, incident_ids: list[int]) -> None:
    """Record which incidents the whistle concerns."""
    if incident_ids:
        conn.execute(insert(WhistleIncident),
                     [{"whistle_id": whistle_id, "incident_id": i} for i in incident_ids])


def add_summons(conn: Connection, whistle_id: int, department_id: int | None = None,
                leader_id: int | None = None) -> int:
    """Summon one party (a department or a district leader); returns the summons id."""
    stmt = insert(WhistleSummons).values(whistle_id=whistle_id, department_id=department_id,
                                         leader_id=leader_id).returning(WhistleSummons.id)
    return conn.execute(stmt).scalar_one()


def add_whistle_event(conn: Connection, whistle_id: int, at: datetime, actor_id: int | None,
                      action: str, department_id: int | None = None, note: str = "") -> int:
    """Append one event to a whistle's log; returns its id."""
    stmt = insert(WhistleEvent).values(whistle_id=whistle_id, at=at, actor_id=actor_id,
                                       action=action, department_id=department_id,
                                       note=note).returning(WhistleEvent.id)
    return conn.execute(stmt).scalar_one()


WHISTLE_SQL = """
    select w.id, w.code, w.street_id, s.name_zh as street_name, s.name_en as street_name_en,
           w.blown_by_id,
           u.display_name as blown_by_name, w.level, w.parent_id, w.matter, w.description,
           w.meeting_at, w.meeting_place, w.blown_at, w.deadline, w.status, w.completed_at,
           w.closed_at, w.feedback, w.idempotency_key, w.district_code,
           ST_X(w.geom) as lon, ST_Y(w.geom) as lat,
           (select c.id from whistles c where c.parent_id = w.id order by c.id limit 1)
             as child_id
    from whistles w
    join streets s on s.id = w.street_id
    left join users u on u.id = w.blown_by_id
"""


def lock_whistle(conn: Connection, whistle_id: int) -> dict | None:
    """A whistle's row, locked until the transaction ends (report-ins serialise)."""
    sql = text(WHISTLE_SQL + " where w.id = :id for update of w")
    row = conn.execute(sql, {"id": whistle_id}).mappings().first()
    return dict(row) if row else None


def whistle(conn: Connection, whistle_id: int) -> dict | None:
    """A whistle with its street and blower's names, or None."""
    row = conn.execute(text(WHISTLE_SQL + " where w.id = :id"),
                       {"id": whistle_id}).mappings().first()
    return dict(row) if row else None


def whistle_by_key(conn: Connection, key: str) -> dict | None:
    """The whistle created with this Idempotency-Key, or None."""
    row = conn.execute(text(WHISTLE_SQL + " where w.idempotency_key = :key"),
                       {"key": key}).mappings().first()
    return dict(row) if row else None


SUMMONS_SQL = text("""
    select ws.id, ws.whistle_id, ws.department_id, d.code as department_code,
           d.name_zh as department_name, d.name_en as department_name_en, ws.leader_id,
           u.display_name as leader_name,
           ws.acknowledged_at, ws.arrived_at, ws.completed_at, ws.rating_timeliness,
           ws.rating_quality, ws.rating_attitude, ws.rated_at, ws.rated_by_id
    from whistle_summons ws
    left join departments d on d.id = ws.department_id
    left join users u on u.id = ws.leader_id
    where ws.whistle_id = :id
    order by ws.leader_id nulls first, d.code, ws.id
""")


def summonses(conn: Connection, whistle_id: int) -> list[dict]:
    """Every party a whistle summoned, departments first, with their times and ratings."""
    return [dict(r) for r in conn.execute(SUMMONS_SQL, {"id": whistle_id}).mappings()]


def update_summons(conn: Connection, summons_id: int, values: dict) -> None:
    conn.execute(update(WhistleSummons).where(WhistleSummons.id == summons_id).values(**values))


def update_whistle(conn: Connection, whistle_id: int, values: dict) -> None:
    """Write changed columns (status, completed_at, closed_at, feedback) of one whistle."""
    conn.execute(update(Whistle).where(Whistle.id == whistle_id).values(**values))


LINKED_SQL = text("""
    select i.id, i.code, i.status, i.street_id, i.community_id, i.address,
           c.name_zh as category_name, c.name_en as category_name_en, g.code as grid_code
    from whistle_incidents wi
    join incidents i on i.id = wi.incident_id
    join categories c on c.code = i.category_code
    join grids g on g.id = i.grid_id
    where wi.whistle_id = :id
    order by i.id
""")


def whistle_incidents(conn: Connection, whistle_id: int) -> list[dict]:
    """The incidents a whistle concerns, with their status, community and category."""
    return [dict(r) for r in conn.execute(LINKED_SQL, {"id": whistle_id}).mappings()]


EVENTS_SQL = text("""
    select e.id, e.at, e.action, e.note, e.actor_id, u.display_name as actor_name,
           u.role as actor_role, e.department_id, d.code as department_code,
           d.name_zh as department_name, d.name_en as department_name_en
    from whistle_events e
    left join users u on u.id = e.actor_id
    left join departments d on d.id = e.department_id
    where e.whistle_id = :id
    order by e.at, e.id
""")


def whistle_events(conn: Connection, whistle_id: int) -> list[dict]:
    """A whistle's event log, oldest first, with actor and department names."""
    return [dict(r) for r in conn.execute(EVENTS_SQL, {"id": whistle_id}).mappings()]
