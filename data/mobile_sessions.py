"""Signed-in phones in PostGIS: create, find by token hash, touch, list and revoke."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from data.models import MobileSession, User

# Writing last_seen on every request would turn each read into a write; once a minute is
# plenty for "when was this phone last used".
TOUCH_EVERY_S = 60


def create_session(conn: Connection, user_id: int, token_hash: str, user_agent: str,
                   now: datetime, expires_at: datetime) -> int:
    """Store a new phone session; returns its id.

    Parameters
    ----------
    conn : Connection
    user_id : int
    token_hash : str
        sha256 hex of the cookie's token (the token itself is never stored).
    user_agent : str
    now, expires_at : datetime

    Returns
    -------
    int
    """
    return conn.execute(insert(MobileSession).values(
        user_id=user_id, token_hash=token_hash, user_agent=(user_agent or "")[:200],
        last_seen_at=now, expires_at=expires_at).returning(MobileSession.id)).scalar_one()


def live_session(conn: Connection, token_hash: str, now: datetime) -> dict | None:
    """The unrevoked, unexpired session of an active user with this token hash, or None.

    Parameters
    ----------
    conn : Connection
    token_hash : str
    now : datetime

    Returns
    -------
    dict or None
        id, user_id, last_seen_at, expires_at.
    """
    stmt = (select(MobileSession.id, MobileSession.user_id, MobileSession.last_seen_at,
                   MobileSession.expires_at)
            .join(User, User.id == MobileSession.user_id)
            .where(MobileSession.token_hash == token_hash, MobileSession.revoked_at.is_(None),
                   MobileSession.expires_at > now, User.active.is_(True)))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def touch_session(conn: Connection, session_id: int, now: datetime) -> None:
    """Record that the phone was used now.

    Parameters
    ----------
    conn : Connection
    session_id : int
    now : datetime
    """
    conn.execute(update(MobileSession).where(MobileSession.id == session_id)
                 .values(last_seen_at=now))


def list_sessions(conn: Connection, user_id: int | None = None,
                  include_revoked: bool = False) -> list[dict]:
    """Phone sessions, newest first, with their owner's username and display name.

    Parameters
    ----------
    conn : Connection
    user_id : int, optional
        Only this user's sessions.
    include_revoked : bool

    Returns
    -------
    list of dict
    """
    stmt = (select(MobileSession.id, MobileSession.user_id, User.username, User.display_name,
                   MobileSession.user_agent, MobileSession.created_at,
                   MobileSession.last_seen_at, MobileSession.expires_at,
                   MobileSession.revoked_at)
            .join(User, User.id == MobileSession.user_id)
            .order_by(MobileSession.id.desc()))
    if user_id is not None:
        stmt = stmt.where(MobileSession.user_id == user_id)
    if not include_revoked:
        stmt = stmt.where(MobileSession.revoked_at.is_(None))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def revoke_session(conn: Connection, session_id: int, now: datetime,
                   revoked_by: int | None = None) -> bool:
    """Revoke one session.

    Parameters
    ----------
    conn : Connection
    session_id : int
    now : datetime
    revoked_by : int, optional
        The user who revoked it (None from the command line).

    Returns
    -------
    bool
        False when there is no such unrevoked session.
    """
    done = conn.execute(update(MobileSession)
                        .where(MobileSession.id == session_id, MobileSession.revoked_at.is_(None))
                        .values(revoked_at=now, revoked_by=revoked_by))
    return done.rowcount == 1
