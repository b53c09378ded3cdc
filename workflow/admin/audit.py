"""Who made an administrative change, and writing it to the audit with before and after."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from data import admin_audit
from workflow.roles import Actor


@dataclass(frozen=True)
class Who:
    """The author of a change: an admin's account, or the command line (no account)."""

    actor_id: int | None
    name: str
    # An admin works within their district; the command line (None) across the city.
    district_code: str | None = None

    @classmethod
    def of(cls, actor: Actor) -> Who:
        return cls(actor.id, actor.username, actor.district_code)

    @classmethod
    def command_line(cls, os_user: str) -> Who:
        return cls(None, f"cli:{os_user}"[:60])


def jsonable(record: dict | None) -> dict | None:
    """A record as the audit stores it (times as ISO text, sets and tuples as lists)."""
    if record is None:
        return None
    out = {}
    for key, value in record.items():
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        elif isinstance(value, (set, frozenset, tuple)):
            value = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        out[key] = value
    return out


def write(conn: Connection, who: Who, now: datetime, action: str, subject_type: str,
          key: str, before: dict | None, after: dict | None) -> int:
    """Append the change to the audit (commits or rolls back with the change itself)."""
    return admin_audit.record(conn, now, who.actor_id, who.name, action, subject_type, key,
                              jsonable(before), jsonable(after))
