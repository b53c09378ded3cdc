"""Discovery rate (发现率): which workers walked past a problem that residents reported first.

A public incident (hotline, residents, Open311) was "passed" by a worker when one of the
worker's good fixes (never a set-aside one: those are not in ``positions``; never a flagged
one) lies within RADIUS_M of it in the LOOKBACK before it was reported, and the worker did
not report it: neither filed it, nor filed a patrol report within RADIUS_M in that window.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, text

PUBLIC_SOURCES = ("hotline", "resident", "app")
RADIUS_M = 30.0
LOOKBACK = timedelta(days=3)
# A degree box a little wider than RADIUS_M at the district's latitude (1° of longitude is
# ~86 km at 39°N): a cheap bounding-box test before the exact distance on the spheroid.
BOX_DEG = RADIUS_M / 80_000
# Cells of the fix-to-incident hash join: wider than RADIUS_M both ways (0.0004° is ~34 m
# east-west and ~44 m north-south here).
CELL_DEG = 0.0004

_AREA = """(cast(:street_id as int) is null or i.street_id = :street_id)
    and (cast(:community_id as int) is null or i.community_id = :community_id)"""

# Incidents of the period in the area; merged duplicates count nowhere (migration 0019).
_INCIDENTS = f"""
inc as (
  select i.id, i.code, i.grid_id, i.street_id, i.community_id, i.source, i.reporter_id,
         i.reported_at, i.category_code, i.geom, i.district_code
  from incidents i
  where i.reported_at >= :start and i.reported_at < :end and i.parent_id is null
    and {_AREA}
),
pub as (select * from inc where source = any(:public))"""

# The pairs of (public incident, worker) whose fixes came within RADIUS_M before the report.
_NEAR = """
-- Positions have no spatial index by design (0009: it slowed every insert), and a join on
-- the fixes' grid paired ~2 M fixes with incidents of the same grid. Instead both sides get
-- a key of a CELL-degree square: an incident's 3x3 block of cells covers RADIUS_M, so a hash
-- join pairs only the fixes of its neighbourhood, and the exact distance runs on those.
-- Metres per degree at the district's latitude (as the sheets do): a local plane is exact
-- to ~0.1% over a district and costs arithmetic only, where a geography distance per
-- candidate fix cost seconds.
ref as (
  select 111412.84 * cos(phi) - 93.5 * cos(3 * phi) as mx,
         111132.954 - 559.822 * cos(2 * phi) as my
  from (select radians(coalesce(ST_Y(ST_Centroid(ST_Extent(geom)::geometry)), 39.15)) as phi
        from grids) c
),
cells as materialized (
  select pub.id as incident_id, pub.reported_at, ST_X(pub.geom) as x, ST_Y(pub.geom) as y,
         (floor(ST_X(pub.geom) / :cell)::bigint + dx) * 1000000
           + floor(ST_Y(pub.geom) / :cell)::bigint + dy as cell
  from pub cross join generate_series(-1, 1) dx cross join generate_series(-1, 1) dy
),
fixes as (
  select f.user_id, f.device_time, ST_X(f.geom) as x, ST_Y(f.geom) as y
  from positions f
  where f.device_time >= :scan_start and f.device_time < :fix_end and not f.flagged
    and (cast(:user_id as int) is null or f.user_id = :user_id)
),
near_raw as (
  select c.incident_id, f.user_id, max(f.device_time) as last_pass,
         min(sqrt(power((f.x - c.x) * ref.mx, 2) + power((f.y - c.y) * ref.my, 2))) as metres
  from cells c
  join fixes f on floor(f.x / :cell)::bigint * 1000000 + floor(f.y / :cell)::bigint = c.cell
  cross join ref
  where f.device_time >= c.reported_at - :lookback and f.device_time < c.reported_at
    and power((f.x - c.x) * ref.mx, 2) + power((f.y - c.y) * ref.my, 2)
        <= power(:radius, 2)
  group by c.incident_id, f.user_id
)"""

PASSES = text(f"""
with {_INCIDENTS},
{_NEAR},
-- Days whose raw fixes retention dropped answer from the passes stored before the drop
-- (store_passes); both sides give the same pair, so the nearest and latest pass wins.
near as (
  select incident_id, user_id, max(last_pass) as last_pass, min(metres) as metres
  from (select incident_id, user_id, last_pass, metres from near_raw
        union all
        select s.incident_id, s.user_id, s.last_pass, s.metres
        from patrol_passes s
        join pub on pub.district_code = s.district_code and pub.id = s.incident_id
        where cast(:user_id as int) is null or s.user_id = :user_id) both_sides
  group by incident_id, user_id
),
-- Patrol reports that could have been "it": few, so the check below is a small join.
filed as materialized (
  select j.reporter_id, j.reported_at, j.geom from incidents j
  where j.source = 'patrol' and j.parent_id is null and j.reporter_id is not null
    and j.reported_at >= :scan_start and j.reported_at < :end
)
select n.incident_id, pub.code, pub.source, pub.reported_at, pub.grid_id, pub.street_id,
       pub.community_id, pub.category_code, n.user_id, u.username, u.display_name,
       n.last_pass, round(n.metres::numeric, 1)::float8 as metres
from near n
join pub on pub.id = n.incident_id
join users u on u.id = n.user_id
where n.user_id is distinct from pub.reporter_id
  and not exists (
    select 1 from filed j
    where j.reporter_id = n.user_id
      and j.reported_at >= pub.reported_at - :lookback and j.reported_at <= pub.reported_at
      and j.geom && ST_Expand(pub.geom, :box)
      and ST_DWithin(j.geom::geography, pub.geom::geography, :radius))
order by pub.reported_at, pub.code, u.username
""")

# One day's fixes against the public incidents whose look-back covers that day, kept before
# retention drops the day (the filed-it check runs when read, as for raw fixes).
STORE_PASSES = text(f"""
with {_INCIDENTS},
{_NEAR}
insert into patrol_passes (district_code, incident_id, user_id, last_pass, metres, stored_at)
select pub.district_code, n.incident_id, n.user_id, n.last_pass, n.metres, :now
from near_raw n join pub on pub.id = n.incident_id
on conflict (district_code, incident_id, user_id) do update
  set last_pass = greatest(patrol_passes.last_pass, excluded.last_pass),
      metres = least(patrol_passes.metres, excluded.metres), stored_at = excluded.stored_at
""")

GRIDS = text(f"""
with {_INCIDENTS}
select g.id as grid_id, g.code as grid_code, g.street_id, g.community_id,
       st.name_zh as street_zh, st.name_en as street_en, c.name_zh as community_zh,
       c.name_en as community_en,
       count(inc.id)::int as incidents,
       count(inc.id) filter (where inc.source = 'patrol')::int as by_patrol,
       count(inc.id) filter (where inc.source = any(:public))::int as by_public
from inc
join grids g on g.id = inc.grid_id
left join streets st on st.id = g.street_id
left join communities c on c.id = g.community_id
group by g.id, g.code, g.street_id, g.community_id, st.name_zh, st.name_en, c.name_zh,
         c.name_en
order by g.code
""")

# Workers whose primary beat lies in the area, with the patrol reports they filed in the
# period (wherever they filed them: finding a problem next door is still finding it).
WORKERS = text("""
with beat as (
  select distinct on (wg.user_id) wg.user_id, wg.grid_id, g.code as grid_code,
         g.street_id, g.community_id
  from worker_grids wg join grids g on g.id = wg.grid_id join users u on u.id = wg.user_id
  where u.role = 'grid_worker' and u.active
    and (cast(:street_id as int) is null or g.street_id = :street_id)
    and (cast(:community_id as int) is null or g.community_id = :community_id)
    and (cast(:user_id as int) is null or wg.user_id = :user_id)
  order by wg.user_id, wg.is_primary desc, wg.id
)
select b.user_id, u.username, u.display_name, b.grid_id, b.grid_code, b.street_id,
       b.community_id,
       (select count(*) from incidents j
        where j.reporter_id = b.user_id and j.source = 'patrol' and j.parent_id is null
          and j.reported_at >= :start and j.reported_at < :end)::int as found
from beat b join users u on u.id = b.user_id
order by u.username
""")


def _params(start: datetime, end: datetime, street_id: int | None,
            community_id: int | None, user_id: int | None) -> dict:
    return {"start": start, "end": end, "scan_start": start - LOOKBACK, "fix_end": end,
            "lookback": LOOKBACK,
            "street_id": street_id, "community_id": community_id, "user_id": user_id,
            "public": list(PUBLIC_SOURCES), "radius": RADIUS_M, "box": BOX_DEG,
            "cell": CELL_DEG}


def read_discovery(conn: Connection, start: datetime, end: datetime,
                   street_id: int | None = None, community_id: int | None = None,
                   user_id: int | None = None) -> dict[str, list[dict]]:
    """The raw figures of the discovery rate for incidents reported in ``[start, end)``.

    Parameters
    ----------
    conn : an open connection
    start, end : the period (aware datetimes); fixes are read from ``start - LOOKBACK``, so
        only those day partitions are scanned
    street_id, community_id : the area (incidents by their place, workers by their beat)
    user_id : one worker only (passes and worker rows; grid rows stay the area's)

    Returns
    -------
    ``{"passes": [...], "grids": [...], "workers": [...]}``: one pass per (public incident,
    worker who walked past it); incidents per grid by source; each worker's patrol reports.
    """
    params = _params(start, end, street_id, community_id, user_id)
    # The planner guesses the cell join far too large and sorts every fix of the period to
    # merge them (3.7 s on the demo's day); hashing the ~3,000 incident cells takes 2.5 s.
    conn.execute(text("set local enable_mergejoin = off"))
    return {key: [dict(r._mapping) for r in conn.execute(query, params)]
            for key, query in (("passes", PASSES), ("grids", GRIDS), ("workers", WORKERS))}


def explain_passes(conn: Connection, start: datetime, end: datetime) -> list[str]:
    """EXPLAIN ANALYZE of the passes query over the whole district (for the bench and docs)."""
    sql = text("explain (analyze, buffers, costs off) " + PASSES.text)
    params = _params(start, end, None, None, None)
    conn.execute(text("set local enable_mergejoin = off"))
    return [r[0] for r in conn.execute(sql, params)]


def store_passes(conn: Connection, fixes_from: datetime, fixes_to: datetime,
                 now: datetime) -> int:
    """Keep the passes that the fixes of ``[fixes_from, fixes_to)`` give (for every public
    incident reported from ``fixes_from`` until ``LOOKBACK`` after ``fixes_to``), so the
    discovery rate still answers once retention drops those fixes; returns rows written.
    """
    params = _params(fixes_from, fixes_to + LOOKBACK, None, None, None)
    params.update(scan_start=fixes_from, fix_end=fixes_to, now=now)
    conn.execute(text("set local enable_mergejoin = off"))
    return conn.execute(STORE_PASSES, params).rowcount
