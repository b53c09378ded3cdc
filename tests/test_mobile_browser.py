"""The phone page in headless Chromium at 360x740: sign in, report with a photo, offline queue."""
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from app import build_app
from data.clock import system_clock
from data.models import Incident, MobilePhoto
from tests.dash_helpers import start_app
from tests.mobile_helpers import jpeg, mobile_world  # noqa: F401 - fixture
from tests.workflow_world import IN_A, IN_B, PASSWORD

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def mobile_app(mobile_world):
    # Chromium stamps reports and fixes with the machine's clock: so does this app.
    return build_app(mobile_world["settings"].with_overrides(clock=system_clock))


def phone_size(driver, width: int = 360, height: int = 740) -> None:
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(width + width - inner[0], height + height - inner[1])


def sign_in(dash_duo, username: str = "worker_a") -> None:
    driver = dash_duo.driver
    phone_size(driver)
    driver.get(dash_duo.server_url + "/m")
    WebDriverWait(driver, 15).until(lambda d: "/m/login" in d.current_url)
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "mobile_login.png"))
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-cats .cat"))


def press(driver, element) -> None:
    """Tap like a thumb: scroll the element to the middle (the tab bar covers the bottom)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def no_script_errors(dash_duo) -> None:
    """No uncaught errors in the page (failed requests while offline are expected)."""
    severe = [log for log in dash_duo.get_logs() or []
              if log.get("level") == "SEVERE" and log.get("source") == "javascript"]
    assert severe == []


def incidents(world) -> int:
    with world["engine"].connect() as conn:
        return conn.execute(select(func.count()).select_from(Incident)).scalar_one()


def toast(driver) -> str:
    return driver.find_element(By.ID, "m-toast").text


def test_a_worker_reports_with_a_photo_and_gps_and_sees_it_in_her_work(
        dash_duo, mobile_app, mobile_world, tmp_path):
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server_url, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": IN_A[1] + 0.001, "longitude": IN_A[0] + 0.001, "accuracy": 12})
    sign_in(dash_duo)
    WebDriverWait(driver, 15).until(lambda d: "±12" in d.find_element(By.ID, "m-loc").text)
    driver.save_screenshot(str(SHOTS / "mobile_home.png"))
    photo = tmp_path / "manhole.jpg"
    photo.write_bytes(jpeg((2400, 1800)))
    driver.find_element(By.ID, "m-photo").send_keys(str(photo))
    WebDriverWait(driver, 5).until(
        lambda d: "hidden" not in d.find_element(By.ID, "m-preview").get_attribute("class"))
    road = driver.find_element(By.CSS_SELECTOR, '#m-cats .cat[data-code="0101"]')
    assert road.text == "道路设施" and road.size["height"] >= 48
    press(driver, road)
    driver.save_screenshot(str(SHOTS / "mobile_report.png"))
    before = incidents(mobile_world)
    press(driver, driver.find_element(By.ID, "m-send"))
    WebDriverWait(driver, 20).until(lambda d: "已上报" in toast(d))
    code = toast(driver).split()[-1]
    assert incidents(mobile_world) == before + 1
    with mobile_world["engine"].connect() as conn:
        row = conn.execute(select(Incident).where(Incident.code == code)).one()
        width = conn.execute(select(MobilePhoto.width)
                             .where(MobilePhoto.incident_id == row.id)).scalar_one()
    assert row.grid_id == mobile_world["world"].ids["grid"] and row.category_code == "0101"
    assert width <= 1600 and row.source == "patrol"
    driver.find_element(By.ID, "tab-work").click()
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f'#m-open .item[data-code="{code}"]'))
    assert driver.find_element(By.ID, "m-today").text != "0"
    href = WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'#m-open .item[data-code="{code}"] a')
        .get_attribute("href"))
    assert href.endswith(row.photo_url)
    driver.save_screenshot(str(SHOTS / "mobile_work.png"))
    # Nothing is wider than the phone: no sideways scrolling at 360 px.
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    small = driver.execute_script("""return [...document.querySelectorAll('button, label.big')]
        .filter(b => b.offsetParent && b.getBoundingClientRect().height < 44)
        .map(b => b.id || b.textContent)""")
    assert small == []
    no_script_errors(dash_duo)


def test_a_report_made_offline_is_sent_once_when_the_signal_returns(
        dash_duo, mobile_app, mobile_world):
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    sign_in(dash_duo)
    press(driver, driver.find_element(By.ID, "m-map"))          # no GPS here: tap the grid map
    WebDriverWait(driver, 5).until(lambda d: "图上选点" in d.find_element(By.ID, "m-loc").text)
    press(driver, driver.find_element(By.CSS_SELECTOR, '#m-cats .cat[data-code="0102"]'))
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(
        "return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"))
    cached = driver.execute_async_script("""const done = arguments[0];
        Promise.all(['/m', '/m/api/me'].map(u => caches.match(u))).then(r => done(r.map(Boolean)));""")
    assert cached == [True, True]      # the page itself opens without a signal
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    before = incidents(mobile_world)
    press(driver, driver.find_element(By.ID, "m-send"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "m-queue").get_attribute("data-count") == "1")
    driver.execute_script("window.dispatchEvent(new Event('offline'))")
    driver.save_screenshot(str(SHOTS / "mobile_offline.png"))
    assert "待发送 1" in driver.find_element(By.ID, "m-queue").text
    driver.refresh()                   # the report survives a reload without a signal
    WebDriverWait(driver, 15).until(
        lambda d: d.find_element(By.ID, "m-queue").get_attribute("data-count") == "1")
    assert incidents(mobile_world) == before
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    driver.execute_script("window.dispatchEvent(new Event('online'))")
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.ID, "m-queue").get_attribute("data-count") == "0")
    WebDriverWait(driver, 10).until(lambda d: "已上报" in toast(d))
    driver.execute_script("window.dispatchEvent(new Event('online'))")   # a second nudge
    # Checking that nothing more happens cannot wait for a condition: the queue's own retry
    # delay (2 s) is the time a duplicate would take to arrive.
    time.sleep(2)
    assert incidents(mobile_world) == before + 1
    with mobile_world["engine"].connect() as conn:
        key = conn.execute(select(Incident.idempotency_key).order_by(Incident.id.desc())
                           .limit(1)).scalar_one()
    assert key and len(key) >= 32
    no_script_errors(dash_duo)


def test_patrol_and_english(dash_duo, mobile_app, mobile_world):
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server_url, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": IN_B[1], "longitude": IN_B[0], "accuracy": 10})
    sign_in(dash_duo, "worker_b")
    driver.find_element(By.ID, "tab-patrol").click()
    press(driver, driver.find_element(By.ID, "m-patrol"))
    WebDriverWait(driver, 30).until(
        lambda d: "已发送" in d.find_element(By.ID, "m-patrol-state").text
        and not d.find_element(By.ID, "m-patrol-state").text.startswith("巡查中：已发送 0"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#m-route circle.me"))
    # Today's figures from the server's own record of the track.
    WebDriverWait(driver, 20).until(
        lambda d: "今日巡查" in d.find_element(By.ID, "m-patrol-today").text)
    assert "公里" in driver.find_element(By.ID, "m-patrol-today").text
    driver.save_screenshot(str(SHOTS / "mobile_patrol.png"))
    press(driver, driver.find_element(By.ID, "m-patrol"))
    # Ended here, yet today's track is not called "not on patrol".
    state = driver.find_element(By.ID, "m-patrol-state").text
    assert state != "未在巡查" and "今日轨迹" in state
    driver.find_element(By.ID, "m-lang").click()
    assert driver.find_element(By.ID, "tab-report").text == "Report"
    driver.find_element(By.ID, "m-lang").click()
    assert driver.find_element(By.ID, "tab-report").text == "上报"
    no_script_errors(dash_duo)


def test_is_it_fixed_with_a_photo_from_the_phone(dash_duo, mobile_app, mobile_world, tmp_path):
    from tests.workflow_world import make_incident

    with mobile_world["engine"].begin() as conn:
        incident = make_incident(conn, mobile_world["world"], "resolved", street="B",
                                 handled_by="department", department="CGW-DL", reporter=None)
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    sign_in(dash_duo, "worker_b")
    press(driver, driver.find_element(By.ID, "tab-work"))
    card = "#m-verify .item[data-code] button.yes"
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, card))
    photo = tmp_path / "fixed.jpg"
    photo.write_bytes(jpeg((1200, 900), color=(60, 160, 60)))
    driver.find_element(By.CSS_SELECTOR, "#m-verify input[type=file]").send_keys(str(photo))
    driver.save_screenshot(str(SHOTS / "mobile_verify.png"))
    press(driver, driver.find_element(By.CSS_SELECTOR, card))
    WebDriverWait(driver, 15).until(lambda d: "已提交核查" in toast(d))
    with mobile_world["engine"].connect() as conn:
        status = conn.execute(select(Incident.status)
                                   .where(Incident.id == incident)).scalar_one()
        photos = conn.execute(select(func.count()).select_from(MobilePhoto)
                              .where(MobilePhoto.incident_id == incident,
                                     MobilePhoto.purpose == "verify")).scalar_one()
    assert status == "verified" and photos == 1
    no_script_errors(dash_duo)


def queue_and_fixes(driver) -> tuple[int, str | None]:
    """What the phone keeps: reports in IndexedDB, and the unsent fixes in localStorage."""
    count = driver.execute_async_script("""const done = arguments[0];
        const req = indexedDB.open('hq_mobile', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('queue', {keyPath: 'id'});
        req.onsuccess = () => { const tx = req.result.transaction('queue', 'readonly');
          const all = tx.objectStore('queue').count(); all.onsuccess = () => done(all.result); };
        req.onerror = () => done(-1);""")
    return count, driver.execute_script("return localStorage.getItem('hq_m_fixes')")


def queue_a_report_that_cannot_leave(driver) -> None:
    """A report and a patrol fix kept on the phone: their endpoints are blocked, as when
    the signal is gone, so they wait in the queue and the buffer.
    """
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {
        "urls": ["*/m/api/reports", "*/m/api/positions"]})
    press(driver, driver.find_element(By.ID, "m-map"))
    WebDriverWait(driver, 5).until(lambda d: "图上选点" in d.find_element(By.ID, "m-loc").text)
    press(driver, driver.find_element(By.CSS_SELECTOR, '#m-cats .cat[data-code="0102"]'))
    press(driver, driver.find_element(By.ID, "m-send"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "m-queue").get_attribute("data-count") == "1")


def test_signing_out_leaves_no_report_or_fix_for_the_next_worker(
        dash_duo, mobile_app, mobile_world):
    """Issue 18, item 14: a shared phone. Worker A signs out with a report and fixes
    unsent; worker B signs in next: nothing of A's is left to send.
    """
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server_url, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": IN_A[1], "longitude": IN_A[0], "accuracy": 10})
    sign_in(dash_duo, "worker_a")
    queue_a_report_that_cannot_leave(driver)
    press(driver, driver.find_element(By.ID, "tab-patrol"))
    press(driver, driver.find_element(By.ID, "m-patrol"))       # fixes buffer, unsent
    WebDriverWait(driver, 15).until(lambda d: '"lat"' in (queue_and_fixes(d)[1] or ""))
    before = incidents(mobile_world)
    press(driver, driver.find_element(By.ID, "m-logout"))
    # The confirm comes once the page has counted its queue (IndexedDB, asynchronous): wait
    # for it to be there; reading an alert that is not yet open raises, it does not wait.
    alert = WebDriverWait(driver, 15).until(ec.alert_is_present())
    assert "未发送" in alert.text
    alert.accept()
    WebDriverWait(driver, 15).until(lambda d: "/m/login" in d.current_url)
    assert queue_and_fixes(driver) == (0, None)
    assert driver.execute_script("return localStorage.getItem('hq_m_patrol')") is None
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    sign_in(dash_duo, "worker_b")
    WebDriverWait(driver, 15).until(
        lambda d: d.find_element(By.ID, "m-queue").get_attribute("data-count") == "0")
    assert queue_and_fixes(driver)[0] == 0 and incidents(mobile_world) == before
    no_script_errors(dash_duo)


def test_a_report_left_by_an_expired_session_is_not_sent_as_the_next_worker(
        dash_duo, mobile_app, mobile_world):
    """Without a sign-out (the session ran out): the queued report is bound to its worker,
    so worker B's page drops it instead of sending it as B's.
    """
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    sign_in(dash_duo, "worker_a")
    queue_a_report_that_cannot_leave(driver)
    assert queue_and_fixes(driver)[0] == 1
    before = incidents(mobile_world)
    driver.delete_all_cookies()                # the phone session is gone, the data is not
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    sign_in(dash_duo, "worker_b")
    driver.execute_script("window.dispatchEvent(new Event('online'))")
    WebDriverWait(driver, 15).until(lambda d: queue_and_fixes(d)[0] == 0)
    assert incidents(mobile_world) == before
    no_script_errors(dash_duo)


def test_patrol_with_location_refused_says_so_and_what_to_do(dash_duo, mobile_app, mobile_world):
    from sqlalchemy import text

    world = mobile_world["world"]
    with mobile_world["engine"].begin() as conn:     # something to recognise on the map
        conn.execute(text("""
            insert into buildings (grid_id, address, households, geom)
            select :grid, '十段社区1网格' || n || '号楼', 30,
                   ST_SetSRID(ST_MakePoint(:lon + (n - 2) * 0.0012, :lat + (n % 2) * 0.0015 - 0.0007),
                              4326)
            from generate_series(1, 4) n;
            insert into cameras (code, name_zh, kind, owner_street_id, grid_id, geom)
            values ('CAM-BR-1', '光荣道幼儿园东门', 'kindergarten', :street, :grid,
                    ST_SetSRID(ST_MakePoint(:lon - 0.0015, :lat + 0.0012), 4326))
            on conflict (code) do nothing"""),
            {"grid": world.ids["grid"], "street": world.ids["street"], "lon": IN_A[0],
             "lat": IN_A[1]})
    start_app(dash_duo, mobile_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.setPermission", {
        "origin": dash_duo.server_url, "permission": {"name": "geolocation"},
        "setting": "denied"})
    sign_in(dash_duo, "worker_a")
    # The report map shows the beat's buildings and cameras, drawn from our own data.
    WebDriverWait(driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#m-map rect.lm-building")) >= 4)
    assert driver.find_elements(By.CSS_SELECTOR, "#m-map path.lm-camera")
    phone_size(driver, 390, 844)
    driver.save_screenshot(str(SHOTS / "mobile_report_landmarks.png"))
    driver.find_element(By.ID, "tab-patrol").click()
    press(driver, driver.find_element(By.ID, "m-patrol"))
    WebDriverWait(driver, 30).until(
        lambda d: "定位权限被拒绝" in d.find_element(By.ID, "m-patrol-state").text)
    state = driver.find_element(By.ID, "m-patrol-state")
    assert "允许本站使用位置" in state.text and "warn" in state.get_attribute("class")
    assert "已发送 0" not in state.text
    phone_size(driver, 390, 844)
    driver.save_screenshot(str(SHOTS / "mobile_patrol_denied.png"))
    no_script_errors(dash_duo)
