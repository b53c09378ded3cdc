"""How each phone is doing today: last fix, battery, fixes stored and set aside, clock, gaps."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, text

HEALTH = text("""
with aside as (
  select device_id, json_object_agg(reason, n) as reasons, sum(n)::int as total,
         max(last) as last_heard, (array_agg(battery order by last desc))[1] as battery
  from (
    select device_id, reason, count(*) as n, max(server_time) as last,
           (array_agg(battery order by server_time desc))[1] as battery
    from set_aside_fixes
    where server_time >= :day0
    group by device_id, reason) r
  group by device_id
)
select d.id, d.device_id, d.user_id, u.username, u.display_name, d.label, d.created_at,
       g.code as grid_code, g.street_id, g.community_id, s.name_zh as street_zh,
       s.name_en as street_en, c.name_zh as community_zh, c.name_en as community_en,
       lp.device_time as last_fix, lp.server_time as last_fix_arrival,
       greatest(lp.server_time, a.last_heard) as last_heard,
       case when a.last_heard > coalesce(lp.server_time, '-infinity')
            then coalesce(a.battery, lp.battery) else lp.battery end as battery,
       case when lp.device_time >= :day0 then lp.fixes_today else 0 end as fixes_today,
       coalesce(a.reasons, '{}'::json) as set_aside, coalesce(a.total, 0) as set_aside_today,
       d.clock_offset_s, d.clock_checked_at
from devices d
join users u on u.id = d.user_id
left join lateral (
  select g.code, g.street_id, g.community_id from worker_grids wg join grids g on g.id = wg.grid_id
  where wg.user_id = u.id order by wg.is_primary desc, wg.id limit 1) g on true
left join streets s on s.id = g.street_id
left join communities c on c.id = g.community_id
left join latest_positions lp on lp.device_id = d.id
left join aside a on a.device_id = d.id
where d.active and u.active
  and (cast(:street_id as int) is null or g.street_id = :street_id)
  and (cast(:community_id as int) is null or g.community_id = :community_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by u.username, d.id
""")

# Silences inside the shift windows: each window's start and end are marks as well as every
# trusted fix in it, so a phone that never sent counts the whole window as one gap.
GAPS = text("""
with w as (
  select ws, we from unnest(cast(:starts as timestamptz[]), cast(:ends as timestamptz[]))
    as w(ws, we)
),
marks as (
  select d.id as device_id, w.ws, w.ws as t from unnest(cast(:ids as int[])) as d(id) cross join w
  union all
  select d.id, w.ws, w.we from unnest(cast(:ids as int[])) as d(id) cross join w
  union all
  select p.device_id, w.ws, p.device_time
  from positions p join w on p.device_time > w.ws and p.device_time < w.we
  where p.device_id = any(cast(:ids as int[])) and p.device_time >= :first and p.device_time < :last
),
steps as (
  select device_id,
         extract(epoch from t - lag(t) over (partition by device_id, ws order by t)) as gap
  from marks
)
select device_id, count(*) filter (where gap >= :min_gap)::int as gaps,
       coalesce(sum(gap) filter (where gap >= :min_gap), 0)::float8 as gap_s
from steps group by device_id
""")


def device_health(conn: Connection, day0: datetime, street_id: int | None = None,
                  community_id: int | None = None, district_code: str | None = None
                  ) -> list[dict]:
    """Every active phone with what its day looks like so far.

    Parameters
    ----------
    conn : Connection
    day0 : datetime
        The start of today in the deployment's time zone.
    street_id, community_id : int, optional
        Only phones whose worker's primary grid lies there.
    district_code : str, optional
        Only phones of this district's workers.

    Returns
    -------
    list of dict
        id, device_id, user_id, username, display_name, label, created_at, grid_code,
        street_id, community_id, street_zh/en, community_zh/en, last_fix (newest trusted fix,
        phone's time corrected), last_fix_arrival, last_heard (newest arrival of any fix
        today), battery, fixes_today, set_aside (reason: count today), set_aside_today,
        clock_offset_s, clock_checked_at.
    """
    params = {"day0": day0, "street_id": street_id, "community_id": community_id,
              "district_code": district_code}
    return [dict(r) for r in conn.execute(HEALTH, params).mappings()]


def shift_gaps(conn: Connection, device_ids: Sequence[int],
               windows: Sequence[tuple[datetime, datetime]], min_gap_s: float) -> dict[int, dict]:
    """Silences of at least ``min_gap_s`` inside the shift windows, per device.

    Parameters
    ----------
    conn : Connection
    device_ids : sequence of int
    windows : sequence of (start, end)
        Today's shift windows, already cut at now (empty ones left out).
    min_gap_s : float

    Returns
    -------
    dict of device id to {"gaps": int, "gap_s": float}
    """
    if not device_ids or not windows:
        return {}
    params = {"ids": list(device_ids), "starts": [w[0] for w in windows],
              "ends": [w[1] for w in windows], "first": min(w[0] for w in windows),
              "last": max(w[1] for w in windows), "min_gap": min_gap_s}
    return {r.device_id: {"gaps": r.gaps, "gap_s": r.gap_s}
            for r in conn.execute(GAPS, params)}
