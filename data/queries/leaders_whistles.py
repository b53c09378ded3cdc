"""What the leaders' view reads about whistles: those of a period, their parties, the ratings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from data.queries.supervision import ROUND_IN_PERIOD

WHISTLES_SQL = text("""
select w.id, w.code, w.level, w.parent_id, p.code as parent_code, w.matter, w.status,
       w.street_id, s.code as street_code, s.name_zh as street_name, s.name_en as street_name_en,
       w.blown_at, w.deadline, w.completed_at, w.closed_at,
       p.status as parent_status, p.deadline as parent_deadline,
       p.completed_at as parent_completed_at,
       (select e.note from whistle_events e where e.whistle_id = p.id
          and e.action = 'second_whistle' order by e.at desc, e.id desc limit 1) as second_note,
       (select c.id from whistles c where c.parent_id = w.id order by c.id limit 1) as child_id
from whistles w
join streets s on s.id = w.street_id
left join whistles p on p.id = w.parent_id
where w.blown_at >= :start and w.blown_at < :end
  and (cast(:street_id as int) is null or w.street_id = :street_id)
  and (cast(:district as text) is null or w.district_code = :district)
order by w.blown_at, w.id
""")

PARTIES_SQL = text("""
select ws.id, ws.whistle_id, ws.department_id, d.code as department_code,
       coalesce(d.name_zh, u.display_name) as name_zh,
       coalesce(d.name_en, u.display_name) as name_en, ws.leader_id,
       ws.acknowledged_at, ws.arrived_at, ws.completed_at, ws.rated_at,
       ws.rating_timeliness as timeliness, ws.rating_quality as quality,
       ws.rating_attitude as attitude
from whistle_summons ws
left join departments d on d.id = ws.department_id
left join users u on u.id = ws.leader_id
where ws.whistle_id = any(:ids)
order by ws.whistle_id, ws.leader_id nulls first, d.code, ws.id
""")


def period_whistles(conn: Connection, start: datetime, end: datetime,
                    street_id: int | None = None, district: str | None = None) -> list[dict]:
    """The whistles blown in [start, end), oldest first, each with its parent's facts.

    Parameters
    ----------
    conn : Connection
    start, end : datetime
    street_id : int, optional
        Only this street's whistles.
    district : str, optional
        Only this district's whistles (None: every district).

    Returns
    -------
    list of dict
        id, code, level, parent_id, parent_code, matter, status, street_id, street_code,
        street_name(_en), blown_at, deadline, completed_at, closed_at, parent_status,
        parent_deadline, parent_completed_at, second_note (why the street whistled again),
        child_id (its second whistle, if any).
    """
    params = {"start": start, "end": end, "street_id": street_id, "district": district}
    return [dict(r) for r in conn.execute(WHISTLES_SQL, params).mappings()]


def parties(conn: Connection, whistle_ids: list[int]) -> list[dict]:
    """Every party summoned by these whistles, with its report-in times and ratings.

    Parameters
    ----------
    conn : Connection
    whistle_ids : list of int

    Returns
    -------
    list of dict
        id, whistle_id, department_id, department_code, name_zh, name_en, leader_id,
        acknowledged_at, arrived_at, completed_at, rated_at, timeliness, quality, attitude.
    """
    if not whistle_ids:
        return []
    rows = conn.execute(PARTIES_SQL, {"ids": [int(i) for i in whistle_ids]}).mappings()
    return [dict(r) for r in rows]


# The same ratings as data/queries/supervision.RATINGS_SQL (rated in the period, complete),
# with the whistle and the street behind each.
RATINGS_SQL = text(f"""
select ws.department_id, d.code as department_code, d.name_zh as department_name,
       w.id as whistle_id, w.code as whistle_code, w.level, w.matter,
       s.name_zh as street_name, s.name_en as street_name_en, w.street_id,
       ws.rating_timeliness as timeliness, ws.rating_quality as quality,
       ws.rating_attitude as attitude, ws.rated_at, u.display_name as rated_by
from whistle_summons ws
join whistles w on w.id = ws.whistle_id
join streets s on s.id = w.street_id
join departments d on d.id = ws.department_id
left join users u on u.id = ws.rated_by_id
where ws.rated_at >= :start and ws.rated_at < :end
  and ws.rating_timeliness is not null and ws.rating_quality is not null
  and ws.rating_attitude is not null
  and (cast(:department_id as int) is null or ws.department_id = :department_id)
  and (cast(:street_id as int) is null or w.street_id = :street_id)
  and (cast(:district as text) is null or ws.district_code = :district)
union all
select sr.department_id, d.code, d.name_zh, null, null, null, sr.note,
       s.name_zh, s.name_en, sr.street_id, sr.timeliness, sr.quality, sr.attitude,
       sr.rated_at, u.display_name
from street_ratings sr
join streets s on s.id = sr.street_id
join departments d on d.id = sr.department_id
left join users u on u.id = sr.rated_by_id
where {ROUND_IN_PERIOD}
  and (cast(:department_id as int) is null or sr.department_id = :department_id)
  and (cast(:street_id as int) is null or sr.street_id = :street_id)
  and (cast(:district as text) is null or left(s.code, 6) = :district)
order by 2, 14, 5 nulls first
""")


def rating_rows(conn: Connection, start: datetime, end: datetime,
                department_id: int | None = None, street_id: int | None = None,
                district: str | None = None) -> list[dict]:
    """The ratings given in [start, end) behind the 下考上 street evaluation.

    Parameters
    ----------
    conn : Connection
    start, end : datetime
    department_id : int, optional
        Only the ratings of this department.
    street_id : int, optional
        Only the ratings this street gave.
    district : str, optional
        Only the ratings given in this district (None: every district).

    Returns
    -------
    list of dict
        department_id, department_code, department_name, whistle_id, whistle_code, level,
        matter, street_name(_en), street_id, timeliness, quality, attitude, rated_at, rated_by.
    """
    params = {"start": start, "end": end, "department_id": department_id,
              "street_id": street_id, "district": district}
    return [dict(r) for r in conn.execute(RATINGS_SQL, params).mappings()]
