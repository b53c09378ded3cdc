"""mySociety's servicerequestupdates extension: public updates FixMyStreet pulls."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import open311_updates_store
from workflow.open311.requests import date_range
from workflow.open311.services import NOT_PUBLIC
from workflow.open311.status import iso

# Our steps in FixMyStreet's extended statuses (lower case, as its GetServiceRequestUpdates
# reads them); a merged duplicate says so.
EXTENDED = {"reported": "open", "accepted": "investigating", "dispatched": "action_scheduled",
            "in_progress": "in_progress", "reopened": "in_progress", "resolved": "fixed",
            "verified": "fixed", "closed": "closed", "rejected": "no_further_action"}


def update_status(row: dict) -> str:
    """The extended status after one step (a remark keeps the status the case had)."""
    if row["action"] == "merge":
        return "duplicate"
    status = row["from_status"] if row["to_status"] == "commented" else row["to_status"]
    return EXTENDED.get(status or "reported", "open")


def to_update(row: dict) -> dict:
    """One request_update with the extension's fields."""
    return {"update_id": str(row["update_id"]), "service_request_id": row["code"],
            "status": update_status(row), "updated_datetime": iso(row["at"]),
            "description": row["note"] or "", "media_url": row["photo_url"] or ""}


def list_updates(conn: Connection, start: datetime | None, end: datetime | None,
                 now: datetime, ids: list[str] | None = None) -> list[dict]:
    """GET servicerequestupdates: the window as GET requests has it (90 days at most)."""
    start, end = date_range(start, end, now)
    rows = open311_updates_store.request_updates(conn, start, end, sorted(NOT_PUBLIC), ids)
    return [to_update(r) for r in rows]
