"""Import the roster of people (CSV or XLSX): username, name, role, scope codes, phone.

Every row is checked against the database and the rest of the file (unknown codes,
usernames taken or repeated, a role with the wrong kind of scope, bad phone numbers, a
grid given more than three workers) before anything is written; each new account gets a
temporary password, shown once after the commit and stored only as a hash.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from etl.importers.fields import Fields
from etl.importers.problems import ImportRefused, Report
from workflow.admin.account_rules import split_codes
from workflow.admin.audit import Who
from workflow.admin.roster import check_rows, write_rows

DEFAULTS = {
    "username": ("username", "用户名", "账号"), "display_name": ("name", "display_name", "姓名"),
    "role": ("role", "角色"), "title": ("title", "职务"),
    "street_code": ("street", "street_code", "街道", "街道编码"),
    "community_code": ("community", "community_code", "社区", "社区编码"),
    "department_code": ("department", "department_code", "部门", "部门编码"),
    "grid_codes": ("grids", "grid", "grid_codes", "网格", "网格编码"),
    "phone": ("phone", "电话", "手机", "手机号"),
}
REQUIRED = ("username", "display_name", "role")
ROLE_WORDS = {"网格员": "grid_worker", "街道网格长": "street_chief", "街道": "street_chief",
              "社区网格长": "community_chief", "社区书记": "community_chief",
              "部门": "dept_officer", "部门人员": "dept_officer", "值班员": "operator",
              "操作员": "operator", "分析员": "analyst", "区领导": "district_leader",
              "督查": "supervisor", "大屏": "wall", "管理员": "admin"}


@dataclass
class RosterPlan:
    """The checked rows (column values) and the report; passwords after the write."""

    report: Report
    rows: list[dict]
    who: Who
    now: datetime
    passwords: dict[str, str] = field(default_factory=dict)


def read_roster(path: Path, encoding: str = "utf-8-sig") -> tuple[pd.DataFrame, int]:
    """The file's rows as text, and the spreadsheet row number of the first one (2)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        elif path.suffix.lower() in (".csv", ".txt"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        else:
            raise ImportRefused(f"{path.name}: 仅支持 CSV 或 XLSX / only CSV or XLSX rosters")
    except (ValueError, OSError, UnicodeDecodeError, LookupError, pd.errors.ParserError) as exc:
        raise ImportRefused(f"无法读取 cannot read {path} ({encoding}): {exc}") from exc
    return frame.apply(lambda col: col.astype(str).str.strip()), 2


def plan_roster(conn: Connection, path: Path, who: Who, now: datetime,
                encoding: str = "utf-8-sig") -> RosterPlan:
    """Read and check every row; the report names file, row and problem."""
    frame, first = read_roster(path, encoding)
    fields = Fields(frame.columns, {}, DEFAULTS)
    missing = [k for k in REQUIRED if fields.column(k) is None]
    if missing:
        raise ImportRefused(f"{path.name}: 缺少列 missing columns {', '.join(missing)} "
                            f"(e.g. {', '.join(DEFAULTS[k][0] for k in missing)}); "
                            f"the file has: {', '.join(map(str, frame.columns))}")
    rows = []
    for i in range(len(frame)):
        values = {key: frame.iat[i, frame.columns.get_loc(col)]
                  for key in DEFAULTS if (col := fields.column(key)) is not None}
        values["role"] = ROLE_WORDS.get(values.get("role", ""), values.get("role", ""))
        values["grid_codes"] = split_codes(values.get("grid_codes"))
        rows.append(values)
    report = Report(path.name, unit="row")
    checked = check_rows(conn, rows)
    for offset, issues in checked.issues.items():
        for issue in issues:
            report.add(issue.kind, first + offset, rows[offset].get("username", ""),
                       f"{issue.field}: {issue.message}")
    roles = pd.Series([r["role"] for r in checked.accounts]).value_counts()
    report.summary.append(f"{path.name}: {len(rows)} 行 rows, 新账号 new accounts "
                          f"{len(checked.accounts)} (" + ", ".join(
                              f"{k} {v}" for k, v in roles.items()) + ")")
    return RosterPlan(report, checked.accounts, who, now)


def write_roster(conn: Connection, plan: RosterPlan) -> dict[str, int]:
    """Create every account (with its grids and an audit row) in the caller's transaction."""
    plan.passwords = write_rows(conn, plan.rows, plan.who, plan.now)
    return {"accounts": len(plan.passwords)}
