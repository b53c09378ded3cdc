"""Lists of incidents and whistles for the workbench and the API: scoped, filtered, paged."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

WORKING = ["dispatched", "in_progress", "reopened"]
WHISTLE_OPEN = ["summoned", "reported_in"]

# Each filter is a fixed SQL fragment with named parameters; callers only choose which
# fragments apply and supply the values, so nothing they send reaches the SQL text.
INCIDENT_WHERE = {
    "scope_district": "i.district_code = :scope_district",
    "scope_street": "i.street_id = :scope_street",
    "scope_community": "i.community_id = :scope_community",
    "scope_department": """(i.department_id = :scope_department or exists (
        select 1 from whistle_incidents wi join whistle_summons ws on ws.whistle_id = wi.whistle_id
        where wi.incident_id = i.id and ws.department_id = :scope_department))""",
    "scope_user": "(i.reporter_id = :scope_user or i.grid_id = any(:scope_grids))",
    "statuses": "i.status = any(:statuses)",
    "street_id": "i.street_id = :street_id",
    "community_id": "i.community_id = :community_id",
    "grid_id": "i.grid_id = :grid_id",
    "department_id": "i.department_id = :department_id",
    "category": "(i.category_code = :category or c.parent_code = :category)",
    "source": "i.source = :source",
    "overdue": "(i.status = any(:working) and i.deadline < :now)",
    "q": "(i.code ilike :q or i.source_code ilike :q or i.address ilike :q"
         " or i.description ilike :q)",
    "reported_from": "i.reported_at >= :reported_from",
    "reported_to": "i.reported_at < :reported_to",
    "whistled": "exists (select 1 from whistle_incidents wi where wi.incident_id = i.id)",
    # A case merged into another is listed and counted once, as its parent (always on).
    "unmerged": "i.parent_id is null",
}
INCIDENT_ORDER = {
    "-reported_at": "i.reported_at desc, i.id desc",
    "reported_at": "i.reported_at, i.id",
    "deadline": "i.deadline nulls last, i.id",
}
INCIDENT_FROM = """
    from incidents i
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    join communities cm on cm.id = i.community_id
    left join departments d on d.id = i.department_id
"""
# Counting needs only the incidents: street, community and category are NOT NULL foreign
# keys, so the inner joins never drop a row (the left join never adds one). The category
# filter alone reads a joined column (its subjects' parent code).
COUNT_FROM = " from incidents i "
COUNT_FROM_CATEGORY = COUNT_FROM + "join categories c on c.code = i.category_code "
# The month-by-street rollup (migration 0004, kept right by triggers in the same
# transaction as every change) holds these filters' columns: counting its ~30,000 rows for a
# year takes 5 ms where counting the incidents takes 30-40. Any other filter (text, overdue,
# dates, whistles, a community or grid, a worker's own or a department's summoned incidents)
# counts the incidents themselves.
ROLLUP_COUNTABLE = ("scope_district", "scope_street", "statuses", "street_id", "department_id", "category",
                    "source", "unmerged")
# The rollups hold no merged case (migration 0019's triggers skip them).
ROLLUP_WHERE = {k: "true" if k == "unmerged" else INCIDENT_WHERE[k].replace("i.", "r.")
                for k in ROLLUP_COUNTABLE}
# The rollup has no district column: a street lies in one district, so its streets say it.
ROLLUP_WHERE["scope_district"] = """r.street_id in (select st.id from streets st
    join districts di on di.id = st.district_id where di.code = :scope_district)"""
ROLLUP_COUNT = "select coalesce(sum(r.n), 0) from incident_rollup_street_month r "
ROLLUP_COUNT_CATEGORY = ROLLUP_COUNT + "join categories c on c.code = r.category_code "
INCIDENT_COLUMNS = """
    select i.id, i.code, i.source_code, i.status, i.source, i.handled_by, i.category_code,
           c.name_zh as category_name, c.name_en as category_name_en,
           i.street_id, s.name_zh as street_name, s.name_en as street_name_en,
           i.community_id, cm.name_zh as community_name,
           i.grid_id, i.department_id, d.code as department_code, d.name_zh as department_name,
           d.name_en as department_name_en,
           i.reporter_id, i.address, left(i.description, 120) as description, i.reported_at,
           i.dispatched_at, i.deadline, i.closed_at, i.reopen_count,
           ST_X(i.geom) as lon, ST_Y(i.geom) as lat
"""


def _escape_like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scope_params(scope: dict, prefix: str = "scope_") -> dict:
    """Turn a scope (district_code, street_id, community_id, department_id, own, leader_id)
    into parameters.
    """
    params: dict = {}
    if scope.get("district_code") is not None:
        params[prefix + "district"] = scope["district_code"]
    for key in ("street_id", "community_id", "department_id", "leader_id"):
        if scope.get(key) is not None:
            params[prefix + key.removesuffix("_id")] = scope[key]
    if "own" in scope:
        params[prefix + "user"], grids = scope["own"]
        params[prefix + "grids"] = list(grids)
    return params


def where_clause(fragments: dict, params: dict) -> str:
    """AND of the fixed fragments whose parameter is present ("" when none is)."""
    keys = [k for k in fragments if k in params]
    return (" where " + " and ".join(fragments[k] for k in keys)) if keys else ""


def incident_params(scope: dict, filters: dict, now: datetime) -> dict:
    """Parameters for INCIDENT_WHERE from a scope and the caller's filters."""
    params = scope_params(scope)
    params["unmerged"] = True
    for key in ("street_id", "community_id", "grid_id", "department_id", "category", "source",
                "reported_from", "reported_to"):
        if filters.get(key) is not None:
            params[key] = filters[key]
    if filters.get("statuses"):
        params["statuses"] = list(filters["statuses"])
    if filters.get("q"):
        params["q"] = _escape_like(filters["q"])
    if filters.get("overdue"):
        params.update(overdue=True, working=WORKING, now=now)
    if filters.get("whistled"):
        params["whistled"] = True
    return params


def list_incidents(conn: Connection, scope: dict, filters: dict, now: datetime,
                   limit: int = 50, offset: int = 0, sort: str = "-reported_at") -> tuple[list[dict], int]:
    """A page of incidents in ``scope`` matching ``filters``, and how many match in all.

    Parameters
    ----------
    conn : Connection
    scope : dict
        From workflow.roles.list_filter: street_id, community_id, department_id or own.
    filters : dict
        statuses, street_id, community_id, grid_id, department_id, category (a code or a
        subject's code), source, overdue, q (text), reported_from, reported_to, whistled.
    now : datetime
        The moment "overdue" is judged at.
    limit, offset : int
    sort : {"-reported_at", "reported_at", "deadline"}

    Returns
    -------
    (list of dict, int)
    """
    params = incident_params(scope, filters, now)
    where = where_clause(INCIDENT_WHERE, params)
    total = conn.execute(text(count_sql(params)), params).scalar_one()
    order = INCIDENT_ORDER.get(sort, INCIDENT_ORDER["-reported_at"])
    sql = text(INCIDENT_COLUMNS + INCIDENT_FROM + where + " order by " + order
               + " limit :limit offset :offset")
    rows = conn.execute(sql, {**params, "limit": limit, "offset": offset}).mappings()
    return [dict(r) for r in rows], int(total)


def count_sql(params: dict) -> str:
    """How many incidents match: from the rollup when every filter used is one it holds."""
    used = [k for k in INCIDENT_WHERE if k in params]
    category = "category" in params
    if all(k in ROLLUP_COUNTABLE for k in used):
        return (ROLLUP_COUNT_CATEGORY if category else ROLLUP_COUNT) + where_clause(ROLLUP_WHERE,
                                                                                   params)
    return "select count(*)" + (COUNT_FROM_CATEGORY if category else COUNT_FROM) + where_clause(
        INCIDENT_WHERE, params)


WHISTLE_WHERE = {
    "scope_district": "w.district_code = :scope_district",
    "scope_street": "w.street_id = :scope_street",
    "scope_community": """exists (select 1 from whistle_incidents wi join incidents i
        on i.id = wi.incident_id where wi.whistle_id = w.id and i.community_id = :scope_community)""",
    "scope_department": """exists (select 1 from whistle_summons ws
        where ws.whistle_id = w.id and ws.department_id = :scope_department)""",
    "scope_leader": """exists (select 1 from whistle_summons ws
        where ws.whistle_id = w.id and ws.leader_id = :scope_leader)""",
    "statuses": "w.status = any(:statuses)",
    "street_id": "w.street_id = :street_id",
    "department_id": """exists (select 1 from whistle_summons ws
        where ws.whistle_id = w.id and ws.department_id = :department_id)""",
    "level": "w.level = :level",
    "awaiting_department": """exists (select 1 from whistle_summons ws where ws.whistle_id = w.id
        and ws.department_id = :awaiting_department and ws.arrived_at is null)""",
    "awaiting_leader": """exists (select 1 from whistle_summons ws where ws.whistle_id = w.id
        and ws.leader_id = :awaiting_leader and ws.arrived_at is null)""",
    "overdue": "(w.status = any(:open) and w.deadline < :now)",
    "incident_id": """exists (select 1 from whistle_incidents wi
        where wi.whistle_id = w.id and wi.incident_id = :incident_id)""",
}
WHISTLE_COLUMNS = """
    select w.id, w.code, w.street_id, s.name_zh as street_name, s.name_en as street_name_en,
           w.level, w.parent_id, w.matter,
           w.status, w.blown_at, w.meeting_at, w.meeting_place, w.deadline, w.completed_at,
           w.closed_at, ST_X(w.geom) as lon, ST_Y(w.geom) as lat,
           (select string_agg(coalesce(d.name_zh, u.display_name), '、' order by ws.id)
              from whistle_summons ws left join departments d on d.id = ws.department_id
              left join users u on u.id = ws.leader_id where ws.whistle_id = w.id) as parties,
           (select string_agg(coalesce(d.name_en, u.display_name), ', ' order by ws.id)
              from whistle_summons ws left join departments d on d.id = ws.department_id
              left join users u on u.id = ws.leader_id where ws.whistle_id = w.id)
             as parties_en,
           (select count(*) from whistle_summons ws where ws.whistle_id = w.id) as party_count,
           (select count(*) from whistle_summons ws where ws.whistle_id = w.id
              and ws.completed_at is not null) as parties_done
"""
WHISTLE_FROM = " from whistles w join streets s on s.id = w.street_id"


def list_whistles(conn: Connection, scope: dict, filters: dict, now: datetime,
                  limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """A page of whistles in ``scope`` matching ``filters`` (newest first), and the total.

    ``filters``: statuses, street_id, department_id (summoned), level, overdue, incident_id,
    awaiting_department / awaiting_leader (summoned and not yet on site).
    """
    params = scope_params(scope)
    params["unmerged"] = True
    for key in ("street_id", "department_id", "level", "incident_id", "awaiting_department",
                "awaiting_leader"):
        if filters.get(key) is not None:
            params[key] = filters[key]
    if filters.get("statuses"):
        params["statuses"] = list(filters["statuses"])
    if filters.get("overdue"):
        params.update(overdue=True, open=WHISTLE_OPEN, now=now)
    where = where_clause(WHISTLE_WHERE, params)
    total = conn.execute(text("select count(*)" + WHISTLE_FROM + where), params).scalar_one()
    sql = text(WHISTLE_COLUMNS + WHISTLE_FROM + where
               + " order by w.blown_at desc, w.id desc limit :limit offset :offset")
    rows = conn.execute(sql, {**params, "limit": limit, "offset": offset}).mappings()
    return [dict(r) for r in rows], int(total)
