"""The leaders' figures: periods in Beijing time, who sees what, completion and timeliness."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from data.queries import leaders as queries
from data.queries.supervision import overdue_incidents
from workflow.clock import BEIJING, FIRST_DAY, LAST_DAY, MAX_PERIOD, day_start, in_calendar
from workflow.deadlines import hours_overdue
from workflow.errors import bad_request, forbidden, invalid
from workflow.leaders.scoring import on_time_rate
from workflow.roles import Actor

# Who may open /leaders (api/auth.PAGE_ROLES holds the same tuple for the page guard).
# The city's leaders read any district's page (?district=, the home district unless asked).
LEADER_ROLES = ("district_leader", "supervisor", "analyst", "operator", "street_chief", "admin",
                "city_leader")
DIMENSIONS = ("street", "community", "department", "category")
LIST_LIMIT = 500


@dataclass(frozen=True)
class Period:
    """[start, end) in Beijing time, the period it is compared with, and labels.

    The comparison is [prev_start, prev_end) (``prev_end`` None: up to ``start``); a month
    still running is compared with the same days of the month before, judged as they stood
    at the same moment then (``prev_asof``; None: as of now), so like is set against like.
    """

    start: datetime
    end: datetime
    prev_start: datetime
    label: str
    month: str | None = None
    prev_end: datetime | None = None
    prev_asof: datetime | None = None
    prev_label: str = ""
    to_date: bool = False

    @property
    def before_end(self) -> datetime:
        """The end of the period compared with."""
        return self.prev_end or self.start


def month_period(month: str, now: datetime | None = None) -> Period:
    """A calendar month "YYYY-MM" in Beijing time, compared with the month before.

    When ``now`` lies inside the month, the period is the month to date and the comparison
    is the same span of the month before (capped at that month's end), as it stood then.
    400 naming ``month`` for anything else, or a month outside 2000-01..2100-12.
    """
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", month) if isinstance(month, str) else None
    year, mon = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not (match and 1 <= mon <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year):
        raise bad_request("月份格式应为 YYYY-MM（2000-01 至 2100-12） / month must be YYYY-MM "
                          "between 2000-01 and 2100-12", "month", "invalid_date")
    first = date(year, mon, 1)
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    before = date(year - (mon == 1), 12 if mon == 1 else mon - 1, 1)
    start, end, prev_start = day_start(first), day_start(nxt), day_start(before)
    if now is None or not start <= now < end:
        return Period(start, end, prev_start, f"{year}年{mon}月", month,
                      prev_label=f"{before.year}年{before.month}月")
    prev_end = min(prev_start + (now - start), start)
    today = now.astimezone(BEIJING).day
    last_day = (prev_end - timedelta(microseconds=1)).astimezone(BEIJING).day
    return Period(start, now, prev_start, f"{year}年{mon}月{_days(today)}（本月至今）", month,
                  prev_end, prev_end, f"{before.year}年{before.month}月{_days(last_day)}（同期）",
                  to_date=True)


def _days(last: int) -> str:
    return "1日" if last == 1 else f"1日至{last}日"


def default_month(now: datetime, young_days: int) -> str:
    """The month /leaders opens on: the last full month while this one is younger than
    ``young_days`` days (two days of open work say nothing yet), else this month to date.
    """
    local = now.astimezone(BEIJING)
    if local.day > young_days:
        return current_month(now)
    return current_month(day_start(date(local.year, local.month, 1)) - timedelta(days=1))


def range_period(first: date, last: date) -> Period:
    """Whole Beijing days ``first`` to ``last`` inclusive; the previous period as long, before.

    400 naming the field for a day outside 2000..2100 or a range longer than MAX_PERIOD.
    """
    for name, day in (("from", first), ("to", last)):
        if not in_calendar(day):
            raise bad_request(f"{name} 须在 2000-01-01 至 2100-12-31 之间 / {name} must lie "
                              "between 2000-01-01 and 2100-12-31", name, "invalid_date")
    if last < first:
        raise invalid("结束日期早于开始日期 / the range ends before it starts", "to")
    if last - first >= MAX_PERIOD:
        raise bad_request("时间段最长 3 年，请缩短 / a period may cover at most 3 years: "
                          "shorten it", "from", "range_too_long")
    start, end = day_start(first), day_start(last + timedelta(days=1))
    before = start - (end - start)
    return Period(start, end, before, f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}",
                  prev_label=f"{before:%Y-%m-%d} 至 {start - timedelta(days=1):%Y-%m-%d}")


def current_month(now: datetime) -> str:
    """The Beijing month of ``now`` as YYYY-MM."""
    return now.astimezone(BEIJING).strftime("%Y-%m")


def last_month_of(period: Period) -> str:
    """The month a period ends in (the last month of a score trend)."""
    return period.month or current_month(period.end - timedelta(seconds=1))


def recent_months(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, oldest first."""
    year, mon = (int(x) for x in month.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return out[::-1]


def leaders_scope(actor: Actor | None) -> int | None:
    """The street an actor is narrowed to on /leaders (None: the whole district).

    A street chief sees their own street's rows and the district totals; the other leader
    roles see everything; anyone else is refused.
    """
    if actor is None or actor.role not in LEADER_ROLES:
        raise forbidden()
    return actor.street_id if actor.role == "street_chief" else None


def leaders_district(actor: Actor | None, asked: str | None = None) -> str | None:
    """The district whose figures ``actor`` reads when asking for ``asked``.

    A district's account reads its own district whatever it asks for, and is refused
    (403) when it asks for another; a city leader reads the district asked for (None:
    every district together). Anyone who may not open /leaders is refused.
    """
    leaders_scope(actor)
    assert actor is not None
    if asked is not None and not (isinstance(asked, str) and len(asked) == 6
                                  and asked.isdigit()):
        raise bad_request("区代码应为 6 位数字 / district must be 6 digits", "district",
                          "invalid_district")
    if actor.district_code is None:
        return asked
    if asked not in (None, actor.district_code):
        raise forbidden()
    return actor.district_code


def share(part: int, whole: int) -> float | None:
    """A closure rate: part of whole, None without any (as the wall's street closure)."""
    return part / whole if whole else None


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def with_rates(row: dict, target: float) -> dict:
    """A count row with its closure and on-time rates, now and before, and the changes."""
    out = dict(row)
    for suffix in ("", "_prev"):
        out["closure_rate" + suffix] = share(row["done" + suffix], row["reported" + suffix])
        out["on_time_rate" + suffix] = on_time_rate(row["on_time" + suffix], row["closed" + suffix])
    out["closure_delta"] = _delta(out["closure_rate"], out["closure_rate_prev"])
    out["on_time_delta"] = _delta(out["on_time_rate"], out["on_time_rate_prev"])
    out["below_target"] = out["closure_rate"] is not None and out["closure_rate"] < target
    return out


def _before(period: Period, now: datetime) -> tuple[datetime, datetime, datetime]:
    """The compared period's start, end and the moment its work is judged at."""
    return period.prev_start, period.before_end, period.prev_asof or now


def district_counts(conn: Connection, period: Period, now: datetime,
                    district: str | None = None) -> dict:
    """The district's counts for the period and the one before (one row of completion_counts;
    ``district`` None: every district together).
    """
    return queries.completion_counts(conn, "district", period.start, period.end,
                                     _before(period, now), now, district=district)[0]


def completion(conn: Connection, actor: Actor, period: Period, dimension: str, now: datetime,
               target: float, street_id: int | None = None, total: dict | None = None,
               district: str | None = None) -> dict:
    """Closure and on-time rates by ``dimension`` for a period, with the district total.

    ``street_id`` picks the street whose communities are listed (a street chief always gets
    their own street); ``total`` passes in district_counts already read for this period;
    ``district`` is the one asked for (leaders_district decides what is read).
    Returns {"rows": [...], "total": {...}, "target": target}.
    """
    if dimension not in DIMENSIONS:
        raise invalid("未知的统计维度 / unknown dimension", "dimension")
    scope, district = leaders_scope(actor), leaders_district(actor, district)
    narrow = scope if scope is not None else street_id
    if dimension == "street":
        narrow = scope
    rows = queries.completion_counts(conn, dimension, period.start, period.end,
                                     _before(period, now), now, narrow, district)
    total = total if total is not None else district_counts(conn, period, now, district)
    return {"rows": [with_rates(r, target) for r in rows], "total": with_rates(total, target),
            "target": target}


def timeliness(conn: Connection, actor: Actor, period: Period,
               district: str | None = None) -> dict:
    """Median and p90 hours to accept, dispatch and close, by department and for the district.

    Departments are district-level units, so a street chief sees the same table.
    """
    rows = queries.timeliness(conn, period.start, period.end, leaders_district(actor, district))
    return {"rows": [r for r in rows if not r["total"]],
            "total": next((r for r in rows if r["total"]), None)}


def late_work(conn: Connection, actor: Actor, period: Period, now: datetime,
              limit: int = LIST_LIMIT, district: str | None = None) -> dict:
    """Items closed late in the period, and items open past their deadline now (督办)."""
    scope, district = leaders_scope(actor), leaders_district(actor, district)
    closed, closed_total = queries.closed_late(conn, period.start, period.end, scope, limit,
                                               district)
    overdue = overdue_incidents(conn, {"street_id": scope, "district_code": district}, now, limit)
    for row in overdue:
        row["hours_overdue"] = round(hours_overdue(row["deadline"], now), 1)
    overdue.sort(key=lambda r: (-r["hours_overdue"], r["id"]))
    return {"closed_late": closed, "closed_late_total": closed_total, "overdue": overdue}
