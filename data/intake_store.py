"""Intake in PostGIS: open cases near a point, merged children, suggested duplicate pairs."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, text

# Degrees of latitude per metre, and a generous longitude factor for Tianjin (39°N): the
# box prefilter uses the GiST index, the sphere distance then decides exactly.
DEG_PER_M = 1 / 80_000

OPEN = "i.status not in ('closed', 'rejected') and i.parent_id is null"

NEARBY_SQL = text(f"""
    select i.id, i.code, i.status, i.category_code, i.reported_at, i.photo_url,
           i.description, i.address, i.street_id, i.community_id, i.grid_id,
           round(ST_DistanceSphere(i.geom, p.pt)::numeric, 1)::float as distance_m
    from incidents i,
         (select ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) as pt) p
    where {OPEN} and i.category_code = :category
      and ST_DWithin(i.geom, p.pt, :deg)
      and ST_DistanceSphere(i.geom, p.pt) <= :radius
      and i.reported_at between :since and :until
      and (cast(:exclude as bigint) is null or i.id <> :exclude)
    order by distance_m, i.reported_at, i.id
    limit :limit
""")


def nearby_open(conn: Connection, category: str, lon: float, lat: float, at: datetime,
                radius_m: float, window: timedelta, exclude: int | None = None,
                limit: int = 10) -> list[dict]:
    """Open, unmerged cases of ``category`` within ``radius_m`` of a point, reported within
    ``window`` before (or after) ``at``, nearest first.

    Parameters
    ----------
    conn : Connection
    category : str
        Category code (level 2).
    lon, lat : float
        WGS84 degrees.
    at : datetime
        The new report's time.
    radius_m : float
    window : timedelta
    exclude : int, optional
        An incident id to leave out (the report itself).
    limit : int

    Returns
    -------
    list of dict
        id, code, status, category_code, reported_at, photo_url, description, address,
        street_id, community_id, grid_id, distance_m.
    """
    params = {"lon": lon, "lat": lat, "category": category, "radius": radius_m,
              "deg": radius_m * DEG_PER_M * 1.5, "since": at - window, "until": at + window,
              "exclude": exclude, "limit": limit}
    return [dict(r) for r in conn.execute(NEARBY_SQL, params).mappings()]


def incident_point(conn: Connection, incident_id: int) -> dict | None:
    """An incident's category, time and coordinates (for matching), or None."""
    row = conn.execute(text("""select id, category_code, reported_at, ST_X(geom) as lon,
                               ST_Y(geom) as lat from incidents where id = :id"""),
                       {"id": incident_id}).mappings().first()
    return dict(row) if row else None


def incident_id_by_code(conn: Connection, code: str) -> int | None:
    """The id of the incident with this readable code, or None."""
    return conn.execute(text("select id from incidents where code = :code"),
                        {"code": code}).scalar()


def children(conn: Connection, parent_id: int) -> list[dict]:
    """The cases merged into ``parent_id``: id, code, reporter_id, source."""
    rows = conn.execute(text("""select id, code, reporter_id, source from incidents
                                where parent_id = :id order by id"""), {"id": parent_id})
    return [dict(r) for r in rows.mappings()]


def repoint_children(conn: Connection, old_parent: int, new_parent: int) -> int:
    """Move the children of a case being merged to its own parent (one level, always)."""
    return conn.execute(text("update incidents set parent_id = :new where parent_id = :old"),
                        {"new": new_parent, "old": old_parent}).rowcount


SUGGEST_SQL = text(f"""
    insert into duplicate_suggestions (incident_id, parent_id, distance_m, gap_s, found_at)
    select b.id, a.id, a.d, a.gap, :now
    from incidents b
    cross join lateral (
        select i.id, ST_DistanceSphere(i.geom, b.geom) as d,
               extract(epoch from b.reported_at - i.reported_at)::int as gap
        from incidents i
        where {OPEN} and i.category_code = b.category_code and i.id <> b.id
          and (i.reported_at, i.id) < (b.reported_at, b.id)
          and i.reported_at >= b.reported_at - :window
          and ST_DWithin(i.geom, b.geom, :deg)
          and ST_DistanceSphere(i.geom, b.geom) <= :radius
        -- the nearest earlier case: pairs chain a cluster together (a merge then moves
        -- children to the root), and a stray older case farther off does not capture it
        order by d, i.reported_at, i.id
        limit 1) a
    where b.status not in ('closed', 'rejected') and b.parent_id is null
      and b.reported_at >= :since
    on conflict (incident_id, parent_id) do nothing
""")


def suggest_pairs(conn: Connection, now: datetime, radius_m: float, window: timedelta,
                  lookback: timedelta) -> int:
    """Record (case, earlier case) pairs of one category within radius and window, for every
    open case reported within ``lookback``; pairs already found (or decided) stay as they are.

    Returns
    -------
    int
        How many new pairs were recorded.
    """
    params = {"now": now, "radius": radius_m, "deg": radius_m * DEG_PER_M * 1.5,
              "window": window, "since": now - lookback}
    return conn.execute(SUGGEST_SQL, params).rowcount


LIST_SQL = """
    select s.id, s.incident_id, s.parent_id, s.distance_m, s.gap_s, s.status, s.found_at,
           b.code as incident_code, b.status as incident_status, b.photo_url as incident_photo,
           b.description as incident_description, b.reported_at as incident_reported_at,
           a.code as parent_code, a.status as parent_status, a.photo_url as parent_photo,
           a.description as parent_description, a.reported_at as parent_reported_at,
           b.category_code, c.name_zh as category_name, c.name_en as category_name_en,
           b.street_id
    from duplicate_suggestions s
    join incidents b on b.id = s.incident_id
    join incidents a on a.id = s.parent_id
    join categories c on c.code = b.category_code
    where s.status = 'open'
      and b.status not in ('closed', 'rejected') and b.parent_id is null
      and a.status <> 'rejected' and a.parent_id is null
"""
SCOPE_SQL = {"district_code": " and b.district_code = :district_code",
             "street_id": " and b.street_id = :street_id",
             "community_id": " and b.community_id = :community_id"}


def open_suggestions(conn: Connection, scope: dict, limit: int = 100) -> list[dict]:
    """Open suggestions whose cases are both still unmerged, newest first, within a scope
    (``district_code``, ``street_id`` or ``community_id``; empty: the city).
    """
    sql, params = LIST_SQL, {"limit": limit}
    for key, clause in SCOPE_SQL.items():
        if scope.get(key) is not None:
            sql += clause
            params[key] = scope[key]
    sql += " order by s.found_at desc, s.id desc limit :limit"
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def suggestion(conn: Connection, suggestion_id: int) -> dict | None:
    """One suggestion's row, locked for the decision."""
    row = conn.execute(text("select * from duplicate_suggestions where id = :id for update"),
                       {"id": suggestion_id}).mappings().first()
    return dict(row) if row else None


def decide_suggestion(conn: Connection, suggestion_id: int, status: str, actor_id: int,
                      now: datetime) -> None:
    """Mark a suggestion confirmed or dismissed, by whom and when."""
    conn.execute(text("""update duplicate_suggestions set status = :status, decided_by = :actor,
                         decided_at = :now where id = :id"""),
                 {"status": status, "actor": actor_id, "now": now, "id": suggestion_id})


def confirm_pair(conn: Connection, incident_id: int, parent_id: int, actor_id: int,
                 now: datetime) -> None:
    """A merge done by hand settles the pass's open suggestion for the same pair."""
    conn.execute(text("""update duplicate_suggestions set status = 'confirmed',
                         decided_by = :actor, decided_at = :now
                         where incident_id = :child and parent_id = :parent
                           and status = 'open'"""),
                 {"actor": actor_id, "now": now, "child": incident_id, "parent": parent_id})
