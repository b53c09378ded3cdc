"""下考上 rating rounds: a street chief rates each department the street worked with."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from data.queries import street_ratings as queries
from workflow.clock import BEIJING
from workflow.errors import forbidden, invalid
from workflow.leaders.figures import Period, month_period
from workflow.roles import Actor

PARTS = ("timeliness", "quality", "attitude")
NOTE_MAX = 500


def _days(period: Period):
    # A month still running is rated as the whole month (its round covers the month).
    if period.month is not None:
        period = month_period(period.month)
    return (period.start.astimezone(BEIJING).date(),
            (period.end - timedelta(microseconds=1)).astimezone(BEIJING).date()
            + timedelta(days=1))


def departments_to_rate(conn: Connection, actor: Actor, period: Period) -> list[dict]:
    """The departments the chief's street worked with in the period, with any rating given."""
    if not actor.is_chief or actor.street_id is None:
        raise forbidden("只有街道书记、主任可以评价部门 / only a street's chiefs rate departments")
    first, after = _days(period)
    given = queries.round_ratings(conn, actor.street_id, first, after)
    return [{**d, "rating": given.get(d["id"])}
            for d in queries.worked_with(conn, actor.street_id, period.start, period.end)]


def _score(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise invalid(f"{field} 应为 0 至 100 的整数 / {field} must be a whole number 0-100",
                      field)
    return value


def submit_round(conn: Connection, actor: Actor, period: Period, ratings: list,
                 now: datetime) -> int:
    """Store the chief's ratings for the period (a second round replaces the first).

    Every rating is checked before anything is written: a department the street did not
    work with, a score outside 0-100 or a note too long is refused naming its field
    (``ratings[2].quality``), and nothing is stored. Returns how many were stored.
    """
    allowed = {d["id"] for d in departments_to_rate(conn, actor, period)}
    if period.start > now:
        raise invalid("不能评价尚未开始的时段 / a period not begun cannot be rated", "period")
    if not isinstance(ratings, list) or not ratings:
        raise invalid("没有评价 / no ratings given", "ratings")
    first, after = _days(period)
    rows, seen = [], set()
    for i, item in enumerate(ratings):
        field = f"ratings[{i}]"
        if not isinstance(item, dict):
            raise invalid(f"{field} 格式不对 / {field} must be an object", field)
        dept = item.get("department_id")
        if isinstance(dept, bool) or dept not in allowed or dept in seen:
            raise invalid(f"{field}.department_id 不是本期与本街道协作的部门（或重复） / "
                          f"{field}.department_id did not work with this street in the "
                          "period (or is repeated)", f"{field}.department_id")
        seen.add(dept)
        note = item.get("note") or None
        if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
            raise invalid(f"{field}.note 最长 {NOTE_MAX} 字 / {field}.note: at most {NOTE_MAX} "
                          "characters", f"{field}.note")
        rows.append({"street_id": actor.street_id, "department_id": dept, "period_from": first,
                     "period_to": after, "note": note, "rated_by_id": actor.id,
                     "rated_at": now,
                     **{p: _score(item.get(p), f"{field}.{p}") for p in PARTS}})
    queries.save_round(conn, rows)
    return len(rows)
