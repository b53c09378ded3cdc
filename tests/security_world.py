"""A committed world for the security tests: every role, a device, residents, hostile text."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import create_engine, func, insert, select

from app import build_app
from data.models import (
    AccessAudit,
    Device,
    Incident,
    IncidentEvent,
    Position,
    Resident,
    User,
    Whistle,
    WhistleEvent,
)
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, IN_B, PASSWORD, build_world, make_incident
from workflow.accounts import load_actor

DEVICE_TOKEN = "security-device-token-0001"
DEVICE_ID = "sec-phone-a"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
# Tables whose row counts must not move when a request is refused.
KEY_TABLES = (Incident, IncidentEvent, Whistle, WhistleEvent, Position, User, Device, Resident,
              AccessAudit)


@dataclass
class SecurityWorld:
    url: str
    engine: object
    world: object
    app: object
    settings: object
    residents: dict
    incident_a: int
    incident_b: int

    def client(self, username: str | None = None):
        client = self.app.server.test_client()
        if username:
            login_client(client, username, PASSWORD)
        return client

    def actor(self, username: str):
        with self.engine.connect() as conn:
            return load_actor(conn, self.world.users[username])

    def counts(self) -> dict[str, int]:
        # One round trip: the fuzz tests call this around every request.
        query = select(*[select(func.count()).select_from(t).scalar_subquery()
                         .label(t.__tablename__) for t in KEY_TABLES])
        with self.engine.connect() as conn:
            return dict(conn.execute(query).mappings().one())


def _resident(conn, grid_id: int, n: int, where) -> int:
    return conn.execute(insert(Resident).values(
        grid_id=grid_id, household_no=n, name_masked="王*明", age_band="80+", sex="M",
        elderly_alone=True, id_hash=hashlib.sha256(f"synthetic-{n}".encode()).hexdigest(),
        geom=f"SRID=4326;POINT({where[0]} {where[1]})").returning(Resident.id)).scalar_one()


def build_security_world(server_settings, label: str, **overrides) -> SecurityWorld:
    """A fresh database with the workflow world, a device, two residents, and the app on it."""
    url = create_test_database(server_settings, label)
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        world.conn = None
        conn.execute(insert(Device).values(
            device_id=DEVICE_ID, user_id=world.users["worker_a"],
            token_hash=hashlib.sha256(DEVICE_TOKEN.encode()).hexdigest()))
        residents = {"A": _resident(conn, world.ids["grid"], 1, IN_A),
                     "B": _resident(conn, world.ids["grid_b"], 2, IN_B)}
        incident_a = make_incident(conn, world, "reported", category="0103")
        incident_b = make_incident(conn, world, "reported", street="B", reporter="worker_b")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, **overrides)
    return SecurityWorld(url, engine, world, build_app(settings), settings, residents,
                         incident_a, incident_b)


def drop_security_world(server_settings, sw: SecurityWorld) -> None:
    sw.engine.dispose()
    drop_test_database(server_settings, sw.url)
