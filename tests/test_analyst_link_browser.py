"""A shared analyst link in Chromium: opened signed out, it survives sign-in whole (same rows),
and the page shows the 90-day preset, the hot-spot legend and the table's id, grid and
deadline columns uncut.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app import build_app
from dashboard.analyst.state import parse_search, to_filter
from data.queries.analyst_raw import incident_count
from tests.conftest import WORLD_AS_OF
from tests.dash_helpers import start_app
from workflow.clock import BEIJING

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def link_app(world_settings):
    return build_app(world_settings)


def test_a_shared_analyst_link_survives_sign_in_with_its_rows(dash_duo, link_app, world_settings,
                                                              world_conn):
    street = world_conn.exec_driver_sql("select id from streets order by code limit 1 offset 7"
                                        ).scalar_one()
    link = f"/analyst?street={street}&range=90d&src=patrol,hotline"
    expected = incident_count(world_conn, to_filter(parse_search(link.split("?")[1]),
                                                    WORLD_AS_OF.astimezone(BEIJING).date(),
                                                    WORLD_AS_OF))
    assert expected > 0
    start_app(dash_duo, link_app)
    driver = dash_duo.driver
    driver.set_window_size(1600, 900)
    driver.get(dash_duo.server_url + link)                      # signed out: to the sign-in
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: d.find_elements(By.ID, "username"))
    assert urlparse(driver.current_url).path == "/login"
    driver.find_element(By.ID, "username").send_keys("analyst1")
    driver.find_element(By.ID, "password").send_keys(world_settings.demo_password)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(lambda d: "/login" not in d.current_url)
    landed = urlparse(driver.current_url)
    assert f"{landed.path}?{landed.query}" == link              # every parameter survived
    dash_duo.wait_for_contains_text("#analyst-summary", f"筛选结果 {expected:,} 件", timeout=90)
    checked = driver.find_element(By.CSS_SELECTOR, "#analyst-range input:checked")
    assert checked.get_attribute("value") == "90d"
    assert "近90日" in driver.find_element(By.ID, "analyst-range").text
    legend_box = dash_duo.find_element("#analyst-hot-legend")
    driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", legend_box)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "analyst_hot_legend.png"))
    legend = legend_box.text
    assert all(word in legend for word in ("新增热点", "持续热点", "消退热点", "冷点"))
    # The table: the id, the grid and the deadline are whole (not cut by an ellipsis).
    table = dash_duo.find_element("#analyst-table")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", table)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#analyst-table .ag-row [col-id=code]"))
    headers = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#analyst-table .ag-header-cell-text")]
    assert {"编号", "网格", "期限"} <= set(headers)
    cut = driver.execute_script("""
        return [...document.querySelectorAll('#analyst-table .ag-row [col-id=code], '
                + '#analyst-table .ag-row [col-id=grid]')]
          .filter(c => c.textContent && c.scrollWidth > c.clientWidth + 1).length;""")
    assert cut == 0
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "analyst_shared_link_table.png"))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(SHOTS / "analyst_shared_link.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_the_date_picker_speaks_the_readers_language(dash_duo, link_app, world_settings):
    from tests.auth_helpers import login_browser

    start_app(dash_duo, link_app)
    driver = dash_duo.driver
    driver.set_window_size(1600, 900)
    login_browser(dash_duo, "analyst1", world_settings.demo_password,
                  "/analyst?range=custom&from=2026-11-01&to=2026-11-20")
    dash_duo.wait_for_contains_text("#analyst-summary", "筛选结果", timeout=90)
    dash_duo.wait_for_element("#analyst-dates", timeout=60).click()
    driver.save_screenshot(str(SHOTS / "analyst_date_picker.png"))
    WebDriverWait(driver, 15).until(lambda d: "2026年11月" in d.find_element(By.TAG_NAME, "body").text)
    assert dash_duo.find_element("#analyst-dates").get_attribute("placeholder") == "开始日期"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "November" not in body and "Start Date" not in body
    assert all(day in body.split() for day in ("一", "二", "六"))     # 周一 .. 周日, short
    driver.save_screenshot(str(SHOTS / "analyst_date_picker.png"))
    driver.get(dash_duo.server_url + "/analyst?range=custom&from=2026-11-01&to=2026-11-20&lang=en")
    dash_duo.wait_for_contains_text("#analyst-summary", "incidents selected", timeout=90)
    assert dash_duo.find_element("#analyst-dates").get_attribute("placeholder") == "Start date"
    dash_duo.wait_for_element("#analyst-dates", timeout=60).click()
    WebDriverWait(driver, 15).until(lambda d: "November" in d.find_element(By.TAG_NAME, "body").text)
    assert "2026年" not in driver.find_element(By.TAG_NAME, "body").text
