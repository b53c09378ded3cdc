"""Rate limits: failed sign-ins per IP+username, ingest requests per device (429, Retry-After)."""

import pytest

from api.ratelimit import SlidingWindow
from tests.auth_helpers import TOKEN_FIELD
from tests.security_world import (
    DEVICE_ID, DEVICE_TOKEN, build_security_world, drop_security_world,
)
from tests.workflow_world import PASSWORD
from tests.clock import SESSION_NOW


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_limits", login_max_failures=3,
                                 login_window_s=300, ingest_max_requests=5, ingest_window_s=60)
    yield world
    drop_security_world(server_settings, world)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_window_slides():
    clock = Clock()
    window = SlidingWindow(3, 60, clock)
    assert [window.take("k") for _ in range(4)] == [0, 0, 0, 60]
    clock.now += 30
    assert window.take("k") == 30 and window.take("other") == 0
    clock.now += 31
    assert window.take("k") == 0
    window.reset("k")
    assert window.retry_after("k") == 0


def test_made_up_keys_cannot_exhaust_memory():
    window = SlidingWindow(1, 60, Clock(), max_keys=100)
    for i in range(1000):
        window.hit(f"device-{i}")
    assert len(window._events) == 100


def form_login(client, username, password, remote="10.0.0.1"):
    page = client.get("/login")
    token = TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": remote}, headers={"Accept": "text/html"})


def test_failed_sign_ins_are_limited_per_ip_and_username(sw):
    client = sw.client()
    for _ in range(3):
        assert form_login(client, "chief_b", "wrong").status_code == 401
    refused = form_login(client, "chief_b", PASSWORD)     # even the right password now waits
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    # Another address, or another account from this address, is not held up.
    assert form_login(client, "chief_b", PASSWORD, remote="10.0.0.2").status_code == 302
    assert form_login(sw.client(), "chief_a", PASSWORD).status_code == 302


def test_the_json_sign_in_counts_too_and_answers_json(sw):
    client = sw.client()
    env = {"REMOTE_ADDR": "10.0.0.3"}
    for _ in range(3):
        r = client.post("/api/v1/login", json={"username": "leader", "password": "x"},
                        environ_base=env)
        assert r.status_code == 401
    r = client.post("/api/v1/login", json={"username": "LEADER ", "password": PASSWORD},
                    environ_base=env)
    assert r.status_code == 429 and r.is_json and r.get_json()["error"] == "too_many_requests"
    assert int(r.headers["Retry-After"]) > 0


def test_a_success_clears_the_failures(sw):
    client = sw.client()
    for _ in range(2):
        assert form_login(client, "operator", "wrong", "10.0.0.4").status_code == 401
    assert form_login(client, "operator", PASSWORD, "10.0.0.4").status_code == 302
    for _ in range(2):
        assert form_login(sw.client(), "operator", "wrong", "10.0.0.4").status_code == 401
    assert form_login(sw.client(), "operator", PASSWORD, "10.0.0.4").status_code == 302


def test_ingest_is_limited_per_device(sw):
    client = sw.client()
    auth = {"Authorization": f"Bearer {DEVICE_TOKEN}"}
    fix = {"fixes": [{"time": "2026-11-26T02:00:00Z", "lat": 39.155, "lon": 117.105}]}
    answers = [client.post("/api/v1/positions", json=fix, headers=auth).status_code
               for _ in range(5)]
    assert all(code != 429 for code in answers), answers
    before = sw.counts()
    refused = client.post("/api/v1/positions", json=fix, headers=auth)
    assert refused.status_code == 429 and refused.get_json()["error"] == "too_many_requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert sw.counts() == before
    # OsmAnd: the device id is the key, in the query or in the urlencoded body.
    query = f"/osmand?id={DEVICE_ID}-x&lat=39.155&lon=117.105&timestamp=1764122400"
    codes = [client.get(query).status_code for _ in range(6)]
    assert codes[:5].count(429) == 0 and codes[5] == 429
    body = f"id={DEVICE_ID}-y&lat=39.155&lon=117.105&timestamp=1764122400"
    codes = [client.post("/osmand", data=body,
                         content_type="application/x-www-form-urlencoded").status_code
             for _ in range(6)]
    assert codes[:5].count(429) == 0 and codes[5] == 429
    # Another device is not held up.
    assert client.get(query.replace("-x", "-z")).status_code != 429


def test_the_limiter_leaves_the_osmand_body_for_the_handler(sw):
    client = sw.client()
    body = f"id={DEVICE_ID}&lat=39.155&lon=117.105&timestamp={int(SESSION_NOW.timestamp()) - 60}"
    response = client.post("/osmand", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.get_data(as_text=True)
