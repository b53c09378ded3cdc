"""A private redis-server for the tests (scripts/redis.sh on a free port in a temp folder)."""
from __future__ import annotations

import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

from data import shared_state


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def private_redis(root: Path):
    """A started redis-server of its own (installed first if missing); yields (url, port)."""
    port = free_port()
    started = shared_state.run_script("up", port=port, root=root)
    assert started.returncode == 0, "scripts/redis.sh up failed"
    try:
        yield f"redis://127.0.0.1:{port}/0", port
    finally:
        shared_state.run_script("down", port=port, root=root)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """One Redis for the session's several-host tests (each module flushes what it uses)."""
    with private_redis(tmp_path_factory.mktemp("redis")) as (url, _port):
        yield url
