"""The file importers fed crafted good and bad files (made in tmp_path), through the CLI."""
import json
import re

import geopandas as gpd
import plotly
import pytest
import shapely
from sqlalchemy import create_engine

from dashboard.incident_detail import incident_detail
from data import incident_store
from etl.importers.residents import id_hash
from geo.crs import gcj02_to_wgs84, wgs84_to_gcj02
from geo.track import haversine_m
from tests.dash_helpers import texts_in
from tests.import_helpers import (  # noqa: F401 - fixtures
    centre,
    fresh,
    grid_boxes,
    grid_code,
    grid_layer,
    import_settings,
    incident_row,
    lines_with,
    load_grids,
    metric_box,
    offset,
    parent_layer,
    run,
    scalar,
    write_csv,
)
from workflow.incidents.codes import PATTERN

A, B = grid_code(1, 1, 1), grid_code(1, 1, 2)          # two grids of community 001001
EDGE = grid_code(2, 2, 1)                              # on the district's southern edge
THIRD = grid_code(1, 1, 3)                             # an extra grid across A and B


def area_of(line: str) -> float:
    return float(re.search(r"\(([\d,.]+) m²\)", line).group(1).replace(",", ""))


def counts(settings) -> tuple:
    return tuple(scalar(settings, f"select count(*) from {t}")
                 for t in ("districts", "streets", "communities", "grids"))


def test_good_cgcs2000_shapefile_dry_run_then_commit(fresh, tmp_path):
    path = tmp_path / "grids.shp"
    layer = grid_layer("EPSG:4490").rename(columns={"street_name": "strt_name",
                                                    "community_name": "comm_name"})
    layer.to_file(path, engine="pyogrio")
    names = ["--street-name-field", "strt_name", "--community-name-field", "comm_name"]
    dry = run(fresh, "grids", path, *names)
    assert dry.exit_code == 0, dry.output
    assert "EPSG:4490" in dry.output and "网格 grids 8" in dry.output
    assert "社区 communities 4" in dry.output and "街道 streets 2" in dry.output
    assert counts(fresh) == (0, 0, 0, 0)
    done = run(fresh, "grids", path, *names, "--commit")
    assert done.exit_code == 0, done.output
    assert counts(fresh) == (1, 2, 4, 8)
    assert scalar(fresh, "select name_zh from streets where code = '120106002'") == "测试002街道"
    assert scalar(fresh, "select area_km2 from grids where code = :c", c=A) == pytest.approx(
        0.04, rel=1e-3)
    # CGCS2000 and WGS84 agree to well under a metre here: the squares land where they were.
    lon, lat = centre(A)
    assert scalar(fresh, "select ST_Contains(geom, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
                         "from grids where code = :c", x=lon, y=lat, c=A)


def test_good_geojson_replaces_the_hierarchy_each_time(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    again = load_grids(fresh, tmp_path)
    assert again.exists() and counts(fresh) == (1, 2, 4, 8)
    assert scalar(fresh, "select count(*) from grids g join communities c "
                         "on c.id = g.community_id where left(g.code, 12) = c.code") == 8


def test_journey_7_overlaps_and_a_grid_outside_its_community(fresh, tmp_path):
    for level in ("street", "community"):
        path = tmp_path / f"{level}.geojson"
        layer = parent_layer(level)
        # A file without names: the communities are named after their codes.
        layer = layer if level == "street" else layer.drop(columns="name_zh")
        layer.to_file(path, driver="GeoJSON", engine="pyogrio")
        assert run(fresh, "grids", path, "--level", level, "--commit").exit_code == 0
    assert scalar(fresh, "select name_zh from communities where code = '120106002001'") \
        == "社区120106002001"
    x0 = 2 * 2 * 200.0 - 200.0
    bad = grid_layer("EPSG:4490", replace={EDGE: metric_box(x0, -40, x0 + 200, 200)},
                     extra=[(THIRD, metric_box(50, 150, 150, 250))])
    path = tmp_path / "grids.shp"
    bad.drop(columns=["street_name", "community_name"]).to_file(path, engine="pyogrio")
    result = run(fresh, "grids", path)
    assert result.exit_code == 1, result.output
    assert "数据库中已有 the database" in result.output
    overlaps = lines_with(result.output, "overlap", THIRD)
    assert len(overlaps) == 2
    assert {A, B} == {c for c in (A, B) for line in overlaps if c in line}
    assert [area_of(line) for line in overlaps] == pytest.approx([5000.0, 5000.0], abs=2)
    outside = lines_with(result.output, "outside its parent", EDGE)
    assert len(outside) == 1 and area_of(outside[0]) == pytest.approx(8000.0, abs=2)
    assert "feature 9" in lines_with(result.output, "overlap", THIRD)[0]
    assert counts(fresh) == (1, 2, 4, 0)
    # She fixes both in QGIS and imports again with --commit.
    grid_layer("EPSG:4490").drop(columns=["street_name", "community_name"]).to_file(
        path, engine="pyogrio")
    fixed = run(fresh, "grids", path, "--commit")
    assert fixed.exit_code == 0, fixed.output
    assert counts(fresh) == (1, 2, 4, 8)


def test_bow_tie_is_reported_with_its_reason(fresh, tmp_path):
    box = grid_boxes()[B]
    (x0, y0, x1, y1) = box.bounds
    bow = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    path = tmp_path / "bow.geojson"
    grid_layer(replace={B: bow}).to_file(path, driver="GeoJSON", engine="pyogrio")
    result = run(fresh, "grids", path, "--commit")
    assert result.exit_code == 1
    line = lines_with(result.output, "invalid geometry", B)
    assert len(line) == 1 and "Self-intersection" in line[0] and "feature 2" in line[0]
    assert counts(fresh) == (0, 0, 0, 0)


def test_bad_codes_are_each_named(fresh, tmp_path):
    boxes = grid_boxes()
    layer = grid_layer(extra=[(A, metric_box(0, 400, 200, 600)),
                              ("12010600100100", metric_box(0, 600, 200, 800)),
                              ("", metric_box(0, 800, 200, 1000))])
    path = tmp_path / "codes.geojson"
    layer.to_file(path, driver="GeoJSON", engine="pyogrio")
    result = run(fresh, "grids", path)
    assert result.exit_code == 1 and len(boxes) == 8
    dupes = lines_with(result.output, "duplicate code", A)
    assert len(dupes) == 2 and "feature 1" in dupes[0] and "feature 9" in dupes[1]
    assert lines_with(result.output, "feature 10", "bad code", "12010600100100", "15 digits")
    assert lines_with(result.output, "feature 11", "missing required field")


def test_single_file_hole_between_grids_is_a_gap(fresh, tmp_path):
    code = grid_code(1, 2, 1)                  # its corner at (400, 200) meets three others
    notched = grid_boxes()[code].difference(metric_box(380, 180, 400, 200))
    path = tmp_path / "notch.geojson"
    grid_layer(replace={code: notched}).to_file(path, driver="GeoJSON", engine="pyogrio")
    result = run(fresh, "grids", path)
    assert result.exit_code == 1
    gap = lines_with(result.output, "gap", code)
    assert len(gap) == 1 and area_of(gap[0]) == pytest.approx(400.0, abs=1)


def test_grids_refuse_to_orphan_incidents_unless_replace_all(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    csv_path = write_csv(tmp_path / "one.csv", [incident_row("SJ1", *centre(A))])
    assert run(fresh, "incidents", csv_path, "--commit").exit_code == 0
    path = tmp_path / "grids.geojson"
    refused = run(fresh, "grids", path, "--commit")
    assert refused.exit_code == 1 and "--replace-all" in refused.output
    assert scalar(fresh, "select count(*) from incidents") == 1
    replaced = run(fresh, "grids", path, "--commit", "--replace-all")
    assert replaced.exit_code == 0, replaced.output
    assert scalar(fresh, "select count(*) from incidents") == 0
    assert scalar(fresh, "select count(*) from categories") > 0 and counts(fresh)[3] == 8


def test_gcj02_incidents_are_converted_within_a_metre(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    truth = [offset(A, 30, -20), offset(EDGE, -50, 60)]
    rows = []
    for i, (lon, lat) in enumerate(truth):
        g_lon, g_lat = wgs84_to_gcj02(lon, lat)
        rows.append(incident_row(f"GCJ{i}", g_lon, g_lat))
    path = write_csv(tmp_path / "gcj.csv", rows)
    result = run(fresh, "incidents", path, "--gcj02", "--commit")
    assert result.exit_code == 0, result.output
    assert "GCJ-02" in result.output
    for i, ((lon, lat), row) in enumerate(zip(truth, rows)):
        x = scalar(fresh, "select ST_X(geom) from incidents where source_code = :c", c=f"GCJ{i}")
        y = scalar(fresh, "select ST_Y(geom) from incidents where source_code = :c", c=f"GCJ{i}")
        expected = gcj02_to_wgs84(float(row["lon"]), float(row["lat"]))
        assert haversine_m(x, y, *expected) < 1.0
        assert haversine_m(x, y, lon, lat) < 1.0
    grid = "select g.code from incidents i join grids g on g.id = i.grid_id where i.source_code = :c"
    assert scalar(fresh, grid, c="GCJ0") == A and scalar(fresh, grid, c="GCJ1") == EDGE
    assert scalar(fresh, "select count(*) from incident_events") == 8
    assert scalar(fresh, "select deadline - dispatched_at from incidents where source_code = 'GCJ0'"
                  ).total_seconds() == 24 * 3600


def test_bad_incident_rows_are_each_named_and_nothing_is_written(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    lon, lat = centre(A)
    far = offset(A, -5000, 0)
    rows = [incident_row("OK1", lon, lat),
            incident_row("BAD2", lon, lat, reported_at="2025-13-45 08:00"),
            incident_row("BAD3", lon, lat, category_code="9999"),
            incident_row("BAD4", lon, lat, closed_at="yesterday", source="carrier pigeon"),
            incident_row("BAD5", *far),
            incident_row("BAD6", lon, lat, status="lost", accepted_at="2025-02-01 08:00")]
    path = write_csv(tmp_path / "bad.csv", rows)
    result = run(fresh, "incidents", path, "--commit")
    assert result.exit_code == 1
    out = result.output
    assert lines_with(out, "row 3", "BAD2", "bad date", "reported_at", "2025-13-45")
    assert lines_with(out, "row 4", "BAD3", "unknown category", "9999")
    assert lines_with(out, "row 5", "BAD4", "bad date", "closed_at", "yesterday")
    assert lines_with(out, "row 5", "BAD4", "unknown source", "carrier pigeon")
    assert lines_with(out, "row 6", "BAD5", "outside the district")
    assert lines_with(out, "row 7", "BAD6", "unknown status", "lost")
    assert lines_with(out, "row 7", "BAD6", "times out of order", "accepted_at")
    assert not lines_with(out, "row 2")
    assert scalar(fresh, "select count(*) from incidents") == 0


def test_incidents_get_our_code_and_keep_their_source_code(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    path = write_csv(tmp_path / "two.csv", [
        incident_row("I1", *centre(A)),
        # 23:30 on 1 June in Beijing: the code carries Beijing's day, not UTC's (31 May).
        incident_row("I2", *centre(B), status="reported", accepted_at="", dispatched_at="",
                     closed_at="", reported_at="2025-06-01 23:30")])
    assert run(fresh, "incidents", path, "--commit").exit_code == 0
    got = dict(scalar(fresh, "select json_object_agg(source_code, json_build_array(code, id, "
                             "source_system)) from incidents"))
    assert set(got) == {"I1", "I2"}
    for ref, day in (("I1", "20250301"), ("I2", "20250601")):
        code, ident, system = got[ref]
        assert PATTERN.fullmatch(code) and code == f"HQ{day}-{ident}" and system == "legacy"
    # The event log hangs off the new ids: 4 steps for I1 (reported..closed), 1 for I2.
    assert scalar(fresh, "select count(*) from incident_events") == 5


def test_incidents_reimported_twice_make_no_duplicate(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    path = write_csv(tmp_path / "two.csv", [incident_row("I1", *centre(A)),
                                            incident_row("I2", *centre(B), status="reported")])
    assert run(fresh, "incidents", path, "--commit").exit_code == 0
    codes = scalar(fresh, "select array_agg(code order by code) from incidents")
    events = scalar(fresh, "select count(*) from incident_events")
    for _ in range(2):
        again = run(fresh, "incidents", path, "--commit")
        assert again.exit_code == 0 and "inserted 0, skipped 2" in again.output, again.output
    assert scalar(fresh, "select array_agg(code order by code) from incidents") == codes
    assert scalar(fresh, "select count(*) from incident_events") == events
    # A file adding one case to the same old system's export brings only that one.
    grown = write_csv(tmp_path / "three.csv", [incident_row("I1", *centre(A)),
                                               incident_row("I2", *centre(B), status="reported"),
                                               incident_row("I3", *centre(B))])
    third = run(fresh, "incidents", grown, "--commit")
    assert third.exit_code == 0 and "inserted 1, skipped 2" in third.output, third.output
    # The same code from another old system is another case.
    other = run(fresh, "incidents", path, "--system", "12345热线", "--commit")
    assert other.exit_code == 0 and "inserted 2, skipped 0" in other.output, other.output
    assert scalar(fresh, "select count(*) from incidents where source_code = 'I1'") == 2
    assert scalar(fresh, "select count(distinct code) from incidents") == 5


def test_a_bad_row_names_file_row_problem_and_nothing_is_written(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    first = write_csv(tmp_path / "first.csv", [incident_row("K1", *centre(A))])
    assert run(fresh, "incidents", first, "--commit").exit_code == 0
    before = scalar(fresh, "select json_agg(json_build_array(id, code, source_code, status)) "
                           "from incidents")
    events = scalar(fresh, "select count(*) from incident_events")
    path = write_csv(tmp_path / "mixed.csv", [
        incident_row("K2", *centre(A)),
        incident_row("K3", *centre(B), category_code="9999"),
        incident_row("X" * 41, *centre(B))])
    result = run(fresh, "incidents", path, "--commit")
    assert result.exit_code == 1
    assert lines_with(result.output, "mixed.csv")
    assert lines_with(result.output, "row 3", "K3", "unknown category", "9999")
    assert lines_with(result.output, "row 4", "code")
    assert scalar(fresh, "select json_agg(json_build_array(id, code, source_code, status)) "
                         "from incidents") == before
    assert scalar(fresh, "select count(*) from incident_events") == events
    # Nothing reserved either: the next good import's id follows the first one.
    assert run(fresh, "incidents", first, "--system", "other", "--commit").exit_code == 0
    assert scalar(fresh, "select max(id) - min(id) from incidents") == 1


def test_residents_keep_no_id_number_in_clear(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    rows = [{"lon": f"{x:.8f}", "lat": f"{y:.8f}", "id_number": id_no, "name": name,
             "elderly_alone": flag, "sex": sex}
            for (x, y), id_no, name, flag, sex in (
                (centre(A), "120106199001011234", "张三丰", "否", ""),
                (centre(A), "12010619400202002X", "李四", "是", "女"),
                (centre(B), "120106201503030011", "王五", "maybe", "?"))]
    path = write_csv(tmp_path / "people.csv", rows)
    bad = run(fresh, "residents", path, "--commit")
    assert bad.exit_code == 1 and "120106199001011234" not in bad.output
    assert lines_with(bad.output, "row 4", "120106********0011", "elderly_alone", "maybe")
    assert lines_with(bad.output, "row 4", "sex", "'?'")
    assert scalar(fresh, "select count(*) from residents") == 0
    rows[2].update(elderly_alone="", sex="男")
    good = run(fresh, "residents", write_csv(path, rows), "--commit")
    assert good.exit_code == 0, good.output
    stored = scalar(fresh, "select string_agg(concat_ws('|', name_masked, age_band, sex, "
                           "elderly_alone), ';' order by id) from residents")
    assert stored == "张**|18-39|M|f;李*|80+|F|t;王*|0-17|M|f"
    clear = [r["id_number"] for r in rows]
    assert scalar(fresh, "select count(*) from residents where id_hash = any(:ids) "
                         "or name_masked = any(:names)", ids=clear,
                  names=[r["name"] for r in rows]) == 0
    assert scalar(fresh, "select id_hash from residents where name_masked = '李*'") == id_hash(
        clear[1], fresh.resident_hash_key)
    assert scalar(fresh, "select population from grids where code = :c", c=A) == 2


def test_cameras_owner_kind_and_unknown_owner(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    (x, y), (u, v) = centre(A), centre(EDGE)
    rows = [{"code": "CAM1", "kind": "幼儿园", "owner": "JYJ", "lon": x, "lat": y},
            {"code": "CAM2", "kind": "street", "owner": "测试002街道", "lon": u, "lat": v},
            {"code": "CAM3", "kind": "street", "owner": "no-such-office", "lon": u, "lat": v}]
    for row in rows:
        row["lon"], row["lat"] = f"{row['lon']:.8f}", f"{row['lat']:.8f}"
    path = write_csv(tmp_path / "cams.csv", rows)
    result = run(fresh, "cameras", path, "--commit")
    assert result.exit_code == 1
    assert lines_with(result.output, "row 4", "CAM3", "unknown owner", "no-such-office")
    good = run(fresh, "cameras", write_csv(path, rows[:2]), "--commit")
    assert good.exit_code == 0, good.output
    assert scalar(fresh, "select kind from cameras where code = 'CAM1'") == "kindergarten"
    assert scalar(fresh, "select s.code from cameras c join streets s "
                         "on s.id = c.owner_street_id where c.code = 'CAM2'") == "120106002"
    assert scalar(fresh, "select count(*) from cameras where grid_id is null") == 0


def test_projected_csv_needs_its_crs(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    point = gpd.GeoSeries(gpd.points_from_xy(*zip(centre(A))), crs="EPSG:4326").to_crs(
        "EPSG:4527")[0]
    rows = [{"code": "CAM9", "kind": "school", "owner": "JYJ", "x": f"{point.x:.2f}",
             "y": f"{point.y:.2f}"}]
    path = write_csv(tmp_path / "gk.csv", rows)
    wrong = run(fresh, "cameras", path, "--lon", "x", "--lat", "y")
    assert wrong.exit_code == 1
    assert lines_with(wrong.output, "row 2", "[CAM9]", "bad coordinates", "--crs")
    right = run(fresh, "cameras", path, "--lon", "x", "--lat", "y", "--crs", "EPSG:4527",
                "--commit")
    assert right.exit_code == 0, right.output
    assert "EPSG:4527" in right.output
    grid = "select g.code from cameras c join grids g on g.id = c.grid_id where c.code = 'CAM9'"
    assert scalar(fresh, grid) == A


def shown(components) -> str:
    """The text of built components, as the browser gets them."""
    return texts_in(json.loads(json.dumps(components, cls=plotly.utils.PlotlyJSONEncoder)))


def test_case_detail_shows_the_source_ref(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    path = write_csv(tmp_path / "one.csv", [incident_row("SJ-2024-0042", *centre(A))])
    assert run(fresh, "incidents", path, "--system", "老平台", "--commit").exit_code == 0
    ident = scalar(fresh, "select id from incidents where source_code = 'SJ-2024-0042'")
    engine = create_engine(fresh.sqlalchemy_url)
    with engine.connect() as conn:
        view = dict(incident_store.incident_detail(conn, ident))
    engine.dispose()
    assert view["source_code"] == "SJ-2024-0042" and view["source_system"] == "老平台"
    view.update(urgency="done", whistles=[], reporter_name=None)
    zh, en = (shown(incident_detail(view, lang, {})) for lang in ("zh", "en"))
    assert "来源编号" in zh and "SJ-2024-0042 · 老平台" in zh and view["code"] in zh
    assert "Source ref" in en and "SJ-2024-0042" in en
    # A case made here has no source ref, and no empty line for it.
    view.update(source_code=None, source_system=None)
    assert "来源编号" not in shown(incident_detail(view, "zh", {}))
