"""Time helpers: the real clock for callers, Beijing calendar days for codes and periods."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from data.clock import system_clock

# Codes and periods follow the district's calendar, whatever the server's zone is.
BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The machine's now, timezone-aware, for scripts outside the app (the simulator, tests
    that run on the real clock). The app reads ``Settings.now()``; services take ``now``."""
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
