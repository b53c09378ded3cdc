"""The city wall in a real headless Chromium at 1080p: a row per district, readable from five
metres (every text at least 20 px), and each district opening its own wall.
"""
import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.auth_helpers import login_browser
from tests.dash_helpers import start_app
from tests.district_world import HEBEI, add_hebei
from tests.security_world import build_security_world, drop_security_world
from tests.test_dashboard_wall_browser import FONT_SIZES_JS, SHOTS, set_viewport
from tests.workflow_world import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "city_wall_browser")
    with world.engine.begin() as conn:
        world.world.conn = conn
        world.hebei = add_hebei(conn, world.world, code="HB-CASE-1")
        world.world.conn = None
    yield world
    drop_security_world(server_settings, world)


def text_of(driver, selector: str) -> str:
    """An element's text read in the page (never a stale handle while Dash redraws)."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        selector)


def rows(driver):
    names = driver.execute_script(
        "return [...document.querySelectorAll('.city-row .city-name')].map(e => e.textContent);")
    return names if len(names) == 2 else False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_city_wall_is_readable_and_opens_each_districts_wall(dash_duo, sw, lang):
    start_app(dash_duo, sw.app)
    login_browser(dash_duo, "city", PASSWORD, "/wall/city")
    driver = dash_duo.driver
    set_viewport(driver, 1920, 1080)
    driver.get(dash_duo.server_url + "/wall/city" + ("?lang=en" if lang == "en" else ""))
    try:
        WebDriverWait(driver, 30, poll_frequency=0.5).until(rows)
    except TimeoutException:
        pytest.fail("no district rows on the city wall")
    names = rows(driver)
    assert names == (["Hebei District", "Hongqiao"] if lang == "en" else ["河北区", "红桥区"])
    texts = driver.execute_script(FONT_SIZES_JS)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"city_wall_1080_{lang}.png"))
    small = [(text, size, where) for text, size, where in texts if size < 20]
    assert len(texts) > 15
    assert small == [], f"{len(small)} of {len(texts)} texts under 20 px: {small}"
    # Every figure cell is filled (five per district).
    values = [c.text for c in driver.find_elements(By.CSS_SELECTOR, ".city-value")]
    assert len(values) == 10 and all(values)
    # A district's name opens its own wall.
    driver.find_element(By.CSS_SELECTOR, f"a.city-link[href^='/wall?district={HEBEI}']").click()
    title = "Smart Hebei Command Centre" if lang == "en" else "智慧河北指挥中心"
    WebDriverWait(driver, 30).until(lambda d: title in text_of(d, ".wall-name"))
    assert f"district={HEBEI}" in driver.current_url
    # Hebei's wall draws its own streets (the first map's labels) under its own title.
    street = "Guangfudao" if lang == "en" else "光复道街道"
    WebDriverWait(driver, 30).until(lambda d: street in text_of(d, "#wall-map"))
    driver.save_screenshot(str(SHOTS / f"city_wall_to_hebei_{lang}.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []
