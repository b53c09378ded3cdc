"""Wall answers shared by every app host through Redis: one host computes, the rest read."""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from dashboard.answer_codec import Unshareable, dumps, loads
from data.shared_state import PREFIX, Fuse

log = logging.getLogger(__name__)


class RemoteAnswers:
    """Answers per (question, slot) in Redis, computed once per slot by whichever host asks
    first (a short lock: SET NX PX) while the others wait for it and read it.

    An answer is kept a few slots (what SharedAnswers may show while stale); the lock
    expires by itself after ``lock_s`` so a host that died mid-build does not hold the
    others: they then compute it themselves. Values are JSON (answer_codec); a value it
    cannot carry (and any Redis outage, through the Fuse) is computed by the host that
    asked and kept in its memory, as on one host.
    """

    def __init__(self, fuse: Fuse, name: str, keep_slots: int = 6, lock_s: float = 30.0,
                 poll_s: float = 0.02, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fuse, self.keep_slots, self.lock_s, self.poll_s = fuse, keep_slots, lock_s, poll_s
        self._sleep, self._clock = sleep, clock
        self._base = f"{PREFIX}answers:{name}:"
        self._unshareable: set[tuple] = set()

    def key(self, question: tuple, slot_s: float, moment_slot: int, clock_slot: int) -> str:
        digest = hashlib.sha256(repr(question).encode()).hexdigest()[:24]
        return f"{self._base}{digest}:{slot_s:g}:{moment_slot}:{clock_slot}"

    def get(self, key: str, question: tuple, slot_s: float, compute: Callable[[], object]):
        """The answer stored under ``key``, else computed here (once for all hosts)."""
        if question in self._unshareable:
            return compute()
        found = self._read(self.fuse.call(lambda c: c.get(key), lambda: None))
        if found is not None:
            return found[0]
        if not self.fuse.usable:
            return compute()
        lock = key + ":lock"
        took = self.fuse.call(lambda c: c.set(lock, b"1", nx=True, px=int(self.lock_s * 1000)),
                              lambda: True)
        if not took:
            found = self._read(self._wait(key, lock))
            if found is not None:
                return found[0]
        try:
            value = compute()       # an error is not stored: the next asker tries again
            self._put(key, question, slot_s, value)
        finally:
            if took:
                self.fuse.call(lambda c: c.delete(lock), lambda: None)
        return value

    def _read(self, raw: bytes | None) -> tuple[object] | None:
        """(value,) from what Redis held, None if nothing (or nothing this codec reads:
        then the asker computes it, as if Redis had nothing).
        """
        if raw is None:
            return None
        try:
            return (loads(raw),)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            log.warning("unreadable shared answer ignored: %s", err)
            return None

    def _wait(self, key: str, lock: str) -> bytes | None:
        """The answer another host is building, once it is stored (None: build it here)."""
        end = self._clock() + self.lock_s
        while self._clock() < end:
            self._sleep(self.poll_s)
            raw, held = self.fuse.call(lambda c: c.mget(key, lock), lambda: (None, None))
            if raw is not None:
                return raw
            if held is None:
                return self.fuse.call(lambda c: c.get(key), lambda: None)
        return None

    def _put(self, key: str, question: tuple, slot_s: float, value: object) -> None:
        try:
            text = dumps(value)
        except Unshareable as err:
            # Kept per process from now on (remembered, so it is not re-tried every slot).
            self._unshareable.add(question)
            log.info("answer %r stays per process: %s", question[:1], err)
            return
        keep_ms = int(max(slot_s, 1.0) * self.keep_slots * 1000)
        self.fuse.call(lambda c: c.set(key, text, px=keep_ms), lambda: None)
