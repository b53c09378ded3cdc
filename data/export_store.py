"""Reads of the hierarchy, incidents and cameras as GeoDataFrames (WGS84), for files out."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, text

LEVEL_SQL = {
    "district": """
        select d.code, d.name_zh, d.name_en, null as parent_code, d.area_km2,
               ST_AsBinary(d.geom) as wkb
        from districts d where d.code like :prefix order by d.code""",
    "street": """
        select s.code, s.name_zh, s.name_en, d.code as parent_code, d.code as district_code,
               s.area_km2, ST_AsBinary(s.geom) as wkb
        from streets s join districts d on d.id = s.district_id
        where s.code like :prefix order by s.code""",
    "community": """
        select c.code, c.name_zh, c.name_en, s.code as parent_code, s.code as street_code,
               s.name_zh as street_name, c.area_km2, ST_AsBinary(c.geom) as wkb
        from communities c join streets s on s.id = c.street_id
        where c.code like :prefix order by c.code""",
    "grid": """
        select g.code, g.name_zh, null as name_en, c.code as parent_code,
               c.code as community_code, c.name_zh as community_name,
               s.code as street_code, s.name_zh as street_name, g.area_km2, g.population,
               ST_AsBinary(g.geom) as wkb
        from grids g join communities c on c.id = g.community_id
             join streets s on s.id = g.street_id
        where g.code like :prefix order by g.code""",
}

INCIDENTS_SQL = text("""
    select i.code, i.source_system, i.source_code, i.category_code, i.source, i.status,
           i.handled_by,
           d.code as department_code, i.address, i.description,
           i.reported_at, i.accepted_at, i.dispatched_at, i.started_at, i.resolved_at,
           i.verified_at, i.closed_at, i.rejected_at, i.deadline,
           g.code as grid_code, ST_AsBinary(i.geom) as wkb
    from incidents i join grids g on g.id = i.grid_id
         left join departments d on d.id = i.department_id
    order by i.reported_at, i.code
""")

CAMERAS_SQL = text("""
    select c.code, c.name_zh, c.kind, coalesce(d.code, s.code) as owner,
           g.code as grid_code, ST_AsBinary(c.geom) as wkb
    from cameras c left join departments d on d.id = c.owner_department_id
         left join streets s on s.id = c.owner_street_id
         left join grids g on g.id = c.grid_id
    order by c.code
""")


def level_frame(conn: Connection, level: str, prefix: str = "") -> gpd.GeoDataFrame:
    """One level of the hierarchy with its parent's code and names.

    Parameters
    ----------
    conn : Connection
    level : str
        ``district``, ``street``, ``community`` or ``grid``.
    prefix : str, optional
        Only units whose code starts with it (a district code keeps one district).

    Returns
    -------
    GeoDataFrame
        Columns code, name_zh, name_en, parent_code, the level's parent columns,
        area_km2, and the geometry (EPSG:4326).
    """
    result = conn.execute(text(LEVEL_SQL[level]), {"prefix": prefix + "%"})
    return _frame(result)


def incidents_frame(conn: Connection) -> gpd.GeoDataFrame:
    """Every incident with its category, lifecycle times (UTC) and grid code.

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    GeoDataFrame
        Points in EPSG:4326.
    """
    return _frame(conn.execute(INCIDENTS_SQL))


def cameras_frame(conn: Connection) -> gpd.GeoDataFrame:
    """Every camera with its owner (department or street code) and grid code.

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    GeoDataFrame
        Points in EPSG:4326.
    """
    return _frame(conn.execute(CAMERAS_SQL))


def _frame(result) -> gpd.GeoDataFrame:
    columns = list(result.keys())
    rows = result.all()
    frame = pd.DataFrame([r[:-1] for r in rows], columns=columns[:-1])
    wkb = np.asarray([bytes(r[-1]) for r in rows], dtype=object)
    geoms = shapely.from_wkb(wkb) if len(wkb) else np.asarray([], dtype=object)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
                            crs="EPSG:4326")
