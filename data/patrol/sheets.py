"""Each worker's patrol sheet for a Beijing day, summed in PostGIS from trusted fixes only.

Fixes set aside (``set_aside_fixes``) are never in ``positions``, so km, minutes and
coverage cannot count them; the sheet only says how many there were.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, text

# Consecutive fixes further apart than this are a gap (phone off, indoors): neither distance
# nor time is counted across it.
MAX_GAP_S = 300
# Coverage cells (metres, a local plane at the district's latitude): the share of the beat's cells holding at least one fix.
CELL_M = 50.0
# A stop: consecutive fixes staying in one cell of STOP_R metres for at least STOP_MIN minutes.
STOP_R_M = 30.0
STOP_MIN = 3.0

_DAY = "(cast(:day as date)::timestamp at time zone 'Asia/Shanghai')"
_NEXT = "((cast(:day as date) + 1)::timestamp at time zone 'Asia/Shanghai')"

BEAT = """
beat as (
  select distinct on (wg.user_id) wg.user_id, wg.grid_id, g.street_id, g.community_id,
         g.area_km2
  from worker_grids wg join grids g on g.id = wg.grid_id join users u on u.id = wg.user_id
  where u.role = 'grid_worker' and u.active
    and (cast(:street_id as int) is null or g.street_id = :street_id)
    and (cast(:community_id as int) is null or g.community_id = :community_id)
    and (cast(:user_id as int) is null or wg.user_id = :user_id)
    and (cast(:district_code as varchar) is null or u.district_code = :district_code)
  order by wg.user_id, wg.is_primary desc, wg.id
),
own as (
  select user_id, array_agg(grid_id) as grids from worker_grids
  where user_id in (select user_id from beat) group by user_id
),
-- Metres per degree at the district's latitude: a local plane is exact to ~0.1% over a
-- district and costs arithmetic only, where ST_Transform of every fix cost ~7 us a fix.
ref as (
  select 111412.84 * cos(phi) - 93.5 * cos(3 * phi) as mx,
         111132.954 - 559.822 * cos(2 * phi) as my
  from (select radians(coalesce(ST_Y(ST_Centroid(ST_Extent(geom)::geometry)), 39.15)) as phi
        from grids) c
)"""

COMPUTE = text(f"""
with {BEAT},
f as (
  select user_id, device_time, grid_id, x, y,
         extract(epoch from device_time - lag(device_time) over w) as dt,
         sqrt(power(x - lag(x) over w, 2) + power(y - lag(y) over w, 2)) as step,
         lag(grid_id) over w as prev_grid,
         floor(x / :stop_r)::bigint * 1000000 + floor(y / :stop_r)::bigint as stop_cell,
         floor(x / :cell)::bigint * 1000000 + floor(y / :cell)::bigint as cover_cell
  from (
    select p.user_id, p.device_time, p.grid_id, ST_X(p.geom) * ref.mx as x,
           ST_Y(p.geom) * ref.my as y
    from positions p cross join ref
    where p.device_time >= {_DAY} and p.device_time < {_NEXT} and not p.flagged
      and p.user_id in (select user_id from beat)) m
  window w as (partition by user_id order by device_time)
),
islands as (
  select user_id, stop_cell, device_time,
         row_number() over (partition by user_id order by device_time)
         - row_number() over (partition by user_id, stop_cell order by device_time) as island
  from f
),
stops as (
  select user_id, count(*)::int as stops from (
    select user_id from islands group by user_id, stop_cell, island
    having max(device_time) - min(device_time) >= make_interval(secs => :stop_min * 60)) s
  group by user_id
),
sums as (
  select f.user_id, min(device_time) as first_fix, max(device_time) as last_fix,
         count(*)::int as fixes,
         coalesce(sum(step) filter (where dt <= :gap), 0) / 1000.0 as km,
         coalesce(sum(dt) filter (where dt <= :gap and prev_grid = any(o.grids)), 0) / 60.0
           as minutes_on_beat,
         coalesce(sum(dt) filter (where dt <= :gap
                                  and (prev_grid is null or prev_grid <> all(o.grids))), 0)
           / 60.0 as minutes_off_beat,
         count(distinct cover_cell) filter (where f.grid_id = b.grid_id)
           as cells
  from f join own o on o.user_id = f.user_id join beat b on b.user_id = f.user_id
  group by f.user_id
),
reports as (
  select reporter_id as user_id, count(*)::int as reports from incidents
  where reported_at >= {_DAY} and reported_at < {_NEXT}
    and reporter_id in (select user_id from beat)
  group by reporter_id
),
aside as (
  select user_id, count(*)::int as set_aside from set_aside_fixes
  where coalesce(corrected_time, device_time) >= {_DAY}
    and coalesce(corrected_time, device_time) < {_NEXT}
    and user_id in (select user_id from beat)
  group by user_id
)
select cast(:day as date) as day, b.user_id, u.username, u.display_name,
       g.code as grid_code, b.grid_id, b.street_id, b.community_id,
       st.name_zh as street_zh, st.name_en as street_en, c.name_zh as community_zh,
       c.name_en as community_en, s.first_fix, s.last_fix, coalesce(s.fixes, 0) as fixes,
       round(coalesce(s.km, 0)::numeric, 3)::float8 as km,
       round(coalesce(s.minutes_on_beat, 0)::numeric, 1)::float8 as minutes_on_beat,
       round(coalesce(s.minutes_off_beat, 0)::numeric, 1)::float8 as minutes_off_beat,
       round(least(1.0, coalesce(s.cells, 0)
                   / greatest(1.0, b.area_km2 * 1e6 / (:cell * :cell)))::numeric, 3)::float8
         as beat_covered,
       coalesce(sp.stops, 0) as stops, coalesce(r.reports, 0) as reports,
       coalesce(a.set_aside, 0) as set_aside, cast(null as timestamptz) as computed_at
from beat b
join users u on u.id = b.user_id
join grids g on g.id = b.grid_id
left join streets st on st.id = b.street_id
left join communities c on c.id = b.community_id
left join sums s on s.user_id = b.user_id
left join stops sp on sp.user_id = b.user_id
left join reports r on r.user_id = b.user_id
left join aside a on a.user_id = b.user_id
order by st.code nulls last, c.code nulls last, g.code, u.username
""")

COLUMNS = ("day", "user_id", "grid_id", "street_id", "community_id", "first_fix", "last_fix",
           "fixes", "km", "minutes_on_beat", "minutes_off_beat", "beat_covered", "stops",
           "reports", "set_aside")

CLEAR = text("delete from patrol_sheets where day = :day")
STORE = text(f"""
insert into patrol_sheets ({", ".join(COLUMNS)}, computed_at)
select {", ".join(COLUMNS)}, :now from (
  {COMPUTE.text}
) fresh
""")

READ = text("""
select s.day, s.user_id, u.username, u.display_name, g.code as grid_code, s.grid_id,
       s.street_id, s.community_id, st.name_zh as street_zh, st.name_en as street_en,
       c.name_zh as community_zh, c.name_en as community_en, s.first_fix, s.last_fix, s.fixes,
       s.km, s.minutes_on_beat, s.minutes_off_beat, s.beat_covered, s.stops, s.reports,
       s.set_aside, s.computed_at
from patrol_sheets s
join users u on u.id = s.user_id
left join grids g on g.id = s.grid_id
left join streets st on st.id = s.street_id
left join communities c on c.id = s.community_id
where s.day = :day
  and (cast(:street_id as int) is null or s.street_id = :street_id)
  and (cast(:community_id as int) is null or s.community_id = :community_id)
  and (cast(:user_id as int) is null or s.user_id = :user_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by st.code nulls last, c.code nulls last, g.code nulls last, u.username
""")


def _params(day: date, street_id, community_id, user_id, district_code=None) -> dict:
    return {"day": day, "street_id": street_id, "community_id": community_id,
            "user_id": user_id, "district_code": district_code, "gap": MAX_GAP_S, "cell": CELL_M, "stop_r": STOP_R_M,
            "stop_min": STOP_MIN}


# PostGIS functions carry high planner costs, so PostgreSQL JIT-compiles this query, which
# took 6 of 9 seconds on a street's day (measured); the query itself needs no JIT.
NO_JIT = text("set local jit = off")


def compute_sheets(conn: Connection, day: date, street_id: int | None = None,
                   community_id: int | None = None, user_id: int | None = None,
                   district_code: str | None = None) -> list[dict]:
    """The sheets of ``day`` computed now from the positions (nothing stored).

    Parameters
    ----------
    conn : Connection
    day : date
        A Beijing calendar day.
    street_id, community_id, user_id : int, optional
        Only workers whose primary grid lies there (or this worker).

    Returns
    -------
    list of dict
        One per active grid worker (no fix: zeros and null first/last fix), keys COLUMNS.
    """
    conn.execute(NO_JIT)
    return [dict(r) for r in conn.execute(
        COMPUTE, _params(day, street_id, community_id, user_id, district_code)).mappings()]


def store_sheets(conn: Connection, day: date, now) -> int:
    """Recompute and replace every worker's sheet of ``day``; returns the rows stored.

    Parameters
    ----------
    conn : Connection
        In a transaction (the caller commits).
    day : date
    now : datetime
        Recorded as ``computed_at``.

    Returns
    -------
    int
    """
    conn.execute(NO_JIT)
    conn.execute(CLEAR, {"day": day})
    return conn.execute(STORE, {**_params(day, None, None, None), "now": now}).rowcount


def read_sheets(conn: Connection, day: date, street_id: int | None = None,
                community_id: int | None = None, user_id: int | None = None,
                district_code: str | None = None) -> list[dict]:
    """The stored sheets of ``day`` with names, grid code, street and community.

    Parameters
    ----------
    conn : Connection
    day : date
    street_id, community_id, user_id : int, optional

    Returns
    -------
    list of dict
        Empty when the day has not been computed.
    """
    params = {"day": day, "street_id": street_id, "community_id": community_id,
              "user_id": user_id, "district_code": district_code}
    return [dict(r) for r in conn.execute(READ, params).mappings()]


# A day counts as stored once summed after it ended: today's rows are the job's snapshot
# (refresh_today), which the first sum after midnight replaces.
STORED_DAYS = text("""
select distinct day from patrol_sheets
where day = any(:days) and computed_at >= (day + 1)::timestamp at time zone 'Asia/Shanghai'""")

SNAPSHOT_AT = text("select max(computed_at) from patrol_sheets where day = :day")


# One writer per day: the page's callbacks, the round job and attendance all find a closed
# day missing at the same moment, and two deletes-then-inserts would collide on the key.
LOCK_DAY = text("select pg_advisory_xact_lock(hashtext('patrol_sheets'), :ordinal)")


def lock_day(conn: Connection, day: date) -> None:
    """Wait for, then hold until commit, the right to store ``day``'s sheets."""
    conn.execute(LOCK_DAY, {"ordinal": day.toordinal()})


def stored_days(conn: Connection, days: list[date]) -> set[date]:
    """Which of ``days`` have sheets stored (summed after the day ended)."""
    return {r.day for r in conn.execute(STORED_DAYS, {"days": list(days)})}


def snapshot_at(conn: Connection, day: date) -> datetime | None:
    """When ``day``'s stored sheets were summed, or None when none are stored."""
    return conn.execute(SNAPSHOT_AT, {"day": day}).scalar_one()
