"""What the wall and analysts read from positions: status, live tracks, coverage, replay."""
from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import shapely
from sqlalchemy import Connection, text

ONLINE_MINUTES = 5
# Consecutive fixes further apart than this are a gap (phone off, indoors), not time spent.
MAX_GAP_S = 300

# The day's bounds in local time, as timestamptz, so that partition pruning applies.
_DAY = """(cast(:day as date)::timestamp at time zone :tz)"""
_NEXT_DAY = """((cast(:day as date) + 1)::timestamp at time zone :tz)"""

STATUS = text("""
select u.id as user_id, u.display_name, lp.device_id as device_pk, d.device_id,
       ST_X(lp.geom) as lon, ST_Y(lp.geom) as lat, lp.device_time, lp.grid_id, lp.battery,
       lp.speed_mps, lp.fixes_today,
       coalesce(lp.device_time >= coalesce(cast(:now as timestamptz), now())
                                  - make_interval(mins => :minutes), false) as online
from users u
left join lateral (
  select * from latest_positions l where l.user_id = u.id order by l.device_time desc limit 1
) lp on true
left join devices d on d.id = lp.device_id
where u.role = 'grid_worker' and u.active
order by u.id
""")

TRACKS = text("""
with pts as (
  select device_id, user_id, device_time, geom from positions
  where device_time >= coalesce(cast(:now as timestamptz), now()) - make_interval(mins => :minutes)
    and device_time <= coalesce(cast(:now as timestamptz), now()) and not flagged
),
lines as (
  select device_id, max(user_id) as user_id, count(*) as points,
         ST_MakeLine(geom order by device_time) as line
  from pts group by device_id having count(*) >= 2
)
-- preserveCollapsed: a phone standing still makes a line of equal points, which plain
-- ST_Simplify turns into NULL; it is kept as a two-point line (a dot on the map).
select user_id, device_id as device_pk, points,
       ST_AsGeoJSON(ST_Transform(ST_Simplify(ST_Transform(line, 32650), :tolerance, true),
                            4326), 6)
         as geojson
from lines order by user_id, device_id
""")

COVERAGE = text(f"""
with day_fixes as (
  select device_id, user_id, grid_id, device_time,
         lead(device_time) over w as next_time, lead(grid_id) over w as next_grid
  from positions
  where device_time >= {_DAY} and device_time < {_NEXT_DAY} and not flagged
  window w as (partition by device_id order by device_time)
),
per_grid as (
  select grid_id, count(*) as fixes, count(distinct user_id) as workers,
         min(device_time) as first_visit, max(device_time) as last_visit,
         coalesce(sum(extract(epoch from next_time - device_time)) filter (
           where next_grid = grid_id and next_time - device_time <= make_interval(secs => :gap)
         ), 0) as time_spent_s
  from day_fixes where grid_id is not null group by grid_id
)
select g.id as grid_id, g.code, g.name_zh, g.community_id, g.street_id,
       p.grid_id is not null as visited, coalesce(p.fixes, 0) as fixes,
       coalesce(p.workers, 0) as workers, coalesce(p.time_spent_s, 0)::float8 as time_spent_s,
       p.first_visit, p.last_visit
from grids g left join per_grid p on p.grid_id = g.id
order by g.id
""")

HISTORY = text(f"""
select p.device_time, ST_X(p.geom) as lon, ST_Y(p.geom) as lat, p.grid_id, p.speed_mps,
       p.bearing, p.accuracy_m, p.battery, p.flagged, p.device_id as device_pk
from positions p
where p.device_id in (select id from devices where user_id = :user_id)
  and p.user_id = :user_id and p.device_time >= {_DAY} and p.device_time < {_NEXT_DAY}
order by p.device_time, p.device_id
""")

OUTLINE = text("""
select ST_AsBinary(ST_Union(geom)) from districts
where code = :code or not exists (select 1 from districts where code = :code)
""")


def _frame(result) -> pd.DataFrame:
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def worker_status(conn: Connection, now: datetime | None = None,
                  online_minutes: int = ONLINE_MINUTES) -> pd.DataFrame:
    """Every active grid worker with their newest position and whether they are online.

    Parameters
    ----------
    conn : Connection
    now : datetime, optional
        The reference time (the database clock when omitted).
    online_minutes : int
        A worker is online when their newest fix is at most this old.

    Returns
    -------
    pandas.DataFrame
        user_id, display_name, device_pk, device_id, lon, lat, device_time, grid_id,
        battery, speed_mps, fixes_today, online; position columns are null for workers
        who never sent a fix.
    """
    return _frame(conn.execute(STATUS, {"now": now, "minutes": online_minutes}))


def recent_tracks(conn: Connection, minutes: int = 30, tolerance_m: float = 5.0,
                  now: datetime | None = None) -> pd.DataFrame:
    """Each device's track over the last ``minutes``, simplified in metres.

    Parameters
    ----------
    conn : Connection
    minutes : int
        How far back the tracks reach.
    tolerance_m : float
        Douglas-Peucker tolerance, applied in UTM 50N (EPSG:32650).
    now : datetime, optional
        The end of the window (the database clock when omitted).

    Returns
    -------
    pandas.DataFrame
        user_id, device_pk, points (before simplification), lon and lat (lists).
        Flagged (inaccurate) fixes are left out; devices with fewer than 2 fixes too.
    """
    result = conn.execute(TRACKS, {"now": now, "minutes": minutes, "tolerance": tolerance_m})
    rows = []
    for r in result:
        coords = json.loads(r.geojson)["coordinates"]
        rows.append((r.user_id, r.device_pk, r.points, [c[0] for c in coords],
                     [c[1] for c in coords]))
    return pd.DataFrame(rows, columns=["user_id", "device_pk", "points", "lon", "lat"])


def track_arrays(tracks: pd.DataFrame) -> tuple[list, list]:
    """All tracks as two flat lists with None between tracks (one plotly trace).

    Parameters
    ----------
    tracks : pandas.DataFrame
        From :func:`recent_tracks`.

    Returns
    -------
    tuple of (list, list)
    """
    lons, lats = [], []
    for lon, lat in zip(tracks["lon"], tracks["lat"]):
        lons.extend(lon + [None])
        lats.extend(lat + [None])
    return lons, lats


def patrol_coverage(conn: Connection, day: date, tz: str = "Asia/Shanghai",
                    max_gap_s: int = MAX_GAP_S) -> pd.DataFrame:
    """Per basic grid, whether and how it was patrolled on a local calendar day.

    Parameters
    ----------
    conn : Connection
    day : date
        The day in ``tz``.
    tz : str
    max_gap_s : int
        Intervals between consecutive fixes longer than this do not count as time spent.

    Returns
    -------
    pandas.DataFrame
        One row per grid: grid_id, code, name_zh, community_id, street_id, visited, fixes,
        workers, time_spent_s (seconds between consecutive fixes of a device that both lie
        in the grid), first_visit, last_visit.
    """
    return _frame(conn.execute(COVERAGE, {"day": day, "tz": tz, "gap": max_gap_s}))


def worker_history(conn: Connection, user_id: int, day: date,
                   tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """Every fix a worker's devices sent on a local day, in time order (for replay).

    Parameters
    ----------
    conn : Connection
    user_id : int
    day : date
    tz : str

    Returns
    -------
    pandas.DataFrame
        device_time, lon, lat, grid_id, speed_mps, bearing, accuracy_m, battery, flagged,
        device_pk.
    """
    return _frame(conn.execute(HISTORY, {"user_id": user_id, "day": day, "tz": tz}))


def district_outline(conn: Connection, code: str):
    """The district polygon (all districts when none has ``code``), or None when empty.

    Parameters
    ----------
    conn : Connection
    code : str
        The district code from settings.

    Returns
    -------
    shapely geometry or None
    """
    wkb = conn.execute(OUTLINE, {"code": code}).scalar()
    return None if wkb is None else shapely.from_wkb(bytes(wkb))
