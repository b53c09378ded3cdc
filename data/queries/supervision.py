"""What the supervision office (督办) reads: overdue work, escalation candidates, score inputs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from data.queries.cases import WHISTLE_OPEN, WORKING, scope_params, where_clause

OVERDUE_INCIDENTS_SQL = """
    select i.id, i.code, i.status, i.category_code, c.name_zh as category_name,
           i.street_id, s.name_zh as street_name, i.department_id, d.code as department_code,
           d.name_zh as department_name, i.handled_by, i.address, i.dispatched_at, i.deadline,
           exists (select 1 from incident_events e where e.incident_id = i.id
                   and e.action = 'escalate' and e.at >= i.deadline) as escalated
    from incidents i
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    left join departments d on d.id = i.department_id
"""
OVERDUE_INCIDENT_WHERE = {
    "working": "i.status = any(:working) and i.deadline < :now",
    "scope_district": "i.district_code = :scope_district",
    "scope_street": "i.street_id = :scope_street",
    "scope_community": "i.community_id = :scope_community",
    "scope_department": "i.department_id = :scope_department",
}


def overdue_incidents(conn: Connection, scope: dict, now: datetime, limit: int = 200) -> list[dict]:
    """Incidents still being worked after their deadline, most overdue first.

    Parameters
    ----------
    conn : Connection
    scope : dict
        street_id, community_id or department_id to narrow to (empty: the district).
    now : datetime
    limit : int

    Returns
    -------
    list of dict
        With ``escalated``: whether the ticker already recorded the escalation.
    """
    params = {**scope_params(scope), "working": WORKING, "now": now, "limit": limit}
    sql = (OVERDUE_INCIDENTS_SQL + where_clause(OVERDUE_INCIDENT_WHERE, params)
           + " order by i.deadline, i.id limit :limit")
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


OVERDUE_WHISTLES_SQL = """
    select w.id, w.code, w.level, w.matter, w.status, w.street_id, s.name_zh as street_name,
           w.blown_at, w.deadline,
           (select string_agg(coalesce(d.name_zh, u.display_name), '、' order by ws.id)
              from whistle_summons ws left join departments d on d.id = ws.department_id
              left join users u on u.id = ws.leader_id
              where ws.whistle_id = w.id and ws.completed_at is null) as late_parties,
           exists (select 1 from whistle_events e where e.whistle_id = w.id
                   and e.action = 'overdue') as escalated
    from whistles w join streets s on s.id = w.street_id
"""
OVERDUE_WHISTLE_WHERE = {
    "open": "w.status = any(:open) and w.deadline < :now",
    "scope_district": "w.district_code = :scope_district",
    "scope_street": "w.street_id = :scope_street",
    "scope_department": """exists (select 1 from whistle_summons ws where ws.whistle_id = w.id
        and ws.department_id = :scope_department and ws.completed_at is null)""",
}


def overdue_whistles(conn: Connection, scope: dict, now: datetime, limit: int = 200) -> list[dict]:
    """Open whistles past their deadline, with the parties that have not completed."""
    params = {**scope_params(scope), "open": WHISTLE_OPEN, "now": now, "limit": limit}
    sql = (OVERDUE_WHISTLES_SQL + where_clause(OVERDUE_WHISTLE_WHERE, params)
           + " order by w.deadline, w.id limit :limit")
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


UNESCALATED_INCIDENTS_SQL = text("""
    select i.id, i.status, i.department_id, i.deadline from incidents i
    where i.status = any(:working) and i.deadline < :now
      and not exists (select 1 from incident_events e where e.incident_id = i.id
                      and e.action = 'escalate' and e.at >= i.deadline)
    order by i.id
    for update of i skip locked
""")
UNESCALATED_WHISTLES_SQL = text("""
    select w.id, w.status, w.deadline from whistles w
    where w.status = any(:open) and w.deadline < :now
      and not exists (select 1 from whistle_events e where e.whistle_id = w.id
                      and e.action = 'overdue')
    order by w.id
    for update of w skip locked
""")


def unescalated(conn: Connection, now: datetime) -> tuple[list[dict], list[dict]]:
    """Overdue incidents and whistles whose escalation has not been recorded yet (row-locked,
    skipping rows another transaction holds, so a request is never blocked by the ticker).
    """
    incidents = conn.execute(UNESCALATED_INCIDENTS_SQL, {"working": WORKING, "now": now})
    whistles = conn.execute(UNESCALATED_WHISTLES_SQL, {"open": WHISTLE_OPEN, "now": now})
    return [dict(r) for r in incidents.mappings()], [dict(r) for r in whistles.mappings()]


# A round's rating counts in the period its own period begins in (a November round, given
# on 1 December, is November's); a whistle's when it was given.
ROUND_IN_PERIOD = """(sr.period_from::timestamp at time zone 'Asia/Shanghai') >= :start
      and (sr.period_from::timestamp at time zone 'Asia/Shanghai') < :end"""
RATINGS_SQL = text(f"""
    select ws.department_id, ws.rating_timeliness as timeliness, ws.rating_quality as quality,
           ws.rating_attitude as attitude
    from whistle_summons ws
    where ws.department_id is not null and ws.rated_at >= :start and ws.rated_at < :end
      and ws.rating_timeliness is not null and ws.rating_quality is not null
      and ws.rating_attitude is not null
      and (cast(:district as text) is null or ws.district_code = :district)
    union all
    select sr.department_id, sr.timeliness, sr.quality, sr.attitude
    from street_ratings sr
    join streets s on s.id = sr.street_id
    where {ROUND_IN_PERIOD}
      and (cast(:district as text) is null or left(s.code, 6) = :district)
""")
CLOSURES_SQL = text("""
    select department_id, count(*) as closed,
           count(*) filter (where resolved_at <= deadline) as on_time
    from incidents
    where handled_by = 'department' and department_id is not null and status = 'closed'
      and parent_id is null and closed_at >= :start and closed_at < :end
      and (cast(:district as text) is null or district_code = :district)
    group by department_id
""")


def department_ratings(conn: Connection, start: datetime, end: datetime,
                       district: str | None = None) -> list[dict]:
    """Every complete rating of a department given in [start, end) (in ``district``; None:
    every district's).
    """
    params = {"start": start, "end": end, "district": district}
    return [dict(r) for r in conn.execute(RATINGS_SQL, params).mappings()]


def department_closures(conn: Connection, start: datetime, end: datetime,
                        district: str | None = None) -> dict[int, tuple[int, int]]:
    """Per department: incidents closed in [start, end) (in ``district``; None: every
    district), and how many were resolved on time.
    """
    rows = conn.execute(CLOSURES_SQL, {"start": start, "end": end, "district": district})
    return {r.department_id: (int(r.closed), int(r.on_time)) for r in rows}


def try_lock(conn: Connection, key: int) -> bool:
    """Take a transaction-scoped advisory lock if free (False when someone else holds it)."""
    return bool(conn.execute(text("select pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar())
