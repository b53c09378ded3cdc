"""The in-app inbox under the rules: each person reads and marks only their own notices."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import notices_store
from workflow.errors import not_found
from workflow.roles import Actor

MAX_PAGE = 100


def my_notices(conn: Connection, actor: Actor, unread_only: bool = False, limit: int = 20,
               before_id: int | None = None) -> dict:
    """The actor's notices, newest first, with the unread count (the bell's number)."""
    items = notices_store.inbox(conn, actor.id, unread_only, max(1, min(limit, MAX_PAGE)),
                                before_id)
    return {"unread": notices_store.unread_count(conn, actor.id), "items": items}


def unread(conn: Connection, actor: Actor) -> int:
    """How many of the actor's notices are unread."""
    return notices_store.unread_count(conn, actor.id)


def mark_read(conn: Connection, actor: Actor, now: datetime,
              notice_id: int | None = None) -> dict:
    """Mark one notice of the actor's read (404 for anyone else's), or all of them."""
    if notice_id is not None and not notices_store.owns_notice(conn, actor.id, notice_id):
        raise not_found("通知", "notice", "id")
    changed = notices_store.mark_read(conn, actor.id, now, notice_id)
    return {"marked": changed, "unread": notices_store.unread_count(conn, actor.id)}
