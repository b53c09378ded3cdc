"""Group commit for ingest: fixes of requests that arrive together share one statement and commit."""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy.exc import OperationalError

from api.errors import ApiError
from data.db import Database
from data.positions import Fix, write_fixes
from data.settings import Settings
from geo import track

WAIT_S = 30.0
MAX_GROUP_FIXES = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def fix_key(device_pk: int, when: datetime) -> tuple[int, int]:
    """(device, microseconds since the epoch): exact, unlike float seconds."""
    return device_pk, (when - EPOCH) // timedelta(microseconds=1)


@dataclass(eq=False)
class Job:
    """One request's validated fixes of one device, sorted by time, waiting to be written."""

    device_pk: int
    fixes: list[Fix]
    accuracy: list[float]
    indexes: list[int]
    done: threading.Event = field(default_factory=threading.Event)
    result: tuple[int, int] | None = None
    error: BaseException | None = None

    def finish(self, result=None, error=None) -> None:
        self.result, self.error = result, error
        self.done.set()


class _Rollback(Exception):
    def __init__(self, rejected: dict):
        super().__init__("speed check failed")
        self.rejected = rejected


def speed_problems(job: Job, start) -> list[dict]:
    """The job's fixes that need more than walking or cycling speed, as error entries."""
    ok = track.plausible_walk([f.lon for f in job.fixes], [f.lat for f in job.fixes],
                              [f.time.timestamp() for f in job.fixes], job.accuracy, start)
    return [{"index": job.indexes[i], "status": 422, "error": "impossible_speed",
             "message": "速度异常 / the move from the previous fix needs more than "
                        f"{track.MAX_SPEED_MPS:.0f} m/s", "field": "lat"}
            for i in np.flatnonzero(~ok)]


class GroupWriter:
    """Writes jobs from a single thread, as many at a time as are waiting.

    Under load, requests queue up while one group is being written, so the next group
    carries many of them: one statement, one commit, instead of one each. Speed checks
    need each device's position before the write; they run after it, inside the same
    transaction, and a failure rolls the group back and retries it without that job.

    Parameters
    ----------
    db : Database
    settings : Settings
    rejection : callable
        Makes the exception for a job's speed problems (list of error dicts).
    """

    def __init__(self, db: Database, settings: Settings, rejection):
        self.db, self.settings, self.rejection = db, settings, rejection
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.largest_group = self.groups = self.jobs_written = 0

    def write(self, job: Job) -> tuple[int, int]:
        """Queue a job and wait for it: (stored, duplicates), or raise its error."""
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
        """Write a group in one transaction; jobs failing the speed check are left out."""
        self.largest_group = max(self.largest_group, len(group))
        self.groups += 1
        self.jobs_written += len(group)
        pending = list(group)
        while pending:
            try:
                self._attempt(pending)
                return
            except _Rollback as rollback:
                for job, problems in rollback.rejected.items():
                    job.finish(error=self.rejection(problems))
                pending = [job for job in pending if job not in rollback.rejected]
            except OperationalError as err:
                for job in pending:
                    job.finish(error=err)
                return
            except Exception:
                if len(pending) == 1:
                    raise
                # One job broke the statement (say its device was just deleted): write
                # each alone so only that one fails.
                for job in pending:
                    self._isolated(job)
                return

    def _isolated(self, job: Job) -> None:
        try:
            self.commit([job])
        except Exception as err:  # noqa: BLE001 - reported to the job's request
            job.finish(error=err)

    def _attempt(self, jobs: list[Job]) -> None:
        with self.db.begin() as conn:
            result = write_fixes(conn, [f for job in jobs for f in job.fixes],
                                 self.settings.timezone, self.settings.district_code)
            rejected, last = {}, dict(result.previous)
            for job in jobs:
                problems = speed_problems(job, last.get(job.device_pk))
                if problems:
                    rejected[job] = problems
                else:
                    f = job.fixes[-1]
                    last[job.device_pk] = (f.lon, f.lat, f.time.timestamp(), job.accuracy[-1])
            if rejected:
                raise _Rollback(rejected)
        new = set(result.inserted_keys)
        for job in jobs:
            keys = {fix_key(f.device_pk, f.time) for f in job.fixes}
            stored = len(keys & new)
            new -= keys
            job.finish(result=(stored, len(job.fixes) - stored))
