"""The analyst's filter and the row sources it selects: the rollups, or the incidents."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The rollups' days are Beijing calendar days (migration 0004); raw reads must agree.
TZ = "Asia/Shanghai"
WORKING = ["dispatched", "in_progress", "reopened"]


@dataclass(frozen=True)
class AnalystFilter:
    """What an analyst selected. Dates are inclusive Beijing calendar days.

    ``category`` is a subject (level 1, e.g. "01") or a category ("0102"); ``department_id``
    is the assigned department; ``overdue`` (judged at ``now``) needs the incidents table.
    The ``scope_*`` fields are the reader's own scope (workflow.analyst_scope), applied on
    top of whatever was chosen: a street, a community, or a department (the incidents
    dispatched to it or whistled to it, as the JSON API lists them; read from the
    incidents, since the rollups do not know whistles).
    """

    date_from: date
    date_to: date
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    category: str | None = None
    sources: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    department_id: int | None = None
    overdue: bool = False
    now: datetime | None = field(default=None, compare=False)
    scope_street_id: int | None = None
    scope_community_id: int | None = None
    scope_department_id: int | None = None
    scope_district_code: str | None = None

    @property
    def needs_incidents(self) -> bool:
        """True when the rollups cannot answer (overdue, or a department's scope)."""
        return self.overdue or self.scope_department_id is not None

    def shifted(self, days: int) -> AnalystFilter:
        """The same filter moved ``days`` back (the previous period of the same length)."""
        return replace(self, date_from=self.date_from - timedelta(days=days),
                       date_to=self.date_to - timedelta(days=days))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


# Fixed fragments, chosen by which parameters are present (as in data/queries/cases.py).
# ``{p}`` prefixes the parameter names, so two periods can share one statement.
COMMON_WHERE = {
    "street_id": "{a}.street_id = :{p}street_id",
    "community_id": "{a}.community_id = :{p}community_id",
    "grid_id": "{a}.grid_id = :{p}grid_id",
    "category": """{a}.category_code in (select code from categories
                   where code = :{p}category or parent_code = :{p}category)""",
    "sources": "{a}.source = any(:{p}sources)",
    "statuses": "{a}.status = any(:{p}statuses)",
    "department_id": "{a}.department_id = :{p}department_id",
    "scope_street_id": "{a}.street_id = :{p}scope_street_id",
    "scope_community_id": "{a}.community_id = :{p}scope_community_id",
    # Rollups carry no district: a street lies in one district, so its streets say it.
    "scope_district_code": """{a}.street_id in (select st.id from streets st join districts di
                              on di.id = st.district_id where di.code = :{p}scope_district_code)""",
}
RAW_WHERE = {**COMMON_WHERE,
             "scope_department_id": """({a}.department_id = :{p}scope_department_id or exists (
                 select 1 from whistle_incidents wi join whistle_summons ws
                   on ws.whistle_id = wi.whistle_id
                 where wi.incident_id = {a}.id and ws.department_id = :{p}scope_department_id))""",
             "ts_from": "{a}.reported_at >= :{p}ts_from",
             "ts_to": "{a}.reported_at < :{p}ts_to",
             "overdue": "({a}.status = any(:{p}working) and {a}.deadline < :{p}now)"}


def beijing_start(day: date) -> datetime:
    """The moment a Beijing calendar day begins, timezone-aware."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(TZ))


def filter_params(f: AnalystFilter) -> dict:
    """Bound parameters for the fragments that apply (absent keys select nothing)."""
    params: dict = {"ts_from": beijing_start(f.date_from),
                    "ts_to": beijing_start(f.date_to + timedelta(days=1)), "tz": TZ}
    for key in ("street_id", "community_id", "grid_id", "category", "department_id",
                "scope_street_id", "scope_community_id", "scope_department_id",
                "scope_district_code"):
        if getattr(f, key) is not None:
            params[key] = getattr(f, key)
    if f.sources:
        params["sources"] = list(f.sources)
    if f.statuses:
        params["statuses"] = list(f.statuses)
    if f.overdue:
        params.update(overdue=True, working=WORKING, now=f.now or datetime.now(ZoneInfo(TZ)))
    return params


# A case merged into another is counted once, as its parent (the rollups skip it too).
UNMERGED = "{a}.parent_id is null"


def where(fragments: dict, params: dict, alias: str, extra: tuple[str, ...] = (),
          prefix: str = "") -> str:
    """AND of the fragments whose parameter is present, plus ``extra`` conditions (whose
    ``{p}`` is the parameter prefix too).
    """
    parts = [fragments[k].format(a=alias, p=prefix) for k in fragments if k in params]
    parts += [x.format(p=prefix) for x in extra]
    return (" where " + " and ".join(parts)) if parts else ""


def prefixed(params: dict, prefix: str) -> dict:
    """``params`` with every name prefixed (to match ``where(..., prefix=...)``)."""
    return {prefix + k: v for k, v in params.items()}


ROLLUP_COLUMNS = ("grid_id, street_id, community_id, category_code, source, status, "
                  "department_id, n, n_closed, close_s")
RAW_COLUMNS = """(i.reported_at at time zone :{p}tz)::date as t, i.grid_id, i.street_id,
    i.community_id, i.category_code, i.source, i.status, coalesce(i.department_id, 0)
    as department_id, 1 as n, (i.closed_at is not null)::int as n_closed,
    coalesce(extract(epoch from i.closed_at - i.reported_at), 0)::bigint as close_s"""


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_range(date_from: date, date_to: date) -> dict:
    """Whole months in [from, to] go to the month rollup, the ragged ends to the day rollup."""
    end = date_to + timedelta(days=1)
    m0 = date_from if date_from.day == 1 else _next_month(date_from)
    m1 = _month_start(end)
    if m0 >= m1:
        return {"d0": date_from, "d1": end, "m0": m0, "m1": m0, "d2": end, "d3": end}
    return {"d0": date_from, "d1": m0, "m0": m0, "m1": m1, "d2": m1, "d3": end}


# The monthly cubes, narrowest first, with the columns each can answer (others are null).
MONTH_TABLES = (
    ("incident_rollup_grid_month", {"grid", "community", "street"},
     "grid_id, street_id, community_id, null::varchar as category_code, null::varchar as source,"
     " null::varchar as status, null::int as department_id, n, n_closed, close_s"),
    ("incident_rollup_street_month", {"street", "category", "source", "status", "department"},
     "null::int as grid_id, street_id, null::int as community_id, category_code, source, status,"
     " department_id, n, n_closed, close_s"),
    ("incident_rollup_month", None, ROLLUP_COLUMNS),
)
DAY_TABLES = (
    ("incident_rollup_day_kind", {"category", "source", "status", "department"},
     "null::int as grid_id, null::int as street_id, null::int as community_id, category_code,"
     " source, status, department_id, n, n_closed, close_s"),
    ("incident_rollup", None, ROLLUP_COLUMNS),
)
FILTER_COLUMNS = {"street_id": "street", "community_id": "community", "grid_id": "grid",
                  "category": "category", "sources": "source", "statuses": "status",
                  "department_id": "department", "scope_street_id": "street",
                  "scope_community_id": "community", "scope_district_code": "street"}


def narrowest(tables: tuple, params: dict, group: str | None) -> tuple[str, str]:
    """The narrowest cube holding every column the filter and the grouping use."""
    needed = {FILTER_COLUMNS[k] for k in FILTER_COLUMNS if k in params}
    if group:
        needed.add(group)
    for table, columns, select in tables:
        if columns is None or needed <= columns:
            return table, select
    raise AssertionError("unreachable")


def row_source(f: AnalystFilter, grain: str = "any", group: str | None = None,
               prefix: str = "") -> tuple[str, dict]:
    """A subquery of (t, grid, street, community, category, source, status, department, n,
    n_closed, close_s) rows for ``f``, and its parameters.

    Rollups answer unless the filter needs the incidents (overdue); ``grain="day"`` keeps
    daily resolution in ``t`` (a monthly cube's ``t`` is the first of its month). ``group``
    names the column the caller groups by (grid, community, street, category, source,
    status, department), so whole months can come from the narrowest cube that has it.
    ``prefix`` goes before every parameter name (two row sources in one statement).
    """
    params, p = filter_params(f), prefix
    if f.needs_incidents:
        return ("select " + RAW_COLUMNS.format(p=p) + " from incidents i"
                + where(RAW_WHERE, params, "i", (UNMERGED.format(a="i"),), prefix=p),
                prefixed(params, p))
    common = COMMON_WHERE
    days, day_columns = narrowest(DAY_TABLES, params, group)
    if grain == "day":
        params.update(d0=f.date_from, d1=f.date_to + timedelta(days=1))
        return ("select day as t, " + day_columns + " from " + days + " r"
                + where(common, params, "r", ("r.day >= :{p}d0", "r.day < :{p}d1"), p),
                prefixed(params, p))
    params.update(split_range(f.date_from, f.date_to))
    months, month_columns = narrowest(MONTH_TABLES, params, group)
    parts = [
        "select day as t, " + day_columns + " from " + days + " r"
        + where(common, params, "r", ("r.day >= :{p}d0", "r.day < :{p}d1"), p),
        "select month as t, " + month_columns + " from " + months + " r"
        + where(common, params, "r", ("r.month >= :{p}m0", "r.month < :{p}m1"), p),
        "select day as t, " + day_columns + " from " + days + " r"
        + where(common, params, "r", ("r.day >= :{p}d2", "r.day < :{p}d3"), p),
    ]
    return " union all ".join(parts), prefixed(params, p)


def raw_source(f: AnalystFilter, alias: str = "i") -> tuple[str, dict]:
    """The WHERE clause over ``incidents {alias}`` for ``f``, and its parameters."""
    params = filter_params(f)
    return where(RAW_WHERE, params, alias, (UNMERGED.format(a=alias),)), params
