"""Issue 26, /admin in Chromium: the admin creates an account, sees it in the list and in the
audit log, in Chinese and in English; the page is refused to every other role.
"""
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.auth_helpers import login_browser
from tests.dash_helpers import call_router, ids_in, start_app, texts_in
from tests.district_world import add_hebei
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import ACCOUNTS, PASSWORD

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "admin_browser")
    with world.engine.begin() as conn:
        world.hebei = add_hebei(conn, world.world)
    yield world
    drop_security_world(server_settings, world)


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_router_draws_admin_only_for_the_admin(sw, username):
    tree = call_router(sw.client(username), "/admin")
    if username == "admin":
        assert "admin-tabs" in ids_in(tree) and "系统管理" in texts_in(tree)
    else:
        assert "forbidden-root" in ids_in(tree) and "admin-tabs" not in ids_in(tree)


def _type(dash_duo, selector: str, text: str) -> None:
    element = dash_duo.find_element(selector)
    element.clear()
    element.send_keys(text)


def _choose(dash_duo, dropdown_id: str, value: str) -> None:
    """Pick ``value`` in a Dash 4 dropdown: open it, search, click the option."""
    dash_duo.find_element(f"#{dropdown_id}").click()
    dash_duo.wait_for_element(".dash-dropdown-content .dash-dropdown-search").send_keys(value)
    option = f"//*[contains(@class,'dash-options-list')]//*[contains(text(), '{value}')]"
    WebDriverWait(dash_duo.driver, 5).until(
        ec.element_to_be_clickable((By.XPATH, option))).click()
    dash_duo.wait_for_contains_text(f"#{dropdown_id}", value, timeout=5)


def test_in_chromium_the_admin_creates_an_account_and_sees_it_audited(dash_duo, sw):
    SHOTS.mkdir(exist_ok=True)
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "admin", PASSWORD, "/admin")
    dash_duo.wait_for_contains_text("#admin-user-table", "worker_a", timeout=20)
    _type(dash_duo, "#admin-user-username", "new_chief")
    _type(dash_duo, "#admin-user-display-name", "新街道主任")
    _choose(dash_duo, "admin-user-role", "street_chief")
    _type(dash_duo, "#admin-user-street-code", "120106001")
    _type(dash_duo, "#admin-user-phone", "13812345678")
    dash_duo.find_element("#admin-user-create").click()
    dash_duo.wait_for_contains_text("#admin-user-message", "临时密码", timeout=15)
    assert "new_chief" in dash_duo.find_element("#admin-user-message").text
    dash_duo.wait_for_contains_text("#admin-user-table", "新街道主任", timeout=10)
    assert "待改密码" in dash_duo.find_element("#admin-user-table").text
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_people.png"))
    # A bad one says which field, and adds nothing.
    _type(dash_duo, "#admin-user-username", "bad_chief")
    _type(dash_duo, "#admin-user-street-code", "999")
    dash_duo.find_element("#admin-user-create").click()
    dash_duo.wait_for_contains_text("#admin-user-message", "street_code", timeout=10)
    assert "error" in dash_duo.find_element("#admin-user-message").get_attribute("class")
    tabs = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#admin-tabs .tab")
    tabs[-1].click()
    dash_duo.wait_for_contains_text("#admin-audit-table", "user.create", timeout=10)
    audit = dash_duo.find_element("#admin-audit-table").text
    assert "new_chief" in audit and "admin" in audit and '"street_code": "120106001"' in audit
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_audit.png"))
    tabs[2].click()
    dash_duo.wait_for_contains_text("#admin-cat-table", "0101", timeout=10)
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_categories.png"))
    tabs[3].click()
    _type(dash_duo, "#admin-grid-code", "120106001001001")
    dash_duo.find_element("#admin-grid-show").click()
    dash_duo.wait_for_contains_text("#admin-grid-table", "worker_a", timeout=10)
    assert "至今" in dash_duo.find_element("#admin-grid-table").text
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_grids.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert not severe, severe


def test_in_chromium_the_page_speaks_english(dash_duo, sw):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "admin", PASSWORD, "/admin?lang=en")
    dash_duo.wait_for_contains_text("#admin-user-table", "worker_a", timeout=20)
    assert "Administration" in dash_duo.find_element("#admin-root h1").text
    tabs = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#admin-tabs .tab")
    tabs[1].click()
    dash_duo.wait_for_contains_text("#admin-dept-table", "GA", timeout=10)
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_departments_en.png"))


def _temporary(sw, username: str, role: str, **scope) -> str:
    from workflow.admin.audit import Who
    from workflow.admin.people import create_account

    with sw.engine.begin() as conn:
        _, password = create_account(conn, Who(None, "test"), {
            "username": username, "display_name": username, "role": role, **scope}, sw.settings.now())
    return password


def _submit(driver, fields: dict) -> None:
    for name, value in fields.items():
        element = driver.find_element(By.ID, name)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.ID, "login-submit").click()


def test_in_chromium_a_first_sign_in_chooses_a_password_at_the_desk_and_on_the_phone(dash_duo, sw):
    start_app(dash_duo, sw.app)
    driver = dash_duo.driver
    desk_temp = _temporary(sw, "first_desk", "analyst")
    driver.get(f"{dash_duo.server_url}/login?next=/analyst")
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.ID, "username")))
    _submit(driver, {"username": "first_desk", "password": desk_temp})
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.ID, "new_password")))
    assert "首次登录" in driver.find_element(By.TAG_NAME, "h1").text
    driver.save_screenshot(str(SHOTS / "login_first_change.png"))
    _submit(driver, {"password": desk_temp, "new_password": "desk-own-pass-1",
                     "confirm_password": "desk-own-pass-1"})
    WebDriverWait(driver, 15).until(lambda d: "/analyst" in d.current_url)
    driver.delete_all_cookies()
    phone_temp = _temporary(sw, "first_phone", "grid_worker", grid_codes=["120106002001001"])
    driver.get(f"{dash_duo.server_url}/m/login")
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.ID, "username")))
    _submit(driver, {"username": "first_phone", "password": phone_temp})
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.ID, "new_password")))
    driver.save_screenshot(str(SHOTS / "m_login_first_change.png"))
    _submit(driver, {"password": phone_temp, "new_password": "phone-own-pass-1",
                     "confirm_password": "phone-own-pass-1"})
    WebDriverWait(driver, 15).until(lambda d: d.current_url.rstrip("/").endswith("/m"))


def test_in_chromium_a_hebei_admin_sees_and_makes_only_hebei_accounts(dash_duo, sw):
    """Issue 24: the district's admin lists its own accounts, and a Hongqiao street code is
    an unknown code for them.
    """
    SHOTS.mkdir(exist_ok=True)
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "hb_admin", PASSWORD, "/admin")
    dash_duo.wait_for_contains_text("#admin-user-table", "hb_operator", timeout=20)
    listed = dash_duo.find_element("#admin-user-table").text
    assert "worker_a" not in listed and "chief_a" not in listed and "city" not in listed.split()
    _type(dash_duo, "#admin-user-username", "hb_new_chief")
    _type(dash_duo, "#admin-user-display-name", "河北街道主任")
    _choose(dash_duo, "admin-user-role", "street_chief")
    _type(dash_duo, "#admin-user-street-code", "120106001")
    dash_duo.find_element("#admin-user-create").click()
    dash_duo.wait_for_contains_text("#admin-user-message", "street_code", timeout=15)
    street = dash_duo.find_element("#admin-user-street-code")
    street.send_keys(Keys.CONTROL, "a")
    street.send_keys(Keys.BACKSPACE, "120105001")
    dash_duo.find_element("#admin-user-create").click()
    dash_duo.wait_for_contains_text("#admin-user-message", "临时密码", timeout=15)
    dash_duo.wait_for_contains_text("#admin-user-table", "河北街道主任", timeout=10)
    dash_duo.driver.save_screenshot(str(SHOTS / "admin_people_hebei.png"))
