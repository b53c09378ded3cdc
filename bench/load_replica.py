"""The load bench's hot standby: the viewers' reads on it, and how far behind it falls (every 1 s)."""
from __future__ import annotations

import threading
import time

import numpy as np
from sqlalchemy import text

from data.db import Database
from data.settings import Settings


def standby_url(settings: Settings, url: str) -> str:
    """The URL of database ``url`` on the local cluster's hot standby (started if need be),
    once the standby has replayed everything the primary wrote so far (the world load).
    """
    from data import local_server

    base = local_server.replica_up(settings)
    replica = base.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[-1]
    primary = Database(settings.with_overrides(database_url=url))
    standby = Database(settings.with_overrides(database_url=replica))
    try:
        with primary.connect() as conn:
            lsn = conn.execute(text("select pg_current_wal_lsn()::text")).scalar()
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                with standby.connect() as conn:
                    if conn.execute(text("select pg_last_wal_replay_lsn() >= cast(:l as pg_lsn)"),
                                    {"l": lsn}).scalar():
                        return replica
            except Exception:  # noqa: BLE001 - the new database may not be replayed yet
                pass
            time.sleep(0.5)
        raise RuntimeError("the standby did not catch up with the world load in 10 min")
    finally:
        primary.dispose()
        standby.dispose()


def replica_env(replica: str) -> dict[str, str]:
    """What the app's gunicorn gets so its wall, analyst and leaders reads go to the standby."""
    return {"DATABASE_REPLICA_URL": replica} if replica else {}


class StalenessSampler:
    """Asks the standby how far behind it is once a second while the block runs."""

    def __init__(self, replica: str, settings: Settings, period_s: float = 1.0) -> None:
        self._replica, self._settings, self._period = replica, settings, period_s
        self.samples: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StalenessSampler:
        if self._replica:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        db = Database(self._settings.with_overrides(database_url=self._replica))
        try:
            while not self._stop.wait(self._period):
                try:
                    value = db.staleness_s()
                    self.samples.append(value if value is not None else float("nan"))
                except Exception:  # noqa: BLE001 - counted and reported, the run goes on
                    self.errors += 1
        finally:
            db.dispose()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def report(self) -> None:
        """p50/p95/max of the samples, printed under the run's p95 table."""
        if not self._replica:
            return
        values = np.array([v for v in self.samples if v == v])
        if not len(values):
            print(f"    standby staleness: no sample ({self.errors} failed)")
            return
        print(f"    standby staleness (s, every {self._period:g} s, {len(values)} samples, "
              f"{self.errors} failed): p50 {np.percentile(values, 50):.2f}  "
              f"p95 {np.percentile(values, 95):.2f}  max {values.max():.2f}")
