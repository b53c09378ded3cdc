"""One answer per question and time slot, shared by every screen a process serves."""
from __future__ import annotations

import logging
import os
import threading
import time
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from dashboard.answer_store import RemoteAnswers
from data.db import Database

log = logging.getLogger(__name__)


class AnswerKey(NamedTuple):
    """Which remembered answer: the question, its slot length, the slot of the moment asked
    about (a replay's ``?at=`` moment) and the slot of the clock (so a replay's fixed moment
    is still recomputed every slot).
    """

    question: tuple
    slot_s: float
    moment_slot: int
    clock_slot: int

    @property
    def series(self) -> tuple:
        """The same question at any slot: whose newest answer may stand in while stale."""
        return (self.question, self.slot_s)


class SharedAnswers:
    """Answers (query results, built figures) shared per question and time slot.

    Forty wall screens ask the same questions on the same intervals; each question is
    computed once per slot (``slot_s`` seconds unless the question asks for its own) and the
    others wait for that one computation (single flight) instead of running it forty times.

    With ``background``, a question whose slot has ended is answered at once with its last
    answer (if that is at most ``stale_slots`` slots old) while one thread builds the new one
    (stale while revalidating): otherwise every screen arriving during the rebuild waits for
    it, and under load those waits are the slowest requests of all.
    """

    def __init__(self, db: Database, slot_s: float = 10.0, limit: int = 512,
                 clock: Callable[[], float] = time.time, background: bool = False,
                 stale_slots: int = 4, spread: bool = False,
                 remote: RemoteAnswers | None = None) -> None:
        self._db, self.slot_s, self._limit, self._clock = db, slot_s, limit, clock
        self._background, self._stale_slots = background, stale_slots
        # With ``spread``, each question's slots start at its own offset, different in each
        # process: slots aligned on the clock made every question of every server process
        # rebuild in the same second (a burst that took both cores for a second or two at
        # each minute), while spread out the same work is a steady trickle.
        # With ``remote`` (Redis, several hosts) the offsets must be the same in every
        # process, or no two would share a slot; one of them computes each slot anyway.
        self._spread = (0 if remote else os.getpid()) if spread else None
        self._remote = remote
        self._items: dict[AnswerKey, object] = {}
        # The newest answer of each question (whatever its slot), for answering while stale.
        self._latest: dict[tuple, tuple[AnswerKey, object]] = {}
        self._flights: dict[AnswerKey, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, question: tuple, moment: datetime, compute: Callable[[], object],
            slot_s: float | None = None):
        """The answer to ``question`` at ``moment`` (shared within its time slot)."""
        slot = slot_s or self.slot_s
        shift = self._offset(question, slot)
        # The slot of the moment asked about and of the clock: a replay's fixed moment is
        # still recomputed every slot.
        key = AnswerKey(question, slot, int((moment.timestamp() + shift) // slot),
                        int((self._clock() + shift) // slot))
        if self._remote is not None:
            compute = self._shared(key, compute)
        with self._lock:
            hit = key in self._items
            stale = None if hit or not self._background else self._stale(key)
        if hit or stale:
            # A remembered answer must not hide an outage: the pool's pre-ping raises when
            # the database is away, and the screen shows its banner as without the cache.
            with self._db.connect():
                pass
        if stale:
            self._refresh(key, compute)
            return stale[1]
        if hit:
            with self._lock:
                if key in self._items:
                    return self._items[key]
        return self._build(key, compute)

    def _shared(self, key: AnswerKey, compute: Callable[[], object]) -> Callable[[], object]:
        """``compute`` through Redis: this process's miss reads another host's answer."""
        remote = self._remote
        assert remote is not None
        name = remote.key(key.question, key.slot_s, key.moment_slot, key.clock_slot)
        return lambda: remote.get(name, key.question, key.slot_s, compute)

    def _offset(self, question: tuple, slot: float) -> float:
        """Where this question's slots start, in seconds (0 unless spread)."""
        if self._spread is None:
            return 0.0
        seed = zlib.crc32(f"{self._spread}:{question!r}".encode())
        return (seed % 1000) / 1000.0 * slot

    def _stale(self, key: AnswerKey) -> tuple[AnswerKey, object] | None:
        """The last answer to the same question, if it is recent enough to show meanwhile."""
        latest = self._latest.get(key.series)
        if latest is None:
            return None
        old, n = latest[0], self._stale_slots
        recent = key.clock_slot - n <= old.clock_slot < key.clock_slot
        return latest if recent and abs(old.moment_slot - key.moment_slot) <= n else None

    def _build(self, key: AnswerKey, compute: Callable[[], object]):
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = compute()    # an error is not remembered: the next screen tries again
            self._store(key, value)
            return value

    def _refresh(self, key: AnswerKey, compute: Callable[[], object]) -> None:
        """Build ``key`` in a thread of its own unless a build of it is under way."""
        with self._lock:
            if key in self._flights or key in self._items:
                return
            flight = threading.Lock()
            flight.acquire()
            self._flights[key] = flight

        def run():
            try:
                self._store(key, compute())
            except Exception:  # noqa: BLE001 - the next screen asks again (and sees errors)
                log.warning("refreshing %s failed", key.question, exc_info=True)
                with self._lock:
                    self._flights.pop(key, None)
            finally:
                flight.release()

        threading.Thread(target=run, name="shared-answer", daemon=True).start()

    def _store(self, key: AnswerKey, value: object) -> None:
        with self._lock:
            if len(self._items) >= self._limit:
                self._evict()
            self._items[key] = value
            latest = self._latest.get(key.series)
            if latest is None or latest[0].clock_slot <= key.clock_slot:
                self._latest[key.series] = (key, value)
            self._flights.pop(key, None)

    def _evict(self) -> None:
        """Drop the answers of past clock slots (all of them if that frees nothing)."""
        now = self._clock()
        live = {k: v for k, v in self._items.items() if k.clock_slot >= int(now // k.slot_s)}
        self._items = live if len(live) < self._limit else {}
        self._latest = {series: (k, v) for series, (k, v) in self._latest.items()
                        if k.clock_slot >= int(now // k.slot_s) - self._stale_slots}
        self._flights = {k: v for k, v in self._flights.items() if v.locked()}
