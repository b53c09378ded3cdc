"""Retention of raw fixes: whole day partitions dropped (never DELETE), each worker-day's
simplified track kept on its patrol sheet first.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Connection, text

PARTITION = re.compile(r"^positions_(\d{8})$")

PARTITIONS = text("""
select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'positions'::regclass order by c.relname""")

# A worker-day as a line with time as M, simplified (~5 m), written as compact JSON
# [[lon, lat, epoch s], ...] onto the day's sheet.
KEEP_TRACKS = text("""
with lines as (
  select user_id,
         ST_Simplify(ST_MakeLine(ST_MakePointM(ST_X(geom), ST_Y(geom),
                                               extract(epoch from device_time))
                                 order by device_time), 0.00005, true) as line
  from positions
  where device_time >= (cast(:day as date)::timestamp at time zone 'Asia/Shanghai')
    and device_time < ((cast(:day as date) + 1)::timestamp at time zone 'Asia/Shanghai')
    and not flagged
  group by user_id
)
update patrol_sheets s set track = t.track
from (
  select l.user_id, json_agg(json_build_array(round(ST_X(d.geom)::numeric, 5),
                                               round(ST_Y(d.geom)::numeric, 5),
                                               ST_M(d.geom)::bigint) order by d.path)::text as track
  from lines l cross join lateral ST_DumpPoints(l.line) d
  group by l.user_id
) t
where s.day = :day and s.user_id = t.user_id""")

TRACKS = text("""
select user_id, track from patrol_sheets
where day = :day and user_id = any(cast(:users as int[])) and track is not null""")


def day_partitions(conn: Connection) -> dict[date, str]:
    """The day partitions of positions by their Beijing day (the default one left out)."""
    out = {}
    for (name,) in conn.execute(PARTITIONS):
        match = PARTITION.match(name)
        if match:
            raw = match.group(1)
            out[date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))] = name
    return out


def keep_tracks(conn: Connection, day: date) -> int:
    """Write each worker-day's simplified track onto the day's stored sheets; returns rows."""
    return conn.execute(KEEP_TRACKS, {"day": day}).rowcount


def drop_partition(conn: Connection, name: str) -> None:
    """Detach and drop one day partition (``name`` comes from :func:`day_partitions`)."""
    if not PARTITION.match(name):
        raise ValueError(f"not a day partition of positions: {name!r}")
    conn.execute(text(f'alter table positions detach partition "{name}"'))
    conn.execute(text(f'drop table "{name}"'))


def kept_tracks(conn: Connection, day: date, user_ids: list[int]) -> dict[int, str]:
    """Stored tracks (JSON text) of the workers' sheets of ``day``."""
    return {r.user_id: r.track for r in conn.execute(TRACKS, {"day": day, "users": list(user_ids)})}
