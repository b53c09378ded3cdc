"""Group commit for ingest: fixes of requests that arrive together share one statement and commit."""
from __future__ import annotations

import math
import queue
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError

from api.errors import ApiError
from data.db import Database
from data.devices import store_clock_offsets
from data.positions import Fix, write_fixes
from data.settings import Settings
from geo import track
from geo.screening import SPEED

WAIT_S = 30.0
MAX_GROUP_FIXES = 2000
MAX_REPLANS = 2
MAX_REMEMBERED = 50_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fix_key(device_pk: int, when: datetime) -> tuple[int, int]:
    """(device, microseconds since the epoch): exact, unlike float seconds."""
    return device_pk, (when - EPOCH) // timedelta(microseconds=1)


@dataclass(eq=False)
class Job:
    """One request's fixes of one device, sorted by time, waiting to be written.

    Fixes without a reason are trusted unless they jump from the device's last trusted fix
    (decided here, where that fix is known); ``clock`` is a measured clock offset to store
    for the device: (seconds, measured at). ``result`` holds, per fix, ("accepted", None),
    ("set_aside", reason) or ("duplicate", reason or None).
    """

    device_pk: int
    fixes: list[Fix]
    accuracy: list[float]
    indexes: list[int]
    clock: tuple[float, datetime] | None = None
    # The district the fixes are stored under (the device's worker's; None: the home one).
    district_code: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    result: list[tuple[str, str | None]] | None = None
    error: BaseException | None = None

    def finish(self, result=None, error=None) -> None:
        self.result, self.error = result, error
        self.done.set()


class _Replan(Exception):
    """The device positions read in the transaction differ from the guess in a way that
    changes which fixes jump: roll back and plan again from what was read.
    """

    def __init__(self, truth: dict):
        super().__init__("jump check planned on a stale position")
        self.truth = truth


def plan(jobs: list[Job], start: dict) -> dict[Job, list[Fix]]:
    """Each job's fixes with the jump reason set where a fix jumps from the last trusted one.

    ``start`` maps a device to its trusted fix before these jobs (lon, lat, t, accuracy).
    Jobs of one device are checked in the order given, each from where the last left it.
    """
    last, out = dict(start), {}
    for job in jobs:
        todo = [i for i, f in enumerate(job.fixes) if f.reason is None]
        fixes = list(job.fixes)
        if todo:
            ok = track.plausible_walk([fixes[i].lon for i in todo], [fixes[i].lat for i in todo],
                                      [fixes[i].time.timestamp() for i in todo],
                                      [job.accuracy[i] for i in todo], last.get(job.device_pk))
            kept = [i for i, good in zip(todo, ok) if good]
            for i, good in zip(todo, ok):
                if not good:
                    fixes[i] = fixes[i]._replace(reason=SPEED)
            if kept:
                f = fixes[kept[-1]]
                last[job.device_pk] = (f.lon, f.lat, f.time.timestamp(), job.accuracy[kept[-1]])
        out[job] = fixes
    return out


def _same(truth: dict, guess: dict) -> bool:
    """Whether two maps of device positions agree (to a millimetre and a millisecond; the
    database's copy of a float has been through text, and NaN is NaN).
    """
    if truth.keys() != guess.keys():
        return False
    for d, a in truth.items():
        b = guess[d]
        if abs(a[0] - b[0]) > 1e-8 or abs(a[1] - b[1]) > 1e-8 or abs(a[2] - b[2]) > 1e-3:
            return False
        if not (a[3] == b[3] or (math.isnan(a[3]) and math.isnan(b[3]))):
            return False
    return True


def _key(f: Fix) -> tuple[int, int]:
    return fix_key(f.device_pk, f.time if f.reason is None else (f.raw_time or f.time))


class GroupWriter:
    """Writes jobs from a single thread, as many at a time as are waiting.

    Under load, requests queue up while one group is being written, so the next group
    carries many of them: one statement, one commit, instead of one each. Whether a fix
    jumps depends on the device's last trusted fix: it is planned from the one this process
    last wrote, and the statement returns the one the database had; when they differ in a
    way that changes a verdict (another process wrote in between) the group is rolled back
    and planned again from the database's.

    Parameters
    ----------
    db : Database
    settings : Settings
    """

    def __init__(self, db: Database, settings: Settings):
        self.db, self.settings = db, settings
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.largest_group = self.groups = self.jobs_written = self.replans = 0
        # Each device's newest trusted fix as this process last wrote it (writer thread only).
        self.last: dict[int, tuple] = {}

    def write(self, job: Job) -> list[tuple[str, str | None]]:
        """Queue a job and wait for it: the fate of each of its fixes, or raise its error."""
        self._ensure_thread()
        self.jobs.put(job)
        if not job.done.wait(WAIT_S):
            raise ApiError(503, "ingest_busy", "服务繁忙，请稍后重试 / busy, retry later")
        if job.error is not None:
            raise job.error
        return job.result

    def _ensure_thread(self) -> None:
        # Started on first use, so a forked gunicorn worker starts its own.
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="hq-ingest-writer",
                                               daemon=True)
                self.thread.start()

    def _loop(self) -> None:
        while True:
            group = [self.jobs.get()]
            size = len(group[0].fixes)
            while size < MAX_GROUP_FIXES:
                try:
                    group.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
                size += len(group[-1].fixes)
            try:
                self.commit(group)
            except BaseException as err:  # noqa: BLE001 - the thread must outlive any group
                for job in group:
                    if not job.done.is_set():
                        job.finish(error=err)

    def commit(self, group: list[Job]) -> None:
        """Write a group in one transaction (each job alone when one breaks the statement)."""
        self.largest_group = max(self.largest_group, len(group))
        self.groups += 1
        self.jobs_written += len(group)
        try:
            self._attempt(group)
        except OperationalError as err:
            for job in group:
                job.finish(error=err)
        except Exception:
            if len(group) == 1:
                raise
            # One job broke the statement (say its device was just deleted): write each
            # alone so only that one fails.
            for job in group:
                self._isolated(job)

    def _isolated(self, job: Job) -> None:
        try:
            self._attempt([job])
        except Exception as err:  # noqa: BLE001 - reported to the job's request
            job.finish(error=err)

    def _attempt(self, jobs: list[Job]) -> None:
        devices = {job.device_pk for job in jobs}
        guess = {d: self.last[d] for d in devices if d in self.last}
        for tries in range(MAX_REPLANS + 1):
            try:
                planned, result = self._write(jobs, guess, final=tries == MAX_REPLANS)
                break
            except _Replan as replan:
                self.replans += 1
                guess = replan.truth
        self._remember(planned, result)
        inserted, aside = set(result.inserted_keys), set(result.aside_keys)
        for job in jobs:
            fates = []
            for f in planned[job]:
                key = _key(f)
                if f.reason is None and key in inserted:
                    inserted.discard(key)
                    fates.append(("accepted", None))
                elif f.reason is not None and key in aside:
                    aside.discard(key)
                    fates.append(("set_aside", f.reason))
                else:
                    fates.append(("duplicate", f.reason))
            job.finish(result=fates)

    def _write(self, jobs: list[Job], guess: dict, final: bool):
        with self.db.begin() as conn:
            planned = plan(jobs, guess)
            home = self.settings.district_code
            result = write_fixes(conn, [f for job in jobs for f in planned[job]],
                                 self.settings.timezone,
                                 [job.district_code or home for job in jobs for _ in planned[job]])
            truth = {d: p for d, p in result.previous.items()
                     if d in {job.device_pk for job in jobs}}
            if not final and not _same(truth, guess) and plan(jobs, truth) != planned:
                raise _Replan(truth)
            clocks = [(job.device_pk, *job.clock) for job in jobs if job.clock is not None]
            if clocks:
                store_clock_offsets(conn, clocks)
        return planned, result

    def _remember(self, planned: dict, result) -> None:
        if len(self.last) > MAX_REMEMBERED:
            self.last.clear()
        for d, p in result.previous.items():
            if d not in self.last or self.last[d][2] < p[2]:
                self.last[d] = p
        for job, fixes in planned.items():
            # Fixes are sorted by time: the newest trusted one is the last without a reason.
            k = next((k for k in range(len(fixes) - 1, -1, -1) if fixes[k].reason is None), None)
            if k is None:
                continue
            f, t = fixes[k], fixes[k].time.timestamp()
            if job.device_pk not in self.last or self.last[job.device_pk][2] < t:
                self.last[job.device_pk] = (f.lon, f.lat, t, job.accuracy[k])
