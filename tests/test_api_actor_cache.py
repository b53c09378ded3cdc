"""Signed-in accounts remembered for a few seconds (the app's own cache, with a deactivated
account, is checked in test_security_auth.py).
"""
from __future__ import annotations

import pytest

from api.actor_cache import ActorCache
from workflow.roles import Actor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def actor(user_id: int = 7) -> Actor:
    return Actor(id=user_id, role="analyst")


def counting_loader(result):
    calls = []

    def load(user_id):
        calls.append(user_id)
        return result
    return load, calls


def test_a_remembered_account_is_not_read_again_within_the_time():
    clock = Clock()
    cache, (load, calls) = ActorCache(5.0, clock), counting_loader(actor())
    assert cache.get(7, load) == actor()
    clock.now += 4.9
    assert cache.get(7, load) == actor()
    assert calls == [7]
    clock.now += 0.2
    cache.get(7, load)
    assert calls == [7, 7]


def test_an_inactive_account_is_remembered_as_none_and_forget_rereads():
    clock = Clock()
    cache, (load, calls) = ActorCache(5.0, clock), counting_loader(None)
    assert cache.get(3, load) is None and cache.get(3, load) is None
    assert calls == [3]
    cache.forget(3)
    cache.get(3, load)
    assert calls == [3, 3]


def test_zero_seconds_reads_every_time_and_a_failed_read_is_not_remembered():
    cache, (load, calls) = ActorCache(0, Clock()), counting_loader(actor())
    cache.get(7, load), cache.get(7, load)
    assert calls == [7, 7]

    def broken(user_id):
        raise RuntimeError("database away")
    remembering = ActorCache(5.0, Clock())
    with pytest.raises(RuntimeError):
        remembering.get(7, broken)
    load, calls = counting_loader(actor())
    remembering.get(7, load)
    assert calls == [7]


def test_the_memory_stays_bounded():
    clock = Clock()
    cache = ActorCache(5.0, clock, max_entries=3)
    for user_id in range(10):
        cache.get(user_id, lambda uid: actor(uid))
        clock.now += 1
    assert len(cache._entries) <= 3
