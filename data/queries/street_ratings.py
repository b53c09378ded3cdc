"""下考上 rating rounds: the departments a street worked with, its ratings, and writing them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, text

# Worked with = the street dispatched an incident to the department, or summoned it by a
# whistle, in the period.
WORKED_WITH = text("""
select d.id, d.code, d.name_zh, d.name_en,
       (select count(*) from incidents i where i.street_id = :street_id
          and i.department_id = d.id and i.handled_by = 'department'
          and i.dispatched_at >= :start and i.dispatched_at < :end) as dispatched,
       (select count(*) from whistle_summons ws join whistles w on w.id = ws.whistle_id
         where ws.department_id = d.id and w.street_id = :street_id
           and w.blown_at >= :start and w.blown_at < :end) as summoned
from departments d
where d.kind = 'functional'
order by d.code
""")
ROUND = text("""
select department_id, timeliness, quality, attitude, note, rated_at
from street_ratings
where street_id = :street_id and period_from = :period_from and period_to = :period_to
""")
UPSERT = text("""
insert into street_ratings (street_id, department_id, period_from, period_to, timeliness,
                            quality, attitude, note, rated_by_id, rated_at)
values (:street_id, :department_id, :period_from, :period_to, :timeliness, :quality,
        :attitude, :note, :rated_by_id, :rated_at)
on conflict (street_id, department_id, period_from, period_to) do update
   set timeliness = excluded.timeliness, quality = excluded.quality,
       attitude = excluded.attitude, note = excluded.note,
       rated_by_id = excluded.rated_by_id, rated_at = excluded.rated_at
""")


def worked_with(conn: Connection, street_id: int, start: datetime, end: datetime) -> list[dict]:
    """The functional departments a street dispatched to or summoned in [start, end).

    Returns
    -------
    list of dict
        id, code, name_zh, name_en, dispatched, summoned (both counts above zero or one of).
    """
    rows = conn.execute(WORKED_WITH, {"street_id": street_id, "start": start, "end": end})
    return [dict(r) for r in rows.mappings() if r["dispatched"] or r["summoned"]]


def round_ratings(conn: Connection, street_id: int, period_from: date,
                  period_to: date) -> dict[int, dict]:
    """A street's ratings of one period, by department id."""
    params = {"street_id": street_id, "period_from": period_from, "period_to": period_to}
    return {r["department_id"]: dict(r) for r in conn.execute(ROUND, params).mappings()}


def save_round(conn: Connection, rows: list[dict]) -> None:
    """Insert or replace ratings (one per street, department and period), in one statement."""
    if rows:
        conn.execute(UPSERT, rows)
