"""Issue 18, item 1: every Dash callback is checked on the server like its page, and every
query a callback runs is scoped by the reader's own scope, as the JSON API scopes it.

The role matrix is built from Dash's own registry (app.callback_map): a callback added
later is tried too, and one with no page does not even build (UnassignedCallback).
"""
import io

import pandas as pd
import pytest

from dashboard.analyst.state import parse_search
from dashboard.callback_pages import UnassignedCallback, callback_registry
from tests.callback_helpers import body_for, call, download_text, key_of, registry
from tests.dash_helpers import ids_in
from tests.district_world import CITY_ACCOUNTS, HEBEI_ACCOUNTS, add_hebei
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import ACCOUNTS, make_incident
from workflow.pages import SHELL, may_open

EXPORT = "..analyst-download.data...analyst-export-note.children.."
# Every role of the workflow world, Hebei's (120105) own accounts and the city leader.
EVERYONE = sorted(ACCOUNTS) + sorted(HEBEI_ACCOUNTS) + sorted(CITY_ACCOUNTS)


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_callbacks")
    with world.engine.begin() as conn:
        world.world.conn = conn
        world.road = make_incident(conn, world.world, "dispatched", street="B",
                                   handled_by="department", department="CGW-DL",
                                   code="HQ-ROAD-B")
        make_incident(conn, world.world, "reported", street="A", code="HQ-PLAIN-A")
        world.hebei = add_hebei(conn, world.world, code="HB-CASE-1")
        world.world.conn = None
    yield world
    drop_security_world(server_settings, world)


@pytest.fixture(scope="module")
def clients(sw):
    return {name: sw.client(name) for name in EVERYONE}


def test_every_callback_has_exactly_one_page(sw):
    pages = {spec.page for spec in registry(sw.app).values()}
    assert pages == {SHELL, "/wall", "/wall/city", "/analyst", "/leaders", "/cases", "/devices",
                     "/admin", "/patrol"}
    assert set(registry(sw.app)) == set(sw.app.callback_map)


def test_a_callback_without_a_page_does_not_build():
    unassigned = {"reports-box.children": {"inputs": [], "state": [], "callback": print}}
    with pytest.raises(UnassignedCallback, match="names no page"):
        callback_registry(unassigned)
    two_pages = {"..wall-stats.children...analyst-hot.children..": {"inputs": [], "state": []}}
    with pytest.raises(UnassignedCallback, match="several pages"):
        callback_registry(two_pages)


@pytest.mark.parametrize("username", EVERYONE)
def test_every_callback_as_every_role(sw, clients, username):
    """403 exactly when the role may not open the callback's page; otherwise Dash runs it
    (200, or 204 for nothing to update) without a single failure inside a callback.
    """
    client, actor = clients[username], sw.actor(username)
    errors_before = sw.app.server.extensions.get("hq_callback_errors", 0)
    wrong = []
    for key, spec in registry(sw.app).items():
        if not spec.server_side:
            continue
        response = call(client, sw.app, key)
        allowed = spec.page == SHELL or may_open(actor, spec.page)
        if (response.status_code == 403) == allowed or response.status_code >= 500:
            wrong.append((spec.page, key[:60], allowed, response.status_code))
    assert wrong == []
    assert sw.app.server.extensions.get("hq_callback_errors", 0) == errors_before


def test_strangers_and_browser_side_callbacks_are_refused(sw, clients):
    for key, spec in registry(sw.app).items():
        body = body_for(key, spec)
        assert sw.client().post("/_dash-update-component", json=body).status_code == 401
        if not spec.server_side:
            refused = clients["admin"].post("/_dash-update-component", json=body)
            assert refused.status_code == 400 and refused.is_json


@pytest.mark.parametrize("mangle", [
    lambda b: {**b, "output": "nobody.children"},
    lambda b: {**b, "inputs": b["inputs"][:-1]},
    lambda b: {**b, "inputs": [{**b["inputs"][0], "id": "wall-stats"}] + b["inputs"][1:]},
    lambda b: {**b, "state": "x"}, lambda b: {**b, "outputs": {"id": "x", "property": "y"}},
    lambda b: {**b, "changedPropIds": [1]}, lambda b: [b], lambda b: "junk"])
def test_a_forged_callback_body_is_a_4xx_not_a_crash(sw, clients, mangle):
    key = key_of(sw.app, "analyst-table.getRowsResponse")
    body = mangle(body_for(key, registry(sw.app)[key]))
    response = clients["admin"].post("/_dash-update-component", json=body)
    assert response.status_code in (400, 404) and response.is_json


def test_the_router_draws_only_pages_the_role_may_see(sw, clients):
    router = key_of(sw.app, "app-page.children")
    for username, page, root in (("wall", "/analyst", "analyst-root"),
                                 ("worker_a", "/analyst", "analyst-root"),
                                 ("officer_road", "/leaders", "leaders-root"),
                                 ("community_a", "/wall", "wall-root"),
                                 ("wall", "/cases", "cases-root")):
        response = call(clients[username], sw.app, router, {"app-url.pathname": page,
                                                            "app-url.search": ""})
        tree = response.get_json()["response"]["app-page"]["children"]
        assert root not in ids_in(tree) and "forbidden-root" in ids_in(tree), (username, page)
    allowed = call(clients["analyst"], sw.app, router, {"app-url.pathname": "/analyst",
                                                        "app-url.search": ""})
    assert "analyst-root" in ids_in(allowed.get_json()["response"]["app-page"]["children"])


def test_pages_for_the_district_only_open_to_district_readers(sw, clients):
    assert clients["wall"].get("/wall").status_code == 200
    assert clients["operator"].get("/wall").status_code == 200
    for username in ("operator_a", "chief_a", "community_a", "officer_road", "worker_a"):
        assert clients[username].get("/wall").status_code == 403, username
        landing = clients[username].get("/")
        assert landing.status_code == 302 and landing.headers["Location"] != "/wall"


def export_codes(client, app, state: dict) -> set[str]:
    response = call(client, app, EXPORT, {"analyst-export-csv.n_clicks": 1,
                                          "analyst-export-xlsx.n_clicks": 0,
                                          "analyst-state.data": state},
                    changed="analyst-export-csv.n_clicks")
    assert response.status_code == 200, response.data[:300]
    frame = pd.read_csv(io.StringIO(download_text(response)), dtype=str)
    return set(frame.iloc[:, 0])


def test_the_analyst_export_is_scoped_like_the_api(sw, clients):
    """As the attack found: a community chief exported the whole district. Each reader's
    export holds exactly the incidents the JSON API lists for them (within the period).
    """
    state = parse_search("?range=30d")
    for username in ("analyst", "leader", "operator", "operator_a", "chief_a", "chief_b",
                     "community_a", "community_b", "officer_road", "officer_police",
                     "supervisor", "admin"):
        listed = clients[username].get("/api/v1/incidents?per_page=200").get_json()
        expected = {i["code"] for i in listed["items"]}
        assert export_codes(clients[username], sw.app, state) == expected, username
    assert "HQ-ROAD-B" in export_codes(clients["officer_road"], sw.app, state)
    assert export_codes(clients["officer_police"], sw.app, state) == set()


def test_a_forged_state_cannot_widen_the_scope(sw, clients):
    """Asking for street B as street A's chief: the answer is empty, not street B."""
    with sw.engine.connect() as conn:
        from sqlalchemy import text
        street_b = conn.execute(text("select id from streets where code = '120106002'")).scalar()
    state = {**parse_search("?range=30d"), "street": street_b}
    assert export_codes(clients["chief_a"], sw.app, state) == set()
    assert export_codes(clients["chief_b"], sw.app, state)


def test_the_analyst_table_and_detail_are_scoped(sw, clients):
    state = parse_search("?range=30d")
    rows_key = key_of(sw.app, "analyst-table.getRowsResponse")
    response = call(clients["community_a"], sw.app, rows_key, {
        "analyst-table.getRowsRequest": {"startRow": 0, "endRow": 100},
        "analyst-state.data": state})
    rows = response.get_json()["response"]["analyst-table"]["getRowsResponse"]["rowData"]
    assert rows and {r["street"] for r in rows} == {"丁字沽街道"}
    detail_key = key_of(sw.app, "analyst-detail.children")
    click = {"points": [{"curveNumber": 4, "customdata": sw.incident_b}]}
    shown = call(clients["community_a"], sw.app, detail_key, {"analyst-map.clickData": click,
                                                              "analyst-state.data": state})
    assert "光荣道" not in shown.get_data(as_text=True)


def test_the_analyst_table_never_reads_more_than_a_block(sw, clients):
    state = parse_search("?range=30d")
    rows_key = key_of(sw.app, "analyst-table.getRowsResponse")
    answered = []
    for request in ({"startRow": 0, "endRow": 10**9}, {"startRow": -5, "endRow": 10},
                    {"startRow": "0", "endRow": "1000"}, {"startRow": 0, "endRow": 1e9}):
        response = call(clients["analyst"], sw.app, rows_key, {
            "analyst-table.getRowsRequest": request, "analyst-state.data": state})
        assert response.status_code in (200, 204)
        table = (response.get_json() or {}).get("response", {}).get("analyst-table")
        if table:
            assert len(table["getRowsResponse"]["rowData"]) <= 200
            answered.append(request["endRow"])
    assert answered == [10**9]          # the huge block is cut to 200; malformed ones unread


def test_a_long_custom_range_is_cut_and_says_so(sw, clients):
    key = key_of(sw.app, "analyst-map.figure")
    state = parse_search("?range=custom&from=1995-01-01&to=9999-12-31")
    response = call(clients["analyst"], sw.app, key, {"analyst-state.data": state})
    assert response.status_code == 200
    summary = response.get_json()["response"]["analyst-summary"]["children"]
    assert any("最长 3 年" in str(part) for part in summary)


def listed_codes(client) -> set[str]:
    response = client.get("/api/v1/incidents?per_page=200")
    assert response.status_code == 200
    return {i["code"] for i in response.get_json()["items"]}


def test_a_hebei_account_reads_no_hongqiao_incident(sw, clients):
    """Issue 24: a 120105 operator, through the API, the pages and the callbacks, sees
    Hebei's case and none of Hongqiao's; Hongqiao's operator the reverse; the city both.
    """
    hebei, hongqiao, city = clients["hb_operator"], clients["operator"], clients["city"]
    assert listed_codes(hebei) == {"HB-CASE-1"}
    assert "HB-CASE-1" not in listed_codes(hongqiao)
    assert listed_codes(city) == listed_codes(hongqiao) | {"HB-CASE-1"}
    for incident in (sw.incident_a, sw.incident_b, sw.road):
        assert hebei.get(f"/api/v1/incidents/{incident}").status_code in (403, 404)
        assert city.get(f"/api/v1/incidents/{incident}").status_code == 200
    assert hongqiao.get(f"/api/v1/incidents/{sw.hebei['incident']}").status_code in (403, 404)
    assert hebei.get(f"/api/v1/incidents/{sw.hebei['incident']}").status_code == 200
    # The city reads, never works a case.
    refused = city.post(f"/api/v1/incidents/{sw.hebei['incident']}/accept", json={})
    assert refused.status_code == 403
    # Pages: the desk pages, Hebei's own wall and leaders' page open (scoped); Hongqiao's
    # do not.
    assert hebei.get("/cases").status_code == 200 and hebei.get("/wall").status_code == 200
    assert hebei.get("/wall?district=120106").status_code == 403
    assert hebei.get("/leaders").status_code == 200
    assert hebei.get("/leaders?district=120106").status_code == 403
    state = parse_search("?range=30d")
    assert export_codes(hebei, sw.app, state) == {"HB-CASE-1"}
    assert export_codes(clients["hb_analyst"], sw.app, state) == {"HB-CASE-1"}
    assert "HB-CASE-1" not in export_codes(clients["analyst"], sw.app, state)
    assert export_codes(city, sw.app, state) == listed_codes(city)


def test_a_forged_hongqiao_street_gives_a_hebei_reader_nothing(sw, clients):
    with sw.engine.connect() as conn:
        from sqlalchemy import text
        street_b = conn.execute(text("select id from streets where code = '120106002'")).scalar()
    state = {**parse_search("?range=30d"), "street": street_b}
    assert export_codes(clients["hb_operator"], sw.app, state) == set()
    rows_key = key_of(sw.app, "analyst-table.getRowsResponse")
    response = call(clients["hb_operator"], sw.app, rows_key, {
        "analyst-table.getRowsRequest": {"startRow": 0, "endRow": 100},
        "analyst-state.data": parse_search("?range=30d")})
    rows = response.get_json()["response"]["analyst-table"]["getRowsResponse"]["rowData"]
    assert {r["street"] for r in rows} == {"光复道街道"}
