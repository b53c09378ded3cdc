"""A further district beside the loaded world (`world load --district 120105`): its real
outline partitioned into its own streets, communities and grids, its own staff and workers.

The same generators as Hongqiao's (etl.world.geography, etl.world.people), parametrised
by the district code; far smaller, and no history (incidents, patrols) of its own.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection
from werkzeug.security import generate_password_hash

from data.bulk import copy_frame
from data.people_store import codes_to_ids
from data.world_store import district_exists, next_ids, reset_sequences, world_is_loaded
from etl.world import people as people_world
from etl.world.frames import polygons_ewkb
from etl.world.geography import DISTRICT, DISTRICTS, Geography, build_geography

TABLES = ("districts", "streets", "communities", "grids", "users", "worker_grids")
# District-wide staff only: departments and the wall stay the home district's.
STAFF_ROLES = ("admin", "district_leader", "operator", "analyst", "supervisor",
               "street_chief", "community_chief")
USER_COLUMNS = ["id", "username", "password_hash", "display_name", "role", "title",
                "street_id", "community_id", "department_id", "district_code"]


class DistrictRefused(ValueError):
    """The district cannot be added: unknown, the home one, already loaded, or no world."""


def add_district(conn: Connection, code: str, seed: int, scale: float,
                 demo_password: str) -> dict:
    """Generate district ``code`` and write it inside the caller's transaction.

    Parameters
    ----------
    conn : Connection
    code : str
        A district of etl.world.geography.DISTRICTS other than Hongqiao.
    seed, scale : the generator's seed and size (1 = 10 streets, 30 communities, 90 grids).
    demo_password : str
        The shared password of the demo accounts.

    Returns
    -------
    dict
        Counts of what was written.
    """
    if code not in DISTRICTS or code == DISTRICT["code"]:
        others = ", ".join(c for c in DISTRICTS if c != DISTRICT["code"])
        raise DistrictRefused(f"未知的区划 unknown district {code!r}; one of {others}")
    if not world_is_loaded(conn):
        raise DistrictRefused("请先加载红桥区 load the Hongqiao world first (world load)")
    if district_exists(conn, code):
        raise DistrictRefused(f"区划 {code} 已加载 district {code} is loaded already")
    # Its own stream: adding a district never shifts Hongqiao's world.
    geo = build_geography(np.random.default_rng([seed, int(code)]), scale, code)
    ids = next_ids(conn, TABLES)
    _write_places(conn, code, geo, ids)
    users = _accounts(conn, code, geo, ids, np.random.default_rng([seed, int(code), 3]))
    users["password_hash"] = generate_password_hash(demo_password)
    copy_frame(conn, "users", users[USER_COLUMNS].astype(
        {c: "Int64" for c in ("street_id", "community_id", "department_id")}))
    workers = users[users["role"] == "grid_worker"]
    copy_frame(conn, "worker_grids", pd.DataFrame({
        "id": np.arange(len(workers)) + ids["worker_grids"], "user_id": workers["id"],
        "grid_id": workers["grid_id"].astype(int), "is_primary": True}))
    reset_sequences(conn, TABLES)
    return {"streets": len(geo.streets), "communities": len(geo.communities),
            "grids": len(geo.grids), "users": len(users), "workers": len(workers)}


def _write_places(conn: Connection, code: str, geo: Geography, ids: dict) -> None:
    district = DISTRICTS[code]
    outline = geo.outline if geo.outline.geom_type == "MultiPolygon" else \
        shapely.MultiPolygon([geo.outline])
    copy_frame(conn, "districts", pd.DataFrame([{
        "id": ids["districts"], "code": code, "name_zh": district["name_zh"],
        "name_en": district["name_en"], "area_km2": geo.outline_metric.area / 1e6,
        "geom": polygons_ewkb([outline])[0]}]))
    s, c, g = geo.streets, geo.communities, geo.grids
    s["id"] = np.arange(len(s)) + ids["streets"]
    c["id"] = np.arange(len(c)) + ids["communities"]
    g["id"] = np.arange(len(g)) + ids["grids"]
    c["street_id"] = s["id"].to_numpy()[c["street_idx"]]
    g["community_id"] = c["id"].to_numpy()[g["community_idx"]]
    g["street_id"] = s["id"].to_numpy()[g["street_idx"]]
    copy_frame(conn, "streets", pd.DataFrame({
        "id": s["id"], "code": s["code"], "district_id": ids["districts"],
        "name_zh": s["name_zh"], "name_en": s["name_en"], "area_km2": s["area_m2"] / 1e6,
        "geom": polygons_ewkb(s.geometry)}))
    copy_frame(conn, "communities", pd.DataFrame({
        "id": c["id"], "code": c["code"], "street_id": c["street_id"], "name_zh": c["name_zh"],
        "name_en": c["name_en"], "area_km2": c["area_m2"] / 1e6,
        "geom": polygons_ewkb(c.geometry)}))
    copy_frame(conn, "grids", pd.DataFrame({
        "id": g["id"], "code": g["code"], "community_id": g["community_id"],
        "street_id": g["street_id"], "name_zh": g["name_zh"], "area_km2": g["area_m2"] / 1e6,
        "population": 0, "geom": polygons_ewkb(g.geometry)}))


def _accounts(conn: Connection, code: str, geo: Geography, ids: dict,
              rng: np.random.Generator) -> pd.DataFrame:
    """Staff (as Hongqiao's, without departments' officers and the wall) and one worker per
    grid, usernames prefixed by the district's (hb_operator1 ...).
    """
    departments = codes_to_ids(conn)["department"]
    depts = pd.DataFrame({"code": list(departments), "id": list(departments.values()),
                          "kind": "leadership"})
    try:
        staff = people_world.staff_accounts(geo.streets, geo.communities, depts, rng)
    except KeyError as exc:
        raise DistrictRefused(f"缺少演示部门 the demo world's department {exc} is missing") from exc
    rows = [r for r in staff if r["role"] in STAFF_ROLES]
    rows += people_world.worker_accounts(geo.grids, np.ones(len(geo.grids), int), rng)
    users = pd.DataFrame(rows)
    users["username"] = DISTRICTS[code]["prefix"] + users["username"]
    users.insert(0, "id", np.arange(len(users)) + ids["users"])
    users["district_code"] = code
    return users

