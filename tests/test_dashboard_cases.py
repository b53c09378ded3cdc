"""The case workbench: scoped lists, the page guard, and in Chromium a street chief whistling
in three clicks and a department officer reporting in.
"""
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, select

from api.page_guard import protect_pages
from app import build_app
from data.models import WhistleEvent, WhistleSummons
from tests.auth_helpers import TOKEN_FIELD, login_browser, login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import call_router, ids_in, start_app, texts_in
from tests.workflow_world import PASSWORD, build_world, make_incident

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def cases_db(server_settings):
    url = create_test_database(server_settings, "cases")
    engine = create_engine(url)
    now = SESSION_NOW
    with engine.begin() as conn:
        world = build_world(conn)
        plot = make_incident(conn, world, "accepted", category="0103", reported_at=now - timedelta(days=40),
                             code="HQ20261017-00031")
        make_incident(conn, world, "dispatched", category="0101", handled_by="department",
                      department="CGW-DL", reported_at=now - timedelta(days=3),
                      deadline=now - timedelta(hours=20), code="HQ20261123-00112")
        make_incident(conn, world, "in_progress", category="0102", handled_by="department",
                      department="CGW-HW", reported_at=now - timedelta(hours=20),
                      deadline=now + timedelta(hours=3), code="HQ20261125-00087")
        make_incident(conn, world, "reported", category="0202", reported_at=now - timedelta(hours=1),
                      code="HQ20261126-00009")
        make_incident(conn, world, "reported", street="B", reporter="worker_b",
                      reported_at=now - timedelta(hours=2), code="HQ20261126-00004")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"url": url, "settings": settings, "world": world, "plot": plot, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def cases_app(cases_db):
    return build_app(cases_db["settings"])


def list_callback(client, kind="incidents", statuses=None):
    """POST the list callback as the browser would; returns the option values."""
    outputs = [("cases-list-box", "children"), ("cases-count", "children")]
    inputs = [("cases-kind", "value", kind), ("cases-status", "value", statuses or []),
              ("cases-whistle-status", "value", statuses or []),
              ("cases-overdue", "value", []), ("cases-department", "value", None),
              ("cases-street", "value", None), ("cases-refresh", "data", 0)]
    payload = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": "cases-list", "property": "value", "value": None},
                  {"id": "app-url", "property": "search", "value": ""}],
        "changedPropIds": ["cases-kind.value"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    box = json.loads(response.data)["response"]["cases-list-box"]["children"]
    return [o["value"] for o in box["props"]["options"]]


def test_anonymous_visitors_are_asked_to_sign_in(cases_app):
    client = cases_app.server.test_client()
    page = client.get("/cases")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    refused = client.post("/_dash-update-component", json={})
    assert refused.status_code == 401 and "请先登录" in refused.get_json()["message"]


def test_each_person_sees_the_work_in_their_scope(cases_app, cases_db):
    chief_a = cases_app.server.test_client()
    login_client(chief_a, "chief_a", PASSWORD)
    assert "王建国 · 丁字沽街道 书记" in texts_in(call_router(chief_a, "/cases"))
    english = texts_in(call_router(chief_a, "/cases", "?lang=en"))
    assert "Case workbench" in english and "Xigu" in str(call_router(chief_a, "/cases", "?lang=en"))
    open_a = list_callback(chief_a, statuses=["reported", "accepted", "dispatched", "in_progress"])
    assert len(open_a) == 4 and f"i:{cases_db['plot']}" in open_a
    chief_b = cases_app.server.test_client()
    login_client(chief_b, "chief_b", PASSWORD)
    assert len(list_callback(chief_b, statuses=["reported"])) == 1
    police = cases_app.server.test_client()
    login_client(police, "officer_police", PASSWORD)
    assert list_callback(police, statuses=["dispatched", "in_progress"]) == []


def test_the_page_guard_sends_strangers_to_sign_in(cases_db):
    guarded = build_app(cases_db["settings"])
    protect_pages(guarded.server, cases_db["settings"])
    client = guarded.server.test_client()
    response = client.get("/cases?lang=en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/cases%3Flang%3Den"
    # The whole address survives sign-in, every parameter of it (a shared analyst link).
    shared = client.get("/analyst?street=8&range=90d&src=patrol,hotline")
    target = unquote(shared.headers["Location"].split("next=", 1)[1])
    assert target == "/analyst?street=8&range=90d&src=patrol,hotline"
    signed = guarded.server.test_client()
    token = TOKEN_FIELD.search(signed.get("/login").get_data(as_text=True)).group(1)
    landed = signed.post("/login", data={"username": "analyst", "password": PASSWORD,
                                         "next": target, "csrf_token": token})
    assert landed.status_code == 302 and landed.headers["Location"] == target
    assert client.get("/wall").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    login_client(client, "chief_a", PASSWORD)
    assert client.get("/cases").status_code == 200
    wall = guarded.server.test_client()
    login_client(wall, "wall", PASSWORD)
    assert wall.get("/wall").status_code == 200
    assert wall.get("/cases").status_code == 403


def visible(dash_duo, selector, timeout=10):
    return dash_duo.wait_for_element(f"{selector}:not(.hidden)", timeout=timeout)


def test_a_street_chief_whistles_and_a_department_reports_in(dash_duo, cases_app, cases_db):
    start_app(dash_duo, cases_app)
    dash_duo.driver.set_window_size(1600, 900)
    login_browser(dash_duo, "chief_a", PASSWORD, "/cases")
    dash_duo.wait_for_contains_text(".cases-count", "共", timeout=15)
    # 1: the incident
    dash_duo.driver.find_element(By.XPATH, "//*[contains(@class,'case-title')][text()='园林绿化']").click()
    # 2: the whistle button, which opens the whistle form filled in for this incident
    visible(dash_duo, "#cases-act-whistle").click()
    visible(dash_duo, "#cases-form-whistle")
    dash_duo.wait_for_text_to_equal("#cases-confirm", "确认吹哨")
    # The department picker speaks Chinese and has no select-all: a summons names its parties.
    dash_duo.find_element("#cases-whistle-depts").click()
    search = dash_duo.wait_for_element("#cases-form-whistle input[type=search], "
                                       ".dash-dropdown-search input, input.dash-dropdown-search",
                                       timeout=5)
    assert search.get_attribute("placeholder") == "搜索"
    buttons = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-action-button")
    assert not [b for b in buttons if b.is_displayed() and b.text in ("全选", "Select All")]
    page_text = dash_duo.find_element("body").text
    assert "Select All" not in page_text and "Search" not in page_text
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_whistle_form.png"))
    dash_duo.find_element("#cases-whistle-matter").click()           # closes the menu
    # 3: confirm: the banner says the whistle went out (not "done"), whom it summoned, a link
    dash_duo.find_element("#cases-confirm").click()
    dash_duo.wait_for_contains_text("#cases-message", "吹哨已发出：WS", timeout=15)
    assert "园林" in dash_duo.find_element("#cases-message").text
    assert "已完成" not in dash_duo.find_element("#cases-message").text
    link = dash_duo.find_element("#cases-whistle-link").get_attribute("href")
    # The incident now shows its whistle, the summoned department's report-in state, and is
    # no longer offered for dispatch or starting apart from the whistle.
    dash_duo.wait_for_contains_text("#cases-incident-whistles", "未报到", timeout=10)
    detail = dash_duo.find_element(".cases-detail").text
    assert "吹哨处置中" in detail and "吹哨召集" in detail and "街道自办" not in detail
    for action in ("dispatch", "start", "accept"):
        assert "hidden" in dash_duo.find_element(f"#cases-act-{action}").get_attribute("class")
    dash_duo.wait_for_contains_text(".cases-timeline", "街道吹哨", timeout=10)
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_whistle.png"))

    # The summoned officer lands on the workbench with a badge for the whistle.
    login_browser(dash_duo, "officer_parks", PASSWORD, "/cases")
    dash_duo.wait_for_contains_text("#cases-awaiting", "1 待报到", timeout=15)
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_officer_badge.png"))
    # The banner's link opens the whistles tab on that whistle.
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text(".cases-detail", "报到情况", timeout=15)
    checked = dash_duo.find_element(".cases-kind input:checked").get_attribute("value")
    assert checked == "whistles"
    assert "#" not in dash_duo.find_element(".cases-list").text.split("WS")[0]  # a real row
    visible(dash_duo, "#cases-act-acknowledge").click()
    dash_duo.wait_for_contains_text("#cases-message", "确认接收", timeout=15)
    # Tomorrow's meeting is hours away: arriving from the desk now is refused, and says why.
    visible(dash_duo, "#cases-act-arrive").click()
    dash_duo.wait_for_contains_text("#cases-message", "到场报到须在会商时间", timeout=15)
    assert "error" in dash_duo.find_element("#cases-message").get_attribute("class")
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_report_in.png"))

    with cases_db["engine"].connect() as conn:
        summons = conn.execute(select(WhistleSummons)).one()
        actions = conn.execute(select(WhistleEvent.action).order_by(WhistleEvent.id)).scalars().all()
    assert summons.acknowledged_at and summons.arrived_at is None
    assert summons.department_id == cases_db["world"].departments["CGW-YL"]
    assert actions == ["blow", "report_in"]
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_an_incident_under_a_whistle_reads_in_english_without_raw_keys(cases_app, cases_db):
    from dashboard.cases.callbacks import _detail_outputs
    from tests.clock import SESSION_NOW
    from workflow.whistles.service import NewWhistle, blow_whistle

    world = cases_db["world"]
    with cases_db["engine"].begin() as conn:
        world.conn = conn
        incident = make_incident(conn, world, "reported", category="0101",
                                 reported_at=SESSION_NOW - timedelta(hours=5))
        blow_whistle(conn, world.actor("chief_a"), NewWhistle(
            matter="Manhole", meeting_at=SESSION_NOW + timedelta(days=1), meeting_place="site",
            deadline=SESSION_NOW + timedelta(days=10), incident_ids=(incident,),
            department_codes=("CGW-DL",)), SESSION_NOW)
    client = cases_app.server.test_client()
    login_client(client, "chief_a", PASSWORD)
    outputs = _detail_outputs()
    payload = {"output": ".." + "...".join(f"{o.component_id}.{o.component_property}"
                                           for o in outputs) + "..",
               "outputs": [{"id": o.component_id, "property": o.component_property}
                           for o in outputs],
               "inputs": [{"id": "cases-list", "property": "value", "value": f"i:{incident}"}],
               "state": [{"id": "app-url", "property": "search", "value": "?lang=en"}],
               "changedPropIds": ["cases-list.value"]}
    answer = json.loads(client.post("/_dash-update-component", json=payload).data)["response"]
    detail = texts_in(answer["cases-detail"]["children"])
    timeline = texts_in(answer["cases-timeline"]["children"])
    assert "Under a whistle" in detail and "Whistle summons" in detail
    assert "Not reported in" in detail and "The street" not in detail
    assert "Street whistle" in timeline and "departments summoned to report in" in timeline
    for raw_key in ("reported", "whistle blown", "whistle"):
        assert raw_key not in timeline.split(" · ")
    assert not any(mark in detail + timeline for mark in "：；（）、")
    hidden = {k: v["className"] for k, v in answer.items() if k.startswith("cases-act-")}
    assert "hidden" in hidden["cases-act-dispatch"] and "hidden" in hidden["cases-act-accept"]
