"""Departments and categories as the administration changes them (reads and writes)."""
from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from data.models import Category, Department, Incident, User

DEPARTMENT_COLUMNS = (Department.id, Department.code, Department.name_zh, Department.name_en,
                      Department.kind, Department.active, Department.merged_into_id)
CATEGORY_COLUMNS = (Category.code, Category.parent_code, Category.level, Category.name_zh,
                    Category.name_en, Category.deadline_hours, Category.department_code,
                    Category.public)


def departments(conn: Connection) -> list[dict]:
    """Every department (merged ones too), with how many active officers it has."""
    officers = (select(func.count()).where(User.department_id == Department.id,
                                           User.active.is_(True))
                .correlate(Department).scalar_subquery())
    stmt = select(*DEPARTMENT_COLUMNS, officers.label("officers")).order_by(Department.code)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def department(conn: Connection, code: str, lock: bool = False) -> dict | None:
    """One department by code (``lock``: hold its row until commit), or None."""
    stmt = select(*DEPARTMENT_COLUMNS).where(Department.code == code)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def name_taken(conn: Connection, name_zh: str, except_id: int | None = None) -> bool:
    """True when another department has this Chinese name."""
    stmt = select(Department.id).where(Department.name_zh == name_zh)
    if except_id is not None:
        stmt = stmt.where(Department.id != except_id)
    return conn.execute(stmt).first() is not None


def insert_department(conn: Connection, values: dict) -> None:
    conn.execute(insert(Department).values(**values))


def update_department(conn: Connection, department_id: int, values: dict) -> None:
    conn.execute(update(Department).where(Department.id == department_id).values(**values))


def merge_department(conn: Connection, source: dict, target: dict,
                     open_statuses: tuple[str, ...]) -> dict[str, int]:
    """Move ``source``'s officers, open incidents and default categories to ``target``; the
    source stays (inactive, pointing at the target) so whistle summons history keeps it.

    Returns
    -------
    dict
        How many officers, incidents and categories moved.
    """
    officers = conn.execute(update(User).where(User.department_id == source["id"])
                            .values(department_id=target["id"])).rowcount
    incidents = conn.execute(update(Incident).where(
        Incident.department_id == source["id"], Incident.status.in_(open_statuses))
        .values(department_id=target["id"])).rowcount
    categories = conn.execute(update(Category).where(
        Category.department_code == source["code"])
        .values(department_code=target["code"])).rowcount
    conn.execute(update(Department).where(Department.id == source["id"])
                 .values(active=False, merged_into_id=target["id"]))
    return {"officers": officers, "open_incidents": incidents, "categories": categories}


def categories(conn: Connection) -> list[dict]:
    """Every category by code."""
    return [dict(r) for r in conn.execute(select(*CATEGORY_COLUMNS).order_by(Category.code))
            .mappings()]


def category(conn: Connection, code: str, lock: bool = False) -> dict | None:
    stmt = select(*CATEGORY_COLUMNS).where(Category.code == code)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def insert_category(conn: Connection, values: dict) -> None:
    conn.execute(insert(Category).values(**values))


def update_category(conn: Connection, code: str, values: dict) -> None:
    conn.execute(update(Category).where(Category.code == code).values(**values))
