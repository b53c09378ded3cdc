"""Desk sessions in PostGIS: open one, find it live, revoke one or all of a user's."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from data.models import MobileSession, WebSession


def create(conn: Connection, id_hash: str, user_id: int, now: datetime,
           expires_at: datetime) -> None:
    """Store a new session; expired rows of the same user are dropped on the way.

    Parameters
    ----------
    conn : Connection
    id_hash : str
        sha256 hex of the session's random id (the id itself lives only in the cookie).
    user_id : int
    now, expires_at : datetime
    """
    conn.execute(delete(WebSession).where(WebSession.user_id == user_id,
                                          WebSession.expires_at <= now))
    conn.execute(insert(WebSession).values(id_hash=id_hash, user_id=user_id, created_at=now,
                                           expires_at=expires_at))


def live(conn: Connection, id_hash: str, now: datetime) -> dict | None:
    """The unrevoked, unexpired session with this id hash, or None.

    Returns
    -------
    dict or None
        user_id, created_at, expires_at.
    """
    stmt = (select(WebSession.user_id, WebSession.created_at, WebSession.expires_at)
            .where(WebSession.id_hash == id_hash, WebSession.revoked_at.is_(None),
                   WebSession.expires_at > now))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def revoke(conn: Connection, id_hash: str, now: datetime) -> bool:
    """Revoke one session; False when it was not live."""
    done = conn.execute(update(WebSession)
                        .where(WebSession.id_hash == id_hash, WebSession.revoked_at.is_(None))
                        .values(revoked_at=now))
    return done.rowcount == 1


def revoke_user(conn: Connection, user_id: int, now: datetime) -> int:
    """Revoke every live desk and phone session of a user (a password change); how many.

    Returns
    -------
    int
    """
    desk = conn.execute(update(WebSession)
                        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
                        .values(revoked_at=now)).rowcount
    phones = conn.execute(update(MobileSession)
                          .where(MobileSession.user_id == user_id,
                                 MobileSession.revoked_at.is_(None))
                          .values(revoked_at=now, revoked_by=user_id)).rowcount
    return desk + phones
