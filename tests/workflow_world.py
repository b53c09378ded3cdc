"""A small world for the workflow tests: two streets, reference data, one account per role."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from data.models import Community, Department, Grid, Incident, Street, WorkerGrid
from tests import factories
from tests.clock import SESSION_NOW
from workflow.accounts import load_actor
from workflow.roles import Actor

SQUARE_B = ("SRID=4326;MULTIPOLYGON(((117.11 39.15,117.12 39.15,117.12 39.16,117.11 39.16,"
            "117.11 39.15)))")
IN_A = (117.105, 39.155)
IN_B = (117.115, 39.155)
OUTSIDE = (117.30, 39.30)
PASSWORD = "test-password-1"
NOW = SESSION_NOW      # the session's one frozen moment (tests/clock.py)

# username -> (role, title, scope keys); scope "A" is street 丁字沽, "B" is 西沽.
ACCOUNTS = {
    "leader": ("district_leader", "officer", {}),
    "leader2": ("district_leader", "officer", {}),
    "operator": ("operator", "officer", {}),
    "operator_a": ("operator", "officer", {"street": "A"}),
    "analyst": ("analyst", "officer", {}),
    "chief_a": ("street_chief", "party_secretary", {"street": "A"}),
    "director_a": ("street_chief", "director", {"street": "A"}),
    "deputy_a": ("street_chief", "deputy", {"street": "A"}),
    "chief_b": ("street_chief", "party_secretary", {"street": "B"}),
    "community_a": ("community_chief", "party_secretary", {"street": "A", "community": "A"}),
    "community_b": ("community_chief", "party_secretary", {"street": "B", "community": "B"}),
    "officer_road": ("dept_officer", "officer", {"department": "CGW-DL"}),
    "officer_parks": ("dept_officer", "officer", {"department": "CGW-YL"}),
    "officer_police": ("dept_officer", "officer", {"department": "GA"}),
    "supervisor": ("supervisor", "officer", {"department": "DCS"}),
    "worker_a": ("grid_worker", "member", {"street": "A", "community": "A", "grid": "A"}),
    "worker_b": ("grid_worker", "member", {"street": "B", "community": "B", "grid": "B"}),
    "wall": ("wall", "member", {}),
    "admin": ("admin", "member", {}),
}


# Display names for the screenshots (usernames stay ASCII, as the schema wants).
NAMES = {"chief_a": "王建国", "director_a": "刘志强", "deputy_a": "陈静", "chief_b": "赵宏",
         "officer_road": "孙路", "officer_parks": "李园林", "officer_police": "周警官",
         "operator": "张敏", "operator_a": "吴丽", "leader": "郑区长", "leader2": "冯副区长",
         "supervisor": "何督查", "worker_a": "马小红", "worker_b": "杨帆",
         "community_a": "高社区", "community_b": "林社区", "analyst": "钱分析"}


@dataclass
class World:
    ids: dict
    users: dict[str, int]
    departments: dict[str, int]
    conn: object = field(repr=False, default=None)

    def actor(self, username: str) -> Actor:
        return load_actor(self.conn, self.users[username])


def build_world(conn, password: str = PASSWORD) -> World:
    """Reference data, streets A and B (each one community and one grid), every account."""
    ids = factories.hierarchy(conn)
    factories.reference_data(conn)
    ids["street_b"] = conn.execute(insert(Street).values(
        code="120106002", district_id=ids["district"], name_zh="西沽街道", name_en="Xigu",
        area_km2=1.0, geom=SQUARE_B).returning(Street.id)).scalar_one()
    ids["community_b"] = conn.execute(insert(Community).values(
        code="120106002001", street_id=ids["street_b"], name_zh="西沽社区", name_en="Xigu",
        area_km2=1.0, geom=SQUARE_B).returning(Community.id)).scalar_one()
    ids["grid_b"] = conn.execute(insert(Grid).values(
        code="120106002001001", community_id=ids["community_b"], street_id=ids["street_b"],
        name_zh="西沽社区第1网格", area_km2=1.0, population=100, geom=SQUARE_B,
    ).returning(Grid.id)).scalar_one()
    departments = dict(conn.execute(select(Department.code, Department.id)).all())
    place = {"A": (ids["street"], ids["community"], ids["grid"]),
             "B": (ids["street_b"], ids["community_b"], ids["grid_b"])}
    users = {}
    for username, (role, title, scope) in ACCOUNTS.items():
        values = {"title": title}
        if "street" in scope:
            values["street_id"] = place[scope["street"]][0]
        if "community" in scope:
            values["community_id"] = place[scope["community"]][1]
        if "department" in scope:
            values["department_id"] = departments[scope["department"]]
        values["display_name"] = NAMES.get(username, username)
        users[username] = factories.password_user(conn, username, role, password, **values)
        if "grid" in scope:
            conn.execute(insert(WorkerGrid).values(user_id=users[username],
                                                   grid_id=place[scope["grid"]][2]))
    return World(ids, users, departments, conn)


def make_incident(conn, world: World, status: str = "reported", street: str = "A",
                  category: str = "0101", handled_by: str | None = None,
                  department: str | None = None, reporter: str = "worker_a",
                  reported_at: datetime | None = None, deadline: datetime | None = None,
                  code: str | None = None) -> int:
    """An incident inserted directly in any status (the state-machine tests need them all)."""
    at = reported_at or NOW - timedelta(hours=3)
    suffix = "" if street == "A" else "_b"
    lon, lat = IN_A if street == "A" else IN_B
    values = dict(
        code=code or f"T{uuid.uuid4().hex[:14]}",
        street_id=world.ids["street" + suffix], community_id=world.ids["community" + suffix],
        grid_id=world.ids["grid" + suffix], category_code=category, source="patrol",
        status=status, handled_by=handled_by,
        department_id=world.departments[department] if department else None,
        reporter_id=world.users[reporter] if reporter else None, description="测试事件",
        address="光荣道 1 号", reported_at=at, deadline=deadline,
        accepted_at=at if status != "reported" else None,
        dispatched_at=at + timedelta(minutes=30) if handled_by else None,
        geom=f"SRID=4326;POINT({lon} {lat})")
    return conn.execute(insert(Incident).values(**values).returning(Incident.id)).scalar_one()
