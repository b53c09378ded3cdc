"""The wall's callbacks over HTTP: patches of bounded size, the banner, the gates, the tour."""
import json
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import insert, text

from app import build_app
from dashboard import create_app, ids
from data.db import Database
from data.models import Device, User
from tests.auth_helpers import login_client
from tests.conftest import WORLD_AS_OF
from tests.dash_helpers import call_router, ids_in, texts_in
from tests.wall_helpers import call

AT = "?at=" + quote(WORLD_AS_OF.isoformat())
BUDGET_PER_TICK = 20_000 * 5       # 20 KB/s with a position tick every 5 s
PATCH = "__dash_patch_update"


def browser_state(search=AT, **extra):
    state = {"app-url.search": search, "wall-map-ready.data": True, "wall-last-ok.data": None,
             "wall-focus.data": {"street": None}}
    return {**state, **extra}


def tick(client, app, channel: str, n: int = 1, **state):
    trigger = f"{ids.WALL_GO[channel]}.data" if channel in ids.WALL_GO else channel
    return call(client, app, trigger, {**browser_state(**state), trigger: n})


@pytest.fixture(scope="module")
def wall_app(world_settings):
    return build_app(world_settings)


@pytest.fixture
def client(wall_app, world_settings):
    """The wall's own account, signed in (the world has it, with the demo password)."""
    c = wall_app.server.test_client()
    login_client(c, "wall", world_settings.demo_password)
    return c


def test_the_page_carries_the_polygons_once_and_every_panel(client):
    tree = call_router(client, "/wall", AT)
    found = ids_in(tree)
    for panel in (ids.WALL_MAP, ids.WALL_STATS, ids.WALL_WHISTLES, ids.WALL_CATEGORY,
                  ids.WALL_CLOSURE, ids.WALL_SOURCES, ids.WALL_TICKER, ids.WALL_BANNER):
        assert panel in found
    assert "智慧红桥指挥中心" in texts_in(tree)
    assert "geojson" in json.dumps(tree)


def test_english_and_the_tour_come_from_the_query_string(client):
    tree = call_router(client, "/wall", AT + "&lang=en&tour=1")
    assert "Smart Hongqiao Command Centre" in texts_in(tree)
    tour = next(c for c in walk(tree) if c["props"].get("id") == ids.WALL_TICK["tour"])
    assert tour["props"]["disabled"] is False


def walk(tree):
    if isinstance(tree, list):
        for item in tree:
            yield from walk(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from walk(tree["props"].get("children"))


def test_every_channel_answers_with_patches_and_fresh_panels(client, wall_app):
    status, raw, _, resp = tick(client, wall_app, "pos")
    assert status == 200 and resp["wall-map"]["figure"][PATCH] and raw < BUDGET_PER_TICK
    assert resp["wall-banner"]["className"] == "wall-banner hidden"
    status, raw, _, resp = tick(client, wall_app, "map", n=2)
    figure = json.dumps(resp["wall-map"]["figure"])
    assert PATCH in figure and "geojson" not in figure
    assert "巡查覆盖" in json.dumps(resp["wall-legend"]["children"], ensure_ascii=False)
    status, raw, _, resp = tick(client, wall_app, "panels")
    for chart in ("wall-category", "wall-closure", "wall-sources"):
        assert resp[chart]["figure"][PATCH]
    assert len(resp["wall-ticker"]["children"]) == 6
    status, raw, _, resp = tick(client, wall_app, "head")
    assert len(resp["wall-stats"]["children"]) == 7 and resp["wall-last-ok"]["data"]


class SharedEngine:
    """An engine stand-in handing out one connection, so callbacks see a rolled-back world."""

    def __init__(self, conn):
        self.conn = conn

    @contextmanager
    def connect(self):
        yield self.conn

    begin = connect

    def dispose(self):
        pass


def add_workers(conn, n: int) -> None:
    users = conn.execute(insert(User).returning(User.id), [
        dict(username=f"bench-wall-{i}", password_hash="x", display_name=f"网格员{i}",
             role="grid_worker") for i in range(n)]).scalars().all()
    devices = conn.execute(insert(Device).returning(Device.id, Device.user_id), [
        dict(device_id=f"wall-{i}", user_id=u, token_hash=f"wall-{i}")
        for i, u in enumerate(users)]).all()
    conn.execute(text("""
        insert into latest_positions (device_id, user_id, device_time, server_time, fixes_today, geom)
        select d, u, :t - make_interval(secs => d % 25), :t, 100,
               ST_SetSRID(ST_MakePoint(117.10 + (d % 97) * 0.000731, 39.15 + (d % 89) * 0.000517), 4326)
        from unnest(cast(:ds as int[]), cast(:us as int[])) as x(d, u)"""),
        {"t": WORLD_AS_OF, "ds": [d for d, _ in devices], "us": [u for _, u in devices]})


def test_a_thousand_workers_cost_far_less_than_the_budget(world_settings, world_conn):
    add_workers(world_conn, 1000)
    app = create_app(world_settings, db=Database(world_settings, engine=SharedEngine(world_conn)))
    client = app.server.test_client()
    # The live wall (its clock is the session's, the moment these workers were placed at).
    status, raw, gz, resp = tick(client, app, "pos", search="")
    dots = resp["wall-map"]["figure"]["operations"]
    assert sum(len(op["params"]["value"]) for op in dots if op["location"][-1] == "lon") >= 1000
    assert raw * 12 <= 20_000 * 60 / 4, f"{raw} bytes per tick"   # a quarter of the budget
    assert gz < raw / 2


@pytest.fixture(scope="module")
def broken_app(world_settings):
    """The wall of a server whose database is a closed port."""
    return build_app(world_settings.with_overrides(
        database_url="postgresql://postgres@127.0.0.1:1/nowhere"))


def same_session(signed_in, other):
    """A client of another app carrying a signed-in session (both apps share the secret).

    Signing in needs the database; a wall that was signed in keeps its session when the
    database goes away, which is the case here.
    """
    other_client = other.server.test_client()
    for name in ("hq_session", "_csrf_token"):
        other_client.set_cookie(name, signed_in.get_cookie(name).value)
    other_client.environ_base.update(signed_in.environ_base)
    return other_client


def test_the_banner_appears_and_the_last_data_stay_when_the_database_goes(client, broken_app):
    client = same_session(client, broken_app)
    for channel in ("pos", "map", "panels", "head"):
        status, _, _, resp = tick(client, broken_app, channel, **{"wall-last-ok.data": "14:00:05"})
        assert status == 200, channel
        assert resp["wall-banner"]["className"] == "wall-banner"
        assert "数据连接中断" in resp["wall-banner-text"]["children"]
        assert "14:00:05" in resp["wall-banner-text"]["children"]
        # Only the banner moves: the map, charts and tiles on screen are left as they were.
        assert set(resp) == {"wall-banner", "wall-banner-text"}, channel


def test_a_wall_opened_while_the_database_was_away_still_renders(client, broken_app):
    tree = call_router(same_session(client, broken_app), "/wall", AT)
    banner = next(c for c in walk(tree) if c["props"].get("id") == ids.WALL_BANNER)
    assert banner["props"]["className"] == "wall-banner"
    ready = next(c for c in walk(tree) if c["props"].get("id") == ids.WALL_READY)
    assert ready["props"]["data"] is False


def test_the_first_good_map_tick_after_an_outage_sends_the_polygons(client, wall_app):
    _, _, _, resp = tick(client, wall_app, "map", **{"wall-map-ready.data": False,
                                                     "wall-last-ok.data": "14:00:05"})
    assert "geojson" in json.dumps(resp["wall-map"]["figure"]) and resp["wall-map-ready"]["data"]
    assert resp["wall-banner"]["className"] == "wall-banner hidden"


def test_positions_wait_for_the_polygons(client, wall_app):
    status, *_ = tick(client, wall_app, "pos", **{"wall-map-ready.data": False})
    assert status == 204


def test_a_running_channel_cannot_start_again(wall_app):
    gates = {cb["output"]: cb for cb in wall_app._callback_list if cb["output"].startswith("wall-go-")}
    assert set(gates) == {f"{ids.WALL_GO[c]}.data" for c in ids.WALL_GO}
    for channel in ids.WALL_GO:
        gate = gates[f"{ids.WALL_GO[channel]}.data"]
        assert gate["state"] == [{"id": ids.WALL_BUSY[channel], "property": "data"}]
        worker = next(cb for cb in wall_app._callback_list
                      if cb["inputs"][0]["id"] == ids.WALL_GO[channel])
        assert worker["running"]["running"] == {f"{ids.WALL_BUSY[channel]}.data": True}
        assert worker["running"]["runningOff"] == {f"{ids.WALL_BUSY[channel]}.data": False}


def test_the_tour_visits_each_street_and_comes_back(client, wall_app):
    search = AT + "&tour=1"
    stops, names = [], []
    for n in range(12):
        _, _, _, resp = tick(client, wall_app, f"{ids.WALL_TICK['tour']}.n_intervals", n=n,
                             search=search)
        patch = {tuple(op["location"]): op["params"]["value"]
                 for op in resp["wall-map"]["figure"]["operations"]}
        assert ("layout", "map", "zoom") in patch and ("layout", "annotations") in patch
        stops.append(resp["wall-focus"]["data"]["street"])
        names.append(resp["wall-focus"]["data"]["name"])
    assert stops[0] is None and stops[11] is None and len(set(stops[1:11])) == 10
    _, _, _, resp = tick(client, wall_app, "panels", **{"wall-focus.data": {"street": stops[1]},
                                                         "app-url.search": search})
    streets = {row["props"]["children"][1]["props"]["children"]
               for row in resp["wall-ticker"]["children"]}
    assert streets == {names[1]}


def test_the_tour_stays_still_without_tour_mode(client, wall_app):
    status, *_ = tick(client, wall_app, f"{ids.WALL_TICK['tour']}.n_intervals", n=3)
    assert status == 204
