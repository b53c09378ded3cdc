"""The leaders' page and its reports per district (issue 24): a 120105 leader reads Hebei's
figures only (counted by hand below), cannot open Hongqiao's; the city leader picks a
district; Hongqiao's figures are exactly what they were before Hebei was added.

Hebei in November 2026 (besides its case HB-CASE-1, moved to 24 November, still reported):
  h1 reported 3 Nov, resolved and closed 4 Nov, deadline 5 Nov -> on time;
  h2 reported 5 Nov, deadline 7 Nov, resolved 9 Nov, closed 10 Nov -> late;
  h3 reported 20 Nov, dispatched, deadline 22 Nov -> overdue now (26 Nov).
  -> reported 4, done 2 (50%); closed 2, on time 1 (50%); closed late [h2]; overdue [h3].
  Whistle WS-HB1 (blown 6 Nov, CGW-DL rated 12 Nov (100, 100, 100)) -> 1 whistle, 0 second.
"""
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, insert, update

from app import build_app
from dashboard import ids
from data.models import Incident, Whistle, WhistleSummons
from tests import factories
from tests.auth_helpers import login_browser, login_client
from tests.callback_helpers import call, key_of
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.district_world import HEBEI, IN_HEBEI, add_hebei
from tests.leaders_world import LEADERS_CLOCK, NOW, bj, build_leaders_world
from tests.test_dashboard_wall_browser import SHOTS
from tests.workflow_world import PASSWORD
from workflow.accounts import load_actor
from workflow.errors import WorkflowError
from workflow.leaders.figures import month_period
from workflow.reports.monthly import monthly_report

NOV = month_period("2026-11", NOW)
POINT = f"SRID=4326;POINT({IN_HEBEI[0]} {IN_HEBEI[1]})"
HEADLINE = f"{ids.LEADERS_HEADLINE}.children"


def _hebei_case(conn, world, ids_, key, reported, deadline, status, resolved=None,
                closed=None) -> int:
    return conn.execute(insert(Incident).values(
        code=f"HB-L-{key}", district_code=HEBEI, street_id=ids_["street"],
        community_id=ids_["community"], grid_id=ids_["grid"], category_code="0101",
        source="patrol", status=status, handled_by="department",
        department_id=world.departments["CGW-DL"], reporter_id=world.users["hb_worker"],
        description="河北区的事件", address="海河东路 2 号", reported_at=reported,
        accepted_at=reported, dispatched_at=reported, deadline=deadline, resolved_at=resolved,
        verified_at=closed, closed_at=closed, geom=POINT).returning(Incident.id)).scalar_one()


def add_hebei_november(conn, world) -> dict:
    """Hebei's district and accounts (add_hebei), its leader, and the November above."""
    ids_ = add_hebei(conn, world, code="HB-CASE-1")
    conn.execute(update(Incident).where(Incident.id == ids_["incident"])
                 .values(reported_at=bj(11, 24)))
    world.users["hb_leader"] = factories.password_user(
        conn, "hb_leader", "district_leader", PASSWORD, district_code=HEBEI)
    _hebei_case(conn, world, ids_, "h1", bj(11, 3), bj(11, 5), "closed", bj(11, 4), bj(11, 4))
    _hebei_case(conn, world, ids_, "h2", bj(11, 5), bj(11, 7), "closed", bj(11, 9), bj(11, 10))
    _hebei_case(conn, world, ids_, "h3", bj(11, 20), bj(11, 22), "dispatched")
    whistle = conn.execute(insert(Whistle).values(
        code="WS-HB1", district_code=HEBEI, street_id=ids_["street"],
        blown_by_id=world.users["hb_chief"], level=1, matter="河北区的吹哨",
        meeting_at=bj(11, 6, 11), meeting_place="现场", blown_at=bj(11, 6), deadline=bj(11, 16),
        status="closed", completed_at=bj(11, 10), closed_at=bj(11, 11), geom=POINT,
    ).returning(Whistle.id)).scalar_one()
    conn.execute(insert(WhistleSummons).values(
        district_code=HEBEI, whistle_id=whistle, department_id=world.departments["CGW-DL"],
        acknowledged_at=bj(11, 6, 11), arrived_at=bj(11, 6, 12), completed_at=bj(11, 10),
        rating_timeliness=100, rating_quality=100, rating_attitude=100, rated_at=bj(11, 12),
        rated_by_id=world.users["hb_chief"]))
    return ids_


def report_as(conn, user_id: int, district: str | None = None) -> dict:
    return monthly_report(conn, load_actor(conn, user_id), NOV, NOW, 0.99, district=district)


@pytest.fixture(scope="module")
def db(server_settings):
    url = create_test_database(server_settings, "leaders_districts")
    engine = create_engine(url)
    with engine.begin() as conn:
        lw = build_leaders_world(conn)
    with engine.connect() as conn:
        before = report_as(conn, lw.world.users["leader"])
    with engine.begin() as conn:
        lw.world.conn = conn
        add_hebei_november(conn, lw.world)
        lw.world.conn = None
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, clock=LEADERS_CLOCK,
                                              rating_min_volume=0)
    yield {"engine": engine, "lw": lw, "before": before, "settings": settings}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def app(db):
    return build_app(db["settings"])


@pytest.fixture(scope="module")
def clients(app):
    made = {}
    for name in ("leader", "hb_leader", "hb_chief", "city"):
        made[name] = app.server.test_client()
        login_client(made[name], name, PASSWORD)
    return made


def codes(report: dict) -> set[str]:
    return {r["code"] for t in report["tables"] for r in t.rows
            if isinstance(r.get("code"), str) and r["code"].startswith(("L-", "HB-", "WS-"))}


def test_hongqiao_reads_what_it_read_before_hebei_came(db):
    with db["engine"].connect() as conn:
        after = report_as(conn, db["lw"].world.users["leader"])
    assert after == db["before"]
    assert after["title"] == "红桥区网格化管理月报" and after["headline"]["reported"] == 6
    assert not any(c.startswith("HB-") for c in codes(after))


def test_a_hebei_leader_reads_hebeis_figures_counted_by_hand(db):
    users = db["lw"].world.users
    with db["engine"].connect() as conn:
        report = report_as(conn, users["hb_leader"])
        tables = {t.key: t for t in report["tables"]}
        head = report["headline"]
        assert report["title"] == "河北区网格化管理月报"
        assert (head["reported"], head["district"]["done"], head["district"]["closed"],
                head["district"]["on_time"]) == (4, 2, 2, 1)
        assert head["closure_rate"] == 0.5 and head["on_time_rate"] == 0.5
        assert (head["whistles"], head["second"], head["overdue"]) == (1, 0, 1)
        assert [r["name_zh"] for r in tables["street"].rows] == ["光复道街道"]
        assert [r["name_zh"] for r in tables["community"].rows] == ["海河社区"]
        road = next(r for r in tables["department"].rows if r["code"] == "CGW-DL")
        assert (road["reported"], road["closed"], road["on_time"]) == (3, 2, 1)
        assert [r["code"] for r in tables["closed_late"].rows] == ["HB-L-h2"]
        assert [r["code"] for r in tables["overdue"].rows] == ["HB-L-h3"]
        assert [r["code"] for r in tables["w_items"].rows] == ["WS-HB1"]
        assert [r["whistle_code"] for r in tables["ratings"].rows] == ["WS-HB1"]
        ranked = next(r for r in tables["ranking"].rows if r["code"] == "CGW-DL")
        assert ranked["ratings"] == 1 and ranked["street_score"] == 100
        assert codes(report) == {"HB-L-h2", "HB-L-h3", "WS-HB1"}
        # Asking for Hongqiao is refused, not answered with Hebei's figures.
        with pytest.raises(WorkflowError) as refused:
            report_as(conn, users["hb_leader"], "120106")
        assert refused.value.status == 403
        # The city leader reads the district asked for, exactly as its own leader does.
        city = report_as(conn, users["city"], HEBEI)
        assert city["headline"] == head and city["tables"] == report["tables"]
        assert report_as(conn, users["city"], "120106") == db["before"]


def sheet(book, title):
    return [list(r) for r in book[title].iter_rows(values_only=True)]


def overview(book) -> dict:
    return {r[0]: r[1] for r in sheet(book, "概览") if r and r[0]}


def test_the_report_files_for_hebei(clients):
    hb = clients["hb_leader"]
    response = hb.get("/api/v1/reports/monthly.xlsx?month=2026-11")
    assert response.status_code == 200
    assert "%E6%B2%B3%E5%8C%97%E5%8C%BA" in response.headers["Content-Disposition"]  # 河北区
    book = load_workbook(BytesIO(response.data))
    assert [r[0] for r in sheet(book, "街道办结")[1:]] == ["光复道街道", "全区合计"]
    assert overview(book)["全区 · 上报事件"] == 4 and overview(book)["全区 · 吹哨"] == 1
    assert [r[0] for r in sheet(book, "超期办结清单")[1:]] == ["HB-L-h2"]
    pdf = hb.get("/api/v1/reports/monthly.pdf?month=2026-11")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for path in ("/api/v1/reports/monthly.xlsx?month=2026-11&district=120106",
                 "/api/v1/reports/monthly.pdf?month=2026-11&district=120106"):
        refused = hb.get(path)
        assert refused.status_code == 403 and refused.is_json, path
    refused = clients["leader"].get("/api/v1/reports/monthly.xlsx?month=2026-11&district=120105")
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    bad = clients["city"].get("/api/v1/reports/monthly.xlsx?month=2026-11&district=12x")
    assert bad.status_code == 400 and bad.get_json()["field"] == "district"


def test_the_city_leader_picks_the_district_of_the_report(clients):
    city = clients["city"]
    picked = load_workbook(BytesIO(city.get(
        "/api/v1/reports/monthly.xlsx?month=2026-11&district=120105").data))
    assert overview(picked)["全区 · 上报事件"] == 4
    home = load_workbook(BytesIO(city.get("/api/v1/reports/monthly.xlsx?month=2026-11").data))
    assert overview(home)["全区 · 上报事件"] == 6
    assert [r[0] for r in sheet(home, "街道办结")[1:]] == ["丁字沽街道", "西沽街道", "全区合计"]


def test_the_page_opens_for_its_own_district_only(clients):
    assert clients["hb_leader"].get("/leaders").status_code == 200
    assert clients["hb_chief"].get("/leaders").status_code == 200
    assert clients["hb_leader"].get("/leaders?district=120105").status_code == 200
    assert clients["hb_leader"].get("/leaders?district=120106").status_code == 403
    assert clients["leader"].get("/leaders?district=120105").status_code == 403
    assert clients["city"].get("/leaders").status_code == 200
    assert clients["city"].get("/leaders?district=120105").status_code == 200


def test_the_scores_api_scores_each_district_on_its_own_work(clients):
    path = "/api/v1/departments/scores?from=2026-11-01&to=2026-11-30"
    hebei = {i["code"]: i for i in clients["hb_leader"].get(path).get_json()["items"]}
    home = {i["code"]: i for i in clients["leader"].get(path).get_json()["items"]}
    # Hebei rated CGW-DL once (100); Hongqiao twice (90, 75 -> 82.5), as before Hebei came.
    assert (hebei["CGW-DL"]["ratings"], hebei["CGW-DL"]["street_score"]) == (1, 100)
    assert (home["CGW-DL"]["ratings"], home["CGW-DL"]["street_score"]) == (2, 82.5)


def headline(client, app, search: str) -> dict:
    """The headline callback's answer: {id: {property: value}}."""
    key = key_of(app, HEADLINE)
    response = call(client, app, key, {f"{ids.LEADERS_MONTH}.value": "2026-11",
                                       "app-url.search": search})
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]


def test_the_callbacks_answer_each_district_its_own(clients, app):
    hebei = headline(clients["hb_leader"], app, "")
    tiles = json.dumps(hebei[ids.LEADERS_HEADLINE], ensure_ascii=False)
    # Hebei's closure 2 of 4 (50.0%); Hongqiao's 4 of 6 (66.7%) appears nowhere.
    assert "50.0%" in tiles and "66.7%" not in tiles
    assert hebei[ids.LEADERS_XLSX]["href"] == "/api/v1/reports/monthly.xlsx?month=2026-11"
    forged = json.dumps(headline(clients["hb_leader"], app, "?district=120106")
                        [ids.LEADERS_HEADLINE], ensure_ascii=False)
    assert "%" not in forged and "无权" in forged
    city = headline(clients["city"], app, "?district=120105")
    assert city[ids.LEADERS_HEADLINE] == hebei[ids.LEADERS_HEADLINE]
    assert city[ids.LEADERS_XLSX]["href"].endswith("month=2026-11&district=120105")
    home = json.dumps(headline(clients["leader"], app, "")[ids.LEADERS_HEADLINE],
                      ensure_ascii=False)
    assert "66.7%" in home


@pytest.mark.browser
def test_a_hebei_leader_in_chromium(dash_duo, app):
    """The page as Hebei's leader: Hebei's street and figures, none of Hongqiao's."""
    start_app(dash_duo, app)
    login_browser(dash_duo, "hb_leader", PASSWORD, "/leaders?month=2026-11")
    dash_duo.wait_for_element(".leaders-tiles .stat-value", timeout=30)
    dash_duo.wait_for_element("#leaders-content .ag-row", timeout=30)
    dash_duo.driver.set_window_size(1600, 900)
    dash_duo.wait_for_contains_text(".leaders-period", "对比", timeout=30)
    tiles = dash_duo.find_element(".leaders-tiles").text
    assert "50.0%" in tiles and "66.7%" not in tiles
    content = dash_duo.find_element("#leaders-content").text
    assert "光复道街道" in content and "丁字沽" not in content
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "leaders_hebei.png"))
