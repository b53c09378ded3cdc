"""Many accounts at once (the roster import): every row checked against the database and
against the rows before it, then all created or none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from data import people_store
from workflow.admin.account_rules import Issue, check_account
from workflow.admin.audit import Who, write
from workflow.admin.people import load_refs, temporary_password
from workflow.errors import present


@dataclass
class Checked:
    """Resolved accounts (valid rows only) and the problems by row offset (0 = first row)."""

    accounts: list[dict]
    issues: dict[int, list[Issue]]


def check_rows(conn: Connection, rows: list[dict]) -> Checked:
    """Check each row as an account of its own, counting the file's earlier rows: a username
    given twice, a grid filled past three workers by the file itself.
    """
    refs = load_refs(conn)
    taken_in_db = set(refs.usernames)
    seen: dict[str, int] = {}
    accounts, issues = [], {}
    for offset, row in enumerate(rows):
        resolved, found = check_account(row, refs)
        name = resolved["username"]
        if name in seen and name not in taken_in_db:
            found = [i for i in found if i.kind != "duplicate_username"]
            found.insert(0, Issue("duplicate_username", "username", f"用户名 {name} 与第 "
                                  f"{seen[name] + 2} 行重复 / username {name} repeats row "
                                  f"{seen[name] + 2}"))
        if found:
            issues[offset] = found
        else:
            accounts.append(resolved)
        if name:
            seen.setdefault(name, offset)
            refs.usernames.add(name)
        for grid_id in resolved["grid_ids"]:
            refs.grid_workers[grid_id] = refs.grid_workers.get(grid_id, 0) + 1
    return Checked(accounts, issues)


def write_rows(conn: Connection, accounts: list[dict], who: Who, now: datetime) -> dict[str, str]:
    """Create the checked accounts; returns each username's temporary password."""
    passwords = {}
    for resolved in accounts:
        password = temporary_password()
        columns = {k: v for k, v in resolved.items() if k != "grid_ids"}
        user_id = people_store.insert_account(conn, columns, password)
        if resolved["grid_ids"]:
            people_store.set_worker_grids(conn, user_id, resolved["grid_ids"], now)
        after = present(people_store.account(conn, user_id), "账号", "account")
        write(conn, who, now, "user.import", "user", after["username"], None, after)
        passwords[after["username"]] = password
    return passwords
