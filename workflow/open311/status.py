"""Our lifecycle as Open311 sees it: open/closed, status notes, who is responsible, when."""
from __future__ import annotations

from datetime import datetime

from workflow.clock import BEIJING
from workflow.incidents.machine import FINAL_STATUSES, STATUS_ZH

COMMAND_CENTRE = "红桥区网格化管理指挥中心"
STATUS_EN = {"reported": "reported, awaiting acceptance", "accepted": "accepted",
             "dispatched": "dispatched", "in_progress": "being handled",
             "resolved": "handled, awaiting verification", "verified": "verified on site",
             "closed": "closed", "rejected": "not accepted", "reopened": "reopened for rework"}


def iso(moment: datetime | None) -> str:
    """ISO 8601 in Beijing time with its offset (2026-11-26T10:00:00+08:00); '' when absent."""
    if moment is None:
        return ""
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def open311_status(status: str) -> str:
    """closed for closed and rejected incidents, open for every other state."""
    return "closed" if status in FINAL_STATUSES else "open"


def status_notes(status: str, last_note: str | None) -> str:
    """The richer state in words, with the newest note staff marked public (e.g. why it was
    rejected, what was done before closing); internal notes never appear here.
    """
    text = f"{STATUS_ZH.get(status, status)} / {STATUS_EN.get(status, status)}"
    note = (last_note or "").strip()
    return f"{text}: {note}"[:1000] if note else text


def agency_responsible(row: dict) -> str:
    """The department it was dispatched to, or the street or community handling it itself;
    before dispatch the command centre holds it.
    """
    handled_by = row.get("handled_by")
    if handled_by == "department" and row.get("department_name"):
        return row["department_name"]
    if handled_by == "street":
        return row["street_name"]
    if handled_by == "community":
        return row["community_name"]
    return COMMAND_CENTRE


def service_notice(deadline_hours: int) -> str:
    return (f"派遣后 {deadline_hours} 小时内处置 / to be handled within {deadline_hours} hours "
            "of dispatch")


def to_open311(row: dict) -> dict:
    """A service_request as the spec lists its fields, from a data/open311_store row."""
    return {
        "service_request_id": row["code"], "status": open311_status(row["status"]),
        "status_notes": status_notes(row["status"], row.get("last_note")),
        "service_name": row["service_name"], "service_code": row["category_code"],
        "description": row["description"] or "",
        "agency_responsible": agency_responsible(row),
        "service_notice": service_notice(row["deadline_hours"]),
        "requested_datetime": iso(row["reported_at"]),
        "updated_datetime": iso(row["updated_at"]),
        "expected_datetime": iso(row["deadline"]),
        "address": row["address"] or "", "address_id": "", "zipcode": "",
        "lat": round(float(row["lat"]), 6), "long": round(float(row["lon"]), 6),
        "media_url": row.get("media_url") or "",
    }
