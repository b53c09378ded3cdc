"""The analyst's aggregates: per grid, over time, by dimension, totals (rollups first)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data.queries.analyst_filter import AnalystFilter, row_source

BUCKETS = ("day", "week", "month")
NAMES = "n.name_zh as name_zh, n.name_en as name_en"
NO_NAMES = "null::text as name_zh, null::text as name_en"
# What each breakdown groups by, and the names that go with it (fixed SQL, chosen by key).
BREAKDOWNS = {
    "subject": ("coalesce(c.parent_code, c.code)",
                "join categories c on c.code = s.category_code",
                "left join categories n on n.code = x.key",
                NAMES),
    "category": ("s.category_code", "", "left join categories n on n.code = x.key",
                 NAMES),
    "source": ("s.source", "", "", NO_NAMES),
    "status": ("s.status", "", "", NO_NAMES),
    "street": ("s.street_id::text", "", "left join streets n on n.id::text = x.key",
               NAMES),
    "community": ("s.community_id::text", "",
                  "left join communities n on n.id::text = x.key", NAMES),
    "grid": ("s.grid_id::text", "", "left join grids n on n.id::text = x.key",
             "n.name_zh as name_zh, n.code as name_en"),
    "department": ("s.department_id::text", "",
                   "left join departments n on n.id::text = x.key", NAMES),
}


def _frame(conn: Connection, sql: str, params: dict) -> pd.DataFrame:
    result = conn.execute(text(sql), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def grid_counts(conn: Connection, f: AnalystFilter) -> pd.DataFrame:
    """Every basic grid with its count under ``f`` (0 outside the selection).

    Parameters
    ----------
    conn : Connection
    f : AnalystFilter

    Returns
    -------
    DataFrame
        grid_id, code, name, street_id, community_id, population, n, per_1000 (NaN where no
        one lives), ordered by code.
    """
    source, params = row_source(f, group="grid")
    sql = f"""select g.id as grid_id, g.code, g.name_zh as name, g.street_id, g.community_id,
                     g.population, coalesce(x.n, 0)::int as n
              from grids g left join (select grid_id, sum(n) as n from ({source}) s
                                      group by grid_id) x on x.grid_id = g.id
              order by g.code"""
    out = _frame(conn, sql, params)
    pop = out["population"].astype(float).where(out["population"] > 0)
    out["per_1000"] = out["n"] / pop * 1000.0
    return out


def grid_counts_pair(conn: Connection, f: AnalystFilter, before: AnalystFilter) -> pd.DataFrame:
    """Every basic grid's count under ``f`` and under ``before``, in one statement (the
    hot spots' two periods).

    Parameters
    ----------
    conn : Connection
    f, before : AnalystFilter
        Usually ``before = f.shifted(f.days)``.

    Returns
    -------
    DataFrame
        grid_id, code, name, street_id, community_id, n, n_before; ordered by code.
    """
    now_source, now_params = row_source(f, group="grid", prefix="a_")
    before_source, before_params = row_source(before, group="grid", prefix="b_")
    sql = f"""select g.id as grid_id, g.code, g.name_zh as name, g.street_id, g.community_id,
                     coalesce(x.n, 0)::int as n, coalesce(y.n, 0)::int as n_before
              from grids g
              left join (select grid_id, sum(n) as n from ({now_source}) s
                         group by grid_id) x on x.grid_id = g.id
              left join (select grid_id, sum(n) as n from ({before_source}) s
                         group by grid_id) y on y.grid_id = g.id
              order by g.code"""
    return _frame(conn, sql, {**now_params, **before_params})


def time_series(conn: Connection, f: AnalystFilter, bucket: str = "day",
                by: str = "subject") -> pd.DataFrame:
    """Counts per time bucket and key.

    Parameters
    ----------
    bucket : {"day", "week", "month"}
        Weeks start on Monday; months read the month rollup for whole months.
    by : {"subject", "category", "source", "status"}

    Returns
    -------
    DataFrame
        bucket (date), key, name_zh, name_en, n; ordered by bucket then key.
    """
    if bucket not in BUCKETS or by not in ("subject", "category", "source", "status"):
        raise ValueError(f"unsupported series {bucket!r} by {by!r}")
    group = {"subject": "category"}.get(by, by)
    source, params = row_source(f, grain="any" if bucket == "month" else "day", group=group)
    key, join, names, cols = BREAKDOWNS[by]
    sql = f"""select x.bucket, x.key, {cols}, x.n
              from (select date_trunc(:bucket, s.t)::date as bucket, {key} as key,
                           sum(s.n)::int as n
                    from ({source}) s {join} group by 1, 2 having sum(s.n) <> 0) x {names}
              order by x.bucket, x.key"""
    out = _frame(conn, sql, {**params, "bucket": bucket})
    out["bucket"] = pd.to_datetime(out["bucket"])
    return out


def breakdown(conn: Connection, f: AnalystFilter, by: str) -> pd.DataFrame:
    """Counts by one dimension, largest first.

    Parameters
    ----------
    by : {"subject", "category", "source", "status", "street", "community", "grid",
          "department"}
        Department "0" is work handled by a street or community itself.

    Returns
    -------
    DataFrame
        key (str), name_zh, name_en, n, closed, close_hours_mean.
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"unsupported breakdown {by!r}")
    source, params = row_source(f, group={"subject": "category"}.get(by, by))
    key, join, names, cols = BREAKDOWNS[by]
    sql = f"""select x.key, {cols}, x.n, x.closed,
                     x.close_hours_mean
              from (select {key} as key, sum(s.n)::int as n, sum(s.n_closed)::int as closed,
                           sum(s.close_s) / nullif(sum(s.n_closed), 0) / 3600.0
                             as close_hours_mean
                    from ({source}) s {join} group by 1 having sum(s.n) <> 0) x {names}
              order by x.n desc, x.key"""
    return _frame(conn, sql, params)


def totals(conn: Connection, f: AnalystFilter) -> dict:
    """The selection's count, closed count and mean hours to close."""
    source, params = row_source(f)
    sql = f"""select coalesce(sum(n), 0)::int as n, coalesce(sum(n_closed), 0)::int as closed,
                     sum(close_s) / nullif(sum(n_closed), 0) / 3600.0 as close_hours_mean
              from ({source}) s"""
    return dict(conn.execute(text(sql), params).mappings().one())


def places(conn: Connection) -> dict[str, pd.DataFrame]:
    """The place hierarchy for selectors and drill-down: streets, communities, grids.

    Returns
    -------
    dict
        "street" (id, code, name_zh, name_en), "community" (id, code, street_id, name_zh,
        name_en), "grid" (id, code, community_id, street_id, name_zh, population).
    """
    sqls = {
        "street": "select id, code, name_zh, name_en from streets order by code",
        "community": """select id, code, street_id, name_zh, name_en from communities
                        order by code""",
        "grid": """select id, code, community_id, street_id, name_zh, population from grids
                   order by code""",
    }
    return {level: _frame(conn, sql, {}) for level, sql in sqls.items()}
