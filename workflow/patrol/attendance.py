"""Attendance (考勤): clock-in and clock-out from the first and last good fix of each day,
late / early / absent against the street's shifts, leave days recorded by the street.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, timedelta

from data.db import Database
from data.patrol.attendance import add_leave, month_rows, worker_place
from data.settings import Settings
from workflow.clock import BEIJING
from workflow.errors import bad_request, forbidden, not_found
from workflow.leaders.figures import month_period
from workflow.patrol.scope import narrowed
from workflow.patrol.sheets import ensure_stored
from workflow.roles import Actor, Target, can

# Minutes of slack before a clock-in counts as late (or a clock-out as early): a phone's
# first fix comes a minute or two after the worker sets out.
GRACE_MIN = 5
STATUSES = ("ok", "late", "early", "late_early", "absent", "leave")


def day_status(row: dict, windows) -> str:
    """One worker-day's status from its first and last good fix and the shift windows."""
    if row["on_leave"]:
        return "leave"
    if row["first_fix"] is None:
        return "absent"
    day = row["day"]
    start = datetime.combine(day, windows[0][0], tzinfo=BEIJING) + timedelta(minutes=GRACE_MIN)
    end = datetime.combine(day, windows[-1][1], tzinfo=BEIJING) - timedelta(minutes=GRACE_MIN)
    late, early = row["first_fix"] > start, row["last_fix"] < end
    return "late_early" if late and early else "late" if late else "early" if early else "ok"


def month_days(month: str, now: datetime) -> list[date]:
    """The days of ``month`` that are over by ``now`` (today counts once it has ended)."""
    period = month_period(month)
    first, stop = period.start.date(), period.end.date()
    today = now.astimezone(BEIJING).date()
    return [first + timedelta(days=k) for k in range((min(stop, today) - first).days)]


def monthly_attendance(db: Database, actor: Actor, settings: Settings, month: str,
                       now: datetime, street_id: int | None = None,
                       community_id: int | None = None, user_id: int | None = None) -> dict:
    """Per worker in scope (or one worker: the month of their community only is read): each
    day's status and the month's counts.

    Returns
    -------
    dict
        month, days (ISO dates), workers (username, display_name, grid_code, street_zh,
        community_zh, clock_in / clock_out per day, status per day, counts per status).
    """
    days = month_days(month, now)
    if user_id is not None:
        with db.connect() as conn:
            place = worker_place(conn, user_id)
        if place is None or (street_id or place["street_id"]) != place["street_id"] \
                or (community_id or place["community_id"]) != place["community_id"]:
            return {"month": month, "days": [d.isoformat() for d in days], "workers": []}
        street_id, community_id = place["street_id"], place["community_id"]
    area = narrowed(actor, street_id, community_id)
    if area is None or not days:
        return {"month": month, "days": [d.isoformat() for d in days], "workers": []}
    for day in days:
        ensure_stored(db, day, now)
    with db.connect() as conn:
        rows = month_rows(conn, days[0], days[-1], area["street_id"], area["community_id"],
                          area["district_code"])
    workers: OrderedDict = OrderedDict()
    for row in rows:
        if user_id is not None and row["user_id"] != user_id:
            continue
        w = workers.setdefault(row["user_id"], {
            "user_id": row["user_id"], "username": row["username"],
            "display_name": row["display_name"], "grid_code": row["grid_code"],
            "street_zh": row["street_zh"], "community_zh": row["community_zh"],
            "status": {}, "clock_in": {}, "clock_out": {}, "counts": dict.fromkeys(STATUSES, 0)})
        status = day_status(row, settings.street_shift_windows(row["street_code"]))
        key = row["day"].isoformat()
        w["status"][key], w["clock_in"][key], w["clock_out"][key] = (
            status, row["first_fix"], row["last_fix"])
        w["counts"][status] += 1
    return {"month": month, "days": [d.isoformat() for d in days],
            "workers": list(workers.values())}


def record_leave(conn, actor: Actor, user_id: int, day: date, now: datetime) -> bool:
    """Record a worker's leave day (operators in their area, street chiefs in their street);
    404 for a worker outside the reader's scope. True when newly recorded.
    """
    place = worker_place(conn, user_id)
    if place is None or narrowed(actor, place["street_id"], place["community_id"]) is None:
        raise not_found("网格员", "worker", "worker")
    target = Target(street_id=place["street_id"], community_ids=frozenset({place["community_id"]}))
    if not can(actor, "patrol.manage", target):
        raise forbidden()
    if day > now.astimezone(BEIJING).date() + timedelta(days=366):
        raise bad_request("请假日期太远 / the leave day is too far ahead", "date")
    return add_leave(conn, user_id, day, actor.id, now)
