"""What the wall screen reads besides the map: headline figures, charts and the ticker."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, text

from data.queries.leaders import completion_counts

ONLINE_MINUTES = 5
# Comparisons: the same moment yesterday and on the same weekday last week.
COMPARE_DAYS = (0, 1, 7)
INCIDENT_FIGURES = ("reports_today", "closed_today", "year_reported", "year_done", "overdue")

# Every "as of T" figure is derived from lifecycle timestamps, not from the status column,
# so that the value now and its value 1 or 7 days ago mean exactly the same thing. One scan
# of incidents serves all three moments; the fragment is fixed text, the moments are bound.
_INCIDENTS_AT = """
  count(*) filter (where reported_at >= :d0_{k} and reported_at <= :t_{k}) as reports_today_{k},
  count(*) filter (where closed_at >= :d0_{k} and closed_at <= :t_{k}) as closed_today_{k},
  count(*) filter (where reported_at >= :y0_{k} and reported_at <= :t_{k}) as year_reported_{k},
  count(*) filter (where reported_at >= :y0_{k} and reported_at <= :t_{k}
                     and (closed_at <= :t_{k} or rejected_at <= :t_{k})) as year_done_{k},
  count(*) filter (where dispatched_at <= :t_{k} and deadline < :t_{k}
                     and (resolved_at is null or resolved_at > :t_{k})
                     and (closed_at is null or closed_at > :t_{k})
                     and (rejected_at is null or rejected_at > :t_{k})) as overdue_{k}"""
# Every wall question takes a district (None: every district, as one deployment was before).
def in_district(column: str) -> str:
    """The filter keeping rows of ``:district`` (all of them when it is NULL); fixed text."""
    return f"(cast(:district as text) is null or {column} = :district)"


def _incidents_sql(days: tuple[int, ...]):
    return text("select " + ",".join(_INCIDENTS_AT.format(k=k) for k in days)
                + " from incidents where parent_id is null and " + in_district("district_code"))


HEADLINE_INCIDENTS = _incidents_sql(COMPARE_DAYS)

# Each phone's (device_id, device_time) key is probed, once per device (the scalar subquery
# with LIMIT cannot become a join, which the planner preferred and which read the whole
# day's fixes: 550 ms for 2 million). Grids patrolled read the day's fixes; the wall takes
# them from its coverage layer instead (``patrolled=False``), which counts the same fixes.
_PEOPLE = """
select
  (select count(*) from whistles w
    where w.blown_at <= :t and coalesce(w.completed_at, w.closed_at, 'infinity') > :t
      and {w_district}
      and not exists (select 1 from whistles c where c.parent_id = w.id and c.blown_at <= :t))
    as whistles_active,
  (select count(distinct d.user_id) from devices d where {d_district} and (
     select 1 from positions p
     where p.device_id = d.id and p.device_time >= :d0 and p.device_time <= :t
     limit 1) is not null) as on_duty,
  (select count(distinct d.user_id) from devices d where {d_district} and (
     select 1 from positions p where p.device_id = d.id
       and p.device_time > cast(:t as timestamptz) - make_interval(mins => :online)
       and p.device_time <= :t
     limit 1) is not null) as online,
  {patrolled}
  (select count(*) from grids g where {g_district}) as grids,
  (select count(*) from users u where u.role = 'grid_worker' and u.active and {u_district})
    as workers
"""
# Devices are a reference table: a phone is in its worker's district.
_PEOPLE_DISTRICTS = {
    "w_district": in_district("w.district_code"),
    "d_district": "(cast(:district as text) is null or d.user_id in "
                  "(select id from users where district_code = :district))",
    "g_district": in_district("left(g.code, 6)"), "u_district": in_district("u.district_code")}
_PATROLLED = """(select count(*) from (
     select 1 from positions p
     where p.device_time >= :d0 and p.device_time <= :t and not p.flagged and p.grid_id is not null
       and {p_district}
     group by p.grid_id) g) as grids_patrolled,"""
HEADLINE_PEOPLE = text(_PEOPLE.format(
    patrolled=_PATROLLED.format(p_district=in_district("p.district_code")), **_PEOPLE_DISTRICTS))
HEADLINE_PEOPLE_UNPATROLLED = text(_PEOPLE.format(patrolled="", **_PEOPLE_DISTRICTS))

_STREET = "(cast(:street as text) is null or s.code = :street)"
_DAY0 = "(date_trunc('day', cast(:now as timestamptz) at time zone :tz) at time zone :tz)"

CATEGORY_TREND = text(f"""
select (i.reported_at at time zone :tz)::date as day, p.code, p.name_zh, p.name_en,
       count(*) as n
from incidents i
join streets s on s.id = i.street_id
join categories c on c.code = i.category_code
join categories p on p.code = coalesce(c.parent_code, c.code)
where i.reported_at >= {_DAY0} - make_interval(days => :days - 1)
  and i.reported_at <= :now and {_STREET} and i.parent_id is null
  and {in_district("i.district_code")}
group by 1, 2, 3, 4 order by 1, 2
""")

SOURCES_TODAY = text(f"""
select i.source, count(*) as n
from incidents i join streets s on s.id = i.street_id
where i.reported_at >= {_DAY0} and i.reported_at <= :now and {_STREET}
  and i.parent_id is null and {in_district("i.district_code")}
group by i.source order by n desc, i.source
""")

NEWEST = text(f"""
select i.code, i.reported_at, s.name_zh as street_zh, s.name_en as street_en,
       i.category_code, c.name_zh as category_zh, c.name_en as category_en, i.status, i.source,
       i.dispatched_at, i.deadline
from incidents i
join streets s on s.id = i.street_id
join categories c on c.code = i.category_code
where i.reported_at <= :now and i.reported_at > cast(:now as timestamptz) - interval '30 days'
  and {_STREET} and i.parent_id is null and {in_district("i.district_code")}
order by i.reported_at desc, i.id desc
limit :limit
""")


def frame(result) -> pd.DataFrame:
    """A DataFrame of a SQLAlchemy result, with its column names even when empty.

    Built column by column: pandas is many times slower at inferring types row by row,
    which on the 5-second position tick was most of the time spent.
    """
    keys, rows = list(result.keys()), result.all()
    if not rows:
        return pd.DataFrame(columns=keys)
    return pd.DataFrame(dict(zip(keys, map(list, zip(*rows)))))


def moments(now: datetime, tz: str, k: int) -> dict:
    """The moment ``k`` days before ``now`` with the start of its local day and year.

    Parameters
    ----------
    now : datetime
        Aware.
    tz : str
    k : int

    Returns
    -------
    dict
        t, d0, y0 (aware datetimes in ``tz``).
    """
    t = now.astimezone(ZoneInfo(tz)) - timedelta(days=k)
    d0 = t.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"t": t, "d0": d0, "y0": d0.replace(month=1, day=1)}


def headline(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
             online_minutes: int = ONLINE_MINUTES, days: tuple[int, ...] = COMPARE_DAYS,
             patrolled: bool = True, district: str | None = None) -> pd.DataFrame:
    """The headline figures at ``now`` and at the same moment 1 and 7 days earlier.

    Parameters
    ----------
    conn : Connection
    now : datetime
        Aware; the moment the figures describe.
    tz : str
        The time zone whose calendar days and year count (Beijing time).
    online_minutes : int
        A worker is online when a fix is at most this old.
    days : tuple of int
        Which moments (days back) to compute; all of ``COMPARE_DAYS`` by default.
    patrolled : bool
        Whether to count the grids patrolled (a read of the day's fixes).
    district : str, optional
        One district's figures (its cases, whistles, workers, grids); all when None.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k`` (days back: 0, 1, 7) with reports_today, closed_today,
        year_reported, year_done (closed or rejected), overdue (dispatched, past the deadline,
        not yet resolved), whistles_active (blown, not completed, closed or escalated),
        on_duty (workers with a fix today), online, grids_patrolled, grids, workers.
    """
    at = {k: moments(now, tz, k) for k in days}
    params = {f"{name}_{k}": value for k, m in at.items() for name, value in m.items()}
    params["district"] = district
    sql = HEADLINE_INCIDENTS if tuple(days) == COMPARE_DAYS else _incidents_sql(tuple(days))
    counts = conn.execute(sql, params).mappings().one()
    people_sql = HEADLINE_PEOPLE if patrolled else HEADLINE_PEOPLE_UNPATROLLED
    rows = []
    for k, m in at.items():
        row = {"k": k, **{name: counts[f"{name}_{k}"] for name in INCIDENT_FIGURES}}
        people = conn.execute(people_sql, {**m, "online": online_minutes,
                                           "district": district}).mappings().one()
        rows.append({**row, **people})
    return pd.DataFrame(rows).set_index("k")


def category_trend(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
                   days: int = 30, street: str | None = None,
                   district: str | None = None) -> pd.DataFrame:
    """Reports per local day and first-level category (subject) over the last ``days`` days.

    Parameters
    ----------
    conn : Connection
    now : datetime
    tz : str
    days : int
        Today counts as one of them (up to ``now``).
    street : str, optional
        A street code to keep only its incidents.

    Returns
    -------
    pandas.DataFrame
        day (date), code, name_zh, name_en, n; days without reports have no row.
    """
    params = {"now": now, "tz": tz, "days": days, "street": street, "district": district}
    return frame(conn.execute(CATEGORY_TREND, params))


def street_closure(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
                   district: str | None = None) -> pd.DataFrame:
    """Per street, this year's reports and how many of them are closed or rejected by ``now``.

    The same counts as the leaders' completion by street (one formula for both screens).

    Parameters
    ----------
    conn : Connection
    now : datetime
    tz : str

    Returns
    -------
    pandas.DataFrame
        code, name_zh, name_en, reported, done, rate (None without reports).
    """
    local = now.astimezone(ZoneInfo(tz))
    year0 = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    # The period is [year0, end): a microsecond past now keeps a report made at ``now``.
    rows = completion_counts(conn, "street", year0, now + timedelta(microseconds=1),
                             (year0, year0, now), now, district=district)
    df = pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "reported", "done"])
    df["rate"] = [d / r if r else None for d, r in zip(df["done"], df["reported"])]
    return df


def sources_today(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
                  street: str | None = None, district: str | None = None) -> pd.DataFrame:
    """How today's reports (Beijing day, up to ``now``) came in.

    Parameters
    ----------
    conn : Connection
    now : datetime
    tz : str
    street : str, optional
        A street code.

    Returns
    -------
    pandas.DataFrame
        source, n; largest first.
    """
    return frame(conn.execute(SOURCES_TODAY, {"now": now, "tz": tz, "street": street,
                                              "district": district}))


def newest_incidents(conn: Connection, now: datetime, limit: int = 8,
                     street: str | None = None, district: str | None = None) -> pd.DataFrame:
    """The newest incidents reported up to ``now`` (within 30 days), newest first.

    Parameters
    ----------
    conn : Connection
    now : datetime
    limit : int
    street : str, optional
        A street code.

    Returns
    -------
    pandas.DataFrame
        code, reported_at, street_zh, street_en, category_code, category_zh, category_en
        (second level),
        status, source, dispatched_at, deadline.
    """
    params = {"now": now, "limit": limit, "street": street, "district": district}
    return frame(conn.execute(NEWEST, params))
