"""What replay reads: the area's choices, the day's trusted fixes, reports and beats."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

_DAY = "(cast(:day as date)::timestamp at time zone 'Asia/Shanghai')"
_NEXT = "((cast(:day as date) + 1)::timestamp at time zone 'Asia/Shanghai')"

STREETS = text("""
select id, name_zh, name_en from streets
where (cast(:street_id as int) is null or id = :street_id)
  and (cast(:district_code as varchar) is null
       or district_id = (select id from districts where code = :district_code))
order by code""")
COMMUNITIES = text("""
select id, name_zh, name_en from communities
where street_id = :street_id and (cast(:community_id as int) is null or id = :community_id)
order by code""")
GRIDS = text("select id, code, name_zh from grids where community_id = :community_id order by code")
PARENTS = text("""
select coalesce(c.street_id, g.street_id) as street_id, coalesce(c.id, g.community_id) as community_id
from (select 1) one
left join communities c on c.id = :community_id
left join grids g on g.id = :grid_id""")

# A worker belongs where their primary grid lies (as on the daily sheet).
WORKERS = text("""
select u.id, u.username, u.display_name, g.id as grid_id, g.code as grid_code
from users u
join lateral (select wg.grid_id from worker_grids wg where wg.user_id = u.id
              order by wg.is_primary desc, wg.id limit 1) b on true
join grids g on g.id = b.grid_id
where u.role = 'grid_worker' and u.active
  and (cast(:street_id as int) is null or g.street_id = :street_id)
  and (cast(:community_id as int) is null or g.community_id = :community_id)
  and (cast(:grid_id as int) is null or g.id = :grid_id)
  and (cast(:user_id as int) is null or u.id = :user_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by g.code, u.username
limit :limit""")

# Thinned to one fix per ``step`` seconds for many workers: replay interpolates between them.
FIXES = text(f"""
select distinct on (user_id, floor(extract(epoch from device_time) / :step))
       user_id, extract(epoch from device_time)::bigint as t,
       round(ST_X(geom)::numeric, 5)::float8 as lon, round(ST_Y(geom)::numeric, 5)::float8 as lat
from positions
where device_time >= {_DAY} and device_time < {_NEXT} and not flagged
  -- by device: the primary key (device_id, device_time) finds a worker's day in the
  -- partition without reading the rest of the district's fixes
  and device_id in (select id from devices where user_id = any(cast(:users as int[])))
  and user_id = any(cast(:users as int[]))
order by user_id, floor(extract(epoch from device_time) / :step), device_time""")

REPORTS = text(f"""
select reporter_id as user_id, extract(epoch from reported_at)::bigint as t, code,
       category_code, round(ST_X(geom)::numeric, 5)::float8 as lon,
       round(ST_Y(geom)::numeric, 5)::float8 as lat
from incidents
where reported_at >= {_DAY} and reported_at < {_NEXT}
  and reporter_id = any(cast(:users as int[]))
order by reported_at""")

# Beats go to the browser simplified (~5 m) with coordinates rounded to 1e-5.
BEATS = text("""
select id, code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.00005), 5) as geojson
from grids where id = any(cast(:grids as int[])) order by code""")


def _dicts(result) -> list[dict]:
    return [dict(r) for r in result.mappings()]


def area_choices(conn: Connection, street_id: int | None, community_id: int | None,
                 scope_street: int | None = None, scope_community: int | None = None,
                 district_code: str | None = None) -> dict:
    """Streets (within scope), the chosen street's communities, the chosen community's grids;
    a street or community outside what is offered offers nothing below it.

    Parameters
    ----------
    conn : Connection
    street_id, community_id : int, optional
        What is chosen so far.
    scope_street, scope_community : int, optional
        The reader's scope: nothing outside it is offered.
    district_code : str, optional
        The reader's district (None: every district, for a city leader).

    Returns
    -------
    dict
        streets, communities, grids (lists of dicts with id and names).
    """
    out = {"streets": _dicts(conn.execute(STREETS, {"street_id": scope_street,
                                                    "district_code": district_code})),
           "communities": [], "grids": []}
    if street_id is not None and street_id in {s["id"] for s in out["streets"]}:
        out["communities"] = _dicts(conn.execute(
            COMMUNITIES, {"street_id": street_id, "community_id": scope_community}))
    if community_id is not None and community_id in {c["id"] for c in out["communities"]}:
        out["grids"] = _dicts(conn.execute(GRIDS, {"community_id": community_id}))
    return out


def area_parents(conn: Connection, community_id: int | None,
                 grid_id: int | None) -> tuple[int | None, int | None]:
    """The street and community of a community or grid (the community wins when both)."""
    row = conn.execute(PARENTS, {"community_id": community_id, "grid_id": grid_id}).one()
    return row.street_id, row.community_id


def area_workers(conn: Connection, street_id: int | None = None, community_id: int | None = None,
                 grid_id: int | None = None, user_id: int | None = None,
                 limit: int = 400, district_code: str | None = None) -> list[dict]:
    """Active grid workers whose primary grid lies in the area (all filters apply together;
    ``district_code`` keeps the district's own workers).

    Returns
    -------
    list of dict
        id, username, display_name, grid_id, grid_code.
    """
    params = {"street_id": street_id, "community_id": community_id, "grid_id": grid_id,
              "user_id": user_id, "limit": limit, "district_code": district_code}
    return _dicts(conn.execute(WORKERS, params))


def day_fixes(conn: Connection, day: date, user_ids: list[int], step_s: int = 1) -> list[dict]:
    """Trusted fixes of the workers on a Beijing day, at most one per ``step_s`` seconds each.

    Returns
    -------
    list of dict
        user_id, t (epoch seconds), lon, lat (rounded to 1e-5), by worker then time.
    """
    if not user_ids:
        return []
    return _dicts(conn.execute(FIXES, {"day": day, "users": list(user_ids),
                                       "step": max(1, int(step_s))}))


def day_reports(conn: Connection, day: date, user_ids: list[int]) -> list[dict]:
    """Incidents the workers filed that day: user_id, t, code, category_code, lon, lat."""
    if not user_ids:
        return []
    return _dicts(conn.execute(REPORTS, {"day": day, "users": list(user_ids)}))


def beats(conn: Connection, grid_ids: list[int]) -> list[dict]:
    """The grids' outlines as simplified GeoJSON strings: id, code, geojson."""
    if not grid_ids:
        return []
    return _dicts(conn.execute(BEATS, {"grids": sorted(set(grid_ids))}))
