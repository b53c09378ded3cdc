"""The wall's built answers: one build per question and slot for every screen, never stale."""
import json
import threading

import pytest
from sqlalchemy.exc import OperationalError

from dashboard.context import AppContext, SharedAnswers
from dashboard.wall import assembly, reads
from dashboard.wall.reads import WallOptions, light_grids
from data.db import Database
from tests.conftest import WORLD_AS_OF, WORLD_PATROL_AT


class Clock:
    """A clock the test moves by hand, so slot boundaries never fall mid-test."""

    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def db(world_settings):
    database = Database(world_settings)
    yield database
    database.dispose()


@pytest.fixture
def clocked(world_settings, db):
    """A fresh context whose built answers follow a hand-moved clock."""
    ctx, clock = AppContext(settings=world_settings, db=db), Clock()
    ctx.built = SharedAnswers(db, clock=clock)
    return ctx, clock


def counting(monkeypatch, name: str) -> list:
    """Count the calls of ``wall_assembly.<name>`` (the builder behind a shared answer)."""
    calls, real = [], getattr(assembly, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(assembly, name, wrapper)
    return calls


def test_two_screens_in_one_slot_get_the_same_headline_built_once(clocked, monkeypatch):
    ctx, clock = clocked
    calls = counting(monkeypatch, "headline")
    first = assembly.shared_headline(ctx, WORLD_AS_OF, "zh")
    second = assembly.shared_headline(ctx, WORLD_AS_OF, "zh")
    assert second is first and len(calls) == 1
    english = assembly.shared_headline(ctx, WORLD_AS_OF, "en")
    assert english is not first and len(calls) == 2
    clock.t += assembly.SLOT_S["head"]            # the next slot builds afresh
    third = assembly.shared_headline(ctx, WORLD_AS_OF, "zh")
    assert third is not first and len(calls) == 3
    assert json.dumps(third, default=str) == json.dumps(first, default=str)


def test_screens_share_the_panels_charts_but_turn_their_own_board_page(clocked, monkeypatch):
    ctx, clock = clocked
    calls = counting(monkeypatch, "category_chart")
    a = assembly.panels(ctx, WORLD_AS_OF, "zh", None, 0)
    b = assembly.panels(ctx, WORLD_AS_OF, "zh", None, 1)
    assert len(calls) == 1
    for part in ("category", "closure", "sources", "ticker"):
        assert b[part] is a[part], part
    assert a["whistles"] is not b["whistles"]    # each screen's own page of the board
    street = assembly.panels(ctx, WORLD_AS_OF, "zh", "120106001", 0)
    assert street["category"] is not a["category"] and len(calls) == 2
    clock.t += assembly.SLOT_S["panels"]
    assert assembly.panels(ctx, WORLD_AS_OF, "zh", None, 0)["category"] is not a["category"]
    assert len(calls) == 3


def test_concurrent_screens_wait_for_one_build_of_the_map_layers(clocked, monkeypatch):
    ctx, _ = clocked
    calls = counting(monkeypatch, "map_layers")
    layer_reads, read = [], reads.map_layers_data
    monkeypatch.setattr(reads, "map_layers_data", lambda *a: layer_reads.append(a) or read(*a))
    results = []
    screens = [threading.Thread(target=lambda: results.append(
        assembly.shared_map_layers(ctx, 2, WORLD_AS_OF, "zh"))) for _ in range(6)]
    for screen in screens:
        screen.start()
    for screen in screens:
        screen.join()
    assert len(calls) == 1 and all(r is results[0] for r in results)
    # Another metric (tick 3) is another patch, built from the same read of every metric.
    assert assembly.shared_map_layers(ctx, 3, WORLD_AS_OF, "zh") is not results[0]
    assert len(calls) == 2 and len(layer_reads) == 1


def test_positions_are_shared_within_their_short_slot(clocked, monkeypatch):
    ctx, clock = clocked
    calls = counting(monkeypatch, "positions")
    first = assembly.shared_positions(ctx, WORLD_AS_OF)
    assert assembly.shared_positions(ctx, WORLD_AS_OF) is first and len(calls) == 1
    clock.t += assembly.SLOT_S["pos"]
    assert assembly.shared_positions(ctx, WORLD_AS_OF) is not first and len(calls) == 2


def test_the_first_map_is_shared_plain_data_without_grid_names(clocked, monkeypatch):
    ctx, _ = clocked
    calls = counting(monkeypatch, "first_map")
    figure = assembly.shared_first_map(ctx, WallOptions(), WORLD_AS_OF)
    assert assembly.shared_first_map(ctx, WallOptions(), WORLD_AS_OF) is figure and len(calls) == 1
    assert isinstance(figure, dict) and assembly.has_polygons(figure)
    grids = figure["data"][0]
    feature = grids["geojson"]["features"][0]
    assert set(feature) == {"type", "id", "geometry"}
    assert list(grids["locations"]) == [f["id"] for f in grids["geojson"]["features"]]
    with_cameras = assembly.shared_first_map(ctx, WallOptions(cameras=True), WORLD_AS_OF)
    assert with_cameras is not figure and len(calls) == 2


def test_light_grids_keep_geometry_and_order_and_drop_the_rest():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    grids = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "geometry": square,
         "properties": {"name": "第1网格", "lon": 0.5, "lat": 0.5}} for code in ("g9", "g1")]}
    light = light_grids(grids)
    assert [f["id"] for f in light["features"]] == ["0", "1"]
    assert all(f["geometry"] is square and "properties" not in f for f in light["features"])
    assert grids["features"][0]["properties"]["name"] == "第1网格"   # the cached copy is intact


def test_a_built_answer_never_hides_an_outage(world_settings):
    away = Database(world_settings.with_overrides(
        database_url="postgresql://nobody@127.0.0.1:1/none"))
    built = SharedAnswers(away, clock=Clock())
    assert built.get(("tiles", "zh"), WORLD_AS_OF, lambda: ["built"]) == ["built"]
    with pytest.raises(OperationalError):      # the remembered tiles need a live database
        built.get(("tiles", "zh"), WORLD_AS_OF, lambda: ["again"])
    away.dispose()


def test_old_slots_are_dropped_when_the_cache_is_full(test_settings):
    db = Database(test_settings)
    clock = Clock()
    answers = SharedAnswers(db, slot_s=10, limit=3, clock=clock)
    for k in range(3):
        answers.get(("q", k), WORLD_AS_OF, lambda k=k: k)
    clock.t += 10
    answers.get(("q", "new"), WORLD_AS_OF, lambda: "new")
    answers.get(("long",), WORLD_AS_OF, lambda: "kept", slot_s=600)
    assert answers.get(("long",), WORLD_AS_OF, lambda: "rebuilt", slot_s=600) == "kept"
    assert len(answers._items) == 2
    db.dispose()


def test_a_new_slot_answers_with_the_last_build_while_one_thread_rebuilds(test_settings):
    db, clock = Database(test_settings), Clock()
    built = SharedAnswers(db, slot_s=10, clock=clock, background=True, stale_slots=2)
    release, calls = threading.Event(), []

    def slow(n):
        def compute():
            calls.append(n)
            release.wait(10)
            return n
        return compute

    release.set()
    assert built.get(("q",), WORLD_AS_OF, slow(1)) == 1     # nothing to show yet: it waits
    release.clear()
    clock.t += 10
    # The next slot: every screen gets the last build at once, one rebuild runs meanwhile.
    assert [built.get(("q",), WORLD_AS_OF, slow(2)) for _ in range(5)] == [1] * 5
    assert calls == [1, 2]
    release.set()
    for _ in range(100):
        if built.get(("q",), WORLD_AS_OF, slow(3)) == 2:
            break
        threading.Event().wait(0.05)
    assert built.get(("q",), WORLD_AS_OF, slow(3)) == 2 and calls == [1, 2]
    # Three slots on, the last build is too old to show: the screen waits for a fresh one.
    clock.t += 30
    assert built.get(("q",), WORLD_AS_OF, slow(4)) == 4
    db.dispose()


def test_a_warmed_process_answers_the_first_screens_without_building(clocked, monkeypatch):
    from dashboard.wall.warmup import start_warming, warm_wall

    ctx, clock = clocked
    warm_wall(ctx, WORLD_AS_OF)
    builders = [counting(monkeypatch, name) for name in ("headline", "positions", "first_map")]
    data = []
    monkeypatch.setattr(reads, "map_layers_data", lambda *a: data.append(a) or {})
    options = reads.wall_options("", ctx.settings.language)
    assert assembly.shared_headline(ctx, WORLD_AS_OF, options.lang)
    assembly.shared_positions(ctx, WORLD_AS_OF)
    assert assembly.has_polygons(assembly.shared_first_map(ctx, options, WORLD_AS_OF))
    assert assembly.shared_map_data(ctx, WORLD_AS_OF)["values"]
    assert assembly.panels(ctx, WORLD_AS_OF, options.lang, None, 0)["category"]
    assert builders == [[], [], []] and data == []
    # In a thread, and a failure is only logged: the screens ask again anyway.
    monkeypatch.setattr(assembly, "shared_first_map", lambda *a: 1 / 0)
    stop = threading.Event()
    thread = start_warming(ctx, stop)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


class Ticks(threading.Event):
    """A stop event that lets ``n`` waits pass, moving a clock 1 s each, then stops."""

    def __init__(self, n: int, clock: Clock):
        super().__init__()
        self.n, self.clock = n, clock

    def wait(self, timeout=None):
        self.clock.t += 1
        self.n -= 1
        return self.n < 0


def test_the_wall_is_kept_warm_only_while_a_live_screen_watches(clocked, monkeypatch):
    from dashboard.wall import warmup as wall_warmup

    ctx, clock = clocked
    warmed = []
    monkeypatch.setattr(wall_warmup, "warm_wall", lambda c: warmed.append(clock.t))
    ctx.wall_seen_at = 0.0                       # nobody watching: only the first warm-up
    wall_warmup.keep_warm(ctx, Ticks(5, clock), clock=clock)
    assert len(warmed) == 1
    warmed.clear()
    ctx.wall_seen_at = clock.t                   # a screen asked just now
    wall_warmup.keep_warm(ctx, Ticks(5, clock), watched_s=3, clock=clock)
    assert len(warmed) == 1 + 2                  # then renewed until 3 s without screens


def test_the_walls_headline_in_parts_equals_the_headline_query(clocked):
    """At a moment of patrols: now, the past moments (read less often) and grids patrolled (from coverage)."""
    from data.queries import wall as wall_queries

    ctx, _ = clocked
    with ctx.db.connect() as conn:
        whole = wall_queries.headline(conn, WORLD_PATROL_AT, ctx.settings.timezone)
    expected = {int(k): {c: int(v) for c, v in row.items()} for k, row in whole.iterrows()}
    assert reads.headline(ctx, WORLD_PATROL_AT) == expected
    assert expected[0]["grids_patrolled"] > 0


def test_spread_slots_start_at_each_questions_own_offset(db):
    clock = Clock()
    answers = SharedAnswers(db, slot_s=10, clock=clock, spread=True)
    offsets = [answers._offset((name,), 10) for name in "abcdefgh"]
    assert all(0 <= o < 10 for o in offsets) and len(set(offsets)) > 1
    assert SharedAnswers(db, slot_s=10, clock=clock)._offset(("a",), 10) == 0.0
    calls, seen = [], set()
    for _ in range(30):          # 30 s in 1 s steps: still one build per 10 s slot
        answers.get(("a",), WORLD_AS_OF, lambda: calls.append(clock.t))
        seen.add(int((clock.t + offsets[0]) // 10))
        clock.t += 1
    assert len(calls) == len(seen)
