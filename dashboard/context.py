"""What callbacks need, passed in explicitly: settings, the database, a boundary cache."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from data.db import Database
from data.queries.world import boundaries_geojson
from data.settings import Settings


class BoundaryCache:
    """The simplified polygons of each level, read once and kept for a while.

    Grid boundaries change only on import, so re-reading them per request would only burn
    the database and the network; a TTL keeps a re-import visible within minutes.
    """

    def __init__(self, db: Database, ttl_s: float = 600.0) -> None:
        self._db, self._ttl = db, ttl_s
        self._items: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, level: str) -> dict:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(level)
            if hit and now - hit[0] < self._ttl:
                return hit[1]
        with self._db.connect() as conn:
            value = boundaries_geojson(conn, level)
        with self._lock:
            self._items[level] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class SharedAnswers:
    """One answer per question and time slot, shared by every screen this process serves.

    Forty wall screens ask the same questions on the same intervals; each question is
    computed once per ``slot_s`` seconds and the others wait for that one computation
    (single flight) instead of running the same query forty times.
    """

    def __init__(self, db: Database, slot_s: float = 10.0, limit: int = 512) -> None:
        self._db, self.slot_s, self._limit = db, slot_s, limit
        self._items: dict[tuple, object] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, question: tuple, moment: datetime, compute: Callable[[], object]):
        """The answer to ``question`` at ``moment`` (shared within its time slot)."""
        # The slot of the moment asked about and of the clock: a replay's fixed moment is
        # still recomputed every slot.
        key = (*question, int(moment.timestamp() // self.slot_s),
               int(time.time() // self.slot_s))
        with self._lock:
            hit = key in self._items
        if hit:
            # A remembered answer must not hide an outage: the pool's pre-ping raises when
            # the database is away, and the screen shows its banner as without the cache.
            with self._db.connect():
                pass
            with self._lock:
                if key in self._items:
                    return self._items[key]
        with self._lock:
            flight = self._locks.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = compute()    # an error is not remembered: the next screen tries again
            with self._lock:
                if len(self._items) >= self._limit:
                    self._items.clear()
                    self._locks = {k: v for k, v in self._locks.items() if k == key}
                self._items[key] = value
                self._locks.pop(key, None)
            return value


@dataclass
class AppContext:
    settings: Settings
    db: Database
    boundaries: BoundaryCache = field(init=False)
    answers: SharedAnswers = field(init=False)

    def __post_init__(self) -> None:
        self.boundaries = BoundaryCache(self.db)
        self.answers = SharedAnswers(self.db)
