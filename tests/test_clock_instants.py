"""Calendar edges at the session's now: whatever day and hour the suite runs on (make
test-clock moves it to 23:59:30, 00:00:30, a month's and the year's last seconds, +30 and +400
days), "today", "yesterday", this month, the last month and the day partitions are right.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from api.server import create_server
from dashboard.analyst.state import DEFAULTS, date_range
from data.db import Database
from data.positions.partitions import local_day
from data.queries.wall import moments
from tests.clock import SESSION_NOW
from workflow.clock import BEIJING, beijing_day
from workflow.leaders.figures import current_month, month_period, recent_months

LOCAL = SESSION_NOW.astimezone(BEIJING)
TODAY = LOCAL.date()


def previous_day(day: date) -> date:
    return day - timedelta(days=1)


def test_the_server_makes_today_and_tomorrow_partitions_by_its_clock(test_settings, engine):
    create_server(test_settings, Database(test_settings, engine=engine))
    with engine.connect() as conn:
        names = set(conn.execute(text(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
            "where i.inhparent = 'positions'::regclass")).scalars())
    today = local_day(SESSION_NOW, test_settings.timezone)
    assert today == TODAY
    assert {f"positions_{today:%Y%m%d}", f"positions_{today + timedelta(days=1):%Y%m%d}",
            f"positions_{previous_day(today):%Y%m%d}"} <= names


def test_this_month_and_the_month_before_even_across_new_year():
    month = current_month(SESSION_NOW)
    assert month == f"{TODAY.year:04d}-{TODAY.month:02d}"
    period = month_period(month)
    assert period.start <= SESSION_NOW < period.end
    before = month_period(recent_months(month, 2)[0])
    assert before.end == period.start and before.start == period.prev_start
    assert before.start.astimezone(BEIJING).day == 1
    if TODAY.month == 1:
        assert before.month == f"{TODAY.year - 1}-12"


def test_yesterday_and_last_week_are_whole_local_days_of_their_own_year():
    for k in (1, 7):
        m = moments(SESSION_NOW, "Asia/Shanghai", k)
        day = TODAY - timedelta(days=k)
        assert m["t"].date() == day and (m["t"].hour, m["t"].minute) == (LOCAL.hour, LOCAL.minute)
        assert m["d0"].date() == day and (m["d0"].hour, m["d0"].minute) == (0, 0)
        assert m["y0"].date() == date(day.year, 1, 1)


def test_every_analyst_preset_ends_today_and_starts_where_its_name_says():
    starts = {"today": TODAY, "7d": TODAY - timedelta(days=6), "30d": TODAY - timedelta(days=29),
              "quarter": date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1),
              "year": date(TODAY.year, 1, 1)}
    for preset, start in starts.items():
        assert date_range({**DEFAULTS, "range": preset}, TODAY) == (start, TODAY), preset


def test_codes_carry_the_beijing_day():
    assert beijing_day(SESSION_NOW) == f"{TODAY:%Y%m%d}"
