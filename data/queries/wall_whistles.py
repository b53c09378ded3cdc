"""The wall's whistle board: open whistles with their summoned parties, and the latest closed."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, text

from data.queries.wall import frame, in_district, moments

_STREET = "(cast(:street as text) is null or s.code = :street)"
_DISTRICT = in_district("w.district_code")

OPEN = text(f"""
select w.id, w.code, w.level, w.status, w.matter, w.blown_at, w.deadline,
       s.code as street_code, s.name_zh as street_zh, s.name_en as street_en,
       round(ST_X(w.geom)::numeric, 5)::float8 as lon,
       round(ST_Y(w.geom)::numeric, 5)::float8 as lat
from whistles w join streets s on s.id = w.street_id
where w.status = any(:statuses) and w.blown_at <= :now and {_STREET} and {_DISTRICT}
order by w.level desc, w.deadline, w.id
""")

PARTIES = text("""
select ws.whistle_id, ws.department_id is null as leader,
       coalesce(d.name_zh, u.display_name) as name_zh,
       coalesce(d.name_en, u.display_name) as name_en,
       ws.acknowledged_at, ws.arrived_at, ws.completed_at
from whistle_summons ws
left join departments d on d.id = ws.department_id
left join users u on u.id = ws.leader_id
where ws.whistle_id = any(:ids)
order by ws.whistle_id, ws.id
""")

CLOSED = text(f"""
select w.id, w.code, w.level, w.matter, w.blown_at, w.closed_at,
       s.code as street_code, s.name_zh as street_zh, s.name_en as street_en
from whistles w join streets s on s.id = w.street_id
where w.status = 'closed' and w.closed_at <= :now and {_STREET} and {_DISTRICT}
order by w.closed_at desc, w.id desc
limit :limit
""")

YEAR = text(f"""
select count(*) as blown, count(*) filter (where w.level = 2) as second,
       count(*) filter (where w.status = 'closed' and w.closed_at <= :now) as closed,
       avg(extract(epoch from w.closed_at - w.blown_at) / 86400.0)
         filter (where w.status = 'closed' and w.closed_at <= :now) as avg_days
from whistles w join streets s on s.id = w.street_id
where w.blown_at >= :y0 and w.blown_at <= :now and {_STREET} and {_DISTRICT}
""")


def open_whistles(conn: Connection, now: datetime, statuses: Sequence[str],
                  street: str | None = None, district: str | None = None) -> pd.DataFrame:
    """Whistles still waiting for their parties, second whistles first, then by deadline.

    Parameters
    ----------
    conn : Connection
    now : datetime
    statuses : sequence of str
        The statuses that count as open (workflow.deadlines.WHISTLE_OPEN).
    street : str, optional
        A street code.

    Returns
    -------
    pandas.DataFrame
        id, code, level, status, matter, blown_at, deadline, street_code, street_zh,
        street_en, lon, lat.
    """
    params = {"now": now, "statuses": list(statuses), "street": street, "district": district}
    return frame(conn.execute(OPEN, params))


def whistle_parties(conn: Connection, whistle_ids: Sequence[int]) -> pd.DataFrame:
    """The parties summoned by some whistles, in the order they were summoned.

    Parameters
    ----------
    conn : Connection
    whistle_ids : sequence of int

    Returns
    -------
    pandas.DataFrame
        whistle_id, leader (a district leader rather than a department), name_zh, name_en,
        acknowledged_at, arrived_at (reported in on site), completed_at.
    """
    return frame(conn.execute(PARTIES, {"ids": [int(i) for i in whistle_ids]}))


def closed_whistles(conn: Connection, now: datetime, limit: int = 3,
                    street: str | None = None, district: str | None = None) -> pd.DataFrame:
    """The most recently closed whistles.

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
        id, code, level, matter, blown_at, closed_at, street_code, street_zh, street_en.
    """
    return frame(conn.execute(CLOSED, {"now": now, "limit": limit, "street": street,
                                       "district": district}))


def whistle_year(conn: Connection, now: datetime, tz: str = "Asia/Shanghai",
                 street: str | None = None, district: str | None = None) -> dict:
    """This year's whistles in four figures.

    Parameters
    ----------
    conn : Connection
    now : datetime
    tz : str
        The time zone whose calendar year counts.
    street : str, optional
        A street code.

    Returns
    -------
    dict
        blown, second (second whistles), closed (accepted by the street), avg_days (from the
        blow to the street's acceptance; None before the first).
    """
    y0 = moments(now, tz, 0)["y0"]
    row = conn.execute(YEAR, {"now": now, "y0": y0, "street": street,
                              "district": district}).mappings().one()
    return {**row, "avg_days": None if row["avg_days"] is None else float(row["avg_days"])}
