"""A small Hongqiao-like world for a benchmark run, in a throw-away database (data.scratch)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import insert

from data.devices import create_device, demo_token
from data.models import Community, District, Grid, Street, User, WorkerGrid
from data.scratch import create_database, drop_database  # noqa: F401 - re-exported for benches

OUTLINE = Path(__file__).resolve().parent.parent / "data" / "reference" / "hongqiao_outline.geojson"


def _ewkt(geom) -> str:
    multi = shapely.multipolygons([geom]) if geom.geom_type == "Polygon" else geom
    return f"SRID=4326;{shapely.to_wkt(multi, rounding_precision=7)}"


def seed_world(engine, n_devices: int, secret: str, cells: int = 10) -> list[tuple]:
    """The real district outline, a ``cells`` x ``cells`` fishnet of grids, and workers.

    Returns
    -------
    list of (device_id, token, lon, lat)
        Each device with its token and a start point inside its grid.
    """
    outline = shapely.geometry.shape(json.loads(OUTLINE.read_text())["features"][0]["geometry"])
    x0, y0, x1, y1 = outline.bounds
    xs, ys = np.linspace(x0, x1, cells + 1), np.linspace(y0, y1, cells + 1)
    boxes = [shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(cells) for j in range(cells)]
    pieces = [b.intersection(outline) for b in boxes]
    pieces = [p for p in pieces if p.area > 0.02 * boxes[0].area]
    devices = []
    with engine.begin() as conn:
        ewkt = _ewkt(outline)
        district = conn.execute(insert(District).values(code="120106", name_zh="红桥区",
            name_en="Hongqiao", area_km2=21.3, geom=ewkt).returning(District.id)).scalar_one()
        street = conn.execute(insert(Street).values(code="120106001", district_id=district,
            name_zh="丁字沽街道", name_en="Dingzigu", area_km2=21.3, geom=ewkt).returning(Street.id)).scalar_one()
        community = conn.execute(insert(Community).values(code="120106001001", street_id=street,
            name_zh="十段社区", name_en="Shiduan", area_km2=21.3, geom=ewkt).returning(Community.id)).scalar_one()
        grid_ids = conn.execute(insert(Grid).returning(Grid.id), [dict(
            code=f"120106001001{k + 1:03d}", community_id=community, street_id=street,
            name_zh=f"第{k + 1}网格", area_km2=0.2, population=100, geom=_ewkt(p))
            for k, p in enumerate(pieces)]).scalars().all()
        for k in range(n_devices):
            user = conn.execute(insert(User).values(username=f"bench{k:04d}", password_hash="x",
                display_name=f"网格员{k}", role="grid_worker").returning(User.id)).scalar_one()
            conn.execute(insert(WorkerGrid).values(user_id=user, grid_id=grid_ids[k % len(pieces)]))
            device_id = f"bench-{k:04d}"
            _, token = create_device(conn, user, device_id, demo_token(device_id, secret))
            point = pieces[k % len(pieces)].representative_point()
            devices.append((device_id, token, point.x, point.y))
    return devices
