"""The analyst view over HTTP (URL state, export) and in Chromium (drill down and back)."""
from __future__ import annotations

import io
import json
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app import build_app
from dashboard.analyst.export import about_rows, to_csv, to_xlsx
from dashboard.analyst.state import (
    DEFAULTS,
    cascade,
    climb,
    drill,
    parse_search,
    to_filter,
    to_search,
)
from tests.auth_helpers import login_browser, login_client
from tests.conftest import WORLD_AS_OF
from tests.dash_helpers import call_router, ids_in, start_app, wait_settled
from workflow.clock import BEIJING
from workflow.safe_cells import safe_cell

SHOTS = Path(__file__).parent / "artifacts"
AS_OF = WORLD_AS_OF


@pytest.fixture(scope="module")
def analyst_app(world_settings):
    return build_app(world_settings)


def test_url_state_round_trips():
    state = {**DEFAULTS, "street": 3, "community": 31, "range": "custom", "from": "2026-08-29",
             "to": "2026-11-26", "subject": "01", "category": "0102", "sources": ["patrol", "app"],
             "statuses": ["closed"], "department": 7, "overdue": True, "metric": "rate",
             "layers": ["heat"], "bucket": "week", "by": "source", "lang": "en"}
    search = to_search(state)
    assert parse_search(search) == state
    assert to_search(parse_search(search)) == search
    assert to_search(DEFAULTS) == "" and parse_search("") == DEFAULTS
    assert parse_search("?layers=")["layers"] == []
    junk = parse_search("?street=x;drop&range=forever&src=patrol,evil&cat=%27or1&from=2026-13-40")
    assert junk["street"] is None and junk["range"] == "30d" and junk["sources"] == ["patrol"]
    assert junk["category"] is None and junk["from"] is None
    f = to_filter(parse_search(search), date(2026, 11, 26), AS_OF)
    assert (f.date_from, f.date_to, f.category, f.sources) == (
        date(2026, 8, 29), date(2026, 11, 26), "0102", ("patrol", "app"))
    quarter = to_filter({**DEFAULTS, "range": "quarter"}, date(2026, 11, 26), AS_OF)
    assert quarter.date_from == date(2026, 10, 1)


def test_drill_cascade_and_climb(world_conn):
    from data.queries.analyst import places as read_places

    places = read_places(world_conn)
    g = places["grid"].iloc[10]
    s1 = drill(DEFAULTS, g["code"], places)
    assert (s1["street"], s1["community"], s1["grid"]) == (g["street_id"], None, None)
    s2 = drill(s1, g["code"], places)
    s3 = drill(s2, g["code"], places)
    assert (s3["community"], s3["grid"]) == (g["community_id"], g["id"])
    assert climb(s3, "street")["community"] is None and climb(s3, "district")["street"] is None
    other = places["street"]["id"][places["street"]["id"] != g["street_id"]].iloc[0]
    moved = cascade({**s3, "street": int(other)}, "street", places, {})
    assert moved["community"] is None and moved["grid"] is None
    picked = cascade({**DEFAULTS, "grid": int(g["id"])}, "grid", places, {})
    assert (picked["street"], picked["community"]) == (g["street_id"], g["community_id"])


def test_export_escapes_formulas_and_keeps_every_row():
    frame = pd.DataFrame({
        "code": ["A1", "A2", "A3", "A4", "A5", "A6"],
        "reported_at": pd.to_datetime(["2026-11-01T01:00Z"] * 6),
        "status": ["closed"] * 6, "category": ["环境卫生"] * 6, "street": ["芥园街道"] * 6,
        "community": ["x"] * 6, "grid": ["120106"] * 6, "source": ["patrol"] * 6,
        "department": [None] * 6, "deadline": [pd.NaT] * 6, "closed_at": [pd.NaT] * 6,
        "address": ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tx", "普通地址"],
        "description": ["\rcr", "ok", "", "a=b", "=1", "-"]})
    text = to_csv(frame, "zh").decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert len(rows) == 6
    assert list(rows["地址"]) == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)",
                                "'\tx", "普通地址"]
    assert rows["上报时间"][0] == "2026-11-01 09:00"
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(to_xlsx(frame, "en"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 7 and values[0][0] == "Code"
    cells = [v for row in values[1:] for v in row if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert safe_cell(5) == 5 and safe_cell("a-b") == "a-b"


def test_the_xlsx_keeps_dates_as_dates_and_says_which_filters_made_it():
    from datetime import datetime

    from openpyxl import load_workbook

    frame = pd.DataFrame({
        "code": ["HQ20261101-1"], "reported_at": pd.to_datetime(["2026-11-01T01:00Z"]),
        "status": ["closed"], "category": ["环境卫生"], "street": ["芥园街道"], "community": ["x"],
        "grid": ["g"], "source": ["patrol"], "department": [None],
        "deadline": pd.to_datetime(["2026-11-03T01:00Z"]), "closed_at": [pd.NaT],
        "address": ["=1"], "description": ["d"]})
    state = parse_search("?street=8&range=90d&src=patrol,hotline&overdue=1")
    opts = {"street": [{"label": "芥园街道", "value": 8}],
            "sources": [{"label": "网格巡查", "value": "patrol"}, {"label": "热线", "value": "hotline"}]}
    about = about_rows(state, opts, (date(2026, 9, 5), date(2026, 12, 3)),
                       "/analyst" + to_search(state), "2026-12-03 10:00", 1, "zh")
    book = load_workbook(io.BytesIO(to_xlsx(frame, "zh", about)))
    assert book.sheetnames == ["事件", "筛选条件"]
    rows = list(book["事件"].iter_rows(values_only=True))
    assert rows[1][1] == datetime(2026, 11, 1, 9, 0) and rows[1][9] == datetime(2026, 11, 3, 9, 0)
    assert book["事件"]["B2"].is_date and rows[1][10] is None
    told = dict(book["筛选条件"].iter_rows(min_row=2, values_only=True))
    assert told["时段"] == "2026-09-05 – 2026-12-03" and told["街道"] == "芥园街道"
    assert told["来源"] == "网格巡查、热线" and told["行数"] == "1"
    assert told["页面链接"] == "/analyst?street=8&range=90d&src=patrol,hotline&overdue=1"


def test_the_90_day_preset_is_the_last_90_days_through_today():
    state = parse_search("?range=90d")
    assert state["range"] == "90d" and to_search(state) == "?range=90d"
    f = to_filter(state, date(2026, 12, 3), AS_OF)
    assert (f.date_from, f.date_to) == (date(2026, 9, 5), date(2026, 12, 3))


def _callback(client, output, inputs, state=()):
    if output.startswith(".."):
        parts = [o.split(".") for o in output[2:-2].split("...")]
        outputs = [{"id": i, "property": p} for i, p in parts]
    else:
        outputs = {"id": output.split(".")[0], "property": output.split(".")[1]}
    payload = {"output": output, "outputs": outputs,
               "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
               "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
               "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:400]
    return json.loads(response.data)["response"]


def test_page_export_and_table_over_http(analyst_app, world_settings, world_conn):
    client = analyst_app.server.test_client()
    login_client(client, "analyst1", world_settings.demo_password)
    page = call_router(client, "/analyst", "?range=30d&subj=01")
    assert {"analyst-map", "analyst-url", "analyst-street"} <= ids_in(page)
    state = parse_search("?range=30d&subj=01")
    out = _callback(client, "..analyst-download.data...analyst-export-note.children..",
                    [("analyst-export-csv", "n_clicks", 1),
                     ("analyst-export-xlsx", "n_clicks", 0)],
                    [("analyst-state", "data", state)])
    import base64
    body = base64.b64decode(out["analyst-download"]["data"]["content"]).decode("utf-8-sig")
    f = to_filter(state, AS_OF.astimezone(BEIJING).date(), AS_OF)
    from data.queries.analyst_raw import incident_count
    assert len(pd.read_csv(io.StringIO(body))) == incident_count(world_conn, f) > 100
    rows = _callback(client, "analyst-table.getRowsResponse",
                     [("analyst-table", "getRowsRequest",
                       {"startRow": 0, "endRow": 50, "sortModel": [
                           {"colId": "reported_at", "sort": "asc"}]})],
                     [("analyst-state", "data", state)])["analyst-table"]["getRowsResponse"]
    assert len(rows["rowData"]) == 50 and rows["rowCount"] == incident_count(world_conn, f)
    stamps = [r["reported_at"] for r in rows["rowData"]]
    assert stamps == sorted(stamps)


def _crumbs(dash_duo) -> list[str]:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        return [e.text for e in dash_duo.driver.find_elements(
            By.CSS_SELECTOR, ".an-crumb:not(.hidden)")]
    except StaleElementReferenceException:  # the page re-rendered under us (back button)
        return []


def _click_map_at(dash_duo, lon: float | None = None, lat: float | None = None) -> None:
    """Click the map where (lon, lat) is (its centre when not given), asking MapLibre where."""
    from selenium.webdriver.common.action_chains import ActionChains

    script = """const gd = document.querySelector('#analyst-map .js-plotly-plot');
        const m = gd._fullLayout.map._subplot.map;
        const c = m.getCenter();
        const p = m.project([arguments[0] ?? c.lng, arguments[1] ?? c.lat]);
        return [p.x, p.y];"""
    canvas = dash_duo.driver.find_element(By.CSS_SELECTOR, "#analyst-map .maplibregl-canvas")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    wait_settled(dash_duo)  # plotly has applied the last patch and the map its new view
    # Selenium 4.2 takes the offset from the element's top-left corner (as MapLibre does).
    dx, dy = dash_duo.driver.execute_script(script, lon, lat)
    ActionChains(dash_duo.driver).move_to_element_with_offset(canvas, int(dx), int(dy)).click().perform()


def _param(dash_duo, name: str) -> int | None:
    from urllib.parse import parse_qs, urlparse

    value = parse_qs(urlparse(dash_duo.driver.current_url).query).get(name)
    return int(value[0]) if value else None


def test_drill_from_district_to_grid_and_back(dash_duo, analyst_app, world_settings, world_conn):
    from data.queries.analyst import places as read_places
    from data.queries.world import boundaries_geojson

    places = read_places(world_conn)
    points = {f["id"]: f["properties"] for f in boundaries_geojson(world_conn, "grid")["features"]}
    names = {lvl: places[lvl].set_index("id")["name_zh"] for lvl in ("street", "community")}
    wait = WebDriverWait(dash_duo.driver, 60)
    start_app(dash_duo, analyst_app)
    # Points and hot-spot marks off: a click on the map then always lands on a grid's colour
    # (with them on, where it lands depends on the day's incidents).
    login_browser(dash_duo, "analyst1", world_settings.demo_password, "/analyst?range=30d&layers=")
    dash_duo.wait_for_contains_text("#analyst-summary", "筛选结果", timeout=90)
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "analyst_district.png"))
    # District -> street: a click on the map (a grid in the middle of the district).
    _click_map_at(dash_duo)
    wait.until(lambda d: _param(dash_duo, "street") is not None)
    street = _param(dash_duo, "street")
    wait.until(lambda d: _crumbs(dash_duo)[-1:] == [names["street"][street]])
    # Street -> community: a click on its bar in the "by area" chart (cross-filtering).
    first = places["community"][places["community"]["street_id"] == street]["name_zh"].iloc[0]
    dash_duo.wait_for_contains_text("#analyst-chart-place", first, timeout=60)
    wait_settled(dash_duo)
    labels = [e.text for e in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#analyst-chart-place .ytick text")]
    bars = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#analyst-chart-place .point path")
    from selenium.webdriver.common.action_chains import ActionChains
    # The largest bar is drawn on top; plotly's drag layer takes the click and reports it.
    ActionChains(dash_duo.driver).move_to_element(bars[-1]).click().perform()
    wait.until(lambda d: _param(dash_duo, "community") is not None)
    community = _param(dash_duo, "community")
    assert names["community"][community] == labels[-1]
    wait.until(lambda d: _crumbs(dash_duo)[-1:] == [labels[-1]])
    # Community -> grid: a click on one of its grids.
    grid = places["grid"][places["grid"]["community_id"] == community].iloc[0]
    _click_map_at(dash_duo, points[grid["code"]]["lon"], points[grid["code"]]["lat"])
    wait.until(lambda d: len(_crumbs(dash_duo)) == 4)
    assert _param(dash_duo, "grid") == grid["id"] and _param(dash_duo, "street") == street
    dash_duo.wait_for_contains_text("#analyst-summary", "筛选结果", timeout=60)
    wait_settled(dash_duo)
    dash_duo.driver.save_screenshot(str(SHOTS / "analyst_grid.png"))
    # Back up to the street by the breadcrumb; the browser's back button returns to the grid.
    dash_duo.find_element("#analyst-crumb-street").click()
    wait.until(lambda d: _crumbs(dash_duo)[-1:] == [names["street"][street]])
    assert _param(dash_duo, "grid") is None and _param(dash_duo, "community") is None
    dash_duo.driver.back()
    wait.until(lambda d: len(_crumbs(dash_duo)) == 4)
    assert _param(dash_duo, "grid") == grid["id"]
    dash_duo.find_element("#analyst-crumb-district").click()
    wait.until(lambda d: len(_crumbs(dash_duo)) == 1 and _param(dash_duo, "street") is None)
    dash_duo.wait_for_contains_text("#analyst-summary", "筛选结果", timeout=60)
    wait_settled(dash_duo)
    dash_duo.driver.save_screenshot(str(SHOTS / "analyst_back.png"))
    charts = dash_duo.find_element("#analyst-chart-close")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", charts)
    wait_settled(dash_duo)
    dash_duo.driver.save_screenshot(str(SHOTS / "analyst_charts.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_hot_spot_marks_say_new_persistent_and_fading_apart():
    from dashboard.analyst.map_figure import TREND_COLOURS, hot_values

    rows = [{"kind": "hot", "confidence": 99, "trend": "emerging", "lon": 1, "lat": 1,
             "name": "a", "code": "A"},
            {"kind": "hot", "confidence": 95, "trend": "persistent", "lon": 2, "lat": 2,
             "name": "b", "code": "B"},
            {"kind": "hot", "confidence": 90, "trend": "diminishing", "lon": 3, "lat": 3,
             "name": "c", "code": "C"},
            {"kind": "cold", "confidence": 99, "trend": None, "lon": 4, "lat": 4,
             "name": "d", "code": "D"},
            {"kind": None, "confidence": None, "trend": None, "lon": 5, "lat": 5,
             "name": "e", "code": "E"}]
    words = {"hot": "热点", "cold": "冷点", "emerging": "新增热点", "persistent": "持续热点",
             "diminishing": "消退热点"}
    marks = hot_values(rows, True, words)
    assert marks["customdata"] == ["A", "B", "C", "D"]
    assert marks["marker"]["color"] == [TREND_COLOURS[k] for k in
                                        ("emerging", "persistent", "diminishing", "cold")]
    assert len(set(marks["marker"]["color"])) == 4
    assert marks["marker"]["size"][0] > marks["marker"]["size"][1] > marks["marker"]["size"][2]
    assert hot_values(rows, False, words)["lon"] == []


def test_the_export_carries_an_imported_cases_source_ref():
    from openpyxl import load_workbook

    frame = pd.DataFrame({
        "code": ["HQ20261101-1", "HQ20261101-2"],
        "reported_at": pd.to_datetime(["2026-11-01T01:00Z"] * 2), "status": ["closed"] * 2,
        "category": ["环境卫生"] * 2, "street": ["芥园街道"] * 2, "community": ["x"] * 2,
        "grid": ["g"] * 2, "source": ["patrol"] * 2, "department": [None] * 2,
        "deadline": pd.to_datetime([None] * 2), "closed_at": pd.to_datetime([None] * 2),
        "address": ["a"] * 2, "description": ["d"] * 2, "source_code": ["SJ-2024-0042", None]})
    rows = list(load_workbook(io.BytesIO(to_xlsx(frame, "zh"))).active.iter_rows(values_only=True))
    assert rows[0][-1] == "来源编号" and rows[1][-1] == "SJ-2024-0042" and rows[2][-1] in (None, "")
    csv_rows = pd.read_csv(io.StringIO(to_csv(frame, "en").decode("utf-8-sig")), dtype=str,
                           keep_default_na=False)
    assert list(csv_rows["Source ref"]) == ["SJ-2024-0042", ""]
