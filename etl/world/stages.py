"""The world's stages, each generating its tables and writing them with COPY."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection
from werkzeug.security import generate_password_hash

from data.bulk import CopyWriter
from data.devices import demo_token, hash_token
from etl.world import cameras as camera_world
from etl.world import people as people_world
from etl.world import residents as resident_world
from etl.world.frames import nullable_int, polygons_ewkb, with_point
from etl.world.geography import DISTRICT, Geography, build_geography
from geo.crs import to_metric
from workflow.devices.identifiers import seeded_identifiers
from workflow.open311.services import NOT_PUBLIC

RESIDENTS = 320_000


@dataclass
class WorldState:
    """What later stages need from earlier ones."""

    seed: int
    scale: float
    as_of: datetime
    geo: Geography | None = None
    grids_metric: np.ndarray | None = None
    users: pd.DataFrame | None = None
    departments: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    counts: dict = field(default_factory=dict)
    writer: CopyWriter | None = None

    def rng(self, stage: int) -> np.random.Generator:
        # One independent stream per stage: changing one stage never shifts another.
        return np.random.default_rng([self.seed, stage])


def stage_geography(conn: Connection, st: WorldState) -> None:
    geo = build_geography(st.rng(1), st.scale)
    st.geo = geo
    st.grids_metric = np.asarray(to_metric(geo.grids.geometry).to_numpy(), dtype=object)
    district = pd.DataFrame([{**DISTRICT, "id": 1, "area_km2": geo.outline_metric.area / 1e6,
                              "geom": polygons_ewkb([_multi(geo.outline)])[0]}])
    st.writer.copy("districts", district)
    s, c, g = geo.streets, geo.communities, geo.grids
    s["id"] = np.arange(1, len(s) + 1)
    c["id"] = np.arange(1, len(c) + 1)
    g["id"] = np.arange(1, len(g) + 1)
    c["street_id"] = s["id"].to_numpy()[c["street_idx"]]
    g["community_id"] = c["id"].to_numpy()[g["community_idx"]]
    g["street_id"] = s["id"].to_numpy()[g["street_idx"]]
    st.writer.copy("streets", pd.DataFrame({
        "id": s["id"], "code": s["code"], "district_id": 1, "name_zh": s["name_zh"],
        "name_en": s["name_en"], "area_km2": s["area_m2"] / 1e6, "geom": polygons_ewkb(s.geometry)}))
    st.writer.copy("communities", pd.DataFrame({
        "id": c["id"], "code": c["code"], "street_id": c["street_id"], "name_zh": c["name_zh"],
        "name_en": c["name_en"], "area_km2": c["area_m2"] / 1e6,
        "geom": polygons_ewkb(c.geometry)}))
    st.counts.update(streets=len(s), communities=len(c), grids=len(g))


def _multi(geom):
    from shapely.geometry import MultiPolygon
    return geom if geom.geom_type == "MultiPolygon" else MultiPolygon([geom])


def stage_residents(conn: Connection, st: WorldState) -> None:
    rng = st.rng(2)
    g = st.geo.grids
    population = resident_world.grid_populations(g["weight"].to_numpy(float), int(RESIDENTS * st.scale))
    g["population"] = population
    st.writer.copy("grids", pd.DataFrame({
        "id": g["id"], "code": g["code"], "community_id": g["community_id"],
        "street_id": g["street_id"], "name_zh": g["name_zh"], "area_km2": g["area_m2"] / 1e6,
        "population": population, "geom": polygons_ewkb(g.geometry)}))
    buildings = resident_world.buildings(g, st.grids_metric, population, rng)
    people = resident_world.residents(buildings, population, g["id"].to_numpy(), st.seed, rng)
    households = people.groupby("building_id")["household_no"].max()
    buildings["households"] = buildings["id"].map(households).fillna(0).astype(int)
    st.writer.copy("buildings", with_point(buildings))
    st.writer.copy("residents", with_point(people))
    st.counts.update(buildings=len(buildings), residents=len(people))


def stage_people(conn: Connection, st: WorldState, demo_password: str,
                 device_secret: str | None = None) -> None:
    rng = st.rng(3)
    depts = people_world.departments()
    st.writer.copy("departments", depts[["id", "code", "parent_id", "kind", "name_zh",
                                           "name_en", "service_items"]]
               .assign(parent_id=lambda d: nullable_int(d["parent_id"])))
    cats = people_world.read_reference("categories.csv")
    cats["parent_code"] = cats["parent_code"].replace("", None)
    # Open311 offers level-2 categories, never the matters of vulnerable residents.
    cats["public"] = (cats["level"] == "2") & ~cats["code"].isin(NOT_PUBLIC)
    st.writer.copy("categories", cats)
    g = st.geo.grids
    names = st.geo.communities["name_zh"].to_numpy()[g["community_idx"]]
    workers_n = people_world.workers_per_grid(g["population"].to_numpy(), names)
    rows = people_world.staff_accounts(st.geo.streets, st.geo.communities, depts, rng)
    rows += people_world.worker_accounts(g, workers_n, rng)
    users = pd.DataFrame(rows)
    users.insert(0, "id", np.arange(1, len(users) + 1))
    # Every demo account shares one password, so one hash serves them all (hashing 1,500
    # times would cost a minute for nothing).
    users["password_hash"] = generate_password_hash(demo_password)
    cols = ["id", "username", "password_hash", "display_name", "role", "title", "street_id",
            "community_id", "department_id"]
    st.writer.copy("users", users[cols].astype({c: "Int64" for c in cols[-3:]}))
    workers = users[users["role"] == "grid_worker"]
    st.writer.copy("worker_grids", pd.DataFrame({
        "id": np.arange(1, len(workers) + 1), "user_id": workers["id"].to_numpy(),
        "grid_id": workers["grid_id"].astype(int).to_numpy(), "is_primary": True}))
    # Phones' identifiers are their only credential on OsmAnd: random (from the world's own
    # stream, so the same seed gives the same world), never a guessable counter.
    device_ids = seeded_identifiers(st.rng(8), len(workers))
    st.writer.copy("devices", pd.DataFrame({
        "id": np.arange(1, len(workers) + 1), "device_id": device_ids,
        "user_id": workers["id"].to_numpy(), "label": workers["username"].to_numpy(),
        "token_hash": [hash_token(demo_token(d, device_secret) if device_secret
                                  else secrets.token_urlsafe(32)) for d in device_ids],
        "active": True}))
    workers = workers.assign(device_id=np.arange(1, len(workers) + 1))
    st.users, st.departments, st.categories = users.assign(device_pk=workers["device_id"]), depts, cats
    st.counts.update(users=len(users), workers=len(workers), departments=len(depts))


def stage_cameras(conn: Connection, st: WorldState) -> None:
    frame = camera_world.cameras(st.geo.grids, st.grids_metric, st.scale, st.rng(4))
    dept_id = dict(zip(st.departments["code"], st.departments["id"]))
    frame["owner_department_id"] = nullable_int(frame["dept_code"].map(dept_id))
    frame["owner_street_id"] = nullable_int(frame["street_id"].where(frame["dept_code"].isna()))
    st.writer.copy("cameras", with_point(frame.drop(columns=["dept_code", "street_id"])))
    st.counts["cameras"] = len(frame)
