"""Possible duplicates of a report: open cases of its category nearby, nearest first."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import intake_store
from data.settings import Settings

# What a reporter may see of someone else's case standing at the same spot: no reporter,
# no contact, only what the photo and the words already show anyone passing by.
PUBLIC_FIELDS = ("id", "code", "status", "category_code", "reported_at", "photo_url",
                 "description", "address", "distance_m")


def window(settings: Settings) -> timedelta:
    """How far back (and forward) in time a duplicate may lie."""
    return timedelta(hours=settings.duplicate_window_h)


def possible_duplicates(conn: Connection, settings: Settings, category: str, lon: float,
                        lat: float, at: datetime, exclude: int | None = None) -> list[dict]:
    """Open cases that may be the same problem as a report of ``category`` at (lon, lat)."""
    rows = intake_store.nearby_open(conn, category, lon, lat, at, settings.duplicate_radius_m,
                                    window(settings), exclude)
    return [{k: r[k] for k in PUBLIC_FIELDS} for r in rows]


def duplicates_of(conn: Connection, settings: Settings, incident_id: int) -> list[dict]:
    """Possible duplicates of an existing case (for the operator's merge choice)."""
    point = intake_store.incident_point(conn, incident_id)
    if point is None:
        return []
    return possible_duplicates(conn, settings, point["category_code"], point["lon"],
                               point["lat"], point["reported_at"], exclude=incident_id)


def duplicate_notice(conn: Connection, settings: Settings, code: str) -> str:
    """For an Open311 client's service_notice: the open cases its new request may repeat."""
    incident_id = intake_store.incident_id_by_code(conn, code)
    found = duplicates_of(conn, settings, incident_id) if incident_id else []
    if not found:
        return ""
    codes = "、".join(d["code"] for d in found[:5])
    return f"；附近已有同类未结事件 {codes} / open reports of this kind nearby: {codes}"
