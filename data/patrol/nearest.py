"""The worker whose live dot or recent track is nearest a point on the wall's map."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, text

# The wall draws the last 15 minutes of tracks; a click lands within a few pixels of a dot
# or line, which at the district's zoom is tens of metres.
TRACK_WINDOW = timedelta(minutes=15)
REACH_M = 120.0

NEAREST = text("""
with here as (select ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) as g),
recent as (
  select p.user_id, ST_Distance(p.geom::geography, here.g::geography) as metres
  from positions p cross join here
  where p.device_time > :since and p.device_time <= :now and not p.flagged
    and p.geom && ST_Expand(here.g, :box)
  union all
  select l.user_id, ST_Distance(l.geom::geography, here.g::geography)
  from latest_positions l cross join here
  where l.device_time <= :now and l.geom && ST_Expand(here.g, :box)
)
select r.user_id from recent r join users u on u.id = r.user_id
where r.metres <= :reach and u.role = 'grid_worker'
order by r.metres limit 1""")


def nearest_worker(conn: Connection, lon: float, lat: float, now: datetime) -> int | None:
    """The grid worker with a fix in the last TRACK_WINDOW (or a latest position) nearest
    ``(lon, lat)`` within REACH_M metres, else None.

    Parameters
    ----------
    conn : an open connection
    lon, lat : WGS84 degrees of the click
    now : the wall's moment (a replaying wall's past moment too)

    Returns
    -------
    the user's id, or None
    """
    params = {"lon": lon, "lat": lat, "now": now, "since": now - TRACK_WINDOW,
              "reach": REACH_M, "box": REACH_M / 80_000}
    return conn.execute(NEAREST, params).scalar()
