"""Every route refuses strangers (enumerated from url_map); the role × action × scope matrix
of the workflow API agrees with workflow.roles, request by request.
"""
import time

import pytest
from sqlalchemy import update
from werkzeug.routing import AnyConverter, IntegerConverter

from data.models import User
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import ACCOUNTS, make_incident
from workflow.incidents.machine import ACTIONS
from workflow.incidents.read import incident_target
from workflow.roles import can

# Routes a stranger may call: sign-in, health, the public description, the endpoints with
# their own credentials (OsmAnd device ids, Open311 api keys, device bearer tokens are
# refused below anyway), and static files / Dash's own routes (no data: the page content
# comes from callbacks, which are refused).
ANONYMOUS = ("/login", "/logout", "/healthz", "/api/openapi.json", "/api/v1/login", "/osmand",
             "/m/login", "/m/static/", "/open311/", "/static/", "/assets/",
             "/_dash-component-suites/", "/_favicon.ico", "/_dash-layout", "/_dash-dependencies",
             "/_reload-hash", "/<path:path>")
# Pages whose anonymous GET is an app shell that then asks the visitor to sign in.
SHELLS = ("/m",)
# Plausible argument values, so that a route's format check does not answer before its
# authentication does.
HINTS = {"photo_id": "0123456789abcdef0123456789abcdef", "kind": "xlsx"}


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_auth")
    yield world
    drop_security_world(server_settings, world)


def concrete_routes(server):
    """(rule, method, url) for every route, with made-up values for its arguments."""
    adapter = server.url_map.bind("localhost")
    for rule in sorted(server.url_map.iter_rules(), key=lambda r: r.rule):
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = 1
            elif isinstance(converter, AnyConverter):
                values[name] = "json"
            else:
                values[name] = HINTS.get(name, "x1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method, adapter.build(rule.endpoint, values, method=method)


STATIC_SUFFIXES = (".js", ".css", ".webmanifest", ".png", ".ico", ".svg")


def anonymous_allowed(rule: str) -> bool:
    # A fixed static file (the phone page's service worker, a manifest) carries no data.
    static = rule.endswith(STATIC_SUFFIXES) and "<" not in rule
    return static or rule.startswith(ANONYMOUS) or rule in ANONYMOUS


def refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303, 307, 308) and "login" in location


def test_every_route_refuses_strangers(sw):
    client = sw.client()
    checked, leaks = 0, []
    for rule, method, url in concrete_routes(sw.app.server):
        if anonymous_allowed(rule):
            continue
        response = client.open(url, method=method, json={})
        checked += 1
        if rule in SHELLS and method == "GET" and response.status_code == 200:
            continue
        if not refused(response):
            leaks.append((method, url, response.status_code))
    assert checked > 30
    assert leaks == []


def test_a_made_up_bearer_token_is_refused_everywhere(sw):
    client = sw.client()
    leaks = []
    for rule, method, url in concrete_routes(sw.app.server):
        if not url.startswith("/api/v1/") or rule == "/api/v1/login":
            continue
        response = client.open(url, method=method, json={},
                               headers={"Authorization": "Bearer not-a-token"})
        if response.status_code != 401:
            leaks.append((method, url, response.status_code))
    assert leaks == []


def test_the_dash_catch_all_serves_only_the_empty_shell(sw):
    page = sw.client().get("/some/page/nobody/knows")
    assert page.status_code == 200 and "_dash-config" in page.get_data(as_text=True)
    assert "王*明" not in page.get_data(as_text=True)
    router = {"output": "app-page.children", "outputs": {"id": "app-page", "property": "children"},
              "inputs": [{"id": "app-url", "property": "pathname", "value": "/cases"},
                         {"id": "app-url", "property": "search", "value": ""}],
              "changedPropIds": ["app-url.pathname"]}
    assert sw.client().post("/_dash-update-component", json=router).status_code == 401


@pytest.mark.parametrize("page", ["/", "/wall", "/cases", "/analyst", "/leaders"])
def test_pages_send_strangers_to_sign_in(sw, page):
    response = sw.client().get(page)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


BODIES = {"reject": {"note": "重复上报"}, "dispatch": {"handled_by": "street"},
          "resolve": {"note": "已处理"}, "reopen": {"note": "未修好"}}
PRE_STATUS = {"accept": "reported", "reject": "reported", "dispatch": "accepted",
              "start": "dispatched", "resolve": "in_progress", "verify": "resolved",
              "close": "verified", "reopen": "resolved"}


@pytest.fixture(scope="module")
def matrix_cases(sw):
    """One incident per (action, street), in the status the action starts from."""
    cases = {}
    with sw.engine.begin() as conn:
        sw.world.conn = conn
        for action in ACTIONS:
            for street in ("A", "B"):
                handled = ({"handled_by": "department", "department": "CGW-DL"}
                           if action in ("start", "resolve") else {})
                cases[action, street] = make_incident(conn, sw.world, PRE_STATUS[action],
                                                      street=street,
                                                      reporter="worker_" + street.lower(),
                                                      **handled)
        sw.world.conn = None
    return cases


def target_of(sw, incident_id):
    from data import incident_store
    with sw.engine.connect() as conn:
        row = incident_store.lock_incident(conn, incident_id)
        return incident_target(row, incident_store.incident_whistle_parties(conn, incident_id))


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_api_follows_the_permission_table(sw, matrix_cases, username):
    """For every action on an incident in street A and in street B: 403 exactly when
    workflow.roles.can says no; otherwise the step is taken (or the lifecycle objects).
    """
    client, actor = sw.client(username), sw.actor(username)
    wrong = []
    for (action, street), incident_id in matrix_cases.items():
        allowed = can(actor, f"incident.{action}", target_of(sw, incident_id))
        before = sw.counts()
        response = client.post(f"/api/v1/incidents/{incident_id}/{action}",
                               json=BODIES.get(action, {}))
        ok = response.status_code not in (401, 403, 404) if allowed else response.status_code == 403
        if not ok:
            wrong.append((action, street, allowed, response.status_code,
                          response.get_json().get("error")))
        if not allowed:
            assert sw.counts() == before
    assert wrong == []


def test_a_deactivated_account_is_signed_out_once_its_time_is_up(sw):
    """The app's own cache: pages keep working within the window, refuse after it."""
    cache = sw.app.server.extensions["hq_accounts"]
    start, moved = time.monotonic(), [0.0]
    cache.clock = lambda: start + moved[0]
    client = sw.client("operator")
    assert client.get("/api/v1/incidents").status_code == 200
    try:
        with sw.engine.begin() as conn:
            conn.execute(update(User).where(User.id == sw.world.users["operator"])
                         .values(active=False))
        assert client.get("/api/v1/incidents").status_code == 200     # still remembered
        moved[0] = cache.ttl_s + 0.1
        assert client.get("/api/v1/incidents").status_code == 401
    finally:
        with sw.engine.begin() as conn:
            conn.execute(update(User).where(User.id == sw.world.users["operator"])
                         .values(active=True))
        cache.clock = time.monotonic
        cache.forget(sw.world.users["operator"])
