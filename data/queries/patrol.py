"""What the live patrol simulator needs from the world: workers, their phones and beats."""
from __future__ import annotations

from typing import NamedTuple

import shapely
from sqlalchemy import Connection, text

ROSTER = text("""
select d.device_id, d.id as device_pk, u.id as user_id, g.id as grid_id,
       ST_AsBinary(g.geom) as grid_wkb
from devices d
join users u on u.id = d.user_id and u.role = 'grid_worker' and u.active
join lateral (
  select wg.grid_id from worker_grids wg where wg.user_id = u.id
  order by wg.is_primary desc, wg.grid_id limit 1
) beat on true
join grids g on g.id = beat.grid_id
where d.active
order by d.device_id
limit :limit
""")

CATEGORIES = text("select code, name_zh from categories where level = 2 order by code")


class Patroller(NamedTuple):
    """A grid worker's phone and the basic grid they patrol (WGS84 polygon)."""

    device_id: str
    device_pk: int
    user_id: int
    grid_id: int
    grid: object


def patrol_roster(conn: Connection, limit: int | None = None) -> list[Patroller]:
    """Active grid workers' active devices with their primary basic grid.

    Parameters
    ----------
    conn : Connection
    limit : int, optional
        At most this many (ordered by device id, so the same ones every time).

    Returns
    -------
    list of Patroller
    """
    rows = conn.execute(ROSTER, {"limit": limit}).all()
    return [Patroller(r.device_id, r.device_pk, r.user_id, r.grid_id,
                      shapely.from_wkb(bytes(r.grid_wkb))) for r in rows]


def incident_categories(conn: Connection) -> list[tuple[str, str]]:
    """Second-level incident categories (what a patrol reports): code and Chinese name.

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    list of (str, str)
    """
    return [(r.code, r.name_zh) for r in conn.execute(CATEGORIES)]
