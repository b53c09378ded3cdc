"""The wall in a real headless Chromium at 1080p and 4K: every panel with data, no errors."""
import csv
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

from app import build_app
from dashboard.i18n import t
from dashboard.i18n.categories import SHORT_EN, wall_category
from data.models.base import INCIDENT_STATUSES
from tests.auth_helpers import login_browser
from tests.conftest import WORLD_PATROL_AT
from tests.dash_helpers import start_app

SHOTS = Path(__file__).parent / "artifacts"
# The second-level categories (what the ticker shows) of the shipped reference data.
with open(Path(__file__).parents[1] / "data" / "reference" / "categories.csv",
          encoding="utf-8") as _handle:
    CATEGORY_NAMES_ZH = [r["name_zh"] for r in csv.DictReader(_handle) if r["level"] == "2"]
# A moment of the rounds: the wall is full (dots, tracks, today's sources) whatever the hour.
WALL = "/wall?at=" + quote(WORLD_PATROL_AT.isoformat())

# What "every panel with data" means, measured in the page.
PANELS_JS = """
const plot = id => document.querySelector('#' + id + ' .js-plotly-plot');
const map = plot('wall-map'), cat = plot('wall-category'), closure = plot('wall-closure'),
      src = plot('wall-sources');
const ml = map && map._fullLayout.map && map._fullLayout.map._subplot.map;
const labels = [...document.querySelectorAll('#wall-map .annotation-text')].map(a => a.textContent);
return {
  drawn: Boolean(ml && ml.loaded() && ml.isStyleLoaded()),
  tiles: document.querySelectorAll('.wall-tile-value').length,
  grids: map && map.data[0].z ? map.data[0].z.length : 0,
  dots: map ? map.data.filter(t => t.name === 'online' || t.name === 'offline')
                     .reduce((n, t) => n + (t.lon || []).length, 0) : 0,
  legend: document.querySelectorAll('.wall-metric-pill.active').length,
  labels: labels,
  category: cat ? cat.data.length : 0,
  closure: closure && closure.data[0] ? closure.data[0].y.length : 0,
  sources: src && src.data[0] ? src.data[0].values.length : 0,
  ticker: document.querySelectorAll('.wall-tick-row').length,
  whistles: document.querySelectorAll('.wall-wstat-value').length,
  closed: document.querySelectorAll('.wall-closed-row').length,
};
"""
# Nothing spills: no scrollbars, and no panel's content is taller or wider than its box.
OVERFLOW_JS = """
const doc = document.documentElement;
const boxes = [...document.querySelectorAll('.wall-panel-body, .wall-tile, .wall-stats')];
const spilled = boxes.filter(b => b.scrollHeight > b.clientHeight + 2 || b.scrollWidth > b.clientWidth + 2)
                     .map(b => [b.className, b.scrollWidth, b.clientWidth, b.scrollHeight, b.clientHeight]);
const canvas = document.querySelector('.wall-canvas').getBoundingClientRect();
return {scroll: [doc.scrollWidth - innerWidth, doc.scrollHeight - innerHeight], spilled: spilled,
        canvas: [Math.round(canvas.width), Math.round(canvas.height)],
        view: [innerWidth, innerHeight]};
"""


@pytest.fixture(scope="module")
def wall_app(world_settings):
    return build_app(world_settings)


def set_viewport(driver, width: int, height: int) -> None:
    """Size the window so that the page itself (not the window) is width x height."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(width + width - inner[0], height + height - inner[1])


def panels_filled(driver) -> dict | bool:
    found = driver.execute_script(PANELS_JS)
    full = (found["drawn"] and found["tiles"] == 7 and found["grids"] > 0 and found["dots"] > 0 and found["legend"]
            and len(found["labels"]) == 10 and found["category"] >= 3 and found["closure"] == 10
            and found["sources"] >= 3 and found["ticker"] == 6 and found["whistles"] == 4
            and found["closed"] >= 1)
    return found if full else False


@pytest.mark.parametrize("width,height,shot", [(1920, 1080, "wall_1080.png"),
                                               (3840, 2160, "wall_2160.png")])
def test_the_wall_fills_every_panel_at_1080p_and_4k(dash_duo, wall_app, world_settings,
                                                    width, height, shot):
    start_app(dash_duo, wall_app)
    login_browser(dash_duo, "wall", world_settings.demo_password, "/wall")
    driver = dash_duo.driver
    set_viewport(driver, width, height)
    driver.get(dash_duo.server_url + WALL)
    try:
        found = WebDriverWait(driver, 60, poll_frequency=1).until(panels_filled)
    except TimeoutException:
        pytest.fail(f"panels still empty: {driver.execute_script(PANELS_JS)}")
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / shot))
    assert all("街道" in label for label in found["labels"])
    layout = driver.execute_script(OVERFLOW_JS)
    assert layout["view"] == [width, height]
    assert layout["scroll"][0] <= 0 and layout["scroll"][1] <= 0
    assert layout["spilled"] == [], layout["spilled"]
    assert layout["canvas"] == [width, height]          # scaled by the smaller ratio
    assert driver.find_element("css selector", ".wall-banner").get_attribute("class") \
        == "wall-banner hidden"
    assert ":" in driver.find_element("css selector", ".wall-clock").text
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


# Every text drawn on the wall (HTML and the charts' SVG, ticks and legends included) with
# its computed size: read from 5 m, nothing may be under 20 px on the 1080p canvas.
FONT_SIZES_JS = """
const out = [];
const walker = document.createTreeWalker(document.querySelector('.wall-canvas'),
                                         NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el) continue;
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  if (box.width === 0 || box.height === 0 || style.visibility === 'hidden'
      || style.display === 'none' || el.closest('.hidden, .maplibregl-ctrl')) continue;
  // SVG text may be scaled to fit (plotly shrinks bar labels): size it as drawn.
  const svg = el.closest('text');
  const m = svg && svg.getScreenCTM();
  const scale = m ? Math.sqrt(m.a * m.a + m.b * m.b) : 1;
  out.push([n.textContent.trim().slice(0, 30), Math.round(parseFloat(style.fontSize) * scale * 10) / 10,
            (el.getAttribute("class") || el.tagName) + " < " + (el.parentElement.getAttribute("class") || "")]);
}
return out;
"""


CLIPPED_JS = """
return [...document.querySelectorAll('.wall-tile-compare, .wall-tile-label, .wall-wstat-label, '
        + '.wall-closed-matter, .wall-whistle-matter, #wall-category .legendtext')]
  .filter(el => {
    const box = el.getBoundingClientRect();
    const panel = el.closest('.wall-tile, .wall-panel, .wall-wstat');
    const edge = panel ? panel.getBoundingClientRect() : box;
    return el.scrollWidth > el.clientWidth + 1 || box.right > edge.right + 1;
  }).map(el => el.textContent);
"""
# The ticker's category cells end in a CSS ellipsis when too long for their box:
# the text is whole in the DOM, cut only on screen, so measured by its box.
TICKER_CUT_JS = """
return [...document.querySelectorAll('.wall-tick-cat')]
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent);
"""
# Not only the rows of this moment: every category's wall name beside every status, set
# into a copy of a ticker row, measured, and taken out again.
ANY_CATEGORY_CUT_JS = """
const row = document.querySelector('.wall-tick-row'), cut = [];
for (const name of arguments[0]) for (const status of arguments[1]) {
  const copy = row.cloneNode(true);
  copy.querySelector('.wall-tick-cat').textContent = name;
  copy.querySelector('.wall-pill').textContent = status;
  row.parentElement.appendChild(copy);
  const cat = copy.querySelector('.wall-tick-cat');
  if (cat.scrollWidth > cat.clientWidth + 1) cut.push(name + ' | ' + status);
  copy.remove();
}
return cut;
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_on_the_wall_is_at_least_20px_at_1080p(dash_duo, wall_app, world_settings,
                                                          lang):
    start_app(dash_duo, wall_app)
    login_browser(dash_duo, "wall", world_settings.demo_password, "/wall")
    driver = dash_duo.driver
    set_viewport(driver, 1920, 1080)
    driver.get(dash_duo.server_url + WALL + ("&lang=en" if lang == "en" else ""))
    try:
        WebDriverWait(driver, 60, poll_frequency=1).until(panels_filled)
    except TimeoutException:
        pytest.fail(f"panels still empty: {driver.execute_script(PANELS_JS)}")
    texts = driver.execute_script(FONT_SIZES_JS)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"wall_1080_fonts_{lang}.png"))
    # Legends and titles whole: nothing ends in an ellipsis, and no headline, legend or
    # board text is clipped by its box (the ticker's categories carry their whole name in
    # a title).
    assert [t for t, _, _ in texts if t.endswith("…")] == []
    assert driver.execute_script(CLIPPED_JS) == []
    assert driver.execute_script(TICKER_CUT_JS) == []
    names = [wall_category(code, "", "", lang) for code in SHORT_EN] if lang == "en" else \
        CATEGORY_NAMES_ZH
    statuses = [t(f"st_{s}", lang) for s in INCIDENT_STATUSES]
    cut = driver.execute_script(ANY_CATEGORY_CUT_JS, names, statuses)
    assert cut == [], cut
    small = [(text, size, where) for text, size, where in texts if size < 20]
    assert len(texts) > 100
    assert small == [], f"{len(small)} of {len(texts)} texts under 20 px: {small}"
