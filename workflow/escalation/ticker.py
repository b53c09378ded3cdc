"""The escalation job in the server's background: a daemon thread that ticks every minute."""
from __future__ import annotations

from data.clock import Clock
from data.db import Database
from workflow.escalation.tick import tick
from workflow.rounds import RoundThread


class Ticker(RoundThread):
    """Runs ``tick`` every ``interval_s`` seconds until stopped (an outage is retried)."""

    def __init__(self, db: Database, clock: Clock, interval_s: float = 60.0) -> None:
        super().__init__("workflow-ticker", lambda: _tick(db, clock), interval_s)


def _tick(db: Database, clock: Clock) -> dict:
    with db.begin() as conn:
        return tick(conn, clock())


def start_ticker(db: Database, clock: Clock, interval_s: float = 60.0) -> Ticker:
    """Start the background ticker and return it (``stop()`` ends it)."""
    ticker = Ticker(db, clock, interval_s)
    ticker.start()
    return ticker
