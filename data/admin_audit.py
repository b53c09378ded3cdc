"""The append-only log of administrative changes: writing a row, reading them back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from data.models import AdminAudit


def record(conn: Connection, at: datetime, actor_id: int | None, actor_name: str, action: str,
           subject_type: str, subject_key: str, before: dict | None, after: dict | None) -> int:
    """Append one change (in the caller's transaction, so it commits with the change).

    Parameters
    ----------
    conn : Connection
    at : datetime
        When (aware).
    actor_id, actor_name
        Who: the account (None for the command line) and its name as it was.
    action : str
        e.g. ``user.create``, ``department.merge``.
    subject_type, subject_key : str
        What changed (``user``/username, ``department``/code, ...).
    before, after : dict or None
        The record before and after (JSON-able).

    Returns
    -------
    int
        The row's id.
    """
    return conn.execute(insert(AdminAudit).values(
        at=at, actor_id=actor_id, actor_name=actor_name[:60], action=action,
        subject_type=subject_type, subject_key=str(subject_key)[:60], before=before,
        after=after).returning(AdminAudit.id)).scalar_one()


def entries(conn: Connection, limit: int = 200, subject_type: str | None = None,
            subject_key: str | None = None) -> list[dict]:
    """The newest changes first, optionally of one subject."""
    stmt = select(AdminAudit.id, AdminAudit.at, AdminAudit.actor_id, AdminAudit.actor_name,
                  AdminAudit.action, AdminAudit.subject_type, AdminAudit.subject_key,
                  AdminAudit.before, AdminAudit.after).order_by(AdminAudit.id.desc()).limit(limit)
    if subject_type:
        stmt = stmt.where(AdminAudit.subject_type == subject_type)
    if subject_key:
        stmt = stmt.where(AdminAudit.subject_key == subject_key)
    return [dict(r) for r in conn.execute(stmt).mappings()]
