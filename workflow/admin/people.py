"""Accounts: create, edit, deactivate and reactivate, reset a password, move a worker.

Every change is checked whole before anything is written and goes to the admin audit in
the same transaction; a temporary password is returned once and stored only as a hash.
"""
from __future__ import annotations

import secrets
import string
from datetime import datetime

from sqlalchemy import Connection

from data import people_store, web_sessions
from workflow.admin.account_rules import Issue, Refs, check_account
from workflow.admin.audit import Who, write
from workflow.errors import WorkflowError, not_found, present

# No look-alikes (0/O, 1/l/I): a temporary password is read out or copied by hand.
ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
TEMP_LENGTH = 12
STATUS = {"duplicate_username": 409, "grid_full": 409, "grid_empty": 409}
EDITABLE = ("display_name", "role", "title", "street_code", "community_code",
            "department_code", "grid_codes", "phone")


def temporary_password() -> str:
    """A random 12-character password (about 70 bits) to be changed at first sign-in."""
    return "".join(secrets.choice(ALPHABET) for _ in range(TEMP_LENGTH))


def load_refs(conn: Connection, district_code: str | None = None) -> Refs:
    """Codes (of ``district_code``'s places only, when given), parents, usernames and grid
    occupancy, read once.
    """
    parents = people_store.parents(conn)
    return Refs(people_store.codes_to_ids(conn, district_code), parents["community_street"],
                parents["grid_community"], people_store.usernames(conn),
                people_store.grid_worker_counts(conn), parents["street_district"],
                district_code)


def refusal(issue: Issue) -> WorkflowError:
    """The API's answer to a bad field: 409 for a clash, 422 otherwise, naming the field."""
    return WorkflowError(STATUS.get(issue.kind, 422), issue.kind, issue.message, issue.field)


def _columns(resolved: dict) -> dict:
    return {k: v for k, v in resolved.items() if k != "grid_ids"}


def create_account(conn: Connection, who: Who, values: dict, now: datetime) -> tuple[dict, str]:
    """A new account with a temporary password; returns (the account, the password).

    422/409 naming the first bad field; nothing is written then.
    """
    resolved, issues = check_account(values, load_refs(conn, who.district_code))
    if issues:
        raise refusal(issues[0])
    password = temporary_password()
    user_id = people_store.insert_account(conn, _columns(resolved), password)
    if resolved["grid_ids"]:
        people_store.set_worker_grids(conn, user_id, resolved["grid_ids"], now)
    after = present(people_store.account(conn, user_id), "账号", "account")
    write(conn, who, now, "user.create", "user", after["username"], None, after)
    return after, password


def _existing(conn: Connection, who: Who, username: str, lock: bool = True) -> dict:
    user_id = people_store.account_id(conn, (username or "").strip().lower())
    found = people_store.account(conn, user_id, lock=lock) if user_id else None
    # Another district's account is not there for this admin (as a missing one).
    if found is None or (who.district_code is not None
                         and found["district_code"] != who.district_code):
        raise not_found("账号", "account", "username")
    return found


def edit_account(conn: Connection, who: Who, username: str, values: dict,
                 now: datetime) -> dict:
    """Change an account's name, role, title, scope, grids or phone (the rest is kept).

    A worker's grids moving keeps the history (valid_from / valid_to); a grid may not be
    left without a worker (409 naming grid_codes).
    """
    before = _existing(conn, who, username)
    refs = load_refs(conn, who.district_code)
    current_ids = [refs.ids["grid"][c] for c in before["grid_codes"] if c in refs.ids["grid"]]
    changes = {k: v for k, v in values.items() if k in EDITABLE and v is not None}
    existing = {**before, "grid_ids": current_ids}
    scope_keys = ("street_code", "community_code", "department_code", "grid_codes")
    if changes.get("role", before["role"]) != before["role"]:
        # A new role brings a new kind of scope (and title): the old ones are not kept.
        for key in (*scope_keys, "title"):
            existing[key] = None
    elif "grid_codes" in changes:
        # A worker's street and community follow their grids unless given with them.
        for key in ("street_code", "community_code"):
            existing[key] = None
    resolved, issues = check_account(changes, refs, existing=existing)
    issues += _left_empty(current_ids, resolved["grid_ids"], refs, before)
    if issues:
        raise refusal(issues[0])
    columns = _columns(resolved)
    columns.pop("username")
    people_store.update_account(conn, before["id"], columns)
    if resolved["grid_ids"] != current_ids:
        people_store.set_worker_grids(conn, before["id"], resolved["grid_ids"], now)
    after = present(people_store.account(conn, before["id"]), "账号", "account")
    write(conn, who, now, "user.edit", "user", before["username"], before, after)
    return after


def _left_empty(old: list[int], new: list[int], refs: Refs, before: dict) -> list[Issue]:
    if not before["active"]:
        return []
    codes = {v: k for k, v in refs.ids["grid"].items()}
    return [Issue("grid_empty", "grid_codes", f"网格 {codes.get(g)} 将没有网格员：请先安排接替者 / "
                  f"grid {codes.get(g)} would have no worker left: assign a successor first")
            for g in old if g not in new and refs.grid_workers.get(g, 0) <= 1]


def set_active(conn: Connection, who: Who, username: str, active: bool,
               now: datetime) -> dict:
    """Deactivate (every session ends, sign-in refused) or reactivate an account."""
    before = _existing(conn, who, username)
    if before["active"] == active:
        return before
    if who.actor_id is not None and who.actor_id == before["id"] and not active:
        raise WorkflowError(409, "self_deactivation", "不能停用自己的账号 / you cannot "
                            "deactivate your own account", "username")
    people_store.update_account(conn, before["id"], {"active": active})
    if not active:
        web_sessions.revoke_user(conn, before["id"], now)
    after = present(people_store.account(conn, before["id"]), "账号", "account")
    write(conn, who, now, "user.reactivate" if active else "user.deactivate", "user",
          before["username"], before, after)
    return after


def reset_password(conn: Connection, who: Who, username: str, now: datetime) -> tuple[dict, str]:
    """A new temporary password (to be changed at the next sign-in); every session ends.

    The audit records that it happened, never the password.
    """
    before = _existing(conn, who, username)
    password = temporary_password()
    people_store.set_temporary_password(conn, before["id"], password)
    web_sessions.revoke_user(conn, before["id"], now)
    after = present(people_store.account(conn, before["id"]), "账号", "account")
    write(conn, who, now, "user.reset_password", "user", before["username"], before, after)
    return after, password


def record_unlock(conn: Connection, who: Who, username: str, now: datetime) -> dict:
    """Write the unlock of a username's sign-in budget to the audit (the limiter's counters
    live outside the database; the caller clears them).
    """
    found = _existing(conn, who, username, lock=False)
    write(conn, who, now, "user.unlock", "user", found["username"], None,
          {"sign_in_budget": "cleared"})
    return found
