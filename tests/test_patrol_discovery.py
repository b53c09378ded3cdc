"""Discovery rate (发现率): the workers who walked within 30 m of a public report in the 3 days
before it without reporting it, and the share found by patrol first, against a hand count;
served by /api/v1/patrol/discovery (JSON, XLSX) within the caller's scope.
"""
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from app import build_app
from data.positions import ensure_partition
from tests.auth_helpers import login_browser, login_client
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.patrol_world import DAY, START, build_patrol_world
from tests.workflow_world import PASSWORD, make_incident
from workflow.clock import BEIJING, day_start

EVENING = datetime.combine(DAY, datetime.min.time(), tzinfo=BEIJING) + timedelta(hours=21)
H3_AT = (117.1150, 39.1531)
SHOTS = Path(__file__).parent / "artifacts"


def public(conn, world, source, lon, lat, at=EVENING, street="A", code=None):
    """A report from outside the patrols, placed by hand."""
    ident = make_incident(conn, world, street=street, reporter=None, reported_at=at, code=code)
    conn.execute(text("update incidents set source = :s, "
                      "geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326) where id = :i"),
                 {"s": source, "x": lon, "y": lat, "i": ident})
    return ident


def fix(conn, device, user, at, lon, lat, grid, flagged=False):
    conn.execute(text("""
        insert into positions (device_id, user_id, device_time, server_time, grid_id, flagged,
                               geom)
        values (:d, :u, :t, :t, :g, :f, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"""),
        {"d": device, "u": user, "t": at, "g": grid, "f": flagged, "x": lon, "y": lat})


def build(conn):
    """worker_a's scripted day (tests/patrol_world.py) with public reports placed around it:

    H1 hotline 22 m north of the first leg (passed); H2 resident 67 m off it (not passed; only
    a flagged fix and a set-aside one of worker_b lie on it); H3 Open311 11 m from the leg in
    grid B (passed by worker_a, and by worker_b two days before); H4 on the path but reported
    before the walk; H5 passed, but worker_a filed a patrol report 14 m away that morning; H6
    a petition (not public); a merged duplicate of H1 (counts nowhere). worker_b also stood on
    H1 four days before it: outside the 3-day window.
    """
    pw = build_patrol_world(conn)
    w = pw.world
    a, b = w.users["worker_a"], w.users["worker_b"]
    grid_a, grid_b = w.ids["grid"], w.ids["grid_b"]
    h1 = public(conn, w, "hotline", 117.1024, 39.1522, code="H1")
    public(conn, w, "resident", 117.1024, 39.1526, code="H2")
    public(conn, w, "app", *H3_AT, street="B", code="H3")
    public(conn, w, "hotline", 117.1024, 39.152, at=START - timedelta(hours=1), code="H4")
    public(conn, w, "hotline", 117.1051, 39.1551, code="H5")
    public(conn, w, "petition", 117.1024, 39.1521, code="H6")
    dup = public(conn, w, "hotline", 117.1038, 39.152, code="H1dup")
    conn.execute(text("update incidents set status = 'closed', closed_at = reported_at, "
                      "parent_id = :p where id = :i"), {"p": h1, "i": dup})
    fix(conn, pw.device_b, b, START + timedelta(hours=1), 117.1024, 39.1526, grid_a,
        flagged=True)
    conn.execute(text("""
        insert into set_aside_fixes (device_id, device_time, server_time, user_id, reason, geom)
        values (:d, :t, :t, :u, 'inaccurate', 'SRID=4326;POINT(117.1024 39.1526)')"""),
        {"d": pw.device_b, "t": START + timedelta(hours=2), "u": b})
    for days, (lon, lat), grid in ((2, H3_AT, grid_b), (4, (117.1024, 39.1522), grid_a)):
        ensure_partition(conn, DAY - timedelta(days=days))
        fix(conn, pw.device_b, b, START - timedelta(days=days), lon, lat, grid)
    return pw, a


@pytest.fixture(scope="module")
def discovery_db(server_settings):
    url = create_test_database(server_settings, "patrol_discovery")
    engine = create_engine(url)
    with engine.begin() as conn:
        pw, _ = build(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"settings": settings, "world": pw.world, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def discovery_app(discovery_db):
    return build_app(discovery_db["settings"])


def get(app, username, query):
    client = app.server.test_client()
    login_client(client, username, PASSWORD)
    return client.get(f"/api/v1/patrol/discovery?{query}")


def by(rows, key):
    return {r[key]: r for r in rows}


def test_the_figures_match_a_hand_count(discovery_app):
    body = get(discovery_app, "leader", f"from={DAY}&to={DAY}").get_json()
    grids = by(body["grids"], "grid_code")
    a, b = grids["120106001001001"], grids["120106002001001"]
    # Grid A: worker_a's patrol report, H1, H2, H4, H5, H6 (the merged duplicate is none).
    assert (a["incidents"], a["by_patrol"], a["by_public"], a["walked_past"]) == (6, 1, 4, 1)
    assert a["patrol_share"] == pytest.approx(1 / 6, abs=0.001)
    assert (b["incidents"], b["by_patrol"], b["by_public"], b["walked_past"]) == (1, 0, 1, 1)
    assert b["patrol_share"] == 0
    passed = by(body["walked_past"], "code")
    assert sorted(passed) == ["H1", "H3"]
    assert [w["username"] for w in passed["H1"]["workers"]] == ["worker_a"]
    assert passed["H1"]["workers"][0]["metres"] == pytest.approx(22.2, abs=0.5)
    assert [w["username"] for w in passed["H3"]["workers"]] == ["worker_a", "worker_b"]
    workers = by(body["workers"], "username")
    assert (workers["worker_a"]["found"], workers["worker_a"]["walked_past"]) == (1, 2)
    assert workers["worker_a"]["patrol_share"] == pytest.approx(1 / 3, abs=0.001)
    assert (workers["worker_b"]["found"], workers["worker_b"]["walked_past"]) == (0, 1)
    assert body["totals"] == {"incidents": 7, "by_patrol": 1, "by_public": 5,
                              "walked_past": 2, "patrol_share": pytest.approx(1 / 7, abs=0.001)}


def test_a_day_without_reports_has_no_share_rather_than_zero(discovery_app):
    before = DAY - timedelta(days=10)
    body = get(discovery_app, "leader", f"from={before}&to={before}").get_json()
    assert body["grids"] == [] and body["totals"]["patrol_share"] is None
    assert {w["patrol_share"] for w in body["workers"]} == {None}


def test_each_reader_sees_their_own_area(discovery_app, discovery_db):
    chief = get(discovery_app, "chief_a", f"from={DAY}&to={DAY}").get_json()
    assert [g["grid_code"] for g in chief["grids"]] == ["120106001001001"]
    assert [w["username"] for w in chief["workers"]] == ["worker_a"]
    assert [i["code"] for i in chief["walked_past"]] == ["H1"]
    assert chief["workers"][0]["patrol_share"] == 0.5       # H3 lies in street B
    community_b = get(discovery_app, "community_b", f"from={DAY}&to={DAY}").get_json()
    assert [g["grid_code"] for g in community_b["grids"]] == ["120106002001001"]
    assert [i["code"] for i in community_b["walked_past"]] == ["H3"]
    street_b = discovery_db["world"].ids["street_b"]
    other = get(discovery_app, "chief_a", f"from={DAY}&to={DAY}&street={street_b}").get_json()
    assert other["grids"] == [] and other["walked_past"] == []
    worker_b = discovery_db["world"].users["worker_b"]
    one = get(discovery_app, "leader", f"from={DAY}&to={DAY}&worker={worker_b}").get_json()
    assert [w["username"] for w in one["workers"]] == ["worker_b"]
    assert [[w["username"] for w in i["workers"]] for i in one["walked_past"]] == [["worker_b"]]


@pytest.mark.parametrize("username", ["analyst", "worker_a", "officer_road", "wall"])
def test_roles_that_do_not_supervise_patrols_are_refused(discovery_app, username):
    assert get(discovery_app, username, f"from={DAY}&to={DAY}").status_code == 403


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"), ("to=2999-01-01", "to"), (f"from={DAY}&to={DAY - timedelta(1)}", "to"),
    (f"from={DAY - timedelta(40)}&to={DAY}", "to"), ("street=x", "street"),
    ("worker=0", "worker"), ("format=csv", "format")])
def test_bad_input_is_a_400_naming_the_field(discovery_app, query, field):
    response = get(discovery_app, "leader", query)
    assert response.status_code == 400 and response.get_json()["field"] == field


def test_the_xlsx_lists_grids_workers_and_each_walk_past(discovery_app):
    response = get(discovery_app, "leader", f"from={DAY}&to={DAY}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["按网格", "按网格员", "巡经未报"]
    passes = list(book["巡经未报"].values)
    assert [(r[0], r[4]) for r in passes[1:]] == [("H1", "worker_a"), ("H3", "worker_a"),
                                                  ("H3", "worker_b")]


def discovery_call(client, street=None, worker=None):
    inputs = [("patrol-street", "value", street), ("patrol-community", "value", None),
              ("patrol-worker", "value", worker), ("patrol-day", "date", DAY.isoformat())]
    payload = {"output": "patrol-discovery.children",
               "outputs": {"id": "patrol-discovery", "property": "children"},
               "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
               "state": [{"id": "app-url", "property": "search", "value": ""}],
               "changedPropIds": ["patrol-day.date"]}
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    return set(texts(response.get_json()["response"]["patrol-discovery"]["children"]))


def texts(tree):
    """Every text shown in a serialised layout."""
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, list):
        for item in tree:
            yield from texts(item)
    elif isinstance(tree, dict):
        yield from texts(tree.get("props", {}).get("children"))


def test_the_page_callback_keeps_a_street_chief_in_his_street(discovery_app, discovery_db):
    client = discovery_app.server.test_client()
    login_client(client, "chief_a", PASSWORD)
    ids = discovery_db["world"].ids
    own = discovery_call(client, street=ids["street"])
    assert "H1" in own and "H3" not in own
    other = discovery_call(client, street=ids["street_b"])
    assert "H3" not in other and not any("worker_b" in s for s in other)


def test_a_street_chief_reads_who_walked_past_on_the_page(dash_duo, discovery_app,
                                                          discovery_db):
    street = discovery_db["world"].ids["street"]
    start_app(dash_duo, discovery_app)
    login_browser(dash_duo, "director_a", PASSWORD, f"/patrol?street={street}&date={DAY}")
    try:
        dash_duo.wait_for_contains_text("#patrol-discovery", "H1", timeout=300)
    finally:
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.execute_script(
            "document.getElementById('patrol-discovery').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / "patrol_discovery.png"))
    text_ = dash_duo.find_element("#patrol-discovery").text
    assert "发现率" in text_ and "马小红" in text_ and "12345 热线" in text_
    assert "H3" not in text_                            # street B's report stays in street B
    link = dash_duo.find_element("#patrol-discovery .disc-passes a")
    assert f"date={DAY}" in link.get_attribute("href")
    xlsx = dash_duo.find_element("#patrol-discovery .patrol-download").get_attribute("href")
    assert "/api/v1/patrol/discovery?" in xlsx and "format=xlsx" in xlsx


def test_the_rate_answers_the_same_once_retention_drops_the_fixes(server_settings):
    # Every day of the scripted world goes past retention; the passes kept before each drop
    # must give the figures the raw fixes gave (the filed-it check still runs when read).
    from data.db import Database
    from tests.clock import SESSION_NOW
    from workflow.patrol.retention import apply_retention

    url = create_test_database(server_settings, "patrol_discovery_kept")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            build(conn)
        settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                                  background_jobs=False, positions_keep_days=0)
        app = build_app(settings)
        query = f"from={DAY - timedelta(days=5)}&to={DAY}"
        before = get(app, "leader", query).get_json()
        assert sorted(p["code"] for p in before["walked_past"]) == ["H1", "H3"]
        db = Database(settings)
        dropped = apply_retention(db, settings, SESSION_NOW)
        db.dispose()
        with engine.connect() as conn:
            left = conn.execute(text("select count(*) from positions where device_time < :t"),
                                {"t": day_start(SESSION_NOW.astimezone(BEIJING).date())}
                                ).scalar_one()
            kept = conn.execute(text("select count(*) from patrol_passes")).scalar_one()
        # H1 by worker_a, H3 by both, H5 by worker_a (who filed it: set apart when read).
        assert len(dropped) >= 3 and left == 0 and kept == 4
        assert get(app, "leader", query).get_json() == before
    finally:
        engine.dispose()
        drop_test_database(server_settings, url)
