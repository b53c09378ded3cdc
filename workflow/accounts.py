"""Sign-in rules: password check, device tokens, and the Actor an account acts as."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from sqlalchemy import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from data import auth_store
from data.models.base import DISTRICT_CODE
from workflow.roles import Actor


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked when the username does not exist, so a wrong name costs as long as a wrong
    # password and timing does not tell which accounts exist.
    return generate_password_hash("not-a-real-password")


def actor_from_row(row: dict, grid_ids=()) -> Actor:
    """An Actor from a users row (and the grids a grid worker covers)."""
    return Actor(id=row["id"], role=row["role"], title=row["title"],
                 street_id=row["street_id"], community_id=row["community_id"],
                 department_id=row["department_id"], grid_ids=frozenset(grid_ids),
                 username=row["username"], display_name=row["display_name"],
                 district_code=row.get("district_code", DISTRICT_CODE))


def _with_grids(conn: Connection, row: dict) -> Actor:
    grids = auth_store.worker_grid_ids(conn, row["id"]) if row["role"] == "grid_worker" else ()
    return actor_from_row(row, grids)


def load_actor(conn: Connection, user_id: int) -> Actor | None:
    """The active account with this id as an Actor, or None (deactivated accounts sign out)."""
    row = auth_store.user_by_id(conn, user_id)
    if row is None or not row["active"]:
        return None
    return _with_grids(conn, row)


def authenticate(conn: Connection, username: str, password: str) -> Actor | None:
    """The Actor when the username and password match an active account, else None."""
    row = auth_store.user_by_username(conn, (username or "").strip().lower())
    stored = row["password_hash"] if row else _dummy_hash()
    try:
        ok = check_password_hash(stored, password or "")
    except (ValueError, TypeError):
        ok = False      # a placeholder hash (e.g. "x") is no password at all
    if row is None or not ok or not row["active"]:
        return None
    return _with_grids(conn, row)


def token_hash(token: str) -> str:
    """How device tokens are stored: the sha256 hex digest."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_for_token(conn: Connection, token: str) -> Actor | None:
    """The Actor owning an active device with this bearer token, or None."""
    if not token or len(token) > 512:
        return None
    row = auth_store.user_by_device_token_hash(conn, token_hash(token))
    return _with_grids(conn, row) if row else None
