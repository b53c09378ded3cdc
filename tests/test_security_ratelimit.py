"""Rate limits: sign-in attempts per username and per address, ingest requests per device (429,
Retry-After), counted before they are served.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.rate_windows import SlidingWindow
from tests.auth_helpers import TOKEN_FIELD
from tests.clock import SESSION_NOW
from tests.security_world import (
    DEVICE_ID,
    DEVICE_TOKEN,
    build_security_world,
    drop_security_world,
)
from tests.workflow_world import PASSWORD


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


def test_sign_ins_are_limited_per_username_from_any_address(sw):
    client = sw.client()
    for _ in range(3):
        assert form_login(client, "chief_b", "wrong").status_code == 401
    refused = form_login(client, "chief_b", PASSWORD)     # even the right password now waits
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    # The username's budget is spent wherever the guesses come from (issue 18, item 5).
    assert form_login(client, "chief_b", PASSWORD, remote="10.0.0.2").status_code == 429
    # Another account is not held up.
    assert form_login(sw.client(), "chief_a", PASSWORD, remote="10.0.0.2").status_code == 302


def test_one_address_spraying_usernames_is_limited(server_settings):
    """Predictable usernames (gw0001, c004001, ...) tried once each from one address: the
    address's own budget stops the spray, whatever the names.
    """
    world = build_security_world(server_settings, "sec_spray", login_max_failures=3,
                                 login_address_max=6, login_window_s=300)
    try:
        client = world.client()
        codes = [form_login(client, f"gw{n:04d}", "hongqiao-demo", remote="10.7.7.7").status_code
                 for n in range(1, 9)]
        assert codes[:6] == [401] * 6 and codes[6:] == [429, 429]
        refused = form_login(client, "chief_a", PASSWORD, remote="10.7.7.7")
        assert refused.status_code == 429 and "该地址" in refused.get_data(as_text=True)
        assert form_login(world.client(), "chief_a", PASSWORD, remote="10.7.7.8").status_code == 302
    finally:
        drop_security_world(server_settings, world)


def test_concurrent_wrong_passwords_are_counted_before_they_are_checked(server_settings):
    """Twelve wrong passwords at once against a budget of 5: exactly 5 are checked, the
    other 7 are refused before any password hash is computed (count-then-check, atomic).
    """
    world = build_security_world(server_settings, "sec_race", login_max_failures=5,
                                 login_address_max=100, login_window_s=300)
    try:
        server = world.app.server

        def attempt(n):
            client = server.test_client()
            return client.post("/api/v1/login", json={"username": "leader", "password": f"x{n}"},
                               environ_base={"REMOTE_ADDR": f"10.8.0.{n}"}).status_code

        with ThreadPoolExecutor(12) as pool:
            codes = sorted(pool.map(attempt, range(12)))
        assert codes == [401] * 5 + [429] * 7
    finally:
        drop_security_world(server_settings, world)


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


def test_a_success_clears_the_username_budget(sw):
    client = sw.client()
    for _ in range(2):
        assert form_login(client, "operator", "wrong", "10.0.0.4").status_code == 401
    assert form_login(client, "operator", PASSWORD, "10.0.0.4").status_code == 302
    for _ in range(2):
        assert form_login(sw.client(), "operator", "wrong", "10.0.0.4").status_code == 401
    assert form_login(sw.client(), "operator", PASSWORD, "10.0.0.4").status_code == 302


def test_the_storage_is_a_setting(server_settings):
    from data.settings import Settings

    assert Settings.from_env({}).ratelimit_storage_uri == "memory://"
    assert Settings.from_env({"HQ_RATELIMIT_STORAGE_URI": "redis://cache:6379"}
                             ).ratelimit_storage_uri == "redis://cache:6379"
    world = build_security_world(server_settings, "sec_storage")
    try:
        limiter = world.app.server.extensions["hq_limiter"]
        assert type(limiter.storage).__name__ == "MemoryStorage"
    finally:
        drop_security_world(server_settings, world)


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
    # The app reads the session's frozen clock (tests/clock.py), not the machine's.
    body = f"id={DEVICE_ID}&lat=39.155&lon=117.105&timestamp={int(SESSION_NOW.timestamp()) - 60}"
    response = client.post("/osmand", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_junk_bearer_opens_no_fresh_budget(sw):
    """Issue 18, item 7: on /osmand the OsmAnd id is the device, on /m/api/positions the
    phone's session; a made-up Authorization header on either changes neither.
    """
    from tests.mobile_helpers import phone_client

    client = sw.client()
    query = f"/osmand?id={DEVICE_ID}-j&lat=39.155&lon=117.105&timestamp=1764122400"
    codes = [client.get(query, headers={"Authorization": f"Bearer junk-{n}"}).status_code
             for n in range(6)]
    assert codes[:5].count(429) == 0 and codes[5] == 429, codes
    phone = phone_client(sw.app.server, "worker_b")
    fix = [{"time": "2026-11-26T02:00:00Z", "lat": 39.155, "lon": 117.115}]
    codes = [phone.post("/m/api/positions", json={"fixes": fix},
                        headers={"Authorization": f"Bearer junk-{n}"}).status_code
             for n in range(6)]
    assert codes[:5].count(429) == 0 and codes[5] == 429, codes
