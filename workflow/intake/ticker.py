"""The intake job in the server's background: suggested duplicates and field tasks, each minute."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from data.db import Database
from data.queries.supervision import try_lock
from data.settings import Settings
from workflow.intake import suggestions, tasks
from workflow.rounds import RoundThread

log = logging.getLogger(__name__)
INTAKE_LOCK = 4_120_107     # advisory lock: one intake pass at a time across all workers


def run_once(db: Database, settings: Settings) -> dict | None:
    """One round at the settings' now; a database outage is logged, and retried next round."""
    now = settings.now()
    try:
        with db.begin() as conn:
            if not try_lock(conn, INTAKE_LOCK):
                return {"skipped": True}
            found = suggestions.suggest(conn, settings, now)
            moved = tasks.tick(conn, settings, now)
    except SQLAlchemyError as err:
        log.warning("intake pass failed, will retry: %s", err.__class__.__name__)
        return None
    return {"suggested": found, **moved, "skipped": False}


class IntakeTicker(RoundThread):
    """Runs ``run_once`` every ``interval_s`` seconds until stopped."""

    def __init__(self, db: Database, settings: Settings, interval_s: float = 60.0) -> None:
        super().__init__("intake-ticker", lambda: run_once(db, settings), interval_s)


def start_intake_ticker(db: Database, settings: Settings,
                        interval_s: float = 60.0) -> IntakeTicker:
    """Start the intake pass in the background and return it (``stop()`` ends it)."""
    ticker = IntakeTicker(db, settings, interval_s)
    ticker.start()
    return ticker
