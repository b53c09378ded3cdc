"""Security headers, cookie flags in production, session fixation, CSRF and 413 bodies."""
import re

import pytest

from api.ingest.osmand_server import osmand_app
from api.security import content_security_policy, tile_origins
from api.server import create_server
from data.db import Database
from tests.auth_helpers import TOKEN_FIELD, login_client
from tests.security_world import (
    DEVICE_ID,
    DEVICE_TOKEN,
    build_security_world,
    drop_security_world,
)
from tests.workflow_world import PASSWORD

BIG = 13 * 1024 * 1024


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_headers")
    yield world
    drop_security_world(server_settings, world)


def directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in policy.split(";")}


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/openapi.json", "/api/v1/me",
                                  "/cases", "/nowhere"])
def test_every_answer_carries_the_headers(sw, path):
    response = sw.client().get(path)
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "same-origin"
    assert "geolocation=(self)" in h["Permissions-Policy"]
    assert "camera=(self)" in h["Permissions-Policy"]
    csp = directives(h["Content-Security-Policy"])
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert h["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in h      # development: plain http


def test_dash_pages_get_the_hashes_of_their_inline_scripts(sw):
    client = sw.client("admin")
    page = client.get("/wall")
    assert page.status_code == 200
    csp = directives(page.headers["Content-Security-Policy"])
    hashes = sw.app.csp_hashes()
    assert hashes and all(h in csp["script-src"] for h in hashes)
    assert "blob:" in csp["worker-src"]


def test_the_wall_may_be_framed_by_this_site_only_unless_origins_are_listed(sw):
    client = sw.client("wall")
    wall = client.get("/wall")
    assert wall.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(wall.headers["Content-Security-Policy"])["frame-ancestors"] == "'self'"
    policy = content_security_policy(sw.settings.with_overrides(
        wall_frame_origins="https://video-wall.hq.local"), [], None,
        "'self' https://video-wall.hq.local")
    assert "frame-ancestors 'self' https://video-wall.hq.local" in policy


def test_static_assets_stay_cacheable(sw):
    page = sw.client("admin").get("/wall").get_data(as_text=True)
    src = re.search(r'<script src="(/_dash-component-suites/[^"]+)"', page).group(1)
    response = sw.client().get(src)
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_tiles_are_allowed_only_when_a_basemap_is_configured(sw):
    assert tile_origins(sw.settings) == []
    s = sw.settings.with_overrides(basemap="xyz", xyz_url="http://tiles.intra:8080/{z}/{x}/{y}.png")
    assert tile_origins(s) == ["http://tiles.intra:8080"]


def test_production_sets_hsts_and_secure_cookies(sw):
    settings = sw.settings.with_overrides(production=True, secret_key="s" * 40,
                                          demo_password="a-strong-demo-password")
    server = create_server(settings, Database(settings))
    client = server.test_client()
    page = client.get("/login")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "演示环境" not in page.get_data(as_text=True)
    token = TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token}, base_url="https://localhost")
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.getlist("Set-Cookie")}
    assert "secure" in cookies["hq_session"] and "httponly" in cookies["hq_session"]
    assert "samesite=lax" in cookies["hq_session"]
    assert "secure" in cookies["_csrf_token"] and "httponly" not in cookies["_csrf_token"]


def test_sign_in_starts_a_new_session(sw):
    client = sw.client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
        before = dict(session)
    login_client(client, "chief_a", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["csrf_token"] != before.get("csrf_token")
    # A cookie captured before sign-in is still anonymous afterwards.
    stranger = sw.client()
    with stranger.session_transaction() as session:
        session.update(before)
    assert stranger.get("/api/v1/me").status_code == 401


def test_state_changes_need_the_csrf_token(sw):
    client = sw.client("chief_a")
    good = {"category_code": "0101", "lon": 117.105, "lat": 39.155}
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    before = sw.counts()
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post("/api/v1/incidents", json=good, headers=headers)
        assert response.status_code == 403 and response.get_json()["error"] == "csrf_failed"
        response = client.post(f"/api/v1/incidents/{sw.incident_a}/accept", json={},
                               headers=headers)
        assert response.status_code == 403
        assert client.post("/logout", headers=headers).status_code == 403
    assert sw.counts() == before
    # Dash callbacks are state changes for the server too.
    assert client.post("/_dash-update-component", json={}).status_code == 403


@pytest.mark.parametrize("path,headers", [
    ("/api/v1/positions", {"Authorization": f"Bearer {DEVICE_TOKEN}"}),
    ("/osmand", {}),
    ("/api/v1/incidents", {}),
    ("/api/v1/login", {}),
])
def test_oversize_bodies_are_refused_with_json(sw, path, headers):
    client = sw.client("chief_a") if path == "/api/v1/incidents" else sw.client()
    before = sw.counts()
    response = client.post(path, data=b"{" + b" " * BIG + b"}", headers=headers,
                           content_type="application/json")
    assert response.status_code == 413
    assert response.is_json and response.get_json()["error"] == "request_entity_too_large"
    assert sw.counts() == before


def test_the_osmand_port_refuses_oversize_bodies_with_json(sw):
    app = osmand_app(Database(sw.settings), sw.settings)
    client = app.test_client()
    for path in ("/", "/osmand"):
        response = client.post(path, data=b"id=" + DEVICE_ID.encode() + b"&x=" + b"1" * 2_000_000,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413 and response.is_json, path
