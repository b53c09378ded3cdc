"""Minimal valid rows for tests, inserted through Core on a given connection."""
from __future__ import annotations

from sqlalchemy import insert, text

from data.models import (
    Community,
    Department,
    Device,
    District,
    Grid,
    Street,
    User,
)

SQUARE = "SRID=4326;MULTIPOLYGON(((117.10 39.15,117.11 39.15,117.11 39.16,117.10 39.16,117.10 39.15)))"
POINT = "SRID=4326;POINT(117.105 39.155)"


def hierarchy(conn) -> dict[str, int]:
    """One district, street, community and grid, all the same square; returns their ids."""
    ids = {}
    ids["district"] = conn.execute(insert(District).values(
        code="120106", name_zh="红桥区", name_en="Hongqiao", area_km2=1.0, geom=SQUARE
    ).returning(District.id)).scalar_one()
    ids["street"] = conn.execute(insert(Street).values(
        code="120106001", district_id=ids["district"], name_zh="丁字沽街道", name_en="Dingzigu",
        area_km2=1.0, geom=SQUARE).returning(Street.id)).scalar_one()
    ids["community"] = conn.execute(insert(Community).values(
        code="120106001001", street_id=ids["street"], name_zh="十段社区", name_en="Shiduan",
        area_km2=1.0, geom=SQUARE).returning(Community.id)).scalar_one()
    ids["grid"] = conn.execute(insert(Grid).values(
        code="120106001001001", community_id=ids["community"], street_id=ids["street"],
        name_zh="十段社区第1网格", area_km2=1.0, population=100, geom=SQUARE
    ).returning(Grid.id)).scalar_one()
    return ids


def department(conn, code: str = "CGW", name: str = "区城市管理委员会") -> int:
    return conn.execute(insert(Department).values(
        code=code, name_zh=name, name_en=code, kind="functional", service_items=1
    ).returning(Department.id)).scalar_one()


def user(conn, username: str, role: str, **scope) -> int:
    return conn.execute(insert(User).values(
        username=username, password_hash="x", display_name=username, role=role, **scope
    ).returning(User.id)).scalar_one()


def device(conn, user_id: int, device_id: str = "dev-1") -> int:
    return conn.execute(insert(Device).values(
        device_id=device_id, user_id=user_id, token_hash="h" + device_id
    ).returning(Device.id)).scalar_one()


def partition_for(conn, day: str) -> str:
    return conn.execute(text("select hq_ensure_position_partition(cast(:d as date))"),
                        {"d": day}).scalar_one()


def reference_data(conn) -> None:
    """The shipped departments and categories (data/reference/*.csv), parents first."""
    import csv
    from pathlib import Path

    from data.models import Category

    folder = Path(__file__).resolve().parents[1] / "data" / "reference"
    with open(folder / "departments.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: bool(r["parent_code"])):
        ids[row["code"]] = conn.execute(insert(Department).values(
            code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"], kind=row["kind"],
            parent_id=ids.get(row["parent_code"]), service_items=int(row["service_items"]),
        ).returning(Department.id)).scalar_one()
    with open(folder / "categories.csv", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["level"]))
    for row in rows:
        conn.execute(insert(Category).values(
            code=row["code"], parent_code=row["parent_code"] or None, level=int(row["level"]),
            name_zh=row["name_zh"], name_en=row["name_en"],
            deadline_hours=int(row["deadline_hours"]),
            department_code=row["department_code"] or None))


def password_user(conn, username: str, role: str, password: str, **scope) -> int:
    """A user who can sign in (a fast hash: tests need not pay for scrypt)."""
    from werkzeug.security import generate_password_hash

    return conn.execute(insert(User).values(
        username=username, display_name=scope.pop("display_name", username), role=role,
        password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"), **scope,
    ).returning(User.id)).scalar_one()


def patrol_worker(conn, grid_id: int, username: str, device_id: str,
                  token: str | None = None) -> dict[str, int | str]:
    """A grid worker on a grid with a phone; returns user, device (row id) and the token."""
    from data.devices import create_device
    from data.models import WorkerGrid

    uid = user(conn, username, "grid_worker")
    conn.execute(insert(WorkerGrid).values(user_id=uid, grid_id=grid_id, is_primary=True))
    pk, token = create_device(conn, uid, device_id, token)
    return {"user": uid, "device": pk, "token": token}
