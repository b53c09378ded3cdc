"""/analyst and /m in English in Chromium: no Chinese left on screen except names from the world."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app import build_app
from data.clock import system_clock
from tests.auth_helpers import login_browser
from tests.cjk_helpers import COLLECT_JS, chinese_outside_data
from tests.dash_helpers import start_app
from tests.mobile_helpers import mobile_world  # noqa: F401 - fixture
from tests.test_mobile_browser import phone_size, press, sign_in
from tests.workflow_world import IN_B

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def english_app(world_settings):
    return build_app(world_settings)


def test_the_analyst_page_in_english_has_no_interface_chinese(dash_duo, english_app,
                                                              world_settings, world_conn):
    start_app(dash_duo, english_app)
    driver = dash_duo.driver
    driver.set_window_size(1600, 900)
    login_browser(dash_duo, "analyst1", world_settings.demo_password, "/analyst?lang=en")
    dash_duo.wait_for_contains_text("#analyst-summary", "incidents selected", timeout=120)
    found = driver.execute_script(COLLECT_JS)
    # Each dropdown's open menu too: its options and its search box.
    for box in driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown"):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
        found += driver.execute_script(COLLECT_JS)
        driver.find_element(By.TAG_NAME, "body").click()
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "analyst_english.png"))
    assert len(found) > 50 and any(w.startswith("option<") for _, w in found)
    bad = chinese_outside_data(world_conn, found)
    assert bad == [], "\n".join(f"{w}: {v}" for v, w in bad)


@pytest.fixture(scope="module")
def phone_app(mobile_world):  # noqa: F811 - the fixture above
    return build_app(mobile_world["settings"].with_overrides(clock=system_clock))


def test_the_phone_in_english_has_no_interface_chinese(dash_duo, phone_app, mobile_world):  # noqa: F811
    start_app(dash_duo, phone_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server_url, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": IN_B[1], "longitude": IN_B[0], "accuracy": 10})
    sign_in(dash_duo, "worker_b")
    phone_size(driver, 390, 844)
    driver.find_element(By.ID, "m-lang").click()
    WebDriverWait(driver, 15).until(
        lambda d: d.find_element(By.ID, "tab-report").text == "Report")
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#m-map path"))
    # The longer English words still fit the phone's width: nothing to scroll sideways.
    assert driver.execute_script(
        "return document.documentElement.scrollWidth - innerWidth") <= 0
    press(driver, driver.find_element(By.ID, "m-more"))
    found = driver.execute_script(COLLECT_JS)
    driver.save_screenshot(str(SHOTS / "mobile_english_report.png"))
    driver.find_element(By.ID, "tab-work").click()
    # Each list drawn, with its items or its "none".
    WebDriverWait(driver, 15).until(lambda d: all(
        d.find_elements(By.CSS_SELECTOR, f"#{box} > *") for box in ("m-verify", "m-open", "m-mine")))
    found += driver.execute_script(COLLECT_JS)
    driver.save_screenshot(str(SHOTS / "mobile_english_work.png"))
    driver.find_element(By.ID, "tab-patrol").click()
    press(driver, driver.find_element(By.ID, "m-patrol"))
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-route circle.me"))
    found += driver.execute_script(COLLECT_JS)
    driver.save_screenshot(str(SHOTS / "mobile_english_patrol.png"))
    press(driver, driver.find_element(By.ID, "m-patrol"))
    assert len(found) > 30
    with mobile_world["engine"].connect() as conn:
        bad = chinese_outside_data(conn, found)
    assert bad == [], "\n".join(f"{w}: {v}" for v, w in bad)
