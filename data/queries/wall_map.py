"""The wall map's layers: per-grid values, incident heat bins, live dots, cameras, labels."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, text

from data.queries.wall import ONLINE_MINUTES, frame, in_district

METRICS = ("incidents_today", "open_incidents", "coverage")
# Phones may run a little fast; the ingest accepts fixes up to 5 minutes ahead.
FUTURE_S = 300

_DAY0 = "(date_trunc('day', cast(:now as timestamptz) at time zone :tz) at time zone :tz)"
# Grids, streets and communities are reference tables: their codes start with the district's.
_GRID = in_district("left(g.code, 6)")
# A device is in its worker's district (devices are a reference table too).
_DEVICE = ("(cast(:district as text) is null or d.user_id in "
           "(select id from users where district_code = :district))")

GRID_VALUES = {
    "incidents_today": text(f"""
        select g.code, count(i.id) as value
        from grids g left join incidents i on i.grid_id = g.id
          and i.reported_at >= {_DAY0} and i.reported_at <= :now and i.parent_id is null
        where {_GRID}
        group by g.code order by g.code"""),
    # "Open now" is the status column: the partial index on open incidents serves it.
    "open_incidents": text(f"""
        select g.code, count(i.id) as value
        from grids g left join incidents i on i.grid_id = g.id
          and i.status not in ('closed', 'rejected') and i.reported_at <= :now
        where {_GRID}
        group by g.code order by g.code"""),
    "coverage": text(f"""
        select g.code, coalesce(p.fixes, 0) as value
        from grids g left join (
          select grid_id, count(*) as fixes from positions
          where device_time >= {_DAY0} and device_time <= :now and not flagged
            and {in_district("district_code")}
          group by grid_id
        ) p on p.grid_id = g.id
        where {_GRID}
        order by g.code"""),
}

HEAT = text(f"""
with bins as (
  select ST_SnapToGrid(ST_Transform(geom, 32650), :cell) as cell, count(*) as n
  from incidents
  where reported_at > cast(:now as timestamptz) - make_interval(days => :days)
    and reported_at <= :now and parent_id is null and {in_district("district_code")}
  group by 1
)
select round(ST_X(c)::numeric, 5)::float8 as lon, round(ST_Y(c)::numeric, 5)::float8 as lat, n
from (select ST_Transform(cell, 4326) as c, n from bins) b
order by lat, lon
""")

POSITIONS = text(f"""
select distinct on (lp.user_id) lp.user_id, ST_X(lp.geom) as lon, ST_Y(lp.geom) as lat,
       lp.device_time > cast(:now as timestamptz) - make_interval(mins => :online) as online
from latest_positions lp
where (lp.device_time >= {_DAY0}
       -- a phone still walking at midnight stays on the wall into the new day
       or lp.device_time > cast(:now as timestamptz) - make_interval(mins => :online))
  and lp.device_time <= cast(:now as timestamptz) + make_interval(secs => :future)
  and {in_district("lp.district_code")}
order by lp.user_id, lp.device_time desc
""")

# A moment of the past (the wall's ?at= replay): latest_positions holds each phone's newest fix,
# which may be later than that moment, so each device's last good fix up to it is read from
# positions (one index probe per device on the primary key).
POSITIONS_AT = text(f"""
select distinct on (d.user_id) d.user_id, p.lon, p.lat,
       p.device_time > cast(:now as timestamptz) - make_interval(mins => :online) as online
from devices d
cross join lateral (
  select ST_X(geom) as lon, ST_Y(geom) as lat, device_time from positions
  where device_id = d.id and not flagged
    and device_time >= least({_DAY0}, cast(:now as timestamptz) - make_interval(mins => :online))
    and device_time <= cast(:now as timestamptz) + make_interval(secs => :future)
  order by device_time desc limit 1
) p
where {_DEVICE}
order by d.user_id, p.device_time desc
""")

# As data.positions.queries.recent_tracks, but a phone standing still (its line collapses
# under simplification, which makes ST_Simplify return NULL) keeps its short track.
TRACKS = text(f"""
with pts as (
  select device_id, user_id, device_time, geom from positions
  where device_time >= cast(:now as timestamptz) - make_interval(mins => :minutes)
    and device_time <= :now and not flagged and {in_district("district_code")}
),
lines as (
  select device_id, max(user_id) as user_id, ST_MakeLine(geom order by device_time) as line
  from pts group by device_id having count(*) >= 2
)
select user_id, device_id,
       ST_AsGeoJSON(ST_Transform(ST_Simplify(ST_Transform(line, 32650), :tolerance, true), 4326),
                    5) as geojson
from lines order by user_id, device_id
""")

CAMERAS = text(f"""
select round(ST_X(geom)::numeric, 5)::float8 as lon, round(ST_Y(geom)::numeric, 5)::float8 as lat,
       kind
from cameras where {in_district("district_code")} order by id
""")

PLACES = text(f"""
select 'street' as level, s.code, s.code as street_code, s.name_zh, s.name_en,
       ST_X(ST_PointOnSurface(s.geom)) as lon, ST_Y(ST_PointOnSurface(s.geom)) as lat,
       ST_XMin(s.geom) as minx, ST_YMin(s.geom) as miny, ST_XMax(s.geom) as maxx,
       ST_YMax(s.geom) as maxy
from streets s where {in_district("left(s.code, 6)")}
union all
select 'community', c.code, s.code, c.name_zh, c.name_en,
       ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom)),
       ST_XMin(c.geom), ST_YMin(c.geom), ST_XMax(c.geom), ST_YMax(c.geom)
from communities c join streets s on s.id = c.street_id
where {in_district("left(s.code, 6)")}
order by level desc, code
""")


def grid_values(conn: Connection, metric: str, now: datetime,
                tz: str = "Asia/Shanghai", district: str | None = None) -> pd.DataFrame:
    """One value per basic grid for the map's colouring.

    Parameters
    ----------
    conn : Connection
    metric : {"incidents_today", "open_incidents", "coverage"}
        Reports today; incidents open now; patrol fixes in the grid today.
    now : datetime
    tz : str

    Returns
    -------
    pandas.DataFrame
        code, value (int); every grid, in code order.
    """
    if metric not in GRID_VALUES:
        raise ValueError(f"metric must be one of {METRICS}, not {metric!r}")
    return frame(conn.execute(GRID_VALUES[metric], {"now": now, "tz": tz, "district": district}))


def incident_heat(conn: Connection, now: datetime, days: int = 7,
                  cell_m: float = 150.0, district: str | None = None) -> pd.DataFrame:
    """Incidents of the last ``days`` days binned on a square grid in UTM 50N (EPSG:32650).

    Parameters
    ----------
    conn : Connection
    now : datetime
    days : int
    cell_m : float
        The bin size in metres; each bin is represented by its centre.

    Returns
    -------
    pandas.DataFrame
        lon, lat (bin centres, rounded to 1e-5 degrees), n.
    """
    return frame(conn.execute(HEAT, {"now": now, "days": days, "cell": cell_m,
                                     "district": district}))


def worker_positions(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
                     online_minutes: int = ONLINE_MINUTES, past: bool = False,
                     district: str | None = None) -> pd.DataFrame:
    """Each worker's newest position today, for the live dots (one row per worker).

    Live, a lean read of ``latest_positions`` for the 5-second tick (a few milliseconds;
    rounding in SQL would cost several more, so the caller rounds); see
    :func:`data.positions.queries.worker_status` for the full status of every worker.

    Parameters
    ----------
    conn : Connection
    now : datetime
    tz : str
    online_minutes : int
    past : bool
        ``now`` is a moment of the past (a replay): read each phone's last fix up to it from
        the positions themselves.

    Returns
    -------
    pandas.DataFrame
        user_id, lon, lat, online.
    """
    params = {"now": now, "tz": tz, "online": online_minutes, "future": FUTURE_S,
              "district": district}
    return frame(conn.execute(POSITIONS_AT if past else POSITIONS, params))


def track_lines(conn: Connection, now: datetime, minutes: int = 15,
                tolerance_m: float = 10.0, district: str | None = None) -> pd.DataFrame:
    """Each device's track over the last ``minutes``, simplified in UTM 50N and rounded.

    Parameters
    ----------
    conn : Connection
    now : datetime
        The end of the window.
    minutes : int
    tolerance_m : float
        Douglas-Peucker tolerance in metres; collapsed tracks are kept, not dropped.

    Returns
    -------
    pandas.DataFrame
        user_id, device_pk, lon, lat (lists, 1e-5 degrees), like
        :func:`data.positions.queries.recent_tracks` (which the wall's arrays come from).
    """
    result = conn.execute(TRACKS, {"now": now, "minutes": minutes, "tolerance": tolerance_m,
                                   "district": district})
    rows = []
    for r in result:
        coords = json.loads(r.geojson)["coordinates"]
        rows.append((r.user_id, r.device_id, [c[0] for c in coords], [c[1] for c in coords]))
    return pd.DataFrame(rows, columns=["user_id", "device_pk", "lon", "lat"])


def camera_points(conn: Connection, district: str | None = None) -> pd.DataFrame:
    """Every camera's position and kind.

    Returns
    -------
    pandas.DataFrame
        lon, lat (rounded to 1e-5 degrees), kind.
    """
    return frame(conn.execute(CAMERAS, {"district": district}))


def place_labels(conn: Connection, district: str | None = None) -> pd.DataFrame:
    """Streets and communities with a label point and a bounding box.

    Returns
    -------
    pandas.DataFrame
        level ("street" or "community"), code, street_code, name_zh, name_en, lon, lat,
        minx, miny, maxx, maxy.
    """
    return frame(conn.execute(PLACES, {"district": district}))
