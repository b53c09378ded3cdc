"""What attendance reads and writes: clock-in and -out from stored sheets, leave days."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

MONTH = text("""
select s.day, s.user_id, u.username, u.display_name, g.code as grid_code, st.code as street_code,
       st.name_zh as street_zh, c.name_zh as community_zh, s.street_id, s.community_id,
       s.first_fix, s.last_fix, (l.user_id is not null) as on_leave
from patrol_sheets s
join users u on u.id = s.user_id
left join grids g on g.id = s.grid_id
left join streets st on st.id = s.street_id
left join communities c on c.id = s.community_id
left join leave_days l on l.user_id = s.user_id and l.day = s.day
where s.day between :first and :last
  and (cast(:street_id as int) is null or s.street_id = :street_id)
  and (cast(:community_id as int) is null or s.community_id = :community_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by st.code nulls last, c.code nulls last, g.code, u.username, s.day""")

WORKER_PLACE = text("""
select g.street_id, g.community_id from worker_grids wg join grids g on g.id = wg.grid_id
join users u on u.id = wg.user_id and u.role = 'grid_worker'
where wg.user_id = :user_id order by wg.is_primary desc, wg.id limit 1""")

ADD_LEAVE = text("""
insert into leave_days (user_id, day, recorded_by, recorded_at) values (:user_id, :day, :by, :at)
on conflict (user_id, day) do nothing""")


def month_rows(conn: Connection, first: date, last: date, street_id: int | None = None,
               community_id: int | None = None, district_code: str | None = None) -> list[dict]:
    """Each worker's stored sheet days between ``first`` and ``last`` with leave marked
    (``district_code``: only that district's workers).

    Returns
    -------
    list of dict
        day, user_id, username, display_name, grid_code, street_code, street_zh,
        community_zh, street_id, community_id, first_fix, last_fix, on_leave.
    """
    params = {"first": first, "last": last, "street_id": street_id, "community_id": community_id,
              "district_code": district_code}
    return [dict(r) for r in conn.execute(MONTH, params).mappings()]


def worker_place(conn: Connection, user_id: int) -> dict | None:
    """A grid worker's street and community (by primary grid), or None for anyone else."""
    row = conn.execute(WORKER_PLACE, {"user_id": user_id}).mappings().first()
    return None if row is None else dict(row)


def add_leave(conn: Connection, user_id: int, day: date, by: int, at) -> bool:
    """Record a leave day; False when it was already recorded."""
    return conn.execute(ADD_LEAVE, {"user_id": user_id, "day": day, "by": by, "at": at}).rowcount == 1
