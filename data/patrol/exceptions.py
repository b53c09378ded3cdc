"""Patrol exceptions in the store: the fixes the rules look at, the events, acknowledging."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, text

# Trusted fixes inside the shift windows, with each worker's own grids and primary place.
SHIFT_FIXES = text("""
select p.user_id, extract(epoch from p.device_time)::float8 as at, p.grid_id, p.battery,
       ST_X(p.geom) as lon, ST_Y(p.geom) as lat
from positions p
join unnest(cast(:starts as timestamptz[]), cast(:ends as timestamptz[])) as w(ws, we)
  on p.device_time >= w.ws and p.device_time < w.we
where p.device_time >= :first and p.device_time < :last and not p.flagged
order by p.user_id, p.device_time""")

WORKERS = text("""
select u.id as user_id, array_agg(wg.grid_id order by wg.is_primary desc, wg.id) as grids,
       (array_agg(g.street_id order by wg.is_primary desc, wg.id))[1] as street_id,
       (array_agg(g.community_id order by wg.is_primary desc, wg.id))[1] as community_id
from users u join worker_grids wg on wg.user_id = u.id join grids g on g.id = wg.grid_id
where u.role = 'grid_worker' and u.active
group by u.id""")

UPSERT = text("""
insert into patrol_exceptions (user_id, day, kind, started_at, ended_at, grid_id, street_id,
                               community_id)
values (:user_id, :day, :kind, :started_at, :ended_at, :grid_id, :street_id, :community_id)
on conflict (user_id, kind, started_at) do update set ended_at = excluded.ended_at""")

LIST = text("""
select e.id, e.user_id, u.username, u.display_name, e.day, e.kind, e.started_at, e.ended_at,
       g.code as grid_code, e.street_id, e.community_id, e.acknowledged_at, e.note,
       a.username as acknowledged_by
from patrol_exceptions e
join users u on u.id = e.user_id
left join grids g on g.id = e.grid_id
left join users a on a.id = e.acknowledged_by
where e.day = :day
  and (cast(:street_id as int) is null or e.street_id = :street_id)
  and (cast(:community_id as int) is null or e.community_id = :community_id)
  and (cast(:user_id as int) is null or e.user_id = :user_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by e.started_at, u.username, e.kind""")

ONE = text("select id, street_id, community_id, acknowledged_at from patrol_exceptions "
           "where id = :id for update")
ACK = text("""
update patrol_exceptions set acknowledged_by = :by, acknowledged_at = :at, note = :note
where id = :id""")


def shift_fixes(conn: Connection, windows: Sequence[tuple[datetime, datetime]]) -> list:
    """Every worker's trusted fixes inside ``windows`` (rows: user_id, at (epoch s), grid_id,
    battery, lon, lat), by worker then time.

    Parameters
    ----------
    conn : Connection
    windows : sequence of (start, end)

    Returns
    -------
    list of Row
    """
    if not windows:
        return []
    params = {"starts": [w[0] for w in windows], "ends": [w[1] for w in windows],
              "first": min(w[0] for w in windows), "last": max(w[1] for w in windows)}
    return list(conn.execute(SHIFT_FIXES, params).all())


def worker_beats(conn: Connection) -> dict[int, dict]:
    """Each active worker's own grids (primary first), street and community."""
    return {r.user_id: {"grids": list(r.grids), "street_id": r.street_id,
                        "community_id": r.community_id} for r in conn.execute(WORKERS)}


def store_exceptions(conn: Connection, events: list[dict]) -> int:
    """Insert new events; an event already known (worker, kind, start) gets its new end, and
    keeps its acknowledgement. Returns the number of events written.
    """
    if events:
        conn.execute(UPSERT, events)
    return len(events)


def list_exceptions(conn: Connection, day: date, street_id: int | None = None,
                    community_id: int | None = None, user_id: int | None = None,
                    district_code: str | None = None) -> list[dict]:
    """The exceptions of a Beijing day, oldest first, with the worker and who acknowledged
    (``district_code``: only that district's workers).
    """
    params = {"day": day, "street_id": street_id, "community_id": community_id,
              "user_id": user_id, "district_code": district_code}
    return [dict(r) for r in conn.execute(LIST, params).mappings()]


def lock_exception(conn: Connection, ident: int) -> dict | None:
    """One exception, locked for update (None when there is none)."""
    row = conn.execute(ONE, {"id": ident}).mappings().first()
    return None if row is None else dict(row)


def acknowledge_exception(conn: Connection, ident: int, by: int, at: datetime, note: str) -> None:
    """Record who acknowledged the exception, when, and their note."""
    conn.execute(ACK, {"id": ident, "by": by, "at": at, "note": note})


# The wall's view at ``now`` (a replaying wall asks for a past moment): what had begun by
# then, and whether it was still going on and not yet acknowledged.
WALL = text("""
select e.kind, e.started_at, (e.ended_at is null or e.ended_at > :now) as ongoing,
       (e.acknowledged_at is not null and e.acknowledged_at <= :now) as acknowledged,
       st.name_zh as street_zh, st.name_en as street_en
from patrol_exceptions e left join streets st on st.id = e.street_id
where e.day = :day and e.started_at <= :now
  and (cast(:street as text) is null or st.code = :street)
  and (cast(:district as text) is null or e.district_code = :district)
order by e.started_at desc""")


def wall_exceptions(conn: Connection, day: date, now: datetime, limit: int,
                    street: str | None = None,
                    district: str | None = None) -> tuple[int, list[dict]]:
    """The exceptions open at ``now`` (going on, not acknowledged) and the newest ones.

    Parameters
    ----------
    conn : an open connection
    day : the Beijing day of ``now``
    now : the wall's moment
    limit : how many of the newest to return
    street : a street's code (the wall's tour), or None for the district
    district : a district's code, or None for every district

    Returns
    -------
    (open count, the ``limit`` newest as dicts: kind, started_at, ongoing, acknowledged,
    street_zh, street_en)
    """
    rows = [dict(r) for r in conn.execute(WALL, {"day": day, "now": now, "street": street,
                                               "district": district})
            .mappings()]
    return sum(r["ongoing"] and not r["acknowledged"] for r in rows), rows[:limit]
