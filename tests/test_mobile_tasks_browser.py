"""Field tasks on the phone page in headless Chromium: the ordered list, accepted without a
signal and sent when it returns, completed with a photo and the phone's position.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import insert, select

from app import build_app
from data.clock import system_clock
from data.models import FieldTask
from tests.dash_helpers import start_app
from tests.mobile_helpers import jpeg, mobile_world  # noqa: F401 - fixture
from tests.test_mobile_browser import no_script_errors, press, sign_in
from tests.workflow_world import IN_A, make_incident

SHOTS = Path(__file__).parent / "artifacts"
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.fixture(scope="module")
def task_app(mobile_world):
    return build_app(mobile_world["settings"].with_overrides(clock=system_clock))


def offered_task(world) -> int:
    now = system_clock()
    with world["engine"].begin() as conn:
        world["world"].conn = conn
        incident = make_incident(conn, world["world"], category="0106", reporter=None,
                                 reported_at=now - timedelta(minutes=20), code="HQ-TASK-1")
        make_incident(conn, world["world"], category="0102", reporter="worker_b",
                      reported_at=now - timedelta(hours=2), code="HQ-DUP-PHONE")
        return conn.execute(insert(FieldTask).values(
            incident_id=incident, kind="verify", status="offered",
            assignee_id=world["world"].users["worker_a"], created_at=now, offered_at=now,
            accept_by=now + timedelta(minutes=15), offers=1).returning(FieldTask.id)).scalar_one()


def status(world, task_id) -> str:
    with world["engine"].connect() as conn:
        return conn.execute(select(FieldTask.status).where(FieldTask.id == task_id)).scalar_one()


def test_a_worker_accepts_offline_and_completes_with_a_photo(dash_duo, task_app, mobile_world,
                                                             tmp_path):
    task_id = offered_task(mobile_world)
    start_app(dash_duo, task_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server_url, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": IN_A[1], "longitude": IN_A[0], "accuracy": 10})
    sign_in(dash_duo)
    # Reporting the same kind where a case is open: the phone shows it, with the photo.
    WebDriverWait(driver, 15).until(lambda d: "±10" in d.find_element(By.ID, "m-loc").text)
    press(driver, driver.find_element(By.CSS_SELECTOR, '#m-cats .cat[data-code="0102"]'))
    WebDriverWait(driver, 15).until(
        lambda d: "HQ-DUP-PHONE" in d.find_element(By.ID, "m-dups").text)
    press(driver, driver.find_element(By.CSS_SELECTOR, "#m-dups .item.dup button"))
    WebDriverWait(driver, 5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-dups .item.dup.on"))
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "mobile_possible_duplicates.png"))
    press(driver, driver.find_element(By.ID, "tab-work"))
    WebDriverWait(driver, 15).until(
        lambda d: "HQ-TASK-1" in d.find_element(By.ID, "m-tasks").text)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "mobile_tasks.png"))
    # No signal: the acceptance waits in the phone, the list already shows it taken.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", OFFLINE)
    press(driver, driver.find_element(By.CSS_SELECTOR, "#m-tasks .task button.yes"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-tasks .task.accepted"))
    assert status(mobile_world, task_id) == "offered"
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {**OFFLINE, "offline": False})
    driver.execute_script("window.dispatchEvent(new Event('online'))")
    WebDriverWait(driver, 15).until(lambda d: status(mobile_world, task_id) == "accepted")
    photo = tmp_path / "lamp.jpg"
    photo.write_bytes(jpeg())
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-tasks .task.accepted input[type=file]"))
    driver.find_element(By.CSS_SELECTOR, "#m-tasks .task input[type=file]").send_keys(str(photo))
    driver.find_element(By.CSS_SELECTOR, "#m-tasks .task textarea").send_keys("路灯确实不亮")
    press(driver, driver.find_element(By.CSS_SELECTOR, "#m-tasks .task button.yes"))
    WebDriverWait(driver, 20).until(lambda d: status(mobile_world, task_id) == "done")
    WebDriverWait(driver, 15).until(
        lambda d: "暂无任务" in d.find_element(By.ID, "m-tasks").text)
    driver.save_screenshot(str(SHOTS / "mobile_task_done.png"))
    with mobile_world["engine"].connect() as conn:
        done = conn.execute(select(FieldTask.outcome, FieldTask.photo_url, FieldTask.note)
                            .where(FieldTask.id == task_id)).one()
    assert done.outcome == "confirmed" and done.photo_url.startswith("/m/photos/")
    assert done.note == "路灯确实不亮"
    no_script_errors(dash_duo)
