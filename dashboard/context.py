"""What callbacks need, passed in explicitly: settings, the database, shared caches."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from dashboard.answer_store import RemoteAnswers
from dashboard.shared_answers import SharedAnswers
from data.db import Database, read_database
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
        # One district's features of a level, with the whole level they were taken from.
        self._subsets: dict[tuple[str, str], tuple[dict, dict]] = {}
        self._lock = threading.Lock()

    def get(self, level: str, district: str | None = None) -> dict:
        """The level's features: all of them, or ``district``'s (codes start with it)."""
        everything = self._level(level)
        if district is None:
            return everything
        with self._lock:
            hit = self._subsets.get((level, district))
        if hit is not None and hit[0] is everything:
            return hit[1]
        subset = {**everything, "features": [f for f in everything["features"]
                                             if str(f["id"]).startswith(district)]}
        with self._lock:
            self._subsets[(level, district)] = (everything, subset)
        return subset

    def _level(self, level: str) -> dict:
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
            self._subsets.clear()


class ReplicaLag:
    """How far behind the standby the reads go to is, asked at most every few seconds.

    Every wall channel of every screen shows it; one question per ``ttl_s`` per process is
    enough, and none at all when the reads go to the primary.
    """

    def __init__(self, reads: Database, primary: Database, ttl_s: float = 2.0) -> None:
        self._reads, self._on_standby, self._ttl = reads, reads is not primary, ttl_s
        self._value: tuple[float, float | None] = (float("-inf"), None)
        self._lock = threading.Lock()

    def seconds(self) -> float | None:
        """Seconds behind, or None when reads go to the primary (or it is not a standby)."""
        if not self._on_standby:
            return None
        now = time.monotonic()
        with self._lock:
            if now - self._value[0] < self._ttl:
                return self._value[1]
        value = self._reads.staleness_s()
        with self._lock:
            self._value = (now, value)
        return value


@dataclass
class AppContext:
    settings: Settings
    db: Database
    # Where the wall's, analysts' and leaders' reads go, if given; else ``reads`` is the hot
    # standby when one is configured (settings.database_replica_url), else ``db``.
    # Writes, sign-in, sessions and ingest always go to ``db``.
    # Keyword-only, like ``fuse``: two optional engines' worth of arguments must not be
    # confused by position.
    replica: Database | None = field(default=None, kw_only=True)
    reads: Database = field(init=False)
    lag: ReplicaLag = field(init=False)
    # The Redis app hosts share (REDIS_URL), or None: then answers are per process.
    fuse: Fuse | None = field(default=None, kw_only=True)
    boundaries: BoundaryCache = field(init=False)
    answers: SharedAnswers = field(init=False)
    built: SharedAnswers = field(init=False)
    # When a wall screen last asked this process for anything (epoch seconds): the wall's
    # answers are kept fresh ahead of the screens only while some are watching.
    wall_seen_at: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.reads = self.replica or read_database(self.settings, self.db)
        self.lag = ReplicaLag(self.reads, self.db)
        self.boundaries = BoundaryCache(self.reads)
        # Data (query results) and what is built from them (figures, patches, components)
        # are kept apart, so a burst of one kind never evicts the other. Screens get the
        # last slot's build while the next one is made; the data under it is always fresh.
        # With Redis, each slot's answer is computed by one host for all of them.
        fuse = self.fuse
        self.answers = SharedAnswers(self.reads, spread=True,
                                     remote=RemoteAnswers(fuse, "data") if fuse else None)
        self.built = SharedAnswers(self.reads, background=True, spread=True,
                                   remote=RemoteAnswers(fuse, "built") if fuse else None)
