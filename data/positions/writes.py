"""Batched writes of fixes: one statement inserts them, finds their grids, updates latest."""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection

from data.models.base import DISTRICT_CODE


class Fix(NamedTuple):
    """One decoded fix, ready to store (coordinates WGS84, time aware).

    ``time`` is when it was taken by the server's clock; ``raw_time`` what the phone said
    when its clock was off and ``time`` was corrected (else None). A fix with a ``reason``
    is stored aside (``set_aside_fixes``) instead of with the trusted ones.
    """

    device_pk: int
    user_id: int
    time: datetime
    lon: float
    lat: float
    speed_mps: float | None = None
    bearing: float | None = None
    altitude: float | None = None
    accuracy_m: float | None = None
    battery: int | None = None
    flagged: bool = False
    raw_time: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class WriteResult:
    """How many fixes were new, how many the database already had, which were new
    ((device, epoch microseconds) pairs, of trusted and of set-aside fixes: a set-aside fix
    is keyed by the time the phone sent), and where each device was before this write
    (lon, lat, epoch seconds, accuracy in metres or NaN), for the caller's jump check.
    """

    inserted: int
    duplicates: int
    previous: dict = field(default_factory=dict)
    inserted_keys: frozenset = frozenset()
    aside_keys: frozenset = frozenset()


# One round trip for the whole batch: unnest the columns; trusted fixes find their basic grid
# (GiST-indexed ST_Contains), are inserted skipping duplicates (phones retry) and move each
# device's latest position forward only if newer; doubtful ones go to set_aside_fixes under
# the time the phone sent. A fix is stored once: never in both tables. All parts share one
# snapshot, so "before" is each device's latest position as it was before this write.
WRITE_SQL = """
with input as (
  select * from unnest(:device_pk, :user_id, :time, :raw_time, :lon, :lat, :speed_mps,
                       :bearing, :altitude, :accuracy_m, :battery, :flagged, :reason,
                       :district)
    as f(device_id, user_id, device_time, raw_time, lon, lat, speed_mps, bearing, altitude,
         accuracy_m, battery, flagged, reason, district_code)
),
located as (
  select f.*, p.geom,
         (select g.id from grids g where ST_Contains(g.geom, p.geom) limit 1)
           as grid_id
  from input f cross join lateral (select ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326) as geom) p
  where f.reason is null
    and not exists (select 1 from set_aside_fixes s where s.device_id = f.device_id
                    and s.device_time = coalesce(f.raw_time, f.device_time))
),
inserted as (
  insert into positions (device_id, device_time, raw_time, user_id, district_code, grid_id,
                         speed_mps, bearing, altitude, accuracy_m, battery, flagged, geom)
  select device_id, device_time, raw_time, user_id, district_code, grid_id, speed_mps, bearing,
         altitude, accuracy_m, battery, flagged, geom
  from located
  on conflict (device_id, device_time) do nothing
  returning device_id, device_time, user_id, district_code, grid_id, speed_mps, battery, geom,
            server_time
),
aside as (
  insert into set_aside_fixes (device_id, device_time, corrected_time, user_id, district_code,
                               reason, speed_mps, bearing, altitude, accuracy_m, battery, geom)
  select device_id, coalesce(raw_time, device_time),
         case when raw_time is not null then device_time end, user_id, district_code, reason,
         speed_mps, bearing, altitude, accuracy_m, battery,
         ST_SetSRID(ST_MakePoint(lon, lat), 4326)
  from input f
  where f.reason is not null
    and not exists (select 1 from positions p where p.device_id = f.device_id
                    and p.device_time = f.device_time)
  on conflict (device_id, device_time) do nothing
  returning device_id, device_time
),
before as (
  select lp.device_id, extract(epoch from lp.device_time) as epoch, ST_X(lp.geom) as lon,
         ST_Y(lp.geom) as lat, p.accuracy_m
  from latest_positions lp
  left join positions p on p.device_id = lp.device_id and p.device_time = lp.device_time
  where lp.device_id = any(:device_pk)
),
newest as (
  select distinct on (device_id) i.*, count(*) over (partition by device_id) as n
  from inserted i order by device_id, device_time desc
),
upserted as (
  insert into latest_positions as lp (device_id, user_id, district_code, device_time,
                                      server_time, grid_id, speed_mps, battery, fixes_today,
                                      geom)
  select device_id, user_id, district_code, device_time, server_time, grid_id, speed_mps,
         battery, n, geom
  from newest
  on conflict (device_id) do update set
    user_id = excluded.user_id,
    district_code = excluded.district_code,
    server_time = excluded.server_time,
    fixes_today = case
      when (lp.device_time at time zone :tz)::date = (excluded.device_time at time zone :tz)::date
        then lp.fixes_today + excluded.fixes_today
      when excluded.device_time > lp.device_time then excluded.fixes_today
      else lp.fixes_today end,
    grid_id = case when excluded.device_time > lp.device_time
                   then excluded.grid_id else lp.grid_id end,
    speed_mps = case when excluded.device_time > lp.device_time
                     then excluded.speed_mps else lp.speed_mps end,
    battery = case when excluded.device_time > lp.device_time
                   then coalesce(excluded.battery, lp.battery) else lp.battery end,
    geom = case when excluded.device_time > lp.device_time then excluded.geom else lp.geom end,
    device_time = greatest(lp.device_time, excluded.device_time)
  returning 1
)
select (select count(*) from inserted) as inserted, (select count(*) from aside) as aside,
       (select count(*) from upserted) as devices,
       (select json_agg(json_build_array(device_id, lon, lat, epoch, accuracy_m)) from before)
         as previous,
       (select json_agg(json_build_array(
          device_id, (extract(epoch from device_time) * 1000000)::bigint)) from inserted)
         as inserted_keys,
       (select json_agg(json_build_array(
          device_id, (extract(epoch from device_time) * 1000000)::bigint)) from aside)
         as aside_keys
"""


class Prepared:
    """A statement PREPAREd once per database connection, then EXECUTEd with bound values.

    Ingest runs the same statements hundreds of times a second; preparing them saves the
    parse and plan of every request. Prepared statements outlive rollbacks, and a new
    connection (after a restart) starts with an empty ``info`` and prepares again.
    """

    def __init__(self, name: str, sql: str, params: list[tuple[str, str]]):
        order = [p for p, _ in params]
        body = re.sub(r"(?<!:):(\w+)", lambda m: f"${order.index(m.group(1)) + 1}", sql)
        self.name = name
        self.prepare = f"prepare {name} ({', '.join(t for _, t in params)}) as {body}"
        # The planner keeps re-planning these (it prices the generic plan of unnest() too
        # high); the generic plan is just as good and saves ~0.5 ms a request. SET LOCAL
        # ends with the transaction, in the same round trip.
        self.execute = ("set local plan_cache_mode = force_generic_plan; "
                        f"execute {name} ("
                        + ", ".join(f"cast(%({p})s as {t})" for p, t in params) + ")")

    def run(self, conn: Connection, values: dict):
        if not conn.info.get(self.name):
            conn.exec_driver_sql(self.prepare)
            conn.info[self.name] = True
        return conn.exec_driver_sql(self.execute, values)


_ARRAY_TYPES = {"device_pk": "int[]", "user_id": "int[]", "time": "timestamptz[]",
                "raw_time": "timestamptz[]", "battery": "int[]", "flagged": "bool[]",
                "reason": "text[]"}
WRITE = Prepared("hq_write_fixes", WRITE_SQL,
                 [(name, _ARRAY_TYPES.get(name, "float8[]")) for name in Fix._fields]
                 + [("district", "varchar[]"), ("tz", "text")])


def write_fixes(conn: Connection, fixes: Sequence[Fix], tz: str = "Asia/Shanghai",
                district_code: str | Sequence[str] = DISTRICT_CODE) -> WriteResult:
    """Store fixes (doubtful ones aside), skipping ones already stored, and update each
    device's latest position from the trusted ones.

    Parameters
    ----------
    conn : Connection
        In a transaction: the positions and the latest positions commit together (and roll
        back together when the caller rejects the batch after seeing ``previous``).
    fixes : sequence of Fix
    tz : str
        The time zone whose day ``fixes_today`` counts.
    district_code : str or sequence of str
        Every fix's district, or one per fix (a write groups several phones, whose workers
        may belong to different districts).

    Returns
    -------
    WriteResult
    """
    if not fixes:
        return WriteResult(0, 0)
    columns: dict[str, list | None] = {}
    for name in Fix._fields:
        values = [getattr(f, name) for f in fixes]
        # A column without a value is sent as one NULL, not an array of them: unnest()
        # pads it with NULLs, and PostgreSQL need not parse thousands of NULL literals.
        columns[name] = None if all(v is None for v in values) else values
    districts = [district_code] * len(fixes) if isinstance(district_code, str) \
        else list(district_code)
    if len(districts) != len(fixes):
        raise ValueError("one district per fix")
    row = WRITE.run(conn, {**columns, "tz": tz, "district": districts}).one()
    previous = {int(d): (float(lon), float(lat), float(t), math.nan if acc is None else float(acc))
                for d, lon, lat, t, acc in row.previous or []}
    keys = frozenset((int(d), int(us)) for d, us in row.inserted_keys or [])
    aside = frozenset((int(d), int(us)) for d, us in row.aside_keys or [])
    new = int(row.inserted) + int(row.aside)
    return WriteResult(new, len(fixes) - new, previous, keys, aside)
