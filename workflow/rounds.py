"""A background job's thread: one round every interval until stopped, outages retried."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


class RoundThread(threading.Thread):
    """Runs ``work()`` every ``interval_s`` seconds until stopped; a database outage is
    logged and retried on the next round rather than killing the thread. ``rounds`` counts
    the rounds that completed.
    """

    def __init__(self, name: str, work: Callable[[], dict | None], interval_s: float) -> None:
        super().__init__(name=name, daemon=True)
        self._work, self._interval = work, interval_s
        self._stop_event = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            self.run_once()

    def run_once(self) -> dict | None:
        try:
            result = self._work()
        except SQLAlchemyError as err:
            log.warning("%s round failed, will retry: %s", self.name, err.__class__.__name__)
            return None
        self.rounds += 1
        return result

    def stop(self) -> None:
        self._stop_event.set()
