"""What the world holds: counts of every kind, and the grid polygons for maps."""
from __future__ import annotations

import json

from sqlalchemy import Connection, text

COUNT_SQL = text("""
select
  (select count(*) from streets) as streets,
  (select count(*) from communities) as communities,
  (select count(*) from grids) as grids,
  (select count(*) from residents) as residents,
  (select count(*) from users where role = 'grid_worker') as workers,
  (select count(*) from cameras) as cameras,
  (select count(*) from incidents
     where reported_at >= date_trunc('year', now() at time zone :tz) at time zone :tz)
     as incidents_year,
  (select count(*) from incidents) as incidents,
  (select count(*) from whistles) as whistles,
  (select count(*) from departments) as departments
""")


def world_counts(conn: Connection, tz: str = "Asia/Shanghai") -> dict[str, int]:
    """Counts of streets, communities, grids, residents, workers, cameras, incidents, whistles.

    Parameters
    ----------
    conn : Connection
    tz : str
        The time zone whose calendar year "this year" means.

    Returns
    -------
    dict of str to int
    """
    row = conn.execute(COUNT_SQL, {"tz": tz}).mappings().one()
    return {key: int(value) for key, value in row.items()}


BOUNDARY_SQL = text("""
    select code, name, name_en,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), :digits) as gj,
           ST_X(ST_PointOnSurface(geom)) as lon, ST_Y(ST_PointOnSurface(geom)) as lat
    from (
      select 'street' as level, code, name_zh as name, name_en, geom from streets
      union all select 'community', code, name_zh, name_en, geom from communities
      union all select 'grid', code, name_zh, null, geom from grids
    ) b
    where level = :level
    order by code
""")
LEVELS = ("street", "community", "grid")


def boundaries_geojson(conn: Connection, level: str, tolerance_deg: float = 0.00002,
                       digits: int = 5) -> dict:
    """A FeatureCollection of one level's polygons, simplified and rounded for the browser.

    Parameters
    ----------
    conn : Connection
    level : {"street", "community", "grid"}
    tolerance_deg : float
        Topology-preserving simplification tolerance in degrees (2e-5 is about 2 m).
    digits : int
        Decimal places kept in coordinates (5 is about 1 m).

    Returns
    -------
    dict
        GeoJSON with ``id`` set to the feature's code, ``name`` and ``name_en`` (None for
        grids, which have no English name) in its properties.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    params = {"tol": tolerance_deg, "digits": digits, "level": level}
    rows = conn.execute(BOUNDARY_SQL, params).mappings().all()
    features = [
        {"type": "Feature", "id": r["code"], "geometry": json.loads(r["gj"]),
         "properties": {"name": r["name"], "name_en": r["name_en"], "lon": r["lon"],
                        "lat": r["lat"]}}
        for r in rows
    ]
    return {"type": "FeatureCollection", "features": features}
