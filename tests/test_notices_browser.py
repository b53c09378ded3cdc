"""The bell in Chromium: the count and the latest notices on /cases, /leaders, /analyst and
the phone page /m.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine

from app import build_app
from tests.auth_helpers import login_browser
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.workflow_world import PASSWORD, build_world, make_incident
from workflow.incidents.service import transition_incident
from workflow.notices.outbox import Notice, notify

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def bell_app(server_settings):
    SHOTS.mkdir(exist_ok=True)
    url = create_test_database(server_settings, "bell")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        incident = make_incident(conn, world, "accepted", reported_at=SESSION_NOW - timedelta(hours=2))
        view = transition_incident(conn, world.actor("operator"), incident, "dispatch",
                                   SESSION_NOW, department_code="CGW-DL")
        fixed = make_incident(conn, world, "in_progress", handled_by="department",
                              department="CGW-YL", reported_at=SESSION_NOW - timedelta(hours=5),
                              deadline=SESSION_NOW + timedelta(days=1))
        transition_incident(conn, world.actor("officer_parks"), fixed, "resolve", SESSION_NOW)
        notify(conn, Notice("second_whistle", "whistle:test", "丁字沽街道二次吹哨 WS1：废弃地块整治",
                            "Second whistle WS1: leaders summoned", "会商地点：区政府",
                            user_ids=(world.users["leader"],)), SESSION_NOW)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "code": view["code"]}
    engine.dispose()
    drop_test_database(server_settings, url)


def open_bell(dash_duo):
    dash_duo.wait_for_element(".hq-bell[data-count]", timeout=15)
    dash_duo.find_element(".hq-bell-button").click()
    return dash_duo.wait_for_element(".hq-bell-panel:not([hidden])", timeout=10)


def test_the_department_officer_sees_the_dispatch_and_marks_it_read(dash_duo, bell_app):
    start_app(dash_duo, bell_app["app"])
    login_browser(dash_duo, "officer_road", PASSWORD, "/cases")
    dash_duo.wait_for_text_to_equal(".hq-bell-count", "1", timeout=15)
    open_bell(dash_duo)
    dash_duo.wait_for_contains_text(".hq-bell-panel", f"新派遣事件 {bell_app['code']}")
    item = dash_duo.find_element(".hq-bell-item.unread")
    assert "/cases?incident=" in item.get_attribute("href")
    dash_duo.driver.save_screenshot(str(SHOTS / "notices_bell_cases.png"))
    dash_duo.find_element(".hq-bell-read-all").click()
    dash_duo.wait_for_element(".hq-bell[data-count='0']", timeout=10)
    assert not dash_duo.find_element(".hq-bell-count").is_displayed()
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".hq-bell-item.unread") == []


def test_the_leader_is_told_of_the_second_whistle_in_english_too(dash_duo, bell_app):
    start_app(dash_duo, bell_app["app"])
    login_browser(dash_duo, "leader", PASSWORD, "/leaders?lang=en")
    dash_duo.wait_for_text_to_equal(".hq-bell-count", "1", timeout=15)
    open_bell(dash_duo)
    dash_duo.wait_for_contains_text(".hq-bell-panel", "Second whistle WS1: leaders summoned")
    assert dash_duo.find_element(".hq-bell-label").text == "Notices"
    dash_duo.driver.save_screenshot(str(SHOTS / "notices_bell_leaders_en.png"))


def test_an_analyst_with_nothing_new_sees_an_empty_bell(dash_duo, bell_app):
    start_app(dash_duo, bell_app["app"])
    login_browser(dash_duo, "analyst", PASSWORD, "/analyst")
    dash_duo.wait_for_element(".hq-bell[data-count='0']", timeout=15)
    open_bell(dash_duo)
    dash_duo.wait_for_contains_text(".hq-bell-empty", "暂无通知")
    dash_duo.driver.save_screenshot(str(SHOTS / "notices_bell_analyst.png"))


def test_the_grid_worker_is_asked_to_verify_on_her_phone(dash_duo, bell_app):
    start_app(dash_duo, bell_app["app"])
    driver = dash_duo.driver
    driver.set_window_size(400, 800)
    driver.get(dash_duo.server_url + "/m/login")
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "username"))
    driver.find_element(By.ID, "username").send_keys("worker_a")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    bell = "#m-bell[data-count='1']"
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, bell))
    driver.find_element(By.ID, "m-bell").click()
    WebDriverWait(driver, 10).until(
        lambda d: "已处置，请核查" in d.find_element(By.ID, "m-notices").text)
    driver.save_screenshot(str(SHOTS / "notices_bell_mobile.png"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-bell[data-count='0']"))
