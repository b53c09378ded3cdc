"""Issue 18, items 4, 6 and 7: no constant secret anywhere, sessions that end (sign-out and
a password change revoke every copy; a fixed lifetime), CSRF exempted only by a bearer that
authenticates the request itself.
"""
import json
import os
import stat
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from data.devices import demo_token, hash_token
from data.models import Device
from data.settings import Settings
from tests.auth_helpers import login_client
from tests.security_world import DEVICE_TOKEN, build_security_world, drop_security_world
from tests.workflow_world import PASSWORD

OLD_CONSTANT = "dev-secret-change-me"


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_sessions")
    yield world
    drop_security_world(server_settings, world)


def forge(app, secret: str, values: dict) -> str:
    """A session cookie signed with ``secret``, as an attacker knowing it would make."""
    app = app.server
    original = app.secret_key
    try:
        app.secret_key = secret
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        return serializer.dumps(values)
    finally:
        app.secret_key = original


# ---- item 4: secrets ----

def test_without_secret_key_a_random_one_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "secrets.json"
    first = Settings.from_env({"HQ_SECRETS_FILE": str(path)})
    again = Settings.from_env({"HQ_SECRETS_FILE": str(path)})
    other = Settings.from_env({"HQ_SECRETS_FILE": str(tmp_path / "other.json")})
    assert first.secret_key == again.secret_key != other.secret_key
    assert len(first.secret_key) >= 32 and first.secret_key != OLD_CONSTANT
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["secret_key"] == first.secret_key
    assert Settings().secret_key != Settings().secret_key            # by hand: random too
    given = Settings.from_env({"SECRET_KEY": "k" * 40, "HQ_SECRETS_FILE": str(path)})
    assert given.secret_key == "k" * 40


def test_the_local_secret_file_is_beside_the_cluster_and_ignored_by_git():
    from pathlib import Path

    from data.local_secrets import DEFAULT_PATH

    root = Path(__file__).resolve().parents[1]
    assert DEFAULT_PATH == root / ".pgdata" / "secrets.json"
    assert ".pgdata/" in (root / ".gitignore").read_text().split()


def test_derived_secrets_depend_on_the_secret_not_the_demo_password(tmp_path):
    one = Settings.from_env({"HQ_SECRETS_FILE": str(tmp_path / "a.json")})
    two = Settings.from_env({"HQ_SECRETS_FILE": str(tmp_path / "b.json")})
    assert one.demo_password == two.demo_password
    assert one.demo_secret != two.demo_secret
    assert one.resident_hash_key != two.resident_hash_key
    assert one.demo_secret not in (one.demo_password, one.secret_key)
    assert Settings.from_env({"HQ_SECRETS_FILE": str(tmp_path / "a.json"),
                              "HQ_ID_HASH_KEY": "h" * 32}).resident_hash_key == "h" * 32


def test_a_cookie_forged_with_the_old_constant_key_signs_nobody_in(sw):
    client = sw.client()
    forged = forge(sw.app, OLD_CONSTANT, {"_user_id": str(sw.world.users["admin"]),
                                          "_fresh": True})
    client.set_cookie("hq_session", forged)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/cases").status_code == 302


def test_even_a_cookie_signed_with_the_real_key_needs_a_live_server_session(sw):
    """Knowing SECRET_KEY is not enough either: the session id must be one the server
    issued and has not revoked.
    """
    client = sw.client()
    forged = forge(sw.app, sw.settings.secret_key, {
        "_user_id": str(sw.world.users["admin"]), "_fresh": True, "hq_sid": "x" * 43,
        "hq_end": 4102444800})
    client.set_cookie("hq_session", forged)
    assert client.get("/api/v1/me").status_code == 401


def test_demo_device_tokens_cannot_be_computed_from_the_demo_password(world_db_url,
                                                                      world_settings):
    from sqlalchemy import create_engine

    engine = create_engine(world_db_url[0])
    try:
        with engine.connect() as conn:
            device_id, stored = conn.execute(select(Device.device_id, Device.token_hash)
                                             .order_by(Device.id).limit(1)).one()
    finally:
        engine.dispose()
    assert stored == hash_token(demo_token(device_id, world_settings.demo_secret))
    assert stored != hash_token(demo_token(device_id, world_settings.demo_password))


def test_demo_accounts_prints_what_a_demo_user_needs(world_db_url, world_settings):
    from click.testing import CliRunner
    from sqlalchemy import create_engine

    from cli.world import accounts_command
    from workflow.open311.requests import demo_api_key

    text = CliRunner().invoke(accounts_command, [], obj=world_settings,
                              catch_exceptions=False).output
    assert "DEMO_PASSWORD" in text and "gw0001" in text
    assert demo_api_key(world_settings.demo_secret) in text
    engine = create_engine(world_db_url[0])
    try:
        with engine.connect() as conn:
            device_id = conn.execute(select(Device.device_id).order_by(Device.id).limit(1)
                                     ).scalar_one()
    finally:
        engine.dispose()
    assert device_id in text and demo_token(device_id, world_settings.demo_secret) in text
    assert demo_api_key(world_settings.demo_password) not in text


# ---- item 6: sessions that end ----

def test_sign_out_revokes_every_copy_of_the_session(sw):
    client = sw.client("operator")
    copy = sw.client()
    copy.set_cookie("hq_session", client.get_cookie("hq_session").value)
    copy.environ_base["HTTP_X_CSRFTOKEN"] = client.environ_base["HTTP_X_CSRFTOKEN"]
    assert copy.get("/api/v1/me").status_code == 200
    assert client.post("/logout", data={"csrf_token": client.environ_base[
        "HTTP_X_CSRFTOKEN"]}).status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    assert copy.get("/api/v1/me").status_code == 401        # the stolen copy died too
    assert copy.post("/_dash-update-component", json={}).status_code == 401


def test_a_password_change_revokes_every_session_of_the_account(sw):
    from tests.mobile_helpers import phone_client

    desk, other_desk = sw.client("worker_b"), sw.client("worker_b")
    phone = phone_client(sw.app.server, "worker_b")
    assert phone.get("/m/api/me").status_code == 200
    changed = desk.post("/api/v1/me/password", json={"current_password": PASSWORD,
                                                     "new_password": "a-new-password-42"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["revoked_sessions"] >= 3
    assert other_desk.get("/api/v1/me").status_code == 401
    assert phone.get("/m/api/me").status_code == 401
    # The browser that changed it carries on in a new session with a new CSRF token.
    desk.environ_base["HTTP_X_CSRFTOKEN"] = changed.get_json()["csrf_token"]
    assert desk.get("/api/v1/me").status_code == 200
    fresh = sw.client()
    login_client(fresh, "worker_b", "a-new-password-42")
    back = fresh.post("/api/v1/me/password", json={"current_password": "a-new-password-42",
                                                   "new_password": PASSWORD})
    assert back.status_code == 200


@pytest.mark.parametrize("body,status,field", [
    ({"current_password": "wrong", "new_password": "whatever-long-1"}, 401, "current_password"),
    ({"current_password": PASSWORD, "new_password": "short"}, 422, "new_password"),
    ({"current_password": PASSWORD, "new_password": PASSWORD}, 422, "new_password"),
    ({"current_password": PASSWORD}, 400, "new_password")])
def test_a_bad_password_change_changes_nothing(sw, body, status, field):
    client = sw.client("chief_a")
    response = client.post("/api/v1/me/password", json=body)
    assert response.status_code == status and response.get_json()["field"] == field
    assert client.get("/api/v1/me").status_code == 200
    login_client(sw.client(), "chief_a", PASSWORD)       # the password is unchanged


def test_a_session_ends_at_a_fixed_time_however_busy(server_settings):
    """The lifetime is absolute: requests do not extend it (it used to slide forever)."""
    from tests.clock import SESSION_NOW

    moved = [timedelta(0)]
    clock = lambda: SESSION_NOW + moved[0]       # noqa: E731 - the app's one clock, movable
    world = build_security_world(server_settings, "sec_lifetime", clock=clock,
                                 session_lifetime_s=3600, account_recheck_s=0)
    try:
        client = world.client("analyst")
        for minutes in (10, 30, 50, 59):
            moved[0] = timedelta(minutes=minutes)
            assert client.get("/api/v1/me").status_code == 200
        moved[0] = timedelta(minutes=60, seconds=1)
        assert client.get("/api/v1/me").status_code == 401
        assert client.get("/cases").status_code == 302
    finally:
        drop_security_world(server_settings, world)


# ---- item 7: CSRF and bearers ----

def test_a_junk_bearer_does_not_switch_off_csrf(sw):
    client = sw.client("operator")
    client.environ_base.pop("HTTP_X_CSRFTOKEN")
    junk = {"Authorization": "Bearer not-a-token"}
    body = {"category_code": "0101", "lon": 117.105, "lat": 39.155}
    before = sw.counts()
    response = client.post("/api/v1/incidents", json=body, headers=junk)
    assert response.status_code == 403 and response.get_json()["error"] == "csrf_failed"
    router = {"output": "app-page.children", "outputs": {"id": "app-page", "property": "children"},
              "inputs": [{"id": "app-url", "property": "pathname", "value": "/cases"},
                         {"id": "app-url", "property": "search", "value": ""}],
              "changedPropIds": ["app-url.pathname"]}
    # A Dash callback acts as the session: even a valid device bearer does not exempt it.
    for header in (junk, {"Authorization": f"Bearer {DEVICE_TOKEN}"}):
        refused = client.post("/_dash-update-component", json=router, headers=header)
        assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"
    assert sw.counts() == before


def test_a_valid_bearer_is_its_own_credential(sw):
    """A device's token authenticates its request: no session, so no CSRF to check."""
    client = sw.client()
    body = {"category_code": "0101", "lon": 117.105, "lat": 39.155, "description": "设备上报"}
    response = client.post("/api/v1/incidents", json=body,
                           headers={"Authorization": f"Bearer {DEVICE_TOKEN}"})
    assert response.status_code == 201
    # The same request with a signed-in session cookie present acts as the device, not the
    # session, and is still exempt.
    signed_in = sw.client("operator")
    signed_in.environ_base.pop("HTTP_X_CSRFTOKEN")
    both = signed_in.post("/api/v1/incidents", json={**body, "description": "设备上报 2"},
                          headers={"Authorization": f"Bearer {DEVICE_TOKEN}"})
    assert both.status_code == 201
    assert both.get_json()["reporter_id"] == sw.world.users["worker_a"]
