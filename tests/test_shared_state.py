"""Issue 24: the pieces under several hosts: the answer codec (JSON, never pickle), the Redis
account cache's versions, the fuse, settings.
"""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import redis
from dash import Patch, dcc, html

from api.shared_actor_cache import RedisActorCache
from dashboard.answer_codec import Unshareable, dumps, loads
from data.settings import Settings
from data.shared_state import Fuse, connect


def test_wall_answers_survive_json_with_their_types():
    frame = pd.DataFrame({"n": [1, 2], "rate": [0.5, 0.25], "day": pd.to_datetime(
        ["2026-01-01", "2026-01-02"]).tz_localize("UTC"), "street": ["和平", "铃铛阁"]})
    back = loads(dumps(frame))
    assert back.equals(frame) and list(back.dtypes) == list(frame.dtypes)
    figure = go.Figure(go.Bar(x=np.arange(3), y=[3, 1, 2]))
    assert loads(dumps(figure)) == figure
    tiles = [html.Div([html.Span("12", className="n"), dcc.Markdown("**x**")], id="t")]
    assert repr(loads(dumps(tiles))) == repr(tiles)
    patch = Patch()
    patch["data"][0]["z"] = [1.0, 2.5]
    assert loads(dumps(patch)).to_plotly_json() == patch.to_plotly_json()
    mixed = {0: {"total": np.int64(3)}, ("a", 1): (datetime(2026, 1, 1, tzinfo=UTC), None)}
    assert loads(dumps(mixed)) == {0: {"total": 3}, ("a", 1): (datetime(2026, 1, 1, tzinfo=UTC),
                                                                None)}


def test_other_types_stay_in_their_process():
    with pytest.raises(Unshareable):
        dumps({"x": object()})
    with pytest.raises(ValueError):     # a component name outside Dash's html/dcc modules
        loads('{"__hq":"component","ns":"dash_html_components","type":"__class__","props":{}}')


def test_a_forgotten_key_is_missed_by_every_host(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    hosts = [RedisActorCache(Fuse(connect(Settings(redis_url=redis_url))), "t", 600)
             for _ in range(2)]
    reads: list[str] = []

    def load(key):
        reads.append(key)
        return len(reads)

    assert hosts[0].get("s1", load) == 1 and hosts[1].get("s1", load) == 1
    hosts[0].forget("s1")
    assert hosts[1].get("s1", load) == 2 and hosts[0].get("s1", load) == 2
    hosts[1].forget_all()
    assert hosts[0].get("s1", load) == 3
    # Keys are hashed: a session id is a secret and never lands in Redis as such.
    assert not [k for k in client.keys("*") if b"s1" in k]


def test_a_host_that_read_before_a_revocation_cannot_store_it_after(redis_url):
    hosts = [RedisActorCache(Fuse(connect(Settings(redis_url=redis_url))), "race", 600)
             for _ in range(2)]
    reads: list[str] = []

    def revoked_meanwhile(key):
        reads.append(key)
        hosts[1].forget(key)        # the sign-out lands while host 0 reads the database
        return 7

    assert hosts[0].get("s2", revoked_meanwhile) == 7
    assert hosts[0].get("s2", lambda key: reads.append(key) or None) is None
    assert len(reads) == 2


def test_the_fuse_leaves_an_away_redis_alone_for_a_while():
    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    assert Fuse(None).usable is False
    clock = Clock()
    fuse = Fuse(redis.Redis(port=1, socket_connect_timeout=0.1), pause_s=5, clock=clock)
    assert fuse.call(lambda c: c.ping(), lambda: "fallback") == "fallback"
    assert not fuse.usable
    clock.now = 6.0
    assert fuse.usable


def test_redis_url_is_a_setting_and_shares_the_rate_limits():
    assert Settings.from_env({}).redis_url == ""
    shared = Settings.from_env({"REDIS_URL": "redis://cache:6379/0"})
    assert shared.redis_url == shared.ratelimit_storage_uri == "redis://cache:6379/0"
    own = Settings.from_env({"REDIS_URL": "redis://a/0", "HQ_RATELIMIT_STORAGE_URI": "redis://b/1"})
    assert own.ratelimit_storage_uri == "redis://b/1"


def test_an_unreadable_entry_is_a_miss_not_an_error(redis_url):
    from dashboard.answer_store import RemoteAnswers

    client = redis.Redis.from_url(redis_url)
    fuse = Fuse(connect(Settings(redis_url=redis_url)))
    answers = RemoteAnswers(fuse, "junk")
    key = answers.key(("q",), 10, 1, 1)
    client.set(key, b'{"__hq":"component","ns":"os","type":"system","props":{}}')
    assert answers.get(key, ("q",), 10, lambda: 42) == 42
    cache = RedisActorCache(fuse, "junk", 600)
    cache.get("s", lambda key: 1)
    for name in client.keys("hq:junk:e:*"):
        client.set(name, b"not json")
    assert cache.get("s", lambda key: 2) == 2
