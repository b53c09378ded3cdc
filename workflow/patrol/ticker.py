"""The patrol job in the server's background: exceptions as they happen, sheets of closed days.

Every round (a minute) runs the exception rules over today's shifts up to now, stores
today's sheets so far every ``patrol_sheet_refresh_s``, makes sure yesterday's sheets are
stored, and drops day partitions of raw fixes past retention; the
clock is the settings' clock, never the machine's.
"""
from __future__ import annotations

from datetime import timedelta

from data.db import Database
from data.settings import Settings
from workflow.clock import BEIJING
from workflow.patrol.exceptions import detect
from workflow.patrol.retention import apply_retention
from workflow.patrol.sheets import ensure_stored, refresh_today
from workflow.rounds import RoundThread


def patrol_round(db: Database, settings: Settings) -> dict:
    """One round: today's exceptions so far, yesterday's sheets if missing."""
    now = settings.now()
    today = now.astimezone(BEIJING).date()
    with db.begin() as conn:
        events = detect(conn, settings, today, now)
    stored = ensure_stored(db, today - timedelta(days=1), now)
    today_sheets = refresh_today(db, now, settings.patrol_sheet_refresh_s)
    dropped = apply_retention(db, settings, now)
    return {"events": events, "stored_yesterday": stored, "today_sheets": today_sheets,
            "dropped": dropped}


class PatrolTicker(RoundThread):
    """Runs ``patrol_round`` every ``interval_s`` until stopped; an outage is retried."""

    def __init__(self, db: Database, settings: Settings, interval_s: float = 60.0) -> None:
        super().__init__("patrol-ticker", lambda: patrol_round(db, settings), interval_s)


def start_patrol_ticker(db: Database, settings: Settings, interval_s: float = 60.0) -> PatrolTicker:
    """Start the background patrol job and return it (``stop()`` ends it)."""
    ticker = PatrolTicker(db, settings, interval_s)
    ticker.start()
    return ticker
