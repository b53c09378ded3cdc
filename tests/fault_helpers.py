"""The fault tests' own PostgreSQL cluster (stopped and restarted at will) and a gunicorn on it."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import requests

from data import local_server, scratch
from data.settings import Settings
from tests.clock import session_clock

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary folder on its own port.

    It is made by scripts/postgis.sh (HQ_PG_ROOT), so it is set up exactly like the shared
    one; restarting it never disturbs the shared cluster the other tests use.
    """

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:{port}/hq_faults",
                                 database_from_env=True, background_jobs=False,
                                 clock=session_clock)

    def _run(self, action: str) -> None:
        result = local_server.run_script(action, self.settings, root=self.root,
                                         HQ_PG_SHARED_BUFFERS="64MB")
        if result.returncode != 0:
            raise RuntimeError(f"postgis.sh {action} failed for {self.root}:\n{self.log()[-2000:]}")

    def start(self) -> None:
        self._run("up")

    def stop(self) -> None:
        """A fast shutdown: sessions are cut off, open transactions roll back."""
        self._run("down")

    @contextmanager
    def outage(self):
        """The database is away inside the block, and back afterwards whatever happened."""
        self.stop()
        try:
            yield self
        finally:
            if not self.running():
                self.start()

    def running(self) -> bool:
        return local_server.run_script("status", self.settings, root=self.root).returncode == 0

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def database(self, label: str, **overrides) -> Settings:
        """Settings of a new migrated database in this cluster (drop with :meth:`drop`)."""
        url = scratch.create_database(self.settings, label)
        return self.settings.with_overrides(database_url=url, **overrides)

    def drop(self, settings: Settings) -> None:
        if self.running():
            scratch.drop_database(self.settings, settings.database_url)


@pytest.fixture(scope="session")
def fault_cluster():
    """A cluster of the session's own, started on a free port and removed at the end."""
    root = Path(tempfile.mkdtemp(prefix="hq-faults-"))
    cluster = Cluster(root, free_port())
    try:
        cluster.start()
        yield cluster
    finally:
        try:
            if cluster.running():
                cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def api_wsgi():
    """The API server alone (ingest, health, workflow API) for gunicorn; settings from env."""
    from api.server import create_server
    from data.db import Database

    settings = Settings.from_env()
    db = Database(settings)
    server = create_server(settings, db)
    # Loaded once in gunicorn's master (--preload): connections made while starting must not
    # be inherited by the forked workers, each of which opens its own.
    db.engine.dispose()
    return server


class Gunicorn:
    """gunicorn serving ``app`` on a free port against the database of ``settings``.

    The app is preloaded in the master: its factory must dispose of its engine (as
    :func:`api_wsgi` does) so that no connection is shared across the fork.
    """

    def __init__(self, settings: Settings, app: str = "tests.fault_helpers:api_wsgi()",
                 workers: int = 2, threads: int = 8):
        self.settings, self.app, self.workers, self.threads = settings, app, workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.settings.database_url,
               "HQ_BACKGROUND_JOBS": "false", "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-k", "gthread",
             "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "5", "--log-level", "warning", "--preload", self.app],
            cwd=ROOT, env=env)
        try:
            wait_for(self._answers, 90, 0.2, "gunicorn to come up")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _answers(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            requests.get(self.url + "/healthz", timeout=5)
        except requests.RequestException:
            return False        # still booting
        return len(self.worker_pids()) == self.workers

    def worker_pids(self) -> set[int]:
        return {p.pid for p in psutil.Process(self.proc.pid).children()}

    def worker_on(self, client_port: int) -> int | None:
        """The worker whose database connection uses local port ``client_port``."""
        for pid in self.worker_pids():
            for c in psutil.Process(pid).net_connections(kind="tcp"):
                if c.laddr and c.laddr.port == client_port:
                    return pid
        return None

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)       # quick shutdown: tests are done
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def wait_for(predicate, timeout: float, step: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")
