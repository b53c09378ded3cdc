"""Closed days' replay tracks, stored once per worker, day and step and read as one row each.

Today changes with every fix, so replay reads today's raw fixes; a closed day never changes,
so its fixes are read once, thinned as replay serves them (data.patrol.replay.FIXES: every
fix, or one per 30 s for a street, rounded to 1e-5) and kept as compact JSON text. Reading a
street's day is then ~100 rows of text instead of ~100 workers' thousands of fixes.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection, text

from data.patrol.replay import FIXES

# Only workers with fixes get a row: a day whose raw fixes are gone (retention) stores
# nothing, so the sheet's simplified track still answers for it. Two first readers at once
# both insert; the key makes the second one's rows no-ops.
STORE = text(f"""
insert into patrol_tracks (district_code, day, user_id, step_s, track, stored_at)
select u.district_code, cast(:day as date), f.user_id, :step, f.track, :now
from (
  select user_id, json_agg(json_build_array(t, lon, lat) order by t)::text as track
  from ({FIXES.text}) fixes
  group by user_id
) f
join users u on u.id = f.user_id
on conflict (district_code, day, user_id, step_s) do nothing""")

READ = text("""
select user_id, track from patrol_tracks
where day = :day and step_s = :step and user_id = any(cast(:users as int[]))""")

ACTIVE_WORKERS = text("select id from users where role = 'grid_worker' and active order by id")

FORGET = text("delete from patrol_tracks where day = :day")


def store_tracks(conn: Connection, day: date, user_ids: list[int], step_s: int,
                 now: datetime) -> int:
    """Store the workers' tracks of ``day`` at ``step_s`` from the raw fixes; rows new.

    Parameters
    ----------
    conn : Connection
        In a transaction (the caller commits).
    day : date
        A closed Beijing day (today would be stored half-done).
    user_ids : list of int
    step_s : int
        1 (every fix) or the street step.
    now : datetime
        Recorded as ``stored_at``.
    """
    if not user_ids:
        return 0
    return conn.execute(STORE, {"day": day, "users": list(user_ids), "step": max(1, step_s),
                                "now": now}).rowcount


def store_day_tracks(conn: Connection, day: date, steps: tuple[int, ...],
                     now: datetime) -> int:
    """Store every active grid worker's tracks of ``day`` at each of ``steps``; rows new."""
    users = [r.id for r in conn.execute(ACTIVE_WORKERS)]
    return sum(store_tracks(conn, day, users, step, now) for step in steps)


def stored_tracks(conn: Connection, day: date, user_ids: list[int],
                  step_s: int) -> dict[int, list[dict]]:
    """The workers' stored tracks of ``day`` at ``step_s``: user_id -> [{t, lon, lat}]."""
    if not user_ids:
        return {}
    rows = conn.execute(READ, {"day": day, "users": list(user_ids), "step": max(1, step_s)})
    return {r.user_id: [{"t": t, "lon": lon, "lat": lat} for t, lon, lat in json.loads(r.track)]
            for r in rows}


def forget_tracks(conn: Connection, day: date) -> int:
    """Remove ``day``'s stored tracks (retention drops its raw fixes); rows removed."""
    return conn.execute(FORGET, {"day": day}).rowcount
