"""The monthly report files: open the XLSX and the PDF, check sheets and totals against the
hand-made world and the screen's tables, and who may download what.
"""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine

from app import build_app
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.leaders_world import LEADERS_CLOCK, NOW, build_leaders_world
from tests.workflow_world import PASSWORD
from workflow.clock import BEIJING
from workflow.leaders.figures import month_period
from workflow.reports.monthly import monthly_report

SHEETS = ["概览", "街道办结", "社区办结", "部门办结", "类别办结", "部门时效", "超期办结清单",
          "当前超期清单", "吹哨·街道", "吹哨·部门", "吹哨结果", "二次哨", "督办队列",
          "下考上排名", "下考上评分明细", "下考上趋势"]


@pytest.fixture(scope="module")
def leaders_db(server_settings):
    url = create_test_database(server_settings, "leaders_reports")
    engine = create_engine(url)
    with engine.begin() as conn:
        lw = build_leaders_world(conn)
    # A hand-made world of a few closures: every department counts (no minimum volume).
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, clock=LEADERS_CLOCK,
                                              rating_min_volume=0)
    yield {"url": url, "settings": settings, "engine": engine, "lw": lw}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def client_for(leaders_db):
    app = build_app(leaders_db["settings"])

    def make(username):
        client = app.server.test_client()
        login_client(client, username, PASSWORD)
        return client
    return make


def sheet_rows(book, title):
    return [list(r) for r in book[title].iter_rows(values_only=True)]


def figure_table(book) -> dict:
    """The overview's figures by their label: [label, value, scope, time]."""
    rows = sheet_rows(book, "概览")
    start = next(i for i, r in enumerate(rows) if r and r[0] == "指标")
    return {r[0]: r for r in rows[start + 1:] if r and r[0]}


def test_the_xlsx_has_a_sheet_per_table_and_the_hand_counted_totals(client_for):
    response = client_for("leader").get("/api/v1/reports/monthly.xlsx?month=2026-11")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == SHEETS
    streets = sheet_rows(book, "街道办结")
    assert streets[0][:4] == ["名称", "上报", "办结", "办结率"]
    assert [r[0] for r in streets[1:]] == ["丁字沽街道", "西沽街道", "全区合计"]
    total = streets[-1]
    assert total[1:4] == [6, 4, pytest.approx(0.6667, abs=1e-4)]
    assert total[6:9] == [4, 3, 0.75]
    assert book["街道办结"].cell(len(streets), 4).number_format == "0.0%"
    ranking = sheet_rows(book, "下考上排名")
    assert ranking[1][:3] == [1, "区道路管理所", 82.5] and ranking[1][6] == pytest.approx(74.6)
    whistles = sheet_rows(book, "吹哨结果")
    assert sorted(r[0] for r in whistles[1:]) == ["WS-L1", "WS-L2", "WS-L3"]
    assert sheet_rows(book, "二次哨")[1][5] == "超期未办结"
    assert [r[0] for r in sheet_rows(book, "超期办结清单")[1:]] == ["L-a2"]
    overview = dict((r[0], r[1]) for r in sheet_rows(book, "概览") if r and r[0])
    # 26 November: the running month to date, against the same days of October as they stood.
    assert overview["统计时段"] == "2026年11月1日至26日（本月至今）" and overview["全区 · 上报事件"] == 6
    assert overview["对比"] == "2026年10月1日至26日（同期）"
    assert overview["全区 · 吹哨"] == 3 and overview["全区 · 二次哨"] == 1
    # Each figure says its scope and its time: the leader's are all the district's.
    figures = figure_table(book)
    assert figures and {r[2] for r in figures.values()} == {"全区"}
    assert figures["全区 · 办结率"][3] == "2026年11月1日至26日（本月至今）"
    assert figures["全区 · 办结率较上期变化"][3] == \
        "2026年11月1日至26日（本月至今） 对比 2026年10月1日至26日（同期）"
    assert figures["全区 · 当前超期事项"][3] == "截至 2026-11-26 " + NOW.astimezone(BEIJING).strftime("%H:%M")


def test_the_files_have_the_numbers_of_the_shared_tables(client_for, leaders_db):
    engine, lw = leaders_db["engine"], leaders_db["lw"]
    with engine.connect() as conn:
        from workflow.accounts import load_actor

        actor = load_actor(conn, lw.world.users["leader"])
        report = monthly_report(conn, actor, month_period("2026-11"), NOW, 0.99)
    book = load_workbook(BytesIO(client_for("leader").get(
        "/api/v1/reports/monthly.xlsx?month=2026-11").data))
    for table in report["tables"]:
        rows = sheet_rows(book, table.title[:31])
        expected = len(table.rows) + (1 if table.total else 0)
        assert len(rows) - 1 == expected, table.title
    depts = {r[0]: r for r in sheet_rows(book, "部门办结")[1:]}
    road = next(r for r in report["tables"][2].rows if r["code"] == "CGW-DL")
    assert depts["区道路管理所"][1:4] == [road["reported"], road["done"],
                                   pytest.approx(road["closure_rate"], abs=1e-4)]


def test_the_pdf_is_a_pdf_with_pages_and_charts(client_for):
    response = client_for("leader").get("/api/v1/reports/monthly.pdf?month=2026-11")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 3
    assert b"STSong-Light" in data
    assert len(data) > 5_000


def test_a_street_chief_gets_their_street_and_the_district_totals(client_for):
    book = load_workbook(BytesIO(client_for("chief_b").get(
        "/api/v1/reports/monthly.xlsx?month=2026-11").data))
    streets = sheet_rows(book, "街道办结")
    assert [r[0] for r in streets[1:]] == ["西沽街道", "全区合计"]
    assert streets[-1][1] == 6
    assert [r[0] for r in sheet_rows(book, "吹哨结果")[1:]] == ["WS-L3"]
    assert sheet_rows(book, "下考上评分明细")[1:] == []
    assert [r[0] for r in sheet_rows(book, "当前超期清单")[1:]] == []
    overview = dict((r[0], r[1]) for r in sheet_rows(book, "概览") if r and r[0])
    assert overview["范围"].startswith("西沽街道")
    # The street's own rates, labelled with its name, before the district's; counts that
    # are the district's say so; what is overdue now is the street's.
    figures = figure_table(book)
    assert [k for k in figures if k.startswith("西沽街道")] == [
        "西沽街道 · 办结率", "西沽街道 · 办结率较上期变化", "西沽街道 · 按期办结率",
        "西沽街道 · 按期率较上期变化", "西沽街道 · 上报事件", "西沽街道 · 当前超期事项"]
    assert figures["西沽街道 · 上报事件"][1] == streets[1][1] < figures["全区 · 上报事件"][1] == 6
    assert figures["全区 · 吹哨"][2] == "全区" and figures["全区 · 低于目标的部门"][2] == "全区"
    assert figures["西沽街道 · 办结率"][3] == overview["统计时段"]


@pytest.mark.parametrize("username", ["officer_road", "worker_a", "community_a", "wall"])
def test_other_roles_may_not_download(client_for, username):
    response = client_for(username).get("/api/v1/reports/monthly.xlsx?month=2026-11")
    assert response.status_code == 403


def test_anonymous_and_bad_requests(leaders_db, client_for):
    anonymous = build_app(leaders_db["settings"]).server.test_client()
    assert anonymous.get("/api/v1/reports/monthly.pdf").status_code == 401
    leader = client_for("leader")
    assert leader.get("/api/v1/reports/monthly.xlsx?month=2026-13").status_code == 400
    assert leader.get("/api/v1/reports/monthly.doc?month=2026-11").status_code == 404
    ranged = leader.get("/api/v1/reports/monthly.xlsx?from=2026-11-01&to=2026-11-15")
    assert ranged.status_code == 200
