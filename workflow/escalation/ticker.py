"""The escalation job in the server's background: a daemon thread that ticks every minute."""
from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from data.clock import Clock
from data.db import Database
from workflow.escalation.tick import tick

log = logging.getLogger(__name__)


class Ticker(threading.Thread):
    """Runs ``tick`` every ``interval_s`` seconds until stopped; a database outage is logged
    and retried on the next round rather than killing the thread.
    """

    def __init__(self, db: Database, clock: Clock, interval_s: float = 60.0) -> None:
        super().__init__(name="workflow-ticker", daemon=True)
        self._db, self._clock, self._interval = db, clock, interval_s
        self._stop_event = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            self.run_once()

    def run_once(self) -> dict | None:
        try:
            with self._db.begin() as conn:
                result = tick(conn, self._clock())
        except SQLAlchemyError as err:
            log.warning("workflow tick failed, will retry: %s", err.__class__.__name__)
            return None
        self.rounds += 1
        return result

    def stop(self) -> None:
        self._stop_event.set()


def start_ticker(db: Database, clock: Clock, interval_s: float = 60.0) -> Ticker:
    """Start the background ticker and return it (``stop()`` ends it)."""
    ticker = Ticker(db, clock, interval_s)
    ticker.start()
    return ticker
