"""Pages in a real headless Chromium (Debian's), through Dash's own test fixture."""
from pathlib import Path

import pytest

from app import build_app
from tests.auth_helpers import ensure_user, login_browser
from tests.dash_helpers import start_app

PW = "test-password-1"

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def browser_app(test_settings):
    ensure_user(test_settings.database_url, "tester", "admin", PW)
    return build_app(test_settings)


def test_wall_opens_in_chromium(dash_duo, browser_app):
    start_app(dash_duo, browser_app)
    login_browser(dash_duo, "tester", PW, "/wall")
    dash_duo.wait_for_element(".wall-canvas", timeout=15)
    dash_duo.wait_for_text_to_equal(".wall-name", "智慧红桥指挥中心", timeout=10)
    dash_duo.wait_for_contains_text(".wall-clock", ":", timeout=10)
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "wall_empty.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_navigation_between_desk_pages(dash_duo, browser_app):
    start_app(dash_duo, browser_app)
    login_browser(dash_duo, "tester", PW, "/analyst")
    dash_duo.wait_for_text_to_equal(".desk-main h1", "分析研判", timeout=15)
    dash_duo.find_element("a[href='/leaders']").click()
    dash_duo.wait_for_text_to_equal(".desk-main h1", "领导驾驶舱", timeout=10)
    dash_duo.find_element(".lang-link").click()
    dash_duo.wait_for_text_to_equal(".desk-main h1", "Leaders' view", timeout=10)
