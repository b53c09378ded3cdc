"""What the phone page reads: the worker's grids as small outlines, category use, work lists."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select, text

from data.devices import DeviceRef
from data.models import Device, User

# ~2 m at Tianjin's latitude: invisible on a 360 px drawing of one grid, and 5-10x fewer
# vertices for the phone to download.
SIMPLIFY_DEG = 0.00002

GRIDS = text("""
select g.id, g.code, g.name_zh, cm.name_zh as community_name, s.name_zh as street_name,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, :tol), 5) as outline
from grids g
join communities cm on cm.id = g.community_id
join streets s on s.id = g.street_id
where g.id = any(:ids)
order by g.id
""")

LANDMARKS = text("""
select 'building' as kind, b.address as name, round(ST_X(b.geom)::numeric, 5) as lon,
       round(ST_Y(b.geom)::numeric, 5) as lat
from buildings b where b.grid_id = any(:ids)
union all
select 'camera', c.name_zh, round(ST_X(c.geom)::numeric, 5), round(ST_Y(c.geom)::numeric, 5)
from cameras c where c.grid_id = any(:ids)
order by 1, 2
limit :limit
""")

USAGE = text("""
select category_code as code,
       count(*) filter (where reporter_id = :user_id) as mine,
       count(*) as grid
from incidents
where reported_at >= :since and (reporter_id = :user_id or grid_id = any(:grids))
group by category_code
""")

COUNTS = text("""
select count(*) filter (where reported_at >= :day0) as today,
       count(*) filter (where reported_at >= :month0) as month
from incidents where reporter_id = :user_id and reported_at >= least(:day0, :month0)
""")

# Only what a grid worker may see of work in their grids: no reporter, no contact.
ITEM_COLUMNS = """
select i.id, i.code, i.status, i.category_code, c.name_zh as category_name,
       c.name_en as category_name_en, i.grid_id, i.address, left(i.description, 80) as description,
       i.photo_url, i.reported_at, i.deadline, (i.reporter_id = :user_id) as mine,
       ST_X(i.geom) as lon, ST_Y(i.geom) as lat
from incidents i join categories c on c.code = i.category_code
"""
LISTS = {
    "open": text(ITEM_COLUMNS + """
        where i.grid_id = any(:grids) and i.status = any(:open)
        order by i.reported_at desc, i.id desc limit :limit"""),
    "verify": text(ITEM_COLUMNS + """
        where i.status = 'resolved' and (i.reporter_id = :user_id or i.grid_id = any(:grids))
        order by i.resolved_at, i.id limit :limit"""),
    "mine": text(ITEM_COLUMNS + """
        where i.reporter_id = :user_id and i.reported_at >= :since
        order by i.reported_at desc, i.id desc limit :limit"""),
}


def worker_grids(conn: Connection, grid_ids: list[int], tolerance: float = SIMPLIFY_DEG) -> list[dict]:
    """The worker's grids with simplified outlines (GeoJSON geometry, 1e-5 degrees).

    Parameters
    ----------
    conn : Connection
    grid_ids : list of int
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    list of dict
        id, code, name_zh, community_name, street_name, outline (a GeoJSON geometry dict).
    """
    rows = conn.execute(GRIDS, {"ids": list(grid_ids), "tol": tolerance}).mappings()
    return [{**dict(r), "outline": json.loads(r["outline"])} for r in rows]


def beat_landmarks(conn: Connection, grid_ids: list[int], limit: int = 400) -> list[dict]:
    """What a worker recognises in their grids, for the phone's offline map: buildings (by
    address, from the residents' layer) and cameras (by name).

    Parameters
    ----------
    conn : Connection
    grid_ids : list of int
    limit : int
        At most this many (a drawing of one grid has no room for more).

    Returns
    -------
    list of dict
        kind ("building" or "camera"), name, lon, lat (WGS84, 1e-5 degrees).
    """
    rows = conn.execute(LANDMARKS, {"ids": list(grid_ids), "limit": limit}).mappings()
    return [{**dict(r), "lon": float(r["lon"]), "lat": float(r["lat"])} for r in rows]


def category_usage(conn: Connection, user_id: int, grid_ids: list[int],
                   since: datetime) -> dict[str, tuple[int, int]]:
    """How often each category was reported by this worker and in their grids since ``since``.

    Parameters
    ----------
    conn : Connection
    user_id : int
    grid_ids : list of int
    since : datetime

    Returns
    -------
    dict
        category code -> (by the worker, in the worker's grids or by the worker).
    """
    rows = conn.execute(USAGE, {"user_id": user_id, "grids": list(grid_ids), "since": since})
    return {r.code: (int(r.mine), int(r.grid)) for r in rows}


def report_counts(conn: Connection, user_id: int, day0: datetime, month0: datetime) -> dict:
    """How many incidents the worker reported since the start of today and of this month.

    Parameters
    ----------
    conn : Connection
    user_id : int
    day0, month0 : datetime
        The local starts of today and of this month.

    Returns
    -------
    dict
        today, month.
    """
    row = conn.execute(COUNTS, {"user_id": user_id, "day0": day0, "month0": month0}).one()
    return {"today": int(row.today), "month": int(row.month)}


def work_list(conn: Connection, kind: str, user_id: int, grid_ids: list[int],
              open_statuses: tuple[str, ...] = (), since: datetime | None = None,
              limit: int = 50) -> list[dict]:
    """One of the worker's lists: "open" in their grids, "verify" (resolved, theirs to
    check), or "mine" (reported by them since ``since``).

    Parameters
    ----------
    conn : Connection
    kind : {"open", "verify", "mine"}
    user_id : int
    grid_ids : list of int
    open_statuses : tuple of str
        The statuses "open" means (workflow decides).
    since : datetime, optional
    limit : int

    Returns
    -------
    list of dict
    """
    params = {"user_id": user_id, "grids": list(grid_ids), "open": list(open_statuses),
              "since": since, "limit": limit}
    return [dict(r) for r in conn.execute(LISTS[kind], params).mappings()]


def device_of_user(conn: Connection, user_id: int) -> DeviceRef | None:
    """The worker's first active phone (the one the page's patrol positions belong to).

    Parameters
    ----------
    conn : Connection
    user_id : int

    Returns
    -------
    DeviceRef or None
    """
    row = conn.execute(select(Device.id, Device.device_id, Device.user_id, Device.active,
                              Device.clock_offset_s, User.district_code)
                       .join(User, User.id == Device.user_id)
                       .where(Device.user_id == user_id, Device.active.is_(True))
                       .order_by(Device.id).limit(1)).first()
    return None if row is None else DeviceRef(row.id, row.device_id, row.user_id, row.active,
                                              row.clock_offset_s, row.district_code)
