"""What the leaders' view reads about incidents: completion by dimension, timeliness, late work."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

# One scan per dimension counts both periods. "done" (closed or rejected by ``asof``) is judged
# over the incidents reported in a period, exactly as the wall's closure rate; "closed" and
# "on_time" (resolved by the deadline) over the incidents closed in a period, exactly as the
# 下考上 on-time rate (data/queries/supervision.CLOSURES_SQL).
_COUNTS = """
  count(i.id) filter (where i.reported_at >= :{a} and i.reported_at < :{b}) as reported{s},
  count(i.id) filter (where i.reported_at >= :{a} and i.reported_at < :{b}
                        and (i.closed_at <= :{asof} or i.rejected_at <= :{asof})) as done{s},
  count(i.id) filter (where i.status = 'closed' and i.closed_at >= :{a}
                        and i.closed_at < :{b}) as closed{s},
  count(i.id) filter (where i.status = 'closed' and i.closed_at >= :{a} and i.closed_at < :{b}
                        and i.resolved_at <= i.deadline) as on_time{s}"""
COUNT_COLUMNS = (_COUNTS.format(a="start", b="end", s="", asof="asof") + ","
                 + _COUNTS.format(a="pstart", b="pend", s="_prev", asof="pasof"))
# A case merged into another (parent_id set) is the same problem: it counts once, as its parent.
# A district (None: every district) keeps only its own incidents.
IN_DISTRICT = "(cast(:district as text) is null or i.district_code = :district)"
IN_PERIODS = """(i.parent_id is null and ((i.reported_at >= :pstart and i.reported_at < :end)
                 or (i.closed_at >= :pstart and i.closed_at < :end))
                 and """ + IN_DISTRICT + ")"

# dimension -> (rows and their join to incidents, the row filter when narrowed to a street).
# Fixed text only: callers choose a key, never SQL.
DIMENSIONS = {
    "street": ("""from streets g left join incidents i on i.street_id = g.id and {periods}""",
               "g.id = :street_id"),
    "community": ("""from communities g left join incidents i on i.community_id = g.id
                     and {periods}""", "g.street_id = :street_id"),
    # As the 下考上 closures: only work dispatched to the department counts for it.
    "department": ("""from departments g left join incidents i on i.department_id = g.id
                      and i.handled_by = 'department' and {periods}""", "g.kind = 'functional'"),
    "category": ("""from categories g left join (incidents i join categories c
                      on c.code = i.category_code)
                    on coalesce(c.parent_code, c.code) = g.code and {periods}""", "g.level = 1"),
    "district": ("""from (select 1) g left join incidents i on {periods}""", None),
}
KEYS = {"street": "g.id as id, g.code, g.name_zh, g.name_en",
        "community": "g.id as id, g.code, g.name_zh, g.name_en",
        "department": "g.id as id, g.code, g.name_zh, g.name_en",
        "category": "null::int as id, g.code, g.name_zh, g.name_en",
        # The district's own names (every district together: the deployment's home's, as before).
        "district": """null::int as id, coalesce(cast(:district as text), '120106') as code,
            coalesce((select d.name_zh from districts d where d.code = :district), '红桥区')
              as name_zh,
            coalesce((select d.name_en from districts d where d.code = :district), 'Hongqiao')
              as name_en"""}


def completion_counts(conn: Connection, dimension: str, start: datetime, end: datetime,
                      before: tuple[datetime, datetime, datetime], asof: datetime,
                      street_id: int | None = None, district: str | None = None) -> list[dict]:
    """Per row of ``dimension``: reported, done, closed and on-time counts, now and before.

    Parameters
    ----------
    conn : Connection
    dimension : {"street", "community", "department", "category", "district"}
    start, end : datetime
        The period [start, end).
    before : (datetime, datetime, datetime)
        The compared period [start, end) and the moment its "done" is judged at (a month
        to date is compared with the same days of the month before, as they stood then).
    asof : datetime
        "done" means closed or rejected by this moment.
    street_id : int, optional
        Keep only this street's row (street) or its communities (community).
    district : str, optional
        Keep only this district's rows (streets and communities: their codes begin with it)
        and incidents (every dimension); None: every district.

    Returns
    -------
    list of dict
        id, code, name_zh, name_en, reported, done, closed, on_time and the same with
        ``_prev``; every row of the dimension, by code, zeros included.
    """
    joins, row_filter = DIMENSIONS[dimension]
    where: list[str] = []
    if dimension in ("department", "category") and row_filter:
        where.append(row_filter)
    elif street_id is not None and row_filter:
        where.append(row_filter)
    if district is not None and dimension in ("street", "community"):
        where.append("left(g.code, 6) = :district")
    sql = (f"select {KEYS[dimension]}, {COUNT_COLUMNS} " + joins.format(periods=IN_PERIODS)
           + (" where " + " and ".join(where) if where else "")
           + " group by 1, 2, 3, 4 order by 2")
    pstart, pend, pasof = before
    params = {"start": start, "end": end, "pstart": pstart, "pend": pend, "pasof": pasof,
              "asof": asof,
              "street_id": street_id, "district": district}
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


HOURS = "(extract(epoch from i.{col} - i.reported_at) / 3600.0)::float8"
_PCT = ("percentile_cont({q}) within group (order by " + HOURS + ") "
        "filter (where i.{col} is not null)")
TIMELINESS_SQL = text(f"""
select grouping(d.id) as total, d.id, d.code, d.name_zh, d.name_en, count(*) as reported,
       count(i.accepted_at) as accepted, count(i.dispatched_at) as dispatched,
       count(i.closed_at) as closed,
       {_PCT.format(q=0.5, col='accepted_at')} as accept_p50,
       {_PCT.format(q=0.9, col='accepted_at')} as accept_p90,
       {_PCT.format(q=0.5, col='dispatched_at')} as dispatch_p50,
       {_PCT.format(q=0.9, col='dispatched_at')} as dispatch_p90,
       {_PCT.format(q=0.5, col='closed_at')} as close_p50,
       {_PCT.format(q=0.9, col='closed_at')} as close_p90
from incidents i left join departments d on d.id = i.department_id
where i.reported_at >= :start and i.reported_at < :end and i.parent_id is null
  and {IN_DISTRICT}
group by grouping sets ((d.id, d.code, d.name_zh, d.name_en), ())
order by grouping(d.id), d.code nulls last
""")


def timeliness(conn: Connection, start: datetime, end: datetime,
               district: str | None = None) -> list[dict]:
    """Median and 90th percentile hours from the report to acceptance, dispatch and closure.

    Parameters
    ----------
    conn : Connection
    start, end : datetime
        Incidents reported in [start, end).
    district : str, optional
        Only this district's incidents (None: every district).

    Returns
    -------
    list of dict
        One row per department the work went to (id None: kept by a street or community, or
        not dispatched), then the district (``total`` 1): reported, accepted, dispatched,
        closed, accept_p50/p90, dispatch_p50/p90, close_p50/p90 (hours, None without data).
    """
    rows = conn.execute(TIMELINESS_SQL, {"start": start, "end": end, "district": district})
    return [dict(r) for r in rows.mappings()]


LATE_COLUMNS = """
select i.id, i.code, i.status, c.name_zh as category_name, c.name_en as category_name_en,
       s.id as street_id, s.name_zh as street_name, cm.name_zh as community_name,
       d.code as department_code, d.name_zh as department_name, i.handled_by,
       i.reported_at, i.deadline, i.resolved_at, i.closed_at,
       (extract(epoch from i.resolved_at - i.deadline) / 3600.0)::float8 as hours_late
from incidents i
join categories c on c.code = i.category_code
join streets s on s.id = i.street_id
join communities cm on cm.id = i.community_id
left join departments d on d.id = i.department_id
where i.status = 'closed' and i.closed_at >= :start and i.closed_at < :end
  and i.resolved_at > i.deadline and i.parent_id is null
  and (cast(:street_id as int) is null or i.street_id = :street_id)
  and """ + IN_DISTRICT + "\n"


def closed_late(conn: Connection, start: datetime, end: datetime, street_id: int | None = None,
                limit: int = 500, district: str | None = None) -> tuple[list[dict], int]:
    """Incidents closed in [start, end) that were resolved after their deadline, latest first.

    Parameters
    ----------
    conn : Connection
    start, end : datetime
    street_id : int, optional
    limit : int
    district : str, optional
        Only this district's incidents (None: every district).

    Returns
    -------
    (list of dict, int)
        The rows (id, code, status, category, street, community, department, deadline,
        resolved_at, closed_at, hours_late) and how many there are in all.
    """
    params = {"start": start, "end": end, "street_id": street_id, "district": district}
    total = conn.execute(text("select count(*) from (" + LATE_COLUMNS + ") x"), params).scalar_one()
    rows = conn.execute(text(LATE_COLUMNS + " order by hours_late desc, i.id limit :limit"),
                        {**params, "limit": limit}).mappings()
    return [dict(r) for r in rows], int(total)
