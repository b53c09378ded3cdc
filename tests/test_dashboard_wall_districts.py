"""Walls per district (issue 24): a 120105 account sees Hebei's wall only, the city leader
any district's wall and the city wall; the figures are each district's own.
"""
import json

import pytest
from sqlalchemy import text

from dashboard import ids
from data.queries import wall as wall_queries
from data.queries import wall_map as map_queries
from tests.callback_helpers import call, key_of
from tests.dash_helpers import call_router, ids_in, texts_in
from tests.district_world import HEBEI, add_hebei
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import NOW, make_incident

HOME = "120106"
PANELS = f"{ids.WALL_WHISTLES}.children"
HEAD = f"{ids.WALL_STATS}.children"


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "wall_districts")
    with world.engine.begin() as conn:
        world.world.conn = conn
        make_incident(conn, world.world, "reported", street="A", code="HQ-WALL-A")
        world.hebei = add_hebei(conn, world.world, code="HB-CASE-1")
        world.world.conn = None
    yield world
    drop_security_world(server_settings, world)


@pytest.fixture(scope="module")
def clients(sw):
    return {name: sw.client(name) for name in ("hb_operator", "operator", "city", "wall",
                                               "hb_admin")}


def tick(client, sw, output: str, search: str):
    key = key_of(sw.app, output)
    go = next(i for i, p in sw.app.server.extensions["hq_callback_pages"][key].inputs)
    return call(client, sw.app, key, {f"{go}.data": 1, "app-url.search": search,
                                      f"{ids.WALL_FOCUS}.data": {"street": None}},
                changed=f"{go}.data")


def ticker_text(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return json.dumps(response.get_json()["response"][ids.WALL_TICKER], ensure_ascii=False)


def test_the_headline_figures_are_each_districts_own(sw):
    with sw.engine.connect() as conn:
        hebei = wall_queries.headline(conn, NOW, days=(0,), district=HEBEI).loc[0]
        home = wall_queries.headline(conn, NOW, days=(0,), district=HOME).loc[0]
        every = wall_queries.headline(conn, NOW, days=(0,)).loc[0]
        hebei_grids = map_queries.grid_values(conn, "open_incidents", NOW, district=HEBEI)
        hongqiao_cases = conn.execute(text(
            "select count(*) from incidents where district_code = :d and parent_id is null "
            "and reported_at >= date_trunc('year', cast(:now as timestamptz))"),
            {"d": HOME, "now": NOW}).scalar()
    assert (hebei["year_reported"], hebei["grids"], hebei["workers"]) == (1, 1, 1)
    assert home["year_reported"] == hongqiao_cases > 1
    for figure in ("year_reported", "grids", "workers", "overdue", "whistles_active"):
        assert every[figure] == hebei[figure] + home[figure], figure
    assert hebei_grids["code"].tolist() == [f"{HEBEI}001001001"]
    assert hebei_grids["value"].tolist() == [1]


def test_a_hebei_account_opens_hebeis_wall_and_not_hongqiaos(sw, clients):
    hebei = clients["hb_operator"]
    assert hebei.get("/wall").status_code == 200
    assert hebei.get(f"/wall?district={HEBEI}").status_code == 200
    assert hebei.get(f"/wall?district={HOME}").status_code == 403
    assert hebei.get("/wall?district=12010x").status_code == 403
    tree = call_router(hebei, "/wall", "")
    assert ids.WALL_ROOT in ids_in(tree)
    assert "智慧河北指挥中心" in texts_in(tree)
    assert "河北区网格化管理“街道吹哨、部门报到”平台" in texts_in(tree)
    labels = json.dumps(tree, ensure_ascii=False)
    assert "光复道街道" in labels and "丁字沽街道" not in labels
    assert "forbidden-root" in ids_in(call_router(hebei, "/wall", f"?district={HOME}"))
    # The panels: Hebei's case only; asking for Hongqiao's answers nothing at all.
    shown = ticker_text(tick(hebei, sw, PANELS, ""))
    assert "光复道街道" in shown and "丁字沽街道" not in shown
    assert tick(hebei, sw, PANELS, f"?district={HOME}").status_code == 204
    assert tick(hebei, sw, HEAD, f"?district={HOME}").status_code == 204
    assert tick(hebei, sw, HEAD, "").status_code == 200


def test_hongqiaos_wall_is_unchanged_and_keeps_to_hongqiao(sw, clients):
    for name in ("operator", "wall"):
        client = clients[name]
        assert client.get("/wall").status_code == 200
        assert client.get(f"/wall?district={HEBEI}").status_code == 403
        tree = call_router(client, "/wall", "")
        assert "智慧红桥指挥中心" in texts_in(tree)
        shown = ticker_text(tick(client, sw, PANELS, ""))
        assert "丁字沽街道" in shown and "光复道街道" not in shown


def test_the_city_leader_opens_any_districts_wall_and_the_city_wall(sw, clients):
    city = clients["city"]
    for search, street, other in ((f"?district={HEBEI}", "光复道街道", "丁字沽街道"),
                                  (f"?district={HOME}", "丁字沽街道", "光复道街道"),
                                  ("", "丁字沽街道", "光复道街道")):
        assert city.get("/wall" + search).status_code == 200
        shown = ticker_text(tick(city, sw, PANELS, search))
        assert street in shown and other not in shown, search
    assert city.get("/wall/city").status_code == 200
    tree = call_router(city, "/wall/city", "")
    page = json.dumps(tree, ensure_ascii=False)
    assert ids.CITY_TABLE in ids_in(tree)
    assert "河北区" in page and "红桥区" in page
    assert f"/wall?district={HEBEI}" in page and f"/wall?district={HOME}" in page
    english = json.dumps(call_router(city, "/wall/city", "?lang=en"), ensure_ascii=False)
    assert "Open cases" in english and f"/wall?district={HEBEI}&lang=en" in english
    assert "红桥区网格化管理" not in page      # the city's subtitle, not Hongqiao's


def test_the_city_walls_rows_are_the_district_walls_figures(sw, clients):
    response = call(clients["city"], sw.app, key_of(sw.app, f"{ids.CITY_TABLE}.children"),
                    {f"{ids.CITY_TICK}.n_intervals": 1, "app-url.search": ""},
                    changed=f"{ids.CITY_TICK}.n_intervals")
    assert response.status_code == 200
    table = response.get_json()["response"][ids.CITY_TABLE]["children"]
    rows = [r for r in json.loads(json.dumps(table))["props"]["children"][1]["props"]["children"]]
    cells = {r["props"]["children"][0]["props"]["children"]["props"]["children"]:
             [c["props"]["children"] for c in r["props"]["children"][1:]] for r in rows}
    with sw.engine.connect() as conn:
        open_home = int(map_queries.grid_values(conn, "open_incidents", NOW,
                                                district=HOME)["value"].sum())
    # workers on duty / online, open cases, overdue, open whistles, closure rate
    assert cells["河北区"][1] == "1" and cells["红桥区"][1] == f"{open_home:,}"
    assert len(cells["河北区"]) == 5


def test_only_the_city_leader_opens_the_city_wall(sw, clients):
    for name in ("hb_operator", "operator", "wall", "hb_admin"):
        assert clients[name].get("/wall/city").status_code == 403, name
        assert "forbidden-root" in ids_in(call_router(clients[name], "/wall/city", ""))
