"""The account and session cache in Redis, shared by every app host (REDIS_URL)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from data.settings import Settings
from data.shared_state import PREFIX, Fuse, connect

# The two caches' names (the keys' middle part), the same on every host.
ACCOUNTS, WEB_SESSIONS = "accounts", "web_sessions"


class RedisActorCache:
    """ActorCache's interface with its entries in Redis for ``ttl_s`` seconds.

    ``forget`` and ``forget_all`` reach every host at once: each key has a version and the
    cache a generation, both counters in Redis and both part of an entry's name, so bumping
    one makes every host miss and read the database. An entry written by a host that read
    the database just before a revocation lands under the old version, where nobody looks.

    Keys are sha256 of the key (a session's id is a secret: Redis holds no usable one).
    When Redis is away, every call reads the database (slower, never stale): a revocation
    made on another host must not wait out a per-process memory.
    """

    def __init__(self, fuse: Fuse, name: str, ttl_s: float,
                 encode: Callable[[object], object] = lambda v: v,
                 decode: Callable[[object], object] = lambda v: v) -> None:
        self.fuse, self.ttl_s, self.encode, self.decode = fuse, ttl_s, encode, decode
        self._base = f"{PREFIX}{name}:"
        self._gen = self._base + "gen"

    def _ids(self, key) -> tuple[str, str]:
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
        return digest, f"{self._base}ver:{digest}"

    def get(self, key, load: Callable):
        """The cached value (a decoded Actor, a user id or None), else ``load(key)``."""
        if self.ttl_s <= 0:
            return load(key)
        digest, ver_key = self._ids(key)

        def read(client):
            gen, ver = client.mget(self._gen, ver_key)
            name = f"{self._base}e:{int(gen or 0)}:{int(ver or 0)}:{digest}"
            return name, client.get(name)

        name, raw = self.fuse.call(read, lambda: (None, None))
        if raw is not None:
            try:
                return self.decode(json.loads(raw)["v"])
            except (ValueError, KeyError, TypeError):
                pass        # not ours to trust: read the database as on a miss
        value = load(key)           # a failure raises and caches nothing
        if name is not None:
            body = json.dumps({"v": self.encode(value)})
            self.fuse.call(lambda c: c.set(name, body, px=max(1, int(self.ttl_s * 1000))),
                           lambda: None)
        return value

    def forget(self, key) -> None:
        """Every host reads this key afresh (a sign-out, a role change, a deactivation)."""
        _, ver_key = self._ids(key)
        keep_ms = max(60_000, int(self.ttl_s * 2000))

        def bump(client):
            pipe = client.pipeline()
            pipe.incr(ver_key)
            pipe.pexpire(ver_key, keep_ms)
            pipe.execute()

        self.fuse.call(bump, lambda: None)

    def forget_all(self) -> None:
        """Every host reads every key afresh (a password change revoked sessions)."""
        self.fuse.call(lambda c: c.incr(self._gen), lambda: None)


def forget_everywhere(settings: Settings, user_id: int) -> bool:
    """From a process that is no app host (the command line): every host reads the account
    and every desk session afresh, at once. False without REDIS_URL (hosts then see it
    within HQ_ACCOUNT_RECHECK_S) or when Redis does not answer.
    """
    client = connect(settings)
    if client is None:
        return False
    fuse = Fuse(client)
    try:
        RedisActorCache(fuse, ACCOUNTS, settings.account_recheck_s).forget(user_id)
        RedisActorCache(fuse, WEB_SESSIONS, settings.account_recheck_s).forget_all()
        return fuse.usable
    finally:
        client.close()
