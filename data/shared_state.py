"""The Redis app hosts share (REDIS_URL): the project's own instance, a client, a fuse."""
from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from data.settings import Settings

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "redis.sh"
DEFAULT_REDIS_PORT = 63790
# Every key the app writes starts with this, so one Redis can serve other things too.
PREFIX = "hq:"
log = logging.getLogger(__name__)
T = TypeVar("T")


def run_script(action: str, port: int | None = None, root: Path | None = None,
               ) -> subprocess.CompletedProcess:
    """Run scripts/redis.sh (HQ_REDIS_PORT / HQ_REDIS_ROOT from the arguments if given)."""
    env = dict(os.environ)
    if port is not None:
        env["HQ_REDIS_PORT"] = str(port)
    if root is not None:
        env["HQ_REDIS_ROOT"] = str(root)
    return subprocess.run(["bash", str(SCRIPT), action], env=env, check=False,
                          capture_output=action in ("status", "url"), text=True)


def connect(settings: Settings):
    """A Redis client for REDIS_URL, or None without it (one host, state in memory).

    Short timeouts: a Redis that stops answering must cost a request milliseconds, not the
    default's minutes, before the app falls back (Fuse).
    """
    if not settings.redis_url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis_url, socket_timeout=0.5,
                                socket_connect_timeout=0.5, health_check_interval=30)


class Fuse:
    """Calls to Redis that fall back when it is away, and stop trying it for ``pause_s``.

    A product degrades when its cache is away rather than failing every request: the caller
    gives what to do instead (read the database, keep the answer in this process). After a
    failure Redis is left alone for ``pause_s`` seconds so every request does not wait for
    a connection timeout; one warning is logged per outage, one note when it is back.
    """

    def __init__(self, client, pause_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.pause_s, self.clock = client, pause_s, clock
        self._open_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    @property
    def usable(self) -> bool:
        return self.client is not None and self.clock() >= self._open_until

    def call(self, action: Callable[[object], T], fallback: Callable[[], T]) -> T:
        """``action(client)``, or ``fallback()`` when Redis is away (or recently was)."""
        if not self.usable:
            return fallback()
        import redis

        try:
            result = action(self.client)
        except (redis.RedisError, OSError) as err:
            with self._lock:
                self._open_until = self.clock() + self.pause_s
                first, self._down = not self._down, True
            if first:
                log.warning("Redis is away (%s): this process keeps its state in memory "
                            "until it answers again", err)
            return fallback()
        if self._down:
            with self._lock:
                self._down = False
            log.warning("Redis answers again: state is shared between hosts again")
        return result


def app_fuse(extensions: dict, settings: Settings) -> Fuse | None:
    """The server's one Redis client behind its Fuse (None without REDIS_URL), made once
    and kept in the Flask app's extensions, so every part of one app shares it.
    """
    if "hq_redis" not in extensions:
        client = connect(settings)
        extensions["hq_redis"] = Fuse(client) if client is not None else None
    return extensions["hq_redis"]
