"""What callbacks need, passed in explicitly: settings, the database, shared caches."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from dashboard.answer_store import RemoteAnswers
from dashboard.shared_answers import SharedAnswers
from data.db import Database
from data.queries.world import boundaries_geojson
from data.settings import Settings
from data.shared_state import Fuse


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


@dataclass
class AppContext:
    settings: Settings
    db: Database
    # The Redis app hosts share (REDIS_URL), or None: then answers are per process.
    fuse: Fuse | None = None
    boundaries: BoundaryCache = field(init=False)
    answers: SharedAnswers = field(init=False)
    built: SharedAnswers = field(init=False)
    # When a wall screen last asked this process for anything (epoch seconds): the wall's
    # answers are kept fresh ahead of the screens only while some are watching.
    wall_seen_at: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.boundaries = BoundaryCache(self.db)
        # Data (query results) and what is built from them (figures, patches, components)
        # are kept apart, so a burst of one kind never evicts the other. Screens get the
        # last slot's build while the next one is made; the data under it is always fresh.
        # With Redis, each slot's answer is computed by one host for all of them.
        fuse = self.fuse
        self.answers = SharedAnswers(self.db, spread=True,
                                     remote=RemoteAnswers(fuse, "data") if fuse else None)
        self.built = SharedAnswers(self.db, background=True, spread=True,
                                   remote=RemoteAnswers(fuse, "built") if fuse else None)
