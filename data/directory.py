"""Reference look-ups the workflow needs: departments, categories, district leaders, places."""
from __future__ import annotations

from sqlalchemy import Connection, select

from data.models import Category, Department, Street, User


def department_by_code(conn: Connection, code: str) -> dict | None:
    """A department row by its code, or None."""
    row = conn.execute(select(Department.id, Department.code, Department.name_zh,
                              Department.name_en, Department.kind)
                       .where(Department.code == code)).mappings().first()
    return dict(row) if row else None


def departments(conn: Connection, kinds: tuple[str, ...] = ("functional",)) -> list[dict]:
    """Departments of the given kinds, by code."""
    stmt = (select(Department.id, Department.code, Department.name_zh, Department.name_en,
                   Department.kind).where(Department.kind.in_(kinds), Department.active.is_(True))
            .order_by(Department.code))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def category(conn: Connection, code: str) -> dict | None:
    """A category with its deadline hours and default department code, or None."""
    row = conn.execute(select(Category.code, Category.level, Category.name_zh,
                              Category.name_en, Category.deadline_hours,
                              Category.department_code, Category.public)
                       .where(Category.code == code)).mappings().first()
    return dict(row) if row else None


def categories(conn: Connection) -> list[dict]:
    """Every category, subjects first then their categories, by code."""
    stmt = select(Category.code, Category.parent_code, Category.level, Category.name_zh,
                  Category.name_en, Category.deadline_hours,
                  Category.department_code, Category.public).order_by(Category.code)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def district_leaders(conn: Connection, district_code: str | None = None) -> list[dict]:
    """Active district leaders (of ``district_code`` when given), by id (the first is the
    duty leader a second whistle calls).
    """
    stmt = (select(User.id, User.username, User.display_name)
            .where(User.role == "district_leader", User.active.is_(True)).order_by(User.id))
    if district_code is not None:
        stmt = stmt.where(User.district_code == district_code)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def streets(conn: Connection) -> list[dict]:
    """The streets, by code."""
    stmt = select(Street.id, Street.code, Street.name_zh, Street.name_en).order_by(Street.code)
    return [dict(r) for r in conn.execute(stmt).mappings()]
