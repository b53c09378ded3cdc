"""Day partitions of positions: created ahead of time, and rescued from the default partition."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data.db import Database

# Serialises partition creation across gunicorn workers and the hourly thread.
LOCK_KEY = 72_010_605
CHECK_VIOLATION = "23514"
DAYS_AHEAD = 1
# Validation accepts fixes up to 7 days old, so those days get partitions too; a phone that
# comes back online after a week then never lands in the default partition.
DAYS_BACK = 7

ENSURE = text("select hq_ensure_position_partition(cast(:day as date))")
LOCK = text("select pg_advisory_xact_lock(:key)")
MOVE_OUT = (
    text("create temp table hq_moving_positions (like positions) on commit drop"),
    text("""
        with moved as (
          delete from positions_default
          where device_time >= (cast(:day as date)::timestamp at time zone 'Asia/Shanghai')
            and device_time < ((cast(:day as date) + 1)::timestamp at time zone 'Asia/Shanghai')
          returning *)
        insert into hq_moving_positions select * from moved"""),
)
MOVE_IN = (
    text("insert into positions select * from hq_moving_positions"),
    text("drop table hq_moving_positions"),
)


def local_day(now: datetime, tz: str = "Asia/Shanghai") -> date:
    """The calendar day at ``now`` in the given time zone (Beijing time by default).

    Parameters
    ----------
    now : datetime
        Aware datetime (the caller's clock: the app's is ``Settings.now()``).
    tz : str
        IANA time zone name.

    Returns
    -------
    date
    """
    return now.astimezone(ZoneInfo(tz)).date()


def ensure_partition(conn: Connection, day: date) -> str:
    """Make sure the partition for one Beijing-time day exists; returns its name.

    If fixes for that day already sit in the default partition (the server was down at
    midnight, or a loader wrote history), they are moved into the new partition in the
    same transaction instead of failing.

    Parameters
    ----------
    conn : Connection
        In a transaction (the caller commits).
    day : date

    Returns
    -------
    str
    """
    conn.execute(LOCK, {"key": LOCK_KEY})
    try:
        with conn.begin_nested():
            return conn.execute(ENSURE, {"day": day}).scalar_one()
    except DBAPIError as err:
        if getattr(err.orig, "pgcode", None) != CHECK_VIOLATION:
            raise
    for statement in MOVE_OUT:
        conn.execute(statement, {"day": day})
    name = conn.execute(ENSURE, {"day": day}).scalar_one()
    for statement in MOVE_IN:
        conn.execute(statement)
    return name


SET_ASIDE_DAYS = 90
PRUNE = text("delete from set_aside_fixes where server_time < cast(:before as timestamptz)")


def prune_set_aside(conn: Connection, now: datetime, days: int = SET_ASIDE_DAYS) -> int:
    """Forget fixes set aside more than ``days`` ago (they serve operators' questions about
    recent days; the table is not partitioned, so old rows go by delete).

    Parameters
    ----------
    conn : Connection
    now : datetime
    days : int

    Returns
    -------
    int
        Rows deleted.
    """
    return conn.execute(PRUNE, {"before": now - timedelta(days=days)}).rowcount


def ensure_current_partitions(db: Database, tz: str = "Asia/Shanghai", *,
                              now: datetime, days_ahead: int = DAYS_AHEAD,
                              days_back: int = DAYS_BACK) -> list[str]:
    """Ensure partitions from ``days_back`` days ago to ``days_ahead`` days ahead.

    Called by the server at start-up and every hour, so tomorrow's partition always exists
    before midnight.

    Parameters
    ----------
    db : Database
    tz : str
        The time zone whose "today" counts.
    now : datetime
        The current time by the caller's clock.
    days_ahead, days_back : int

    Returns
    -------
    list of str
        Partition names, oldest first.
    """
    today = local_day(now, tz)
    days = [today + timedelta(days=k) for k in range(-days_back, days_ahead + 1)]
    with db.begin() as conn:
        return [ensure_partition(conn, day) for day in days]
