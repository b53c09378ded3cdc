"""Deadlines and lateness, computed from a passed-in ``now`` so they are right at any moment."""
from __future__ import annotations

from datetime import datetime, timedelta

# Work still in someone's hands: only these can be overdue (resolved work waits for the
# reporter's check, not for the department).
WORKING = ("dispatched", "in_progress", "reopened")
WHISTLE_OPEN = ("summoned", "reported_in")
DUE_SOON_SHARE = 0.2        # the last fifth of the allowed time is "due soon" (amber)


def incident_deadline(dispatched_at: datetime, deadline_hours: int) -> datetime:
    """The category's deadline counted from dispatch."""
    return dispatched_at + timedelta(hours=deadline_hours)


def is_overdue(status: str, deadline: datetime | None, now: datetime,
               open_statuses: tuple[str, ...] = WORKING) -> bool:
    """Past the deadline while the work is still open."""
    return deadline is not None and status in open_statuses and now > deadline


def urgency(status: str, start: datetime | None, deadline: datetime | None, now: datetime,
            open_statuses: tuple[str, ...] = WORKING) -> str:
    """One of "overdue", "due_soon", "on_track" (open work), "done" or "waiting".

    ``start`` is when the clock began (dispatch, or the whistle): "due soon" is the last
    ``DUE_SOON_SHARE`` of the time allowed.
    """
    if status in ("closed", "rejected", "verified", "resolved", "completed"):
        return "done"
    if deadline is None or status not in open_statuses:
        return "waiting"
    if now > deadline:
        return "overdue"
    allowed = (deadline - start) if start is not None else timedelta(0)
    if deadline - now <= allowed * DUE_SOON_SHARE:
        return "due_soon"
    return "on_track"


def hours_overdue(deadline: datetime, now: datetime) -> float:
    """How late, in hours (0 when not late)."""
    return max(0.0, (now - deadline).total_seconds() / 3600.0)
