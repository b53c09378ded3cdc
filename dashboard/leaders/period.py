"""The leaders' period: read from and written to the URL, chosen, and said in words."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

from dashboard.i18n import t
from workflow.clock import BEIJING
from workflow.errors import bad_request
from workflow.leaders.figures import Period, default_month, month_period, range_period

REPORT_URL = "/api/v1/reports/monthly"
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def from_search(search: str | None) -> dict:
    """month, from, to, lang and district as the URL names them (each a string or None)."""
    query = parse_qs((search or "").lstrip("?")) if isinstance(search, str) else {}
    return {k: (query.get(k) or [None])[0] for k in ("month", "from", "to", "lang", "district")}


def to_search(month: str | None, first: str | None, last: str | None,
              lang: str | None, district: str | None = None) -> str:
    """The query string of a chosen period (a range wins over the month), keeping ``lang``
    and the district a city leader picked.
    """
    query = {"from": first[:10], "to": last[:10]} if first and last else {"month": month} \
        if month else {}
    if district:
        query["district"] = district
    if lang:
        query["lang"] = lang
    return f"?{urlencode(query)}" if query else ""


def pick_period(month: str | None, first: str | None, last: str | None, now: datetime,
                young_days: int) -> Period:
    """A custom range when both ends are set, else the month (default: ``default_month``).

    A month still running is the month to date, compared with the same days before.
    """
    if first and last:
        days = []
        for name, raw in (("from", first), ("to", last)):
            try:
                days.append(date.fromisoformat(raw[:10]))
            except ValueError:
                raise bad_request(f"{name} 的格式应为 YYYY-MM-DD / {name} must be YYYY-MM-DD",
                                  name, "invalid_date") from None
        return range_period(*days)
    return month_period(month or default_month(now, young_days), now)


def report_links(month: str | None, first: str | None, last: str | None, now: datetime,
                 young_days: int, district: str | None = None) -> tuple[str, str]:
    """The XLSX and PDF report URLs for the period (and district) on screen."""
    query = {"month": month or default_month(now, young_days)}
    if first and last:
        query = {"from": first[:10], "to": last[:10]}
    if district:
        query["district"] = district
    q = urlencode(query)
    return f"{REPORT_URL}.xlsx?{q}", f"{REPORT_URL}.pdf?{q}"


def _day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def _span_en(first: date, last: date, whole_month: bool) -> str:
    month = f"{MONTHS_EN[first.month - 1]} {first.year}"
    if whole_month:
        return month
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {month}"
    return f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"


def words(period: Period, lang: str) -> tuple[str, str]:
    """The period and the one it is compared with, in the reader's language."""
    if lang != "en":
        return period.label, period.prev_label
    last = _day(period.end - timedelta(microseconds=1))
    prev_last = _day(period.before_end - timedelta(microseconds=1))
    if period.month is None:
        return (f"{_day(period.start):%Y-%m-%d} to {last:%Y-%m-%d}",
                f"{_day(period.prev_start):%Y-%m-%d} to {prev_last:%Y-%m-%d}")
    if period.to_date:
        return (f"{_span_en(_day(period.start), last, False)} ({t('ld_to_date', lang)})",
                f"{_span_en(_day(period.prev_start), prev_last, False)} "
                f"({t('ld_same_days', lang)})")
    return (_span_en(_day(period.start), last, True),
            _span_en(_day(period.prev_start), prev_last, True))
