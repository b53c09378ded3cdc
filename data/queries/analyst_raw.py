"""What only the incidents can answer: time to close, bins, points, the table, export."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from sqlalchemy import Connection, text

from data.queries.analyst_filter import AnalystFilter, raw_source, row_source

TABLE_JOINS = """
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    join communities cm on cm.id = i.community_id
    join grids g on g.id = i.grid_id
    left join departments d on d.id = i.department_id"""
TABLE_FROM = " from incidents i" + TABLE_JOINS
# Up to this many rows a selection is fetched first and sorted after (see incident_page).
SMALL_SELECTION = 5000
# Above this many incidents selected, close times are computed by two connections at once.
SPLIT_CLOSE_TIMES = 40_000
CLOSE_HOURS = "date_part('epoch', i.closed_at - i.reported_at) / 3600"
TABLE_COLUMNS = """select i.id, i.code, i.reported_at, i.status, i.source,
    c.name_zh as category, s.name_zh as street, cm.name_zh as community, g.code as grid,
    d.name_zh as department, c.name_en as category_en, s.name_en as street_en,
    cm.name_en as community_en, d.name_en as department_en, i.source_code, i.deadline, i.closed_at, i.address,
    left(i.description, 200) as description"""
# Sorting by any shown column, both ways; the tie-breaker keeps pages stable.
SORTABLE = {"code": "i.code", "reported_at": "i.reported_at", "status": "i.status",
            "source": "i.source", "category": "c.name_zh", "street": "s.name_zh",
            "community": "cm.name_zh", "grid": "g.code", "department": "d.name_zh",
            "deadline": "i.deadline", "closed_at": "i.closed_at", "address": "i.address"}


def _frame(conn: Connection, sql: str, params: dict) -> pd.DataFrame:
    result = conn.execute(text(sql), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def close_times(conn: Connection, f: AnalystFilter, split_at: int = SPLIT_CLOSE_TIMES
                ) -> pd.DataFrame:
    """Hours from report to close, per category: count, median and 90th percentile.

    A large selection bounded mostly by time (more than ``split_at`` incidents, at least
    half of the period's, no category chosen) is answered by two connections at once, each
    for half of the categories (:func:`_close_times_split`).

    Returns
    -------
    DataFrame
        category_code, name_zh, name_en, n, median_h, p90_h; slowest median first.
    """
    cond, params = raw_source(f)
    cond = (cond + " and" if cond else " where") + " i.closed_at is not null"
    _sort_in_memory(conn)
    if f.category is None and _mostly_time_bound(conn, f, split_at):
        return _close_times_split(conn, cond, params)
    # One sort per category of bare float8 hours (date_part, not numeric extract), grouped
    # on the code alone in byte order; names are joined to the 30 result rows afterwards.
    # Both percentiles share that sort.
    sql = f"""select x.category_code, c.name_zh, c.name_en, x.n, x.q[1] as median_h,
                     x.q[2] as p90_h
              from (select i.category_code collate "C" as category_code, count(*)::int as n,
                           percentile_cont(array[0.5, 0.9]) within group
                             (order by {CLOSE_HOURS}) as q
                    from incidents i {cond} group by 1) x
              join categories c on c.code = x.category_code
              order by x.q[1] desc, x.category_code"""
    return _frame(conn, sql, params)


def _sort_in_memory(conn: Connection) -> None:
    """Exact percentiles sort every closed incident of the selection; a year at 10x is ~3
    million rows: room, for this transaction, to sort them in memory instead of on disk.
    """
    conn.execute(text("select set_config('work_mem', '128MB', true)"))


def _mostly_time_bound(conn: Connection, f: AnalystFilter, split_at: int) -> bool:
    """More than ``split_at`` incidents selected, and at least half of the period's: the
    per-category reads (which select by category and time only) waste little on rows the
    other filters drop. Both counts come from the rollups.
    """
    n = incident_count(conn, f)
    if n <= split_at:
        return False
    period = AnalystFilter(f.date_from, f.date_to, now=f.now, scope_street_id=f.scope_street_id,
                           scope_community_id=f.scope_community_id,
                           scope_department_id=f.scope_department_id,
                           scope_district_code=f.scope_district_code)
    return 2 * n >= incident_count(conn, period)


def _close_times_by_category(conn: Connection, cond: str, params: dict,
                             codes: list[str]) -> pd.DataFrame:
    """Close times for the categories ``codes``: one range read of
    ix_incidents_category_time per category, already grouped, so nothing sorts the whole
    selection by category.
    """
    sql = f"""select c.code as category_code, c.name_zh, c.name_en, x.n, x.q[1] as median_h,
                     x.q[2] as p90_h
              from categories c cross join lateral (
                select count(*)::int as n, percentile_cont(array[0.5, 0.9]) within group
                         (order by {CLOSE_HOURS}) as q
                from incidents i {cond} and i.category_code = c.code) x
              where c.code = any(:codes) and x.n > 0"""
    return _frame(conn, sql, {**params, "codes": codes})


def _close_times_split(conn: Connection, cond: str, params: dict) -> pd.DataFrame:
    """A large selection's close times from two connections, half of the categories each.

    Exact percentiles cost a sort of every closed incident selected (~400,000 for a
    quarter of the district at 10x); the two halves sort at the same time on two cores.
    Each category is read whole by one connection, so each row is consistent in itself.
    """
    codes = [r[0] for r in conn.execute(text("select code from categories order by code"))]
    halves = [codes[0::2], codes[1::2]]

    def other_half() -> pd.DataFrame:
        with conn.engine.connect() as other:
            _sort_in_memory(other)
            return _close_times_by_category(other, cond, params, halves[1])

    with ThreadPoolExecutor(1) as pool:
        later = pool.submit(other_half)
        mine = _close_times_by_category(conn, cond, params, halves[0])
        both = pd.concat([mine, later.result()], ignore_index=True)
    return both.sort_values(["median_h", "category_code"], ascending=[False, True],
                            ignore_index=True)


def heat_bins(conn: Connection, f: AnalystFilter, size_deg: float = 0.002) -> pd.DataFrame:
    """Counts in square bins of ``size_deg`` degrees (centres as ST_SnapToGrid puts them):
    lon, lat, n.
    """
    cond, params = raw_source(f)
    # Integer cell numbers hash-aggregate where snapped geometries had to be sorted; round()
    # on float8 is rint(), half to even, as ST_SnapToGrid. geom is in ix_incidents_analyst,
    # so the scan never visits the table.
    sql = f"""select x.cx * s.size as lon, x.cy * s.size as lat, x.n
              from (select cast(:size as float8) as size) s, lateral (
                select round(ST_X(i.geom) / s.size)::int as cx,
                       round(ST_Y(i.geom) / s.size)::int as cy, count(*)::int as n
                from incidents i {cond} group by 1, 2) x order by x.n desc, 1, 2"""
    return _frame(conn, sql, {**params, "size": size_deg})


def incident_points(conn: Connection, f: AnalystFilter, limit: int = 2000) -> pd.DataFrame | None:
    """The selection's incidents as points, or None when there are more than ``limit``."""
    if incident_count(conn, f) > limit:  # the rollups know without touching the incidents
        return None
    cond, params = raw_source(f)
    # A small selection: fetched by the selective indexes, then sorted (see incident_page).
    sql = f"""select i.id, i.code, i.status, i.category_code, i.reported_at,
                     ST_X(i.geom) as lon, ST_Y(i.geom) as lat
              from (select * from incidents i {cond} offset 0) i
              order by i.reported_at desc, i.id desc limit :limit"""
    out = _frame(conn, sql, {**params, "limit": limit + 1})
    return None if len(out) > limit else out


def order_by(sort_model: list[dict] | None) -> str:
    """ORDER BY from an AG Grid sort model; unknown columns are ignored (newest first)."""
    parts = []
    for item in sort_model or []:
        column = SORTABLE.get(item.get("colId", ""))
        if column:
            parts.append(column + (" desc nulls last" if item.get("sort") == "desc" else " asc"))
    return ", ".join(parts + ["i.reported_at desc", "i.id desc"])


def incident_page(conn: Connection, f: AnalystFilter, start: int, end: int,
                  sort_model: list[dict] | None = None, count: int | None = None) -> pd.DataFrame:
    """Rows [start, end) of the selection in the table's order (the grid's infinite model).

    ``count`` is the selection's size when the caller has it (:func:`incident_count`).
    """
    cond, params = raw_source(f)
    if count is None:
        count = incident_count(conn, f)
    source = TABLE_FROM + cond
    if count <= SMALL_SELECTION:
        # A few rows over a long period: walking the time index newest first would visit
        # every incident of the period to find them; fetching them by the selective
        # indexes (the fence keeps the planner from ordering first) and sorting is cheap.
        source = " from (select * from incidents i" + cond + " offset 0) i" + TABLE_JOINS
    sql = (TABLE_COLUMNS + source + " order by " + order_by(sort_model)
           + " limit :limit offset :offset")
    return _frame(conn, sql, {**params, "limit": max(0, end - start), "offset": max(0, start)})


def incident_count(conn: Connection, f: AnalystFilter) -> int:
    """How many incidents the selection holds.

    The rollups answer (exact: the triggers keep them equal to the incidents) unless the
    filter needs the incidents (overdue); a year at 10x costs a few milliseconds, not a
    scan of millions of index entries.
    """
    source, params = row_source(f)
    return int(conn.execute(text(f"select coalesce(sum(n), 0) from ({source}) s"),
                            params).scalar_one())


def export_frame(conn: Connection, f: AnalystFilter, limit: int | None = None) -> pd.DataFrame:
    """The selection with readable columns, newest first, for CSV/XLSX export (at most
    ``limit`` rows when given).
    """
    cond, params = raw_source(f)
    sql = TABLE_COLUMNS + TABLE_FROM + cond + " order by i.reported_at desc, i.id desc"
    if limit is not None:
        sql += " limit :limit"
        params = {**params, "limit": int(limit)}
    return _frame(conn, sql, params)


NEAREST_SQL = text("""
    select x.id, x.code, x.name_zh, x.kind, x.owner, x.metres, x.lon, x.lat from (
      select c.id, c.code, c.name_zh, c.kind, coalesce(d.name_zh, s.name_zh) as owner,
             ST_Distance(c.geom::geography, i.geom::geography) as metres,
             ST_X(c.geom) as lon, ST_Y(c.geom) as lat
      from incidents i
      cross join lateral (select * from cameras c order by c.geom <-> i.geom limit :candidates) c
      left join departments d on d.id = c.owner_department_id
      left join streets s on s.id = c.owner_street_id
      where i.id = :incident_id) x
    where x.metres <= :radius order by x.metres, x.id limit :k
""")


def nearest_cameras(conn: Connection, incident_id: int, radius_m: float = 200.0,
                    k: int = 8) -> pd.DataFrame:
    """The cameras nearest an incident within ``radius_m`` metres, with their owners.

    The GiST index answers ``<->`` (nearest in degrees) for a short list of candidates;
    true distances on the spheroid then filter and order them.

    Returns
    -------
    DataFrame
        id, code, name_zh, kind, owner, metres, lon, lat; nearest first.
    """
    params = {"incident_id": incident_id, "radius": radius_m, "k": k, "candidates": 4 * k + 16}
    result = conn.execute(NEAREST_SQL, params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def grid_signature(conn: Connection) -> str:
    """A digest of every grid's id, code and polygon: it changes exactly when they do."""
    return conn.execute(text("""select md5(string_agg(id || ':' || code || ':' || md5(
        ST_AsEWKB(geom)), ',' order by id)) from grids""")).scalar() or ""


def grid_shapes(conn: Connection):
    """Every basic grid's exact polygon (for contiguity): GeoDataFrame of id, code, geometry."""
    import geopandas as gpd

    return gpd.read_postgis(text("select id, code, geom from grids order by code"), conn,
                            geom_col="geom")


REBUILD_SQL = (
    "truncate incident_rollup, incident_rollup_month, incident_rollup_street_month, "
    "incident_rollup_grid_month, incident_rollup_day_kind",
    """insert into incident_rollup (day, grid_id, category_code, source, status, department_id,
         street_id, community_id, district_code, n, n_closed, close_s)
       select (reported_at at time zone 'Asia/Shanghai')::date, grid_id, category_code, source,
              status, coalesce(department_id, 0), max(street_id), max(community_id),
              max(district_code), count(*), count(closed_at),
              sum(coalesce(extract(epoch from closed_at - reported_at), 0)::bigint)
       from incidents where parent_id is null group by 1, 2, 3, 4, 5, 6""",
    """insert into incident_rollup_month (month, grid_id, category_code, source, status,
         department_id, street_id, community_id, district_code, n, n_closed, close_s)
       select date_trunc('month', day)::date, grid_id, category_code, source, status,
              department_id, max(street_id), max(community_id), max(district_code), sum(n),
              sum(n_closed), sum(close_s)
       from incident_rollup group by 1, 2, 3, 4, 5, 6""",
    """insert into incident_rollup_street_month (month, street_id, category_code, source, status,
         department_id, district_code, n, n_closed, close_s)
       select month, street_id, category_code, source, status, department_id,
              max(district_code), sum(n), sum(n_closed), sum(close_s)
       from incident_rollup_month group by 1, 2, 3, 4, 5, 6""",
    """insert into incident_rollup_grid_month (month, grid_id, street_id, community_id,
         district_code, n, n_closed, close_s)
       select month, grid_id, max(street_id), max(community_id), max(district_code), sum(n),
              sum(n_closed), sum(close_s)
       from incident_rollup_month group by 1, 2""",
    """insert into incident_rollup_day_kind (day, category_code, source, status, department_id,
         n, n_closed, close_s)
       select day, category_code, source, status, department_id, sum(n), sum(n_closed),
              sum(close_s)
       from incident_rollup group by 1, 2, 3, 4, 5""",
)


def rebuild_rollups(conn: Connection) -> None:
    """Recompute both rollups from the incidents (after a load with the triggers off)."""
    # Enough memory to aggregate a year in one hash table, and rows in key order, so each
    # rollup's primary key grows at its right edge instead of splitting pages everywhere.
    conn.execute(text("select set_config('work_mem', '256MB', true)"))
    # Each row carries its incidents' district (a grid and a street lie in one district), so
    # the per-row triggers that look it up from the street (0022) are skipped.
    given = conn.execute(text("select current_setting('hongqiao.district_given', true)")).scalar()
    conn.execute(text("select set_config('hongqiao.district_given', 'on', true)"))
    for sql in REBUILD_SQL:
        conn.execute(text(sql + (" order by 1, 2, 3, 4, 5, 6" if "by 1, 2, 3, 4, 5, 6" in sql
                                 else "")))
    conn.execute(text("select set_config('hongqiao.district_given', :was, true)"),
                 {"was": given or ""})
