"""A small second district (河北区 120105) beside the workflow world, for the district tests.

One street, one community and one grid inside Hebei's real outline, its own accounts, one
case; and a city leader who reads both districts.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import shapely
from sqlalchemy import insert

from data.models import Community, District, Grid, Incident, Street, WorkerGrid
from tests import factories
from tests.workflow_world import NOW, PASSWORD, World

HEBEI = "120105"
OUTLINE = Path(__file__).resolve().parents[1] / "data" / "reference" / "hebei_outline.geojson"
# A 1 km square well inside Hebei's outline (around 117.213, 39.160).
SQUARE = ("SRID=4326;MULTIPOLYGON(((117.205 39.155,117.215 39.155,117.215 39.163,"
          "117.205 39.163,117.205 39.155)))")
IN_HEBEI = (117.21, 39.159)
# username -> (role, scope keys): the Hebei accounts, and the city's.
HEBEI_ACCOUNTS = {
    "hb_operator": ("operator", {}),
    "hb_analyst": ("analyst", {}),
    "hb_admin": ("admin", {}),
    "hb_chief": ("street_chief", {"street": True}),
    "hb_worker": ("grid_worker", {"street": True, "community": True, "grid": True}),
}
CITY_ACCOUNTS = {"city": ("city_leader", {})}


def outline_wkt() -> str:
    features = json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]
    outline = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])
    return "SRID=4326;" + shapely.multipolygons(shapely.get_parts(outline)).wkt


def add_hebei(conn, world: World, code: str = "HB-CASE-1") -> dict:
    """Hebei's district, street, community, grid, accounts (into ``world.users``) and a case."""
    ids = {"district": conn.execute(insert(District).values(
        code=HEBEI, name_zh="河北区", name_en="Hebei District", area_km2=29.5,
        geom=outline_wkt()).returning(District.id)).scalar_one()}
    ids["street"] = conn.execute(insert(Street).values(
        code=HEBEI + "001", district_id=ids["district"], name_zh="光复道街道",
        name_en="Guangfudao", area_km2=1.0, geom=SQUARE).returning(Street.id)).scalar_one()
    ids["community"] = conn.execute(insert(Community).values(
        code=HEBEI + "001001", street_id=ids["street"], name_zh="海河社区", name_en="Haihe",
        area_km2=1.0, geom=SQUARE).returning(Community.id)).scalar_one()
    ids["grid"] = conn.execute(insert(Grid).values(
        code=HEBEI + "001001001", community_id=ids["community"], street_id=ids["street"],
        name_zh="海河社区第1网格", area_km2=1.0, population=100, geom=SQUARE,
    ).returning(Grid.id)).scalar_one()
    for username, (role, scope) in {**HEBEI_ACCOUNTS, **CITY_ACCOUNTS}.items():
        # Hebei's street chief directs the street office, so may whistle.
        values = {"display_name": username,
                  "title": "director" if role == "street_chief" else "officer",
                  "district_code": None if role == "city_leader" else HEBEI}
        if scope.get("street"):
            values["street_id"] = ids["street"]
        if scope.get("community"):
            values["community_id"] = ids["community"]
        world.users[username] = factories.password_user(conn, username, role, PASSWORD, **values)
        if scope.get("grid"):
            conn.execute(insert(WorkerGrid).values(user_id=world.users[username],
                                                   grid_id=ids["grid"]))
    ids["incident"] = conn.execute(insert(Incident).values(
        code=code, district_code=HEBEI, street_id=ids["street"], community_id=ids["community"],
        grid_id=ids["grid"], category_code="0101", source="patrol", status="reported",
        reporter_id=world.users["hb_worker"], description="河北区的事件", address="海河东路 1 号",
        reported_at=NOW - timedelta(hours=3), geom=f"SRID=4326;POINT({IN_HEBEI[0]} {IN_HEBEI[1]})",
    ).returning(Incident.id)).scalar_one()
    return ids
