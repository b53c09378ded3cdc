"""What `make demo` needs besides serving: a loaded world and the live patrol feed."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from data import local_server
from data.db import Database
from data.devices import set_demo_tokens
from data.settings import Settings
from data.world_store import world_is_loaded
from etl.world.load import parse_as_of, refuse_in_production, run_load
from workflow.open311.requests import ensure_demo_client

ROOT = Path(__file__).resolve().parent.parent
DEMO_SEED = 20191115


def ensure_world(settings: Settings, scale: float | None = None, echo=print) -> bool:
    """Start and migrate the database; load the world when it is empty. True if loaded now.

    Refused in production mode (ProductionRefused), before anything is started or loaded.
    """
    refuse_in_production(settings)
    local_server.up(settings)
    db = Database(settings)
    try:
        with db.connect() as conn:
            loaded = world_is_loaded(conn)
    finally:
        db.dispose()
    if loaded:
        echo("world already loaded: keeping it (python app.py demo load --replace reloads)")
        rekey_demo(settings)
        return False
    scale = scale if scale is not None else float(os.environ.get("HQ_DEMO_SCALE", "1"))
    echo(f"loading the synthetic Hongqiao world (scale {scale})")
    run_load(settings, DEMO_SEED, scale, parse_as_of(None, settings), replace=False,
             echo=echo)
    return True


def rekey_demo(settings: Settings) -> None:
    """The demo devices' tokens and the Open311 demo key, from this checkout's secret (a
    world loaded before, or with another secret, would otherwise refuse the live feed).
    """
    db = Database(settings)
    try:
        with db.begin() as conn:
            set_demo_tokens(conn, settings.demo_secret)
            ensure_demo_client(conn, settings.demo_secret)
    finally:
        db.dispose()


def start_feed(settings: Settings, url: str, echo=print) -> subprocess.Popen:
    """The live patrol simulator as a child process, sending to the server at ``url``."""
    log = open(ROOT / ".pgdata" / "simulate.log", "a", encoding="utf-8")  # noqa: SIM115
    echo(f"live patrol feed: python app.py simulate --url {url} (log: .pgdata/simulate.log)")
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "simulate", "--url", url],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


class FeedWhenUp:
    """Starts the live feed once the server accepts connections.

    Started before the server listened, the simulator's first fixes were refused and, as
    Traccar Client does, retried only after RETRY_S (30 s): the wall opened on the world's
    old fixes read "1,053 / 0" online, in red, for over half a minute (issue 25).
    """

    def __init__(self, host: str, port: int, launch, wait_s: float = 300.0):
        self.process = None
        self.started = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(host, port, launch, wait_s),
                                        name="feed-when-up", daemon=True)
        self._thread.start()

    def _run(self, host, port, launch, wait_s) -> None:
        deadline = time.monotonic() + wait_s
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                with socket.create_connection((host, port), timeout=1.0):
                    break
            except OSError:
                self._stop.wait(0.2)    # the server is still starting: ask again shortly
        else:
            return
        self.process = launch()
        self.started.set()

    def terminate(self) -> None:
        self._stop.set()
        if self.process is not None:
            self.process.terminate()
