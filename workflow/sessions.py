"""Desk sessions' rules: a fixed lifetime from sign-in, revocation, changing one's password."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import auth_store, web_sessions
from workflow.accounts import authenticate
from workflow.errors import WorkflowError, invalid
from workflow.roles import Actor

MIN_PASSWORD = 10
MAX_PASSWORD = 200


def id_hash(session_id: str) -> str:
    """How a session id is stored: its sha256 hex digest."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(conn: Connection, actor: Actor, now: datetime, lifetime_s: int) -> str:
    """A new session for ``actor`` ending ``lifetime_s`` after ``now``; returns its id (for
    the signed cookie only).
    """
    session_id = secrets.token_urlsafe(32)
    web_sessions.create(conn, id_hash(session_id), actor.id, now,
                        now + timedelta(seconds=lifetime_s))
    return session_id


def live_user(conn: Connection, session_id: str | None, now: datetime) -> int | None:
    """The user id of a live session (not revoked, not past its end), else None."""
    if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
        return None
    found = web_sessions.live(conn, id_hash(session_id), now)
    return found["user_id"] if found else None


def close_session(conn: Connection, session_id: str | None, now: datetime) -> None:
    """Revoke a session (sign-out): copies of its cookie stop working too."""
    if isinstance(session_id, str) and session_id:
        web_sessions.revoke(conn, id_hash(session_id), now)


def change_password(conn: Connection, actor: Actor, current: str, new: str,
                    now: datetime) -> int:
    """Set a new password after checking the current one; every session of the account
    (desk and phone) is revoked. Returns how many were.

    401 when ``current`` is wrong, 400 (naming ``new_password``) when the new one is too
    short, too long, or the same as the username or the current password.
    """
    if authenticate(conn, actor.username, current) is None:
        raise WorkflowError(401, "invalid_credentials", "当前密码错误 / the current password "
                            "is wrong", "current_password")
    if not MIN_PASSWORD <= len(new) <= MAX_PASSWORD:
        raise invalid(f"新密码须为 {MIN_PASSWORD}-{MAX_PASSWORD} 个字符 / the new password must "
                      f"have {MIN_PASSWORD} to {MAX_PASSWORD} characters", "new_password")
    if new == current or new.strip().lower() == actor.username.lower():
        raise invalid("新密码不能与当前密码或用户名相同 / the new password may not be the current "
                      "one or the username", "new_password")
    auth_store.password_changed(conn, actor.id, new)
    return web_sessions.revoke_user(conn, actor.id, now)
