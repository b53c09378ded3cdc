"""The database restarts while the wall runs: banner, last good data, recovery (HTTP, Chromium)."""
import json
from urllib.parse import quote

import pytest

from app import build_app
from dashboard import ids
from tests.auth_helpers import login_browser, login_client
from tests.conftest import WORLD_AS_OF, load_small_world
from tests.dash_helpers import start_app
from tests.wall_helpers import call, dots_moment

# Before today's first round there is no dot "today": look just after yesterday's last.
AT = "?at=" + quote(dots_moment(WORLD_AS_OF).isoformat())
CHANNELS = ("map", "pos", "panels", "head")
BANNER = {"wall-banner", "wall-banner-text"}
# What each channel refreshes when the database answers (besides the banner and stamps).
DATA = {"map": "wall-map", "pos": "wall-map", "panels": "wall-ticker", "head": "wall-stats"}


@pytest.fixture(scope="module")
def wall(fault_cluster):
    settings = fault_cluster.database("faults_wall")
    load_small_world(settings.database_url, settings)
    app = build_app(settings)
    client = app.server.test_client()
    login_client(client, "wall", settings.demo_password)
    yield app, client
    app.server.extensions["hq_db"].dispose()
    fault_cluster.drop(settings)


def tick(wall, channel: str, last_ok: str | None, n: int = 1) -> tuple[int, dict]:
    app, client = wall
    trigger = f"{ids.WALL_GO[channel]}.data"
    state = {"app-url.search": AT, "wall-map-ready.data": True, "wall-last-ok.data": last_ok,
             "wall-focus.data": {"street": None}, trigger: n}
    status, _, _, response = call(client, app, trigger, state)
    return status, response


def assert_live(wall, n: int) -> str:
    """Every channel answers with data and a hidden banner; returns the last-good stamp."""
    stamp = None
    for channel in CHANNELS:
        status, response = tick(wall, channel, stamp, n)
        assert status == 200, channel
        assert response["wall-banner"]["className"] == "wall-banner hidden", channel
        assert DATA[channel] in response, channel
        stamp = response["wall-last-ok"]["data"]
    return stamp


def test_the_wall_shows_the_outage_keeps_its_data_and_recovers(wall, fault_cluster):
    last_ok = assert_live(wall, 1)
    with fault_cluster.outage():
        for channel in CHANNELS:
            status, response = tick(wall, channel, last_ok, 2)
            assert status == 200, channel
            # Only the banner changes; the map, charts and tiles on screen stay as they were.
            assert set(response) == BANNER, channel
            assert response["wall-banner"]["className"] == "wall-banner"
            text = response["wall-banner-text"]["children"]
            assert "数据连接中断" in text and last_ok in text
        page = wall[1].get("/healthz")
        assert page.status_code == 503 and page.headers["Retry-After"]
    # The same app, without a restart: stale pooled connections are replaced (pre-ping).
    assert_live(wall, 3)
    _, response = tick(wall, "pos", last_ok, 4)
    assert json.dumps(response["wall-map"]["figure"]).count("lon") >= 1


DOTS_JS = """
const map = document.querySelector('#wall-map .js-plotly-plot');
return map && map.data ? map.data.filter(t => t.name === 'online' || t.name === 'offline')
                                 .reduce((n, t) => n + (t.lon || []).length, 0) : 0;
"""


def test_in_chromium_the_banner_comes_and_goes_with_the_database(dash_duo, wall, fault_cluster):
    from selenium.webdriver.support.ui import WebDriverWait

    app, _ = wall
    start_app(dash_duo, app)
    login_browser(dash_duo, "wall", app.server.extensions["hq_settings"].demo_password, "/wall")
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/wall" + AT)

    def banner(d):
        return d.find_element("css selector", ".wall-banner").get_attribute("class")

    def dots(d):
        return d.execute_script(DOTS_JS)

    WebDriverWait(driver, 60, 0.5).until(lambda d: dots(d) > 0 and banner(d) == "wall-banner hidden")
    shown = dots(driver)
    with fault_cluster.outage():
        # The position channel ticks every 5 s: its next tick finds the database away.
        WebDriverWait(driver, 30, 0.5).until(lambda d: banner(d) == "wall-banner")
        assert "数据连接中断" in driver.find_element("css selector", ".wall-banner").text
        assert dots(driver) == shown        # the last good map stays on screen
    WebDriverWait(driver, 30, 0.5).until(lambda d: banner(d) == "wall-banner hidden")
    assert dots(driver) > 0
