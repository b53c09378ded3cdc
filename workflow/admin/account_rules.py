"""What a valid account is: its username, role, the kind of scope that role needs, its phone.

One checker serves the roster import (every problem of every row) and the page and API
(the first problem, as a 4xx naming the field).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from data.models.base import DISTRICT_CODE, ROLES

USERNAME = re.compile(r"^[a-z0-9_.-]{3,40}$")
TITLES = ("party_secretary", "director", "deputy", "officer", "member")
DEFAULT_TITLE = {"street_chief": "director", "community_chief": "party_secretary",
                 "grid_worker": "member", "wall": "member", "admin": "member"}
# Per role: the scope fields it must have, and those it may have (others are the wrong
# kind of scope: an analyst with a street, an officer with grids). District-wide staff may
# name their home department (the demo's leaders sit in 区政府, operators in 网格中心); it
# does not narrow what they see.
SCOPE_RULES: dict[str, tuple[frozenset, frozenset]] = {
    "district_leader": (frozenset(), frozenset({"department"})),
    "analyst": (frozenset(), frozenset({"department"})),
    "street_chief": (frozenset({"street"}), frozenset({"street"})),
    "community_chief": (frozenset({"community"}), frozenset({"community", "street"})),
    "dept_officer": (frozenset({"department"}), frozenset({"department"})),
    "supervisor": (frozenset(), frozenset({"department"})),
    "operator": (frozenset(), frozenset({"street", "department"})),
    "grid_worker": (frozenset({"grid"}), frozenset({"grid", "community", "street"})),
}
SCOPE_FIELDS = {"street": "street_code", "community": "community_code",
                "department": "department_code", "grid": "grid_codes"}
MAX_WORKERS_PER_GRID = 3
MAX_GRIDS_PER_WORKER = 3
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


@dataclass
class Refs:
    """What the checks look codes up in (read once per import or request)."""

    ids: dict[str, dict[str, int]]
    community_street: dict[int, int]
    grid_community: dict[int, int]
    usernames: set[str]
    grid_workers: dict[int, int] = field(default_factory=dict)
    street_district: dict[int, str] = field(default_factory=dict)
    # The admin's district (its codes only are in ``ids``); None on the command line.
    district_code: str | None = None


@dataclass(frozen=True)
class Issue:
    """One problem with one field: the roster's kind, the field, a bilingual message."""

    kind: str
    field: str
    message: str


def split_codes(raw) -> list[str]:
    """Grid codes from a list or a text separated by ; , | or spaces."""
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        return [str(c).strip() for c in raw if str(c).strip()]
    return [c for c in re.split(r"[;,|\s，；、]+", str(raw).strip()) if c]


def normalise_phone(raw: str) -> str | None:
    """Digits of a Chinese mobile or landline number ('' when none given), None if bad."""
    text = re.sub(r"[\s()（）-]", "", raw or "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text:
        return ""
    return text if MOBILE.match(text) or LANDLINE.match(text) else None


def mask_phone(digits: str) -> str | None:
    """What is stored: the first three and last four digits (138****1234)."""
    return f"{digits[:3]}****{digits[-4:]}" if digits else None


def check_account(values: dict, refs: Refs, existing: dict | None = None) -> tuple[dict, list[Issue]]:
    """Resolve an account's fields to column values, with every problem found.

    Parameters
    ----------
    values : dict
        username, display_name, role, title, street_code, community_code, department_code,
        grid_codes, phone (text; absent = empty). For an edit, missing keys keep
        ``existing``'s values.
    refs : Refs
    existing : dict, optional
        The account being edited (people_store.account), whose username is its own.

    Returns
    -------
    (dict, list of Issue)
        The users columns (plus ``grid_ids``), and the problems (empty when valid).
    """
    merged = {**(existing or {}), **{k: v for k, v in values.items() if v is not None}}
    issues: list[Issue] = []
    username = str(merged.get("username") or "").strip().lower()
    role = str(merged.get("role") or "").strip()
    name = str(merged.get("display_name") or "").strip()
    if not username:
        issues.append(Issue("missing_field", "username", "缺少用户名 / username is missing"))
    elif not USERNAME.match(username):
        issues.append(Issue("bad_username", "username", "用户名须为 3-40 个小写字母、数字或 _ . - / "
                            "the username must be 3-40 of a-z 0-9 _ . -"))
    elif existing is None and username in refs.usernames:
        issues.append(Issue("duplicate_username", "username",
                            f"用户名 {username} 已存在 / username {username} is taken"))
    if not name:
        issues.append(Issue("missing_field", "display_name", "缺少姓名 / the name is missing"))
    elif len(name) > 40:
        issues.append(Issue("too_long", "display_name", "姓名最多 40 个字符 / at most 40 characters"))
    if role not in ROLES:
        issues.append(Issue("unknown_value", "role", f"未知角色 {role!r} / unknown role; one of "
                            + ", ".join(ROLES)))
    title = str(merged.get("title") or DEFAULT_TITLE.get(role, "officer")).strip()
    if title not in TITLES:
        issues.append(Issue("unknown_value", "title", f"未知职务 {title!r} / unknown title; one of "
                            + ", ".join(TITLES)))
    phone = normalise_phone(str(merged.get("phone") or ""))
    if phone is None:
        issues.append(Issue("bad_phone", "phone", f"电话号码无效 {merged.get('phone')!r} / not a "
                            "mobile (11 digits, 1…) or landline (0… with area code) number"))
    columns: dict[str, str | None] = {"username": username, "display_name": name, "role": role,
                                      "title": title}
    if phone is not None and "phone" in merged:
        columns["phone_masked"] = mask_phone(phone)
    scope, scope_issues = _scope(merged, role, refs, existing)
    if role == "city_leader" and refs.district_code is not None:
        issues.append(Issue("wrong_scope", "role", "区管理员不能建立市级账号 / a district "
                            "administrator cannot make a city-wide account"))
    columns["district_code"] = _district(role, scope, refs)
    return {**columns, **scope}, issues + scope_issues


def _district(role: str, scope: dict, refs: Refs) -> str | None:
    """The account's district: none for a city leader, else its street's, else the admin's."""
    if role == "city_leader":
        return None
    street_district = refs.street_district.get(scope["street_id"]) if scope["street_id"] else None
    return street_district or refs.district_code or DISTRICT_CODE


def _given(merged: dict) -> dict[str, Any]:
    """The scope fields given: a list of grid codes, one code for the others."""
    out: dict[str, Any] = {}
    for kind, key in SCOPE_FIELDS.items():
        raw = merged.get(key)
        value = split_codes(raw) if kind == "grid" else str(raw or "").strip()
        if value:
            out[kind] = value
    return out


def _scope(merged: dict, role: str, refs: Refs, existing: dict | None) -> tuple[dict, list[Issue]]:
    """The scope ids, and the problems: unknown codes, the wrong kind, parents that differ."""
    given, issues = _given(merged), []
    required, allowed = SCOPE_RULES.get(role, (frozenset(), frozenset()))
    for kind in sorted(set(given) - allowed):
        issues.append(Issue("wrong_scope", SCOPE_FIELDS[kind],
                            f"角色 {role} 不能有{_ZH[kind]}范围 / a {role} cannot have a {kind} scope"))
    for kind in sorted(required - set(given)):
        issues.append(Issue("missing_field", SCOPE_FIELDS[kind],
                            f"角色 {role} 须有{_ZH[kind]} / a {role} needs a {kind} ({SCOPE_FIELDS[kind]})"))
    ids: dict[str, int | None] = {}
    for kind in ("street", "community", "department"):
        code = given.get(kind)
        ids[kind] = refs.ids[kind].get(code) if code else None
        if code and ids[kind] is None:
            issues.append(Issue("unknown_code", SCOPE_FIELDS[kind],
                                f"未知{_ZH[kind]}编码 {code} / unknown {kind} code {code}"))
    grid_ids = _grids(given.get("grid", []), role, refs, existing, issues)
    if grid_ids and ids["community"] is None and not given.get("community"):
        ids["community"] = refs.grid_community.get(grid_ids[0])
    if ids["community"] is not None and not given.get("street"):
        ids["street"] = refs.community_street.get(ids["community"])
    if ids["community"] is not None and ids["street"] is not None \
            and refs.community_street.get(ids["community"]) != ids["street"]:
        issues.append(Issue("parent_mismatch", "community_code",
                            "社区不属于所填街道 / the community is not in that street"))
    for grid_id in grid_ids:
        if ids["community"] is not None and refs.grid_community.get(grid_id) != ids["community"]:
            issues.append(Issue("parent_mismatch", "grid_codes", "网格须属于同一社区 / every grid "
                                "must lie in the worker's community"))
            break
    return {"street_id": ids["street"], "community_id": ids["community"],
            "department_id": ids["department"], "grid_ids": grid_ids}, issues


def _grids(codes: list[str], role: str, refs: Refs, existing: dict | None,
           issues: list[Issue]) -> list[int]:
    if role != "grid_worker" or not codes:
        return []
    pairs = [(code, refs.ids["grid"].get(code)) for code in dict.fromkeys(codes)]
    for code, grid_id in pairs:
        if grid_id is None:
            issues.append(Issue("unknown_code", "grid_codes",
                                f"未知网格编码 {code} / unknown grid code {code}"))
    if len(pairs) > MAX_GRIDS_PER_WORKER:
        issues.append(Issue("too_many", "grid_codes", f"一名网格员最多 {MAX_GRIDS_PER_WORKER} 个网格 "
                            f"/ a worker covers at most {MAX_GRIDS_PER_WORKER} grids"))
    own = set(existing.get("grid_ids", ())) if existing else set()
    for code, grid_id in pairs:
        if grid_id is not None and grid_id not in own \
                and refs.grid_workers.get(grid_id, 0) >= MAX_WORKERS_PER_GRID:
            issues.append(Issue("grid_full", "grid_codes", f"网格 {code} 已有 "
                                f"{MAX_WORKERS_PER_GRID} 名网格员 / grid {code} already has "
                                f"{MAX_WORKERS_PER_GRID} workers"))
    ids = [grid_id for _, grid_id in pairs if grid_id is not None]
    return list(dict.fromkeys(ids))


_ZH = {"street": "街道", "community": "社区", "department": "部门", "grid": "网格"}
