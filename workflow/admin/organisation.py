"""Departments (create, rename, merge) and categories (two levels, deadlines, default
department, public on Open311), each change audited in its transaction.
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from data import org_store
from data.models.base import DEPARTMENT_KINDS
from workflow.admin.audit import Who, write
from workflow.errors import conflict, invalid, not_found, present
from workflow.incidents.machine import OPEN_STATUSES
from workflow.open311.services import NOT_PUBLIC

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
DEPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9-]{0,19}$")
MAX_DEADLINE_HOURS = 24 * 365


def _text(values: dict, key: str, limit: int) -> str:
    text = str(values.get(key) or "").strip()
    if not text:
        raise invalid(f"缺少 {key} / {key} is required", key, "missing_field")
    if len(text) > limit:
        raise invalid(f"{key} 最多 {limit} 个字符 / at most {limit} characters", key, "too_long")
    return text


def create_department(conn: Connection, who: Who, values: dict, now: datetime) -> dict:
    """A new department (code, Chinese and English names, kind)."""
    code = _text(values, "code", 20).upper()
    if not DEPARTMENT_CODE.match(code):
        raise invalid("部门编码须为大写字母、数字和 - / the code is capital letters, digits and -",
                      "code")
    name_zh, name_en = _text(values, "name_zh", 60), _text(values, "name_en", 120)
    kind = str(values.get("kind") or "functional")
    if kind not in DEPARTMENT_KINDS:
        raise invalid("kind 取值无效 / kind must be one of " + ", ".join(DEPARTMENT_KINDS), "kind")
    if org_store.department(conn, code) is not None:
        raise conflict("duplicate_code", f"部门编码 {code} 已存在 / code {code} is taken", "code")
    if org_store.name_taken(conn, name_zh):
        raise conflict("duplicate_name", f"部门名称 {name_zh} 已存在 / name taken", "name_zh")
    org_store.insert_department(conn, {"code": code, "name_zh": name_zh, "name_en": name_en,
                                       "kind": kind})
    after = present(org_store.department(conn, code), "部门", "department")
    write(conn, who, now, "department.create", "department", code, None, after)
    return after


def _department(conn: Connection, code: str, field: str = "code") -> dict:
    found = org_store.department(conn, str(code or "").strip().upper(), lock=True)
    if found is None:
        raise not_found("部门", "department", field)
    return found


def rename_department(conn: Connection, who: Who, code: str, values: dict,
                      now: datetime) -> dict:
    """New Chinese and/or English names for a department."""
    before = _department(conn, code)
    changes = {}
    if values.get("name_zh") is not None:
        changes["name_zh"] = _text(values, "name_zh", 60)
        if org_store.name_taken(conn, changes["name_zh"], before["id"]):
            raise conflict("duplicate_name", "部门名称已存在 / name taken", "name_zh")
    if values.get("name_en") is not None:
        changes["name_en"] = _text(values, "name_en", 120)
    if not changes:
        raise invalid("请给出 name_zh 或 name_en / give name_zh or name_en", "name_zh",
                      "missing_field")
    org_store.update_department(conn, before["id"], changes)
    after = present(org_store.department(conn, before["code"]), "部门", "department")
    write(conn, who, now, "department.rename", "department", before["code"], before, after)
    return after


def merge_department(conn: Connection, who: Who, code: str, into: str, now: datetime) -> dict:
    """Merge department ``code`` into ``into``: officers, open incidents and default
    categories move; closed work and whistle summons stay attributed to the old one.
    """
    source, target = _department(conn, code), _department(conn, into, "into")
    if source["id"] == target["id"]:
        raise invalid("不能与自身合并 / a department cannot merge into itself", "into")
    if not source["active"] or not target["active"]:
        raise conflict("already_merged", "已合并的部门不能再合并 / a merged department cannot "
                       "merge again", "code" if not source["active"] else "into")
    moved = org_store.merge_department(conn, source, target, OPEN_STATUSES)
    after = {**present(org_store.department(conn, source["code"]), "部门", "department"),
             "moved": moved}
    write(conn, who, now, "department.merge", "department", source["code"], source, after)
    return after


def _category_values(conn: Connection, values: dict, before: dict | None) -> dict:
    out: dict[str, object] = {}
    for key, limit in (("name_zh", 40), ("name_en", 80)):
        if before is None or values.get(key) is not None:
            out[key] = _text(values, key, limit)
    if before is None or values.get("deadline_hours") is not None:
        hours = values.get("deadline_hours")
        if isinstance(hours, bool) or not isinstance(hours, int) \
                or not 1 <= hours <= MAX_DEADLINE_HOURS:
            raise invalid(f"处置时限须为 1-{MAX_DEADLINE_HOURS} 小时的整数 / deadline_hours must be "
                          f"a whole number of hours, 1 to {MAX_DEADLINE_HOURS}", "deadline_hours")
        out["deadline_hours"] = hours
    if "department_code" in values and (before is None or values["department_code"] is not None):
        dept = str(values.get("department_code") or "").strip().upper() or None
        if dept is not None:
            found = org_store.department(conn, dept)
            if found is None or not found["active"]:
                raise invalid(f"未知部门 {dept} / unknown department", "department_code",
                              "unknown_code")
        out["department_code"] = dept
    if values.get("public") is not None:
        if not isinstance(values["public"], bool):
            raise invalid("public 须为 true 或 false / public must be true or false", "public")
        out["public"] = values["public"]
    return out


def save_category(conn: Connection, who: Who, code: str, values: dict, now: datetime) -> dict:
    """Create a category (level 1: two digits; level 2: four, under its subject) or change
    its names, deadline hours, default department or whether Open311 offers it.
    Matters about vulnerable residents (0501-0503) can never be made public (422, public).
    """
    code = str(code or "").strip()
    if not re.fullmatch(r"\d{2}|\d{4}", code):
        raise invalid("类别编码须为 2 位（主题）或 4 位数字 / the code is 2 digits (a subject) or "
                      "4 (a category)", "code")
    before = org_store.category(conn, code, lock=True)
    changes = _category_values(conn, values, before)
    public = changes.get("public", before["public"] if before else len(code) == 4)
    if public and code in NOT_PUBLIC:
        raise invalid("涉及困难群体的事项不能对外公开 / matters about vulnerable residents can "
                      "never be public on Open311", "public", "never_public")
    if before is None:
        parent = code[:2] if len(code) == 4 else None
        if parent is not None and org_store.category(conn, parent) is None:
            raise invalid(f"主题 {parent} 不存在 / its subject {parent} does not exist", "code",
                          "unknown_parent")
        changes.update(code=code, parent_code=parent, level=2 if parent else 1,
                       public=bool(public) and parent is not None)
        org_store.insert_category(conn, changes)
    elif changes:
        org_store.update_category(conn, code, changes)
    else:
        raise invalid("没有要修改的内容 / nothing to change", "name_zh", "missing_field")
    after = present(org_store.category(conn, code), "类别", "category")
    write(conn, who, now, "category.create" if before is None else "category.edit",
          "category", code, before, after)
    return after


def load_defaults(conn: Connection, who: Who, now: datetime) -> dict[str, int]:
    """The shipped departments and categories (data/reference/) that are not there yet."""
    added = {"departments": 0, "categories": 0}
    with open(REFERENCE / "departments.csv", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: bool(r["parent_code"]))
    for row in rows:
        if org_store.department(conn, row["code"]) is None:
            parent = org_store.department(conn, row["parent_code"]) if row["parent_code"] else None
            org_store.insert_department(conn, {
                "code": row["code"], "name_zh": row["name_zh"], "name_en": row["name_en"],
                "kind": row["kind"], "parent_id": parent["id"] if parent else None,
                "service_items": int(row["service_items"])})
            added["departments"] += 1
    with open(REFERENCE / "categories.csv", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["level"]))
    for row in rows:
        if org_store.category(conn, row["code"]) is None:
            org_store.insert_category(conn, {
                "code": row["code"], "parent_code": row["parent_code"] or None,
                "level": int(row["level"]), "name_zh": row["name_zh"], "name_en": row["name_en"],
                "deadline_hours": int(row["deadline_hours"]),
                "department_code": row["department_code"] or None,
                "public": row["code"] not in NOT_PUBLIC and row["level"] == "2"})
            added["categories"] += 1
    if any(added.values()):
        write(conn, who, now, "reference.load", "reference", "data/reference", None, added)
    return added

