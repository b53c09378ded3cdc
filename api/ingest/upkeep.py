"""Background upkeep of the server: day partitions of positions, ensured at start and hourly;
fixes set aside more than 90 days ago forgotten.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import DBAPIError

from data.db import Database
from data.positions import ensure_current_partitions, prune_set_aside
from data.settings import Settings

log = logging.getLogger(__name__)
INTERVAL_S = 3600.0


def _ensure(db: Database, settings: Settings) -> bool:
    try:
        ensure_current_partitions(db, settings.timezone, now=settings.now())
        with db.begin() as conn:
            prune_set_aside(conn, settings.now())
        return True
    except DBAPIError as err:
        # The server must still start (and say 503) when the database is down or unmigrated;
        # the hourly run tries again.
        log.warning("could not ensure position partitions: %s", str(err).splitlines()[0])
        return False


def start_partition_upkeep(db: Database, settings: Settings,
                           interval_s: float = INTERVAL_S) -> threading.Event:
    """Ensure today's and tomorrow's partitions now, then hourly in a daemon thread.

    The thread runs only when ``settings.background_jobs`` is true. Returns an event that
    stops it when set.

    Parameters
    ----------
    db : Database
    settings : Settings
    interval_s : float
        Seconds between runs.

    Returns
    -------
    threading.Event
    """
    stop = threading.Event()
    _ensure(db, settings)
    if settings.background_jobs:
        def loop():
            while not stop.wait(interval_s):
                _ensure(db, settings)

        threading.Thread(target=loop, name="hq-partition-upkeep", daemon=True).start()
    return stop
