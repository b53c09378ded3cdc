"""Time helpers: the real clock for callers, Beijing calendar days for codes and periods."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data.clock import system_clock

# Codes and periods follow the district's calendar, whatever the server's zone is.
BEIJING = ZoneInfo("Asia/Shanghai")
# The days any period, filter or report may name: wide enough for any real question,
# narrow enough that a day's arithmetic (+1 day, the period before) never overflows.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
# The longest custom period a report or the analyst view reads (about three years).
MAX_PERIOD = timedelta(days=3 * 365 + 1)


def in_calendar(day: date | datetime) -> bool:
    """True when ``day`` lies within FIRST_DAY..LAST_DAY."""
    value = day.date() if isinstance(day, datetime) else day
    return FIRST_DAY <= value <= LAST_DAY


def utcnow() -> datetime:
    """The machine's now, timezone-aware, for scripts outside the app (the simulator, tests
    that run on the real clock). The app reads ``Settings.now()``; services take ``now``.
    """
    return system_clock()


def beijing_day(moment: datetime) -> str:
    """The Beijing calendar day of ``moment`` as YYYYMMDD."""
    return moment.astimezone(BEIJING).strftime("%Y%m%d")


def day_start(day: date) -> datetime:
    """Midnight at the start of a Beijing calendar day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def year_to_date(now: datetime) -> tuple[datetime, datetime]:
    """From 1 January (Beijing) of now's year to now."""
    local = now.astimezone(BEIJING)
    return day_start(date(local.year, 1, 1)), now
