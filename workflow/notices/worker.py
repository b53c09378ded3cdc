"""The delivery worker in the server's background: a daemon thread that, every few seconds,
writes the time-driven notices and sends what is due, one notice per transaction.
"""
from __future__ import annotations

import logging
import threading
from datetime import time

from sqlalchemy.exc import SQLAlchemyError

from data.clock import Clock
from data.db import Database
from data.notices_store import due_ids
from workflow.notices.delivery import deliver_one
from workflow.notices.scan import scan
from workflow.notices.senders import ChannelSettings

log = logging.getLogger(__name__)


class NoticeWorker(threading.Thread):
    """Runs ``run_once`` every ``interval_s`` seconds until stopped; a database outage is
    logged and retried next round (the outbox keeps every notice meanwhile).
    """

    def __init__(self, db: Database, clock: Clock, channels: ChannelSettings,
                 quiet: tuple[time, time] | None, interval_s: float = 5.0) -> None:
        super().__init__(name="notice-worker", daemon=True)
        self._db, self._clock, self._channels, self._quiet = db, clock, channels, quiet
        self._interval = interval_s
        self._stop_event = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            self.run_once()

    def run_once(self) -> dict[str, int] | None:
        counts: dict[str, int] = {}
        try:
            with self._db.begin() as conn:
                counts.update(scan(conn, self._clock()))
            with self._db.connect() as conn:
                ids = due_ids(conn, self._clock())
            for notice_id in ids:
                # One transaction per notice: a sent notice is recorded as sent at once.
                with self._db.begin() as conn:
                    outcome = deliver_one(conn, notice_id, self._channels, self._clock(),
                                          self._quiet)
                counts[outcome] = counts.get(outcome, 0) + 1
        except SQLAlchemyError as err:
            log.warning("notice delivery failed, will retry: %s", err.__class__.__name__)
            return None
        self.rounds += 1
        return counts

    def stop(self) -> None:
        self._stop_event.set()


def start_notice_worker(db: Database, clock: Clock, channels: ChannelSettings,
                        quiet: tuple[time, time] | None, interval_s: float = 5.0) -> NoticeWorker:
    """Start the delivery worker and return it (``stop()`` ends it)."""
    worker = NoticeWorker(db, clock, channels, quiet, interval_s)
    worker.start()
    return worker
