"""Incidents in PostGIS: locate a point, insert, lock, update, and the append-only event log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, text, update

from data.models import Incident, IncidentEvent

SEQUENCED_TABLES = ("incidents", "whistles")

LOCATE_SQL = text("""
    select g.id as grid_id, g.community_id, g.street_id, d.code as district_code
    from grids g join streets s on s.id = g.street_id join districts d on d.id = s.district_id
    where ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
    order by g.id limit 1
""")


def locate(conn: Connection, lon: float, lat: float) -> dict | None:
    """The basic grid (and its community and street) covering a WGS84 point, or None.

    Parameters
    ----------
    conn : Connection
    lon, lat : float
        WGS84 degrees.

    Returns
    -------
    dict or None
        grid_id, community_id, street_id, district_code; ties on a shared edge go to the lowest grid id.
    """
    row = conn.execute(LOCATE_SQL, {"lon": lon, "lat": lat}).mappings().first()
    return dict(row) if row else None


def next_id(conn: Connection, table: str) -> int:
    """Draw the next id of ``table`` first, so the readable code can contain it."""
    if table not in SEQUENCED_TABLES:
        raise ValueError(f"no sequence for {table!r}")
    return conn.execute(text("select nextval(pg_get_serial_sequence(:t, 'id'))"),
                        {"t": table}).scalar_one()


def insert_incident(conn: Connection, values: dict, lon: float, lat: float) -> int:
    """Insert one incident at (lon, lat); ``values`` holds the other columns. Returns its id."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    stmt = insert(Incident).values(**values, geom=point).returning(Incident.id)
    return conn.execute(stmt).scalar_one()


def incident_by_key(conn: Connection, key: str) -> dict | None:
    """The incident created with this Idempotency-Key, or None."""
    stmt = select(Incident.id, Incident.reporter_id, Incident.category_code,
                  Incident.description).where(Incident.idempotency_key == key)
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def lock_incident(conn: Connection, incident_id: int) -> dict | None:
    """The incident's columns, row-locked until the transaction ends (transitions serialise)."""
    table = Incident.__table__
    cols = [c for c in table.c if c.name != "geom"]
    row = conn.execute(select(*cols).where(table.c.id == incident_id)
                       .with_for_update()).mappings().first()
    return dict(row) if row else None


def update_incident(conn: Connection, incident_id: int, values: dict) -> None:
    """Write changed columns of one incident."""
    conn.execute(update(Incident).where(Incident.id == incident_id).values(**values))


def add_incident_event(conn: Connection, incident_id: int, at: datetime, actor_id: int | None,
                       action: str, from_status: str | None, to_status: str,
                       department_id: int | None = None, note: str = "",
                       photo_url: str | None = None, public: bool = False) -> int:
    """Append one event to an incident's log; returns its id. ``public``: its note may be
    shown to the reporter and the public (Open311).
    """
    stmt = insert(IncidentEvent).values(
        incident_id=incident_id, at=at, actor_id=actor_id, action=action,
        from_status=from_status, to_status=to_status, department_id=department_id,
        note=note, photo_url=photo_url, public=public).returning(IncidentEvent.id)
    return conn.execute(stmt).scalar_one()


DETAIL_SQL = text("""
    select i.id, i.code, i.source_system, i.source_code, i.status, i.source, i.handled_by,
           i.category_code, c.name_zh as category_name, c.name_en as category_name_en,
           c.deadline_hours,
           c.department_code as category_department_code,
           i.department_id, d.code as department_code, d.name_zh as department_name,
           d.name_en as department_name_en, i.street_id, s.name_zh as street_name,
           s.name_en as street_name_en, i.community_id, cm.name_zh as community_name,
           cm.name_en as community_name_en, i.grid_id, g.code as grid_code,
           g.name_zh as grid_name,
           i.reporter_id, u.display_name as reporter_name, i.reporter_contact,
           i.address, i.description, i.photo_url, i.reported_at, i.accepted_at,
           i.dispatched_at, i.started_at, i.resolved_at, i.verified_at, i.closed_at,
           i.rejected_at, i.deadline, i.reopen_count, i.updated_at, i.district_code,
           ST_X(i.geom) as lon, ST_Y(i.geom) as lat
    from incidents i
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    join communities cm on cm.id = i.community_id
    join grids g on g.id = i.grid_id
    left join departments d on d.id = i.department_id
    left join users u on u.id = i.reporter_id
    where i.id = :id
""")


def incident_detail(conn: Connection, incident_id: int) -> dict | None:
    """One incident with its place, category and department names and its coordinates."""
    row = conn.execute(DETAIL_SQL, {"id": incident_id}).mappings().first()
    return dict(row) if row else None


EVENTS_SQL = text("""
    select e.id, e.at, e.action, e.from_status, e.to_status, e.note, e.public, e.photo_url,
           e.actor_id, u.display_name as actor_name, u.role as actor_role,
           e.department_id, d.code as department_code, d.name_zh as department_name,
           d.name_en as department_name_en
    from incident_events e
    left join users u on u.id = e.actor_id
    left join departments d on d.id = e.department_id
    where e.incident_id = :id
    order by e.at, e.id
""")


def incident_events(conn: Connection, incident_id: int) -> list[dict]:
    """The incident's event log, oldest first, with actor and department names."""
    return [dict(r) for r in conn.execute(EVENTS_SQL, {"id": incident_id}).mappings()]


PARTIES_SQL = text("""
    select wi.whistle_id, w.status, ws.department_id, ws.leader_id
    from whistle_incidents wi
    join whistles w on w.id = wi.whistle_id
    join whistle_summons ws on ws.whistle_id = wi.whistle_id
    where wi.incident_id = :id
""")


def incident_whistle_parties(conn: Connection, incident_id: int) -> dict:
    """Whistles on this incident and who they summoned: who else may see it.

    Returns
    -------
    dict
        whistle_ids, open_whistle_ids (not closed or escalated), department_ids, leader_ids
        (sorted lists).
    """
    rows = conn.execute(PARTIES_SQL, {"id": incident_id}).all()
    return {"whistle_ids": sorted({r.whistle_id for r in rows}),
            "open_whistle_ids": sorted({r.whistle_id for r in rows
                                        if r.status not in ("closed", "escalated")}),
            "department_ids": sorted({r.department_id for r in rows if r.department_id}),
            "leader_ids": sorted({r.leader_id for r in rows if r.leader_id})}
