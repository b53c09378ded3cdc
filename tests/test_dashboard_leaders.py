"""The leaders' page: layout and callbacks over HTTP on the hand-made world (the numbers of the
shared tables, the scope of a street chief, English), and in Chromium the monthly meeting:
the figures, a whistle's timeline, the ratings behind the ranking, and the report download.
"""
import json
from io import BytesIO
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, text

from app import build_app
from tests.auth_helpers import login_browser, login_client
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import call_router, ids_in, start_app, texts_in, walk
from tests.leaders_world import LEADERS_CLOCK, build_leaders_world
from tests.workflow_world import PASSWORD

SHOTS = Path(__file__).parent / "artifacts"
PERIOD = [("leaders-month", "value", "2026-11"), ("leaders-range", "start_date", None),
          ("leaders-range", "end_date", None)]


@pytest.fixture(scope="module")
def leaders_app(server_settings):
    url = create_test_database(server_settings, "leaders_page")
    engine = create_engine(url)
    with engine.begin() as conn:
        lw = build_leaders_world(conn)
    # A hand-made world of a few closures: every department counts (no minimum volume).
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, clock=LEADERS_CLOCK,
                                              rating_min_volume=0)
    yield build_app(settings), lw
    engine.dispose()
    drop_test_database(server_settings, url)


def signed_in(app, username):
    client = app.server.test_client()
    login_client(client, username, PASSWORD)
    return client


def callback(client, outputs, inputs, search=""):
    single = len(outputs) == 1     # Dash names a single output without the dots
    key = "...".join(f"{i}.{p}" for i, p in outputs)
    payload = {"output": key if single else f"..{key}..",
               "outputs": ({"id": outputs[0][0], "property": outputs[0][1]} if single else
                           [{"id": i, "property": p} for i, p in outputs]),
               "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
               "state": [{"id": "app-url", "property": "search", "value": search}],
               "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    return json.loads(response.data)["response"]


TAB_OUTPUTS = [("leaders-content", "children"), ("leaders-dim-bar", "className"),
               ("leaders-street", "className"), ("leaders-ranking-box", "className"),
               ("leaders-ranking-grid", "columnDefs"), ("leaders-ranking-grid", "rowData"),
               ("leaders-whistle-box", "className"), ("leaders-whistle-grid", "columnDefs"),
               ("leaders-whistle-grid", "rowData"), ("leaders-whistle-count", "children")]


def tab_response(client, name, dimension="street", street=None, search=""):
    inputs = PERIOD + [("leaders-tabs", "value", name), ("leaders-dimension", "value", dimension),
                       ("leaders-street", "value", street)]
    return callback(client, TAB_OUTPUTS, inputs, search)


def tab(client, name, dimension="street", street=None, search=""):
    return tab_response(client, name, dimension, street, search)["leaders-content"]["children"]


def clickable_rows(client, name, grid_id):
    return tab_response(client, name)[grid_id]["rowData"]


def grids(tree):
    """rowData of every AG Grid in a tree, by its id (pattern ids by their key)."""
    from tests.dash_helpers import walk

    out = {}
    for c in walk(tree):
        props = c["props"]
        if "rowData" in props:
            key = props["id"]["key"] if isinstance(props["id"], dict) else props["id"]
            out[key] = (props["rowData"], props.get("dashGridOptions", {}))
    return out


def test_the_page_has_its_parts_and_english(leaders_app):
    app, _ = leaders_app
    client = signed_in(app, "leader")
    tree = call_router(client, "/leaders", "?month=2026-10")
    assert {"leaders-month", "leaders-range", "leaders-headline", "leaders-tabs",
            "leaders-content", "leaders-xlsx", "leaders-pdf"} <= ids_in(tree)
    assert "领导驾驶舱" in texts_in(tree) and "全区" in texts_in(tree)
    month = next(c for c in __import__("tests.dash_helpers", fromlist=["walk"]).walk(tree)
                 if c["props"].get("id") == "leaders-month")
    assert month["props"]["value"] == "2026-10"
    assert "Leaders' view" in texts_in(call_router(client, "/leaders", "?lang=en"))


def test_the_headline_and_report_links(leaders_app):
    app, _ = leaders_app
    out = callback(signed_in(app, "leader"), [("leaders-headline", "children"),
                                              ("leaders-xlsx", "href"), ("leaders-pdf", "href")],
                   PERIOD)
    text = texts_in(out["leaders-headline"]["children"])
    assert "66.7%" in text and "75.0%" in text and "3 / 1" in text
    # November to date (the clock is the 26th) against 1-26 October as it stood then: 1 of 2
    # done (test_workflow_leaders), so +16.7 points, not -33.3 against a finished October.
    assert "统计时段：2026年11月1日至26日（本月至今）" in text
    assert "对比：2026年10月1日至26日（同期）" in text
    assert "全区 · 办结率 较上期 +16.7个百分点" in text
    assert "全区 · 按期办结率 较上期 -25.0个百分点" in text
    assert out["leaders-xlsx"]["href"] == "/api/v1/reports/monthly.xlsx?month=2026-11"
    assert out["leaders-pdf"]["href"] == "/api/v1/reports/monthly.pdf?month=2026-11"


def test_each_tab_shows_the_shared_numbers(leaders_app):
    app, lw = leaders_app
    client = signed_in(app, "leader")
    streets, options = grids(tab(client, "completion"))["leaders-grid-street"]
    assert [r["name_zh"] for r in streets] == ["丁字沽街道", "西沽街道"]
    assert streets[0]["closure_rate"] == pytest.approx(0.75)
    total = options["pinnedBottomRowData"][0]
    assert (total["name_zh"], total["reported"], total["done"]) == ("全区合计", 6, 4)
    depts, _ = grids(tab(client, "completion", "department"))["leaders-grid-department"]
    road = next(r for r in depts if r["name_zh"] == "区道路管理所")
    assert (road["reported"], road["closed"], road["on_time"]) == (3, 3, 2)
    late = grids(tab(client, "timeliness"))
    assert late["leaders-grid-closed_late"][0][0]["code"] == f"[L-a2](/cases?incident={lw.incidents['a2']})"
    assert late["leaders-grid-overdue"][0][0]["code"].startswith("[L-a3]")
    whistles = grids(tab(client, "whistles"))
    items = clickable_rows(client, "whistles", "leaders-whistle-grid")
    assert sorted(r["code"] for r in items) == ["WS-L1", "WS-L2", "WS-L3"]
    second = whistles["leaders-grid-w_second"][0][0]
    assert second["trigger"] == "超期未办结"
    assert second["code"] == f"[WS-L2](/cases?whistle={lw.whistles['w2']})"
    ranking = clickable_rows(client, "scores", "leaders-ranking-grid")
    assert ranking[0]["name_zh"] == "区道路管理所" and ranking[0]["rank"] == 1


def test_a_street_chief_sees_their_rows_and_the_totals(leaders_app):
    app, lw = leaders_app
    client = signed_in(app, "chief_a")
    assert "丁字沽街道 · 本街道数据与全区合计" in texts_in(call_router(client, "/leaders"))
    # Every headline figure says whose it is: the street's own, then the district's.
    out = callback(client, [("leaders-headline", "children"), ("leaders-xlsx", "href"),
                            ("leaders-pdf", "href")], PERIOD)
    head = texts_in(out["leaders-headline"]["children"])
    assert "75.0% 丁字沽街道 · 办结率" in head and "4 丁字沽街道 · 上报事件" in head
    assert "66.7% 全区 · 办结率" in head and "6 全区 · 上报事件" in head
    assert "全区 · 办结率低于目标的部门" in head and "丁字沽街道 · 当前超期事项" in head
    assert "3 / 1 全区 · 吹哨 / 二次哨" in head
    streets, options = grids(tab(client, "completion"))["leaders-grid-street"]
    assert [r["name_zh"] for r in streets] == ["丁字沽街道"]
    assert options["pinnedBottomRowData"][0]["reported"] == 6
    other = grids(tab(client, "completion", "community", lw.world.ids["street_b"]))
    assert [r["name_zh"] for r in other["leaders-grid-community"][0]] == ["十段社区"]
    items = clickable_rows(client, "whistles", "leaders-whistle-grid")
    assert sorted(r["code"] for r in items) == ["WS-L1", "WS-L2"]


def test_the_period_goes_into_the_url_and_every_figure_says_its_scope(leaders_app):
    app, _ = leaders_app
    chief = signed_in(app, "chief_a")
    url = callback(chief, [("leaders-url", "search")], PERIOD, "?lang=en")
    assert url["leaders-url"]["search"] == "?month=2026-11&lang=en"
    ranged = PERIOD[:1] + [("leaders-range", "start_date", "2026-11-02"),
                           ("leaders-range", "end_date", "2026-11-15")]
    url = callback(chief, [("leaders-url", "search")], ranged)
    assert url["leaders-url"]["search"] == "?from=2026-11-02&to=2026-11-15"
    # A linked range opens the page with it set; the reports follow it.
    tree = call_router(chief, "/leaders", "?from=2026-11-02&to=2026-11-15")
    picker = next(c for c in walk(tree) if c["props"].get("id") == "leaders-range")
    assert (picker["props"]["start_date"], picker["props"]["end_date"]) == ("2026-11-02",
                                                                            "2026-11-15")
    links = callback(chief, [("leaders-headline", "children"), ("leaders-xlsx", "href"),
                             ("leaders-pdf", "href")], ranged)
    assert links["leaders-pdf"]["href"].endswith("monthly.pdf?from=2026-11-02&to=2026-11-15")
    assert "范围：丁字沽街道" in texts_in(tab(chief, "completion"))
    assert "范围：全区" in texts_in(tab(chief, "completion", "department"))
    assert "范围：丁字沽街道" in texts_in(tab(chief, "timeliness"))
    assert "部门为区级单位，按全区统计" in texts_in(tab(chief, "timeliness"))
    leader = signed_in(app, "leader")
    assert "范围：全区" in texts_in(tab(leader, "completion"))


def test_rate_axes_start_at_zero(leaders_app):
    app, _ = leaders_app
    graphs = [c for c in walk(tab(signed_in(app, "leader"), "completion"))
              if c.get("type") == "Graph"]
    assert graphs and graphs[0]["props"]["figure"]["layout"]["yaxis"]["range"][0] == 0


def test_other_roles_are_kept_out(leaders_app):
    app, _ = leaders_app
    assert signed_in(app, "officer_road").get("/leaders").status_code == 403
    officer = signed_in(app, "officer_road")
    # The page's callbacks refuse the role at the door too (issue 18: callbacks checked
    # on the server like their page), not only inside the view.
    with pytest.raises(AssertionError, match="403"):
        tab(officer, "completion")


def test_a_click_opens_a_whistle_timeline_and_the_ratings(leaders_app):
    app, lw = leaders_app
    client = signed_in(app, "leader")
    outputs = [("leaders-drill", "children")]

    def click(grid, row_id):
        clicks = {g: None for g in ("leaders-whistle-grid", "leaders-ranking-grid")}
        clicks[grid] = {"rowId": str(row_id), "colId": "code"}
        payload = {"output": "leaders-drill.children",
                   "outputs": {"id": "leaders-drill", "property": "children"},
                   "inputs": [*[{"id": g, "property": "cellClicked", "value": v}
                                for g, v in clicks.items()],
                              *[{"id": i, "property": p, "value": v} for i, p, v in PERIOD],
                              {"id": "leaders-tabs", "property": "value", "value": "whistles"}],
                   "state": [{"id": "app-url", "property": "search", "value": ""}],
                   "changedPropIds": [f"{grid}.cellClicked"]}
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200, response.data[:300]
        return json.loads(response.data)["response"]["leaders-drill"]["children"]

    assert outputs
    timeline = texts_in(click("leaders-whistle-grid", lw.whistles["w1"]))
    assert "WS-L1" in timeline and "二次吹哨" in timeline and "区城管委园林所" in timeline
    ratings = click("leaders-ranking-grid", lw.world.departments["CGW-DL"])
    assert "区道路管理所 的街道评价明细" in texts_in(ratings)
    rows = grids(ratings)["leaders-grid-ratings"][0]
    assert sorted((r["whistle_code"], r["score"]) for r in rows) == [("WS-L1", 90), ("WS-L2", 75)]


def busiest_whistle_month(url: str) -> str:
    """The month of the seeded world with the most rated whistles (for a telling screenshot)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "select to_char(ws.rated_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m "
                "from whistle_summons ws join whistles w on w.id = ws.whistle_id "
                "where ws.rated_at is not null group by 1 "
                "order by count(distinct w.id) filter (where w.level = 2) desc, count(*) desc, 1 desc "
                "limit 1")).scalar_one()
    finally:
        engine.dispose()


def shoot(driver, name, selector=None):
    if selector:
        driver.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    driver.save_screenshot(str(SHOTS / name))


def test_the_monthly_meeting_in_chromium(dash_duo, world_settings):
    month = busiest_whistle_month(world_settings.sqlalchemy_url)
    app = build_app(world_settings)
    start_app(dash_duo, app)
    login_browser(dash_duo, "leader1", world_settings.demo_password, f"/leaders?month={month}")
    dash_duo.wait_for_element(".leaders-tiles .stat-value", timeout=30)
    dash_duo.wait_for_element("#leaders-content .js-plotly-plot", timeout=30)
    dash_duo.wait_for_element("#leaders-content .ag-row", timeout=30)
    dash_duo.driver.set_window_size(1600, 900)
    # The page says which period and what it is compared with; every figure says its scope.
    dash_duo.wait_for_contains_text(".leaders-period", "对比", timeout=30)
    assert "全区 · 办结率" in dash_duo.find_element(".leaders-tiles").text
    assert dash_duo.find_element(".leaders-scope-line").text == "范围：全区"
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "leaders_completion.png"))

    driver = dash_duo.driver
    driver.find_element(By.XPATH, "//*[contains(@class,'leaders-tab-label')][contains(.,'下考上')]").click()
    dash_duo.wait_for_contains_text("#leaders-content", "综合绩效", timeout=30)
    dash_duo.wait_for_element("#leaders-ranking-grid .ag-row", timeout=30)
    # A department the streets rated, so the drill-down has ratings to show.
    rated = [c for c in driver.find_elements(By.CSS_SELECTOR, "#leaders-ranking-grid "
                                             ".ag-center-cols-container .ag-cell[col-id='ratings']")
             if c.text.strip() not in ("", "0", "—")]
    rated[0].click()
    dash_duo.wait_for_contains_text("#leaders-drill", "街道评价明细", timeout=30)
    shoot(driver, "leaders_scores.png")
    shoot(driver, "leaders_scores_ratings.png", "#leaders-drill")

    driver.find_element(By.XPATH, "//*[contains(@class,'leaders-tab-label')][contains(.,'吹哨报到')]").click()
    dash_duo.wait_for_contains_text("#leaders-content", "督办队列", timeout=30)
    dash_duo.wait_for_element("#leaders-whistle-grid .ag-row", timeout=30)
    rows = driver.find_elements(By.CSS_SELECTOR, "#leaders-whistle-grid .ag-center-cols-container .ag-row")
    rows[0].find_element(By.CSS_SELECTOR, ".ag-cell").click()
    dash_duo.wait_for_contains_text("#leaders-drill", "全过程", timeout=30)
    dash_duo.wait_for_element("#leaders-drill .ev-list", timeout=10)
    shoot(driver, "leaders_whistles.png", "#leaders-whistle-box")
    shoot(driver, "leaders_whistle_timeline.png", "#leaders-drill")

    href = dash_duo.find_element("#leaders-xlsx").get_attribute("href")
    assert f"/api/v1/reports/monthly.xlsx?month={month}" in href
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    xlsx = session.get(href, timeout=120)
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames[:3] == ["概览", "街道办结", "社区办结"]
    streets = [list(r) for r in book["街道办结"].iter_rows(values_only=True)]
    assert len(streets) == 1 + 10 + 1 and streets[-1][0] == "全区合计"
    assert streets[-1][1] == sum(r[1] for r in streets[1:-1])
    pdf = session.get(dash_duo.find_element("#leaders-pdf").get_attribute("href"), timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    driver.set_window_size(1024, 768)
    driver.find_element(By.XPATH, "//*[contains(@class,'leaders-tab-label')][contains(.,'办结情况')]").click()
    dash_duo.wait_for_element("#leaders-content .js-plotly-plot", timeout=30)
    driver.save_screenshot(str(SHOTS / "leaders_tablet.png"))
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_case_links_open_the_case_in_the_workbench(leaders_app):
    app, lw = leaders_app
    client = signed_in(app, "leader")

    def listed(search, kind="incidents"):
        # The page opens on the kind of the link (/cases?whistle=N on the whistles tab).
        outputs = [("cases-list-box", "children"), ("cases-count", "children")]
        inputs = [("cases-kind", "value", kind), ("cases-status", "value", ["dispatched"]),
                  ("cases-whistle-status", "value", []), ("cases-overdue", "value", []),
                  ("cases-department", "value", None), ("cases-street", "value", None),
                  ("cases-refresh", "data", 0)]
        payload = {"output": "..cases-list-box.children...cases-count.children..",
                   "outputs": [{"id": i, "property": p} for i, p in outputs],
                   "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
                   "state": [{"id": "cases-list", "property": "value", "value": None},
                             {"id": "app-url", "property": "search", "value": search}],
                   "changedPropIds": []}
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200, response.data[:300]
        return json.loads(response.data)["response"]["cases-list-box"]["children"]["props"]

    closed_late = lw.incidents["a2"]        # closed, so not in the open list it is added to
    box = listed(f"?incident={closed_late}")
    assert box["value"] == f"i:{closed_late}"
    assert box["options"][0]["value"] == f"i:{closed_late}"
    whistle = lw.whistles["w3"]
    assert listed(f"?whistle={whistle}", "whistles")["value"] == f"w:{whistle}"
    assert listed("")["value"] is None


def _post(client, key, outputs, inputs, state):
    single = not key.startswith("..")
    payload = {"output": key,
               "outputs": ({"id": outputs[0][0], "property": outputs[0][1]} if single else
                           [{"id": i, "property": p} for i, p in outputs]),
               "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
               "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
               "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code in (200, 204), response.data[:300]
    return json.loads(response.data)["response"] if response.status_code == 200 else {}


ROUND_OUT = [("leaders-rate-box", "className"), ("leaders-rate-title", "children"),
             ("leaders-rate-grid", "columnDefs"), ("leaders-rate-grid", "rowData"),
             ("leaders-rate-msg", "children")]


@pytest.fixture
def rated(leaders_app):
    """The module's world shared by every test: the ratings given here are taken back."""
    yield leaders_app
    with leaders_app[0].server.extensions["hq_db"].begin() as conn:
        conn.execute(text("delete from street_ratings"))


def test_a_street_chief_rates_the_departments_on_the_scores_tab(rated):
    app, lw = rated
    chief = signed_in(app, "chief_a")
    shown = callback(chief, ROUND_OUT, PERIOD + [("leaders-tabs", "value", "scores")])
    assert shown["leaders-rate-box"]["className"] == "leaders-content"
    assert "丁字沽街道" in shown["leaders-rate-title"]["children"]
    rows = shown["leaders-rate-grid"]["rowData"]
    assert sorted(r["name"] for r in rows) == ["区城管委园林所", "区道路管理所"]
    # Another tab, or another role: no form.
    assert callback(chief, ROUND_OUT, PERIOD + [("leaders-tabs", "value", "completion")])[
        "leaders-rate-box"]["className"].endswith("hidden")
    assert callback(signed_in(app, "leader"), ROUND_OUT, PERIOD + [
        ("leaders-tabs", "value", "scores")])["leaders-rate-box"]["className"].endswith("hidden")
    key = next(k for k in app.callback_map if k.startswith("leaders-rate-msg.children@"))
    filled = [{**r, "timeliness": 90, "quality": 85.0, "attitude": 80, "note": "配合好"}
              for r in rows]
    state = [("leaders-rate-grid", "rowData", filled)] + PERIOD + [("app-url", "search", "")]
    answer = _post(chief, key, [("leaders-rate-msg", "children")],
                   [("leaders-rate-submit", "n_clicks", 1)], state)
    assert answer["leaders-rate-msg"]["children"] == "已保存 2 个部门的评价。"
    bad = [{**filled[0], "quality": 130}]
    answer = _post(chief, key, [("leaders-rate-msg", "children")],
                   [("leaders-rate-submit", "n_clicks", 2)],
                   [("leaders-rate-grid", "rowData", bad)] + PERIOD + [("app-url", "search", "")])
    assert "0 至 100" in answer["leaders-rate-msg"]["children"]
    again = callback(chief, ROUND_OUT, PERIOD + [("leaders-tabs", "value", "scores")])
    assert {r["quality"] for r in again["leaders-rate-grid"]["rowData"]} == {85}
    # The ratings count: 区道路管理所 now has three ratings behind its street evaluation.
    ranking = clickable_rows(chief, "scores", "leaders-ranking-grid")
    road = next(r for r in ranking if r["name_zh"] == "区道路管理所")
    assert road["ratings"] == 3


def test_a_street_chief_sees_the_rating_round_in_chromium(dash_duo, world_settings):
    """丁字沽's director on the 下考上 tab: the departments the street worked with last month
    with the ratings the world gave, editable; a half-filled row is refused, nothing written
    (the success path, which writes, is checked over HTTP on the hand-made world).
    """
    from selenium.webdriver.common.keys import Keys

    from tests.clock import SESSION_NOW
    from workflow.leaders.figures import default_month, recent_months

    # The month before last: its round is given by now whatever the day (last month's is
    # given in the first days of this one).
    month = recent_months(default_month(SESSION_NOW, 40), 2)[0]
    start_app(dash_duo, build_app(world_settings))
    login_browser(dash_duo, "s004_director", world_settings.demo_password,
                  f"/leaders?month={month}")
    driver = dash_duo.driver
    driver.set_window_size(1600, 900)
    dash_duo.wait_for_element(".leaders-tiles .stat-value", timeout=30)
    assert "丁字沽街道 · 办结率" in dash_duo.find_element(".leaders-tiles").text
    driver.find_element(By.XPATH, "//*[contains(@class,'leaders-tab-label')][contains(.,'下考上')]").click()
    dash_duo.wait_for_element("#leaders-rate-grid .ag-row", timeout=30)
    assert "丁字沽街道" in dash_duo.find_element("#leaders-rate-title").text
    rows = driver.find_elements(By.CSS_SELECTOR, "#leaders-rate-grid .ag-center-cols-container .ag-row")
    assert len(rows) >= 3
    # The world's round of that month is there: every row has its three scores.
    quality = [c.text for c in driver.find_elements(
        By.CSS_SELECTOR, "#leaders-rate-grid .ag-center-cols-container .ag-cell[col-id='quality']")]
    assert quality and all(q.isdigit() for q in quality)
    shoot(driver, "leaders_rating_round.png", "#leaders-rate-box")
    # Clear one score of the first row: a half-filled row is refused, nothing is stored.
    cell = rows[0].find_element(By.CSS_SELECTOR, ".ag-cell[col-id='quality']")
    cell.click()
    editor = dash_duo.wait_for_element("#leaders-rate-grid .ag-cell-inline-editing input", timeout=10)
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.BACK_SPACE, Keys.ENTER)
    dash_duo.find_element("#leaders-rate-submit").click()
    dash_duo.wait_for_text_to_equal("#leaders-rate-msg", "请为每个部门填写三项分数。", timeout=20)
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []


def test_in_english_the_figures_and_names_are_english(leaders_app):
    import re

    app, _ = leaders_app
    chief = signed_in(app, "chief_a")
    head = texts_in(callback(chief, [("leaders-headline", "children"), ("leaders-xlsx", "href"),
                                     ("leaders-pdf", "href")], PERIOD, "?lang=en")[
        "leaders-headline"]["children"])
    assert "Period: 1–26 November 2026 (month to date)" in head
    assert "compared with: 1–26 October 2026 (same days)" in head
    assert "Whole district · Closure rate" in head and "Dingzigu" in head
    assert not re.search(r"[\u4e00-\u9fff]", head), head
    tree = tab(chief, "timeliness", search="?lang=en")
    names = [r["name_zh"] for r in grids(tree)["leaders-grid-timeliness"][0]]
    assert "Kept by the street or community, or not dispatched" in names
    assert not any(re.search(r"[\u4e00-\u9fff]", n) for n in names), names
    assert "Scope: Dingzigu" in texts_in(tree)
