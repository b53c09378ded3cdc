"""A short-lived per-process memory of signed-in accounts, so a screen's polling does not
read the account and its grids from the database on every request.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from workflow.roles import Actor


class ActorCache:
    """Actors by user id for ``ttl_s`` seconds (0 turns it off).

    A wall polls several times every few seconds; reading the account and its grid scope
    each time was a tenth of a worker's time under load. The price: a deactivated account
    or a changed role takes effect within ``ttl_s`` seconds rather than at once.
    """

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = 4096) -> None:
        self.ttl_s, self.clock, self.max_entries = ttl_s, clock, max_entries
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, Actor | None]] = {}

    def get(self, user_id: int, load: Callable[[int], Actor | None]) -> Actor | None:
        """The cached Actor (or None for an inactive account), else ``load(user_id)``."""
        if self.ttl_s <= 0:
            return load(user_id)
        now = self.clock()
        with self._lock:
            hit = self._entries.get(user_id)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        actor = load(user_id)       # a failure raises and caches nothing
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items()
                                 if now - v[0] < self.ttl_s}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[user_id] = (now, actor)
        return actor

    def forget(self, user_id) -> None:
        """Drop one entry (a sign-out, or a change made through this process)."""
        with self._lock:
            self._entries.pop(user_id, None)

    def forget_all(self) -> None:
        """Drop every entry (a password change revoked sessions this process remembers)."""
        with self._lock:
            self._entries.clear()
