"""The wall's pure builders: map, patches, charts and panels from small hand-made data."""
import json
from datetime import UTC, datetime, timedelta, timezone

import plotly.io as pio
import pytest
from dash._utils import to_json

from dashboard.theme import STATUS
from dashboard.wall import charts
from dashboard.wall.map_figure import LAYER, LAYERS, METRICS, MapBase, place_labels, wall_map
from dashboard.wall.panels import (
    banner,
    compare_text,
    headline_tiles,
    ticker_rows,
    whistle_board,
)
from dashboard.wall.patch import (
    chart_patch,
    layers_patch,
    positions_patch,
    rounded,
    view_patch,
)
from dashboard.wall.reads import wall_options

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def square(code, x, y, size=0.01, name=""):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "id": code, "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def base():
    grids = collection(square("g1", 117.10, 39.15), square("g2", 117.11, 39.15),
                       square("g3", 117.12, 39.15))
    streets = collection(square("s1", 117.10, 39.15, 0.02), square("s2", 117.12, 39.15))
    labels = [
        {"level": "street", "code": "s1", "street_code": "s1", "name": "丁字沽街道",
         "lon": 117.11, "lat": 39.16, "bbox": (117.10, 39.15, 117.12, 39.17)},
        {"level": "street", "code": "s2", "street_code": "s2", "name": "西沽街道",
         "lon": 117.125, "lat": 39.155, "bbox": (117.12, 39.15, 117.13, 39.16)},
        {"level": "community", "code": "c1", "street_code": "s1", "name": "十段社区",
         "lon": 117.105, "lat": 39.155, "bbox": (117.10, 39.15, 117.11, 39.16)},
    ]
    return MapBase(grids, collection(square("c1", 117.10, 39.15)), streets, labels)


def test_the_map_has_every_layer_in_its_fixed_order(base):
    fig = wall_map(base, [0, 3, 7])
    assert [t.name for t in fig.data] == list(LAYERS)
    grids = fig.data[LAYER["grids"]]
    assert list(grids.locations) == ["g1", "g2", "g3"] and list(grids.z) == [0, 3, 7]
    assert grids.zmax == 7 and grids.zmin == 0
    assert fig.data[LAYER["cameras"]].visible is False
    assert fig.layout.map.zoom > 10


def test_the_map_needs_no_network_and_labels_the_streets(base):
    fig = wall_map(base, [0, 0, 0], cameras=([117.105], [39.155]))
    text = pio.to_json(fig)
    assert "http" not in text and "glyphs" not in text
    assert fig.data[LAYER["cameras"]].visible is True
    notes = fig.layout.annotations
    assert [a.text for a in notes] == ["丁字沽街道", "西沽街道"]
    assert all(a.xanchor == "center" and 0 <= a.x <= 1 and 0 <= a.y <= 1 for a in notes)
    assert fig.layout.map.style["sources"], "an empty sources object breaks MapLibre on update"
    anchors = [layer["id"] for layer in fig.layout.map.style["layers"]][-len(LAYERS):]
    assert anchors == [t.below for t in fig.data] == [f"hq-{name}" for name in LAYERS]


def test_a_toured_street_is_labelled_by_its_communities(base):
    center = {"lon": 117.105, "lat": 39.155}
    assert [a["text"] for a in place_labels(base.labels, center, 15, focus="s1")] == ["十段社区"]


def ops(patch):
    """The patch's operations as they go over the wire (Dash's own JSON encoding)."""
    wire = json.loads(to_json(patch))
    return {tuple(op["location"]): op["params"].get("value") for op in wire["operations"]}


def test_the_position_patch_carries_only_coordinates_rounded_to_a_metre():
    patch = positions_patch(([117.1234567, 117.2], [39.1234567, 39.2]), ([117.3], [39.3]))
    found = ops(patch)
    assert set(found) == {("data", LAYER[layer], axis) for layer in ("online", "offline")
                          for axis in ("lon", "lat")}
    assert found[("data", LAYER["online"], "lon")] == [117.12346, 117.2]


def test_a_thousand_workers_fit_the_budget_many_times_over():
    lons = [117.1 + i * 1e-4 + 1.23e-6 for i in range(1000)]
    lats = [39.1 + i * 1e-4 + 4.56e-6 for i in range(1000)]
    size = len(to_json(positions_patch((lons, lats), ([], []))))
    assert size < 25_000    # 20 KB/s for 5 s would be 100 KB


def test_the_layers_patch_sends_only_what_it_is_given():
    assert ops(layers_patch("coverage")) == {}
    found = ops(layers_patch("coverage", values=[0, 5], tracks=([117.1, None, 117.2], [39.1, None, 39.2]),
                             whistles=([], [], [])))
    assert found[("data", 0, "z")] == [0, 5] and found[("data", 0, "zmax")] == 5
    assert found[("data", LAYER["tracks"], "lon")] == [117.1, None, 117.2]
    assert found[("data", LAYER["whistles"], "marker", "color")] == []
    hot = ops(layers_patch("open_incidents", whistles=([1], [2], ["overdue"]), heat=([1], [2], [9])))
    assert hot[("data", LAYER["whistles"], "marker", "color")] == [STATUS["overdue"]]
    assert hot[("data", LAYER["halo"], "lon")] == [1]
    assert hot[("data", LAYER["heat"], "zmax")] == 9


def test_rounding_keeps_gaps():
    assert json.loads(to_json(rounded([1.000004, None, float("nan"), 2]))) == [1.0, None, None, 2.0]


def test_the_view_patch_zooms_to_a_street_and_relabels(base):
    district = ops(view_patch(base.labels, (117.10, 39.15, 117.13, 39.17), None))
    street = ops(view_patch(base.labels, (117.10, 39.15, 117.11, 39.16), "s1"))
    assert street[("layout", "map", "zoom")] > district[("layout", "map", "zoom")]
    assert [a["text"] for a in street[("layout", "annotations")]] == ["十段社区"]


def test_category_trend_stacks_subjects_by_day():
    fig = charts.category_trend(["11-25", "11-26"], [("城市管理", [5, 7]), ("综治维稳", [1, 2])])
    assert fig.layout.barmode == "stack" and len(fig.data) == 2
    assert list(fig.data[0].y) == [5, 7] and fig.layout.showlegend is True


def test_street_closure_sorts_and_colours_against_the_target():
    fig = charts.street_closure(["甲", "乙", "丙"], [0.995, 0.985, None], 0.99, focus="甲")
    bar = fig.data[0]
    assert list(bar.y) == ["丙", "乙", "甲"]          # best at the top of a horizontal bar chart
    assert list(bar.marker.color) == [STATUS["closed"], STATUS["due_soon"], STATUS["done"]]
    assert list(bar.marker.opacity) == [0.35, 0.35, 1.0]
    assert fig.layout.xaxis.range[1] == 1.0 and fig.layout.shapes[0].x0 == 0.99
    # The axis starts above 0, so a break mark sits on its start.
    low = fig.layout.xaxis.range[0]
    marks = [a for a in fig.layout.annotations if a.name == "axis-break"]
    assert low > 0 and len(marks) == 1 and marks[0].x == low
    assert all(a.font.size >= 20 for a in fig.layout.annotations)


def test_sources_donut_has_the_total_in_its_hole():
    fig = charts.sources_donut(["网格巡查  3", "热线  1"], [3, 1], ("4", "今日上报"))
    assert fig.data[0].hole > 0.5
    assert [a.text for a in fig.layout.annotations] == ["4", "今日上报"]


def test_chart_patch_replaces_data_but_not_style():
    fig = charts.street_closure(["甲"], [0.995], 0.99)
    found = ops(chart_patch(fig))
    assert ("data",) in found and ("layout", "annotations") in found
    assert ("layout", "xaxis", "range") in found and ("layout", "font") not in found


def headline_frame(changes: dict):
    base = dict(reports_today=120, closed_today=100, year_reported=1000, year_done=995,
                overdue=0, whistles_active=2, on_duty=80, online=78, grids_patrolled=90,
                grids=100, workers=100)
    return {k: {**base, **changes.get(k, {})} for k in (0, 1, 7)}


def test_headline_tiles_show_values_comparisons_and_tones():
    h = headline_frame({1: {"reports_today": 100, "overdue": 3}, 7: {"year_done": 990}})
    tiles = headline_tiles(h, 0.99, "zh")
    text = text_of(tiles)
    assert "今日上报" in text and "120" in text and "▲ 20" in text and "▼ 3" in text
    assert "99.50%" in text and "▲ 0.50个百分点" in text and "80 / 78" in text
    tones = [tile.className for tile in tiles]
    assert tones[2] == "wall-tile tone-done" and tones[4] == "wall-tile tone-done"
    assert compare_text("overdue", 5, 2, "zh") == ("▲ 3", "overdue")
    assert compare_text("closed_today", 5, 5, "en") == ("no change", "closed")


def test_legend_names_are_short_forms_or_wrapped_never_cut():
    from dashboard.wall.panel_reads import legend_name

    assert legend_name("02", "Environmental protection", "en") == "Environment"
    assert legend_name("02", "环境保护", "zh") == "环境保护"
    assert legend_name("99", "Services for vulnerable residents", "en") == \
        "Services for<br>vulnerable<br>residents"


def test_a_comparison_without_a_baseline_is_not_shown():
    # Nobody patrolled at this moment yesterday, and the district had no history last week.
    h = headline_frame({1: {"on_duty": 0, "online": 0, "grids_patrolled": 0},
                        7: {"year_reported": 0, "year_done": 0}})
    text = text_of(headline_tiles(h, 0.99, "zh"))
    assert "▲ 80" not in text and "▲ 90.00个百分点" not in text
    assert text.count("暂无可比数据") == 4          # workers, coverage, closure, whistles
    assert "▲ 20" not in text and "较昨日同时" in text    # reports compare with yesterday


def test_nobody_online_off_shift_is_no_alarm():
    h = headline_frame({0: {"online": 0}})
    on = headline_tiles(h, 0.99, "zh", on_shift=True)[5].className
    off = headline_tiles(h, 0.99, "zh", on_shift=False)[5].className
    assert on == "wall-tile tone-overdue" and off == "wall-tile tone-closed"


def whistle(level=1, urgency="on_track", deadline_days=3):
    return {"street": "丁字沽街道", "matter": "废弃地块整治", "level": level, "urgency": urgency,
            "deadline": NOW + timedelta(days=deadline_days), "lon": 117.1, "lat": 39.1,
            "parties": [{"name": "城市管理委员会", "state": "arrived"},
                        {"name": "园林所", "state": "waiting"}]}


def test_the_whistle_board_flags_second_whistles_and_counts_down():
    year = {"blown": 9, "second": 1, "closed": 8, "avg_days": 12.5}
    board = whistle_board([whistle(level=2), whistle()], [], year, NOW, "zh")
    text = text_of(board)
    assert "二次吹哨" in text and "✓" in text and "12.5" in text
    countdown = [c for c in walk_all(board) if c.get("className") == "wall-countdown"]
    assert countdown[0]["data-text"] == "剩余 3天 00:00:00"
    late = whistle_board([whistle(urgency="overdue", deadline_days=-1)], [], year, NOW, "en")
    assert [c["data-text"] for c in walk_all(late) if c.get("className") == "wall-countdown"] \
        == ["late 1d 00:00:00"]


def test_whistle_titles_are_whole_never_cut_mid_word():
    year = {"blown": 1, "second": 0, "closed": 1, "avg_days": 3.0}
    long = "群租房：六段社区3号楼群租隐患及消防通道堵塞整治"
    closed = [{"street": "丁字沽街道", "matter": long, "closed_at": NOW, "days": 3}]
    board = whistle_board([{**whistle(), "matter": long}], closed, year, NOW, "zh")
    matters = [c for c in walk_all(board)
               if c.get("className") in ("wall-whistle-matter", "wall-closed-matter")]
    assert len(matters) == 2
    assert all(m["children"] == long and m["title"] == long for m in matters)


def test_the_board_turns_pages_and_is_calm_when_nothing_is_open():
    year = {"blown": 0, "second": 0, "closed": 0, "avg_days": None}
    many = [whistle() for _ in range(7)]
    assert "3 / 4" in text_of(whistle_board(many, [], year, NOW, "zh", page=2))   # two a page
    assert "当前无在办吹哨事项" in text_of(whistle_board([], [], year, NOW, "zh"))


def text_of(tree) -> str:
    parts = []
    for props in walk_all(tree):
        children = props.get("children")
        items = children if isinstance(children, list) else [children]
        parts += [str(c) for c in items if isinstance(c, (str, int, float))]
    return " ".join(parts)


def walk_all(tree):
    stack = list(tree) if isinstance(tree, list) else [tree]
    while stack:
        node = stack.pop(0)
        if hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            yield props
            children = props.get("children")
            if isinstance(children, list):
                stack.extend(children)
            elif children is not None:
                stack.append(children)


def test_ticker_rows_and_the_banner():
    rows = ticker_rows([{"time": "15:29", "street": "西沽街道", "category": "道路设施",
                         "status": "处置中", "tone": "overdue"}], "zh")
    assert "15:29" in text_of(rows) and rows[0].children[-1].className == "wall-pill tone-overdue"
    assert banner(True, "15:00:00", "zh") == ("wall-banner hidden", "")
    cls, text = banner(False, "15:00:00", "zh")
    assert cls == "wall-banner" and "数据连接中断" in text and "15:00:00" in text


def test_wall_options_read_the_query_string():
    o = wall_options("?lang=en&tour=1&cameras=1&at=2026-11-26T15:30:00%2B08:00")
    assert (o.lang, o.tour, o.cameras) == ("en", True, True)
    assert o.at == datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    assert wall_options("?at=yesterday").at is None and wall_options("").lang == "zh"
    assert METRICS == ("incidents_today", "open_incidents", "coverage")


def test_labels_that_would_collide_are_nudged_apart():
    from dashboard.wall.map_figure import declutter

    notes = [{"x": 0.5, "y": 0.5, "text": "Xianyang North Road"},
             {"x": 0.55, "y": 0.5, "text": "Shuanghuancun"},
             {"x": 0.1, "y": 0.9, "text": "和苑街道"}]
    placed = declutter([dict(n) for n in notes], 19, (938, 846))
    assert placed[0]["y"] == 0.5 and placed[1]["y"] != 0.5 and placed[2]["y"] == 0.9
    assert abs(placed[1]["y"] - 0.5) * 846 >= 19


def test_the_banner_says_how_far_behind_the_standby_is_past_the_setting():
    from dashboard.wall.panels import banner

    assert banner(True, "10:00:00", "zh", None, 5.0) == ("wall-banner hidden", "")
    assert banner(True, "10:00:00", "zh", 4.9, 5.0) == ("wall-banner hidden", "")
    assert banner(True, "10:00:00", "zh", 12.4, 5.0) == ("wall-banner lag", "⚠ 数据延迟 12 秒")
    assert banner(True, "10:00:00", "en", 12.6, 5.0) == ("wall-banner lag", "⚠ data 13 s behind")
    # An outage says so whatever the lag was: the wall has no data at all then.
    assert banner(False, "10:00:00", "zh", 60.0, 5.0)[0] == "wall-banner"
