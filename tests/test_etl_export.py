"""Export to GeoJSON/GeoPackage from the real database, and the round trip back in."""
import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from tests.import_helpers import (  # noqa: F401 - fixtures
    centre,
    execute,
    fresh,
    grid_code,
    grid_layer,
    import_settings,
    incident_row,
    load_grids,
    run,
    scalar,
    write_csv,
)

A = grid_code(1, 1, 1)


def stored_grids(settings) -> dict:
    rows = scalar(settings, "select json_object_agg(code, ST_AsText(geom)) from grids")
    return {code: shapely.from_wkt(wkt) for code, wkt in rows.items()}


def test_grids_round_trip_through_geojson(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    before = stored_grids(fresh)
    out = tmp_path / "out" / "grids.geojson"
    result = run(fresh, "export", "grids", "--out", out)
    assert result.exit_code == 0, result.output
    layer = gpd.read_file(out, engine="pyogrio")
    assert layer.crs.to_epsg() == 4326 and len(layer) == 8
    assert {"code", "name_zh", "street_name", "community_name"} <= set(layer.columns)
    again = run(fresh, "grids", out, "--derive-parents", "--commit")
    assert again.exit_code == 0, again.output
    after = stored_grids(fresh)
    assert before.keys() == after.keys()
    assert all(before[c].equals_exact(after[c], 1e-9) for c in before)
    assert scalar(fresh, "select name_zh from communities where code = '120106001002'") \
        == "测试002社区"
    assert scalar(fresh, "select name_zh from streets where code = '120106002'") == "测试002街道"


def test_all_levels_go_to_one_geopackage_and_back(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    out = tmp_path / "hongqiao.gpkg"
    result = run(fresh, "export", "all", "--format", "gpkg", "--out", out)
    assert result.exit_code == 0, result.output
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"districts", "streets", "communities", "grids"}
    assert all(kind == "MultiPolygon" for kind in layers.values())
    assert len(gpd.read_file(out, layer="communities", engine="pyogrio")) == 4
    # Each level's own layer imports again, top down; the default layer is the level's.
    for level in ("street", "community", "grid"):
        step = run(fresh, "grids", out, "--level", level, "--commit")
        assert step.exit_code == 0, step.output
    assert scalar(fresh, "select count(*) from grids") == 8
    refused = run(fresh, "export", "all", "--format", "geojson", "--out", tmp_path / "x.json")
    assert refused.exit_code == 2 and "gpkg" in refused.output


def test_incidents_and_cameras_round_trip(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    rows = [incident_row("E1", *centre(A)),
            incident_row("E2", *centre(A), status="reported", accepted_at="",
                         dispatched_at="", closed_at="", reported_at="2025-06-01 23:30")]
    assert run(fresh, "incidents", write_csv(tmp_path / "i.csv", rows), "--commit").exit_code == 0
    cams = [{"code": "C1", "kind": "school", "owner": "JYJ", "lon": rows[0]["lon"],
             "lat": rows[0]["lat"]}]
    assert run(fresh, "cameras", write_csv(tmp_path / "c.csv", cams), "--commit").exit_code == 0
    before = scalar(fresh, "select json_agg(json_build_array(code, reported_at, status, "
                           "ST_AsText(geom)) order by code) from incidents")
    out = tmp_path / "incidents.geojson"
    assert run(fresh, "export", "incidents", "--out", out).exit_code == 0
    exported = gpd.read_file(out, engine="pyogrio")
    # GDAL reads the text back as a time with its offset: local time, not shifted to UTC.
    stamp = pd.Timestamp(exported["reported_at"].iloc[1])
    assert exported["source_code"].tolist() == ["E1", "E2"]
    assert stamp.isoformat() == "2025-06-01T23:30:00+08:00"
    same = run(fresh, "incidents", out, "--commit")
    assert same.exit_code == 0 and "inserted 0, skipped 2" in same.output
    execute(fresh, "truncate incidents cascade")
    back = run(fresh, "incidents", out, "--commit")
    assert back.exit_code == 0, back.output
    # Read back into an empty table the cases get new ids, so new codes of ours; the
    # exported code is what they are known by in the file, their source ref.
    assert scalar(fresh, "select json_agg(json_build_array(source_code, reported_at, status, "
                         "ST_AsText(geom)) order by source_code) from incidents") == before
    assert scalar(fresh, "select bool_and(code ~ '^HQ[0-9]{8}-[0-9]+$' and code <> source_code)"
                         " from incidents")
    cam_out = tmp_path / "cameras.gpkg"
    assert run(fresh, "export", "cameras", "--out", cam_out).exit_code == 0
    assert gpd.read_file(cam_out, engine="pyogrio")["owner"].tolist() == ["JYJ"]
