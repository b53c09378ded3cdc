"""Counting windows for rate limits: a bounded in-process sliding window, and the same
interface over a Flask-Limiter strategy shared by every host (with the first as its fallback).
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from flask_limiter import Limiter
from limits import RateLimitItemPerSecond

MAX_KEYS = 50_000
log = logging.getLogger(__name__)


class SlidingWindow:
    """At most ``limit`` events per ``window_s`` seconds per key; thread-safe, bounded memory.

    The in-process window for ingest when counters stay in memory: the least recently used
    keys are dropped beyond ``max_keys``, so a flood of made-up device ids cannot exhaust
    memory (limits' own memory storage keeps an entry for every key it ever saw).
    """

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._events: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        self._events.move_to_end(key)
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until one more event is allowed (0: allowed now)."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            if len(events) < self.limit:
                return 0
            return max(1, math.ceil(events[0] + self.window_s - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(key, now).append(now)

    def take(self, key: str) -> int:
        """Count one event if allowed and return 0; otherwise the seconds to wait."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window_s - now))
            events.append(now)
            return 0

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class SharedWindow:
    """The same interface over a Flask-Limiter/limits strategy (e.g. on Redis, shared by
    every process and host): the moving window's hit counts and checks in one step.
    """

    def __init__(self, limiter: Limiter, limit: int, window_s: int, scope: str) -> None:
        self.item = RateLimitItemPerSecond(limit, window_s)
        self.limiter, self.scope = limiter, scope
        # Where counting goes while the shared storage does not answer (a Redis outage):
        # this process's own window, so phones keep reporting.
        self.local = SlidingWindow(limit, window_s)
        self._warned = False     # one warning per outage, not one per request

    def _shared(self, action: Callable, local: Callable):
        try:
            result = action(self.limiter.limiter)
        except Exception as err:  # noqa: BLE001 - limits wraps the storage's own errors
            if not self._warned:
                self._warned = True
                log.warning("rate-limit storage away (%s): counting in this process", err)
            return local()
        self._warned = False
        return result

    def take(self, key: str) -> int:
        if self._shared(lambda lim: lim.hit(self.item, self.scope, key),
                        lambda: self.local.take(key) == 0):
            return 0
        return self.retry_after(key) or 1

    def retry_after(self, key: str) -> int:
        stats = self._shared(lambda lim: lim.get_window_stats(self.item, self.scope, key),
                             lambda: None)
        if stats is None:
            return self.local.retry_after(key)
        reset, remaining = stats
        return 0 if remaining > 0 else max(1, math.ceil(reset - time.time()))

    def hit(self, key: str) -> None:
        self._shared(lambda lim: lim.hit(self.item, self.scope, key),
                     lambda: self.local.hit(key))

    def reset(self, key: str) -> None:
        self.local.reset(key)
        self._shared(lambda lim: lim.clear(self.item, self.scope, key), lambda: None)
