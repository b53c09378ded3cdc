"""Tests for geo.validate.check_partition on crafted problem layers."""

import geopandas as gpd
import pytest
import shapely

from geo.crs import METRIC, to_wgs84
from geo.validate import check_partition

X0, Y0 = 510_000.0, 4_335_000.0  # a spot in Hongqiao, UTM 50N


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def layer(codes, parents, geoms, crs=METRIC):
    return gpd.GeoDataFrame({"code": codes, "parent": parents}, geometry=geoms, crs=crs)


def parents_layer(codes, geoms, crs=METRIC):
    return gpd.GeoDataFrame({"pcode": codes}, geometry=geoms, crs=crs)


def kinds(problems):
    return sorted(p["kind"] for p in problems)


@pytest.fixture
def two_parents():
    return parents_layer(["P1", "P2"], [box(0, 0, 100, 100), box(100, 0, 200, 100)])


def test_clean_partition_has_no_problems(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 50, 100), box(50, 0, 100, 100), box(100, 0, 200, 100)])
    assert check_partition(kids, two_parents, "pcode", "parent") == []


def test_overlapping_squares_report_area(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 60, 100), box(40, 0, 100, 100), box(100, 0, 200, 100)])
    problems = check_partition(kids, two_parents, "pcode", "parent")
    assert kinds(problems) == ["overlap"]
    assert problems[0]["codes"] == ["a", "b"]
    assert problems[0]["area_m2"] == pytest.approx(2000.0)


def test_gap_is_reported_with_area(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 50, 100), box(60, 0, 100, 100), box(100, 0, 200, 100)])
    problems = check_partition(kids, two_parents, "pcode", "parent")
    assert kinds(problems) == ["gap"]
    assert problems[0]["codes"] == ["P1"]
    assert problems[0]["area_m2"] == pytest.approx(1000.0)


def test_child_sticking_out_of_its_parent(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 50, 100), box(50, 0, 120, 100), box(120, 0, 200, 100)])
    problems = check_partition(kids, two_parents, "pcode", "parent")
    assert kinds(problems) == ["across_parent", "gap", "outside_parent"]
    by_kind = {p["kind"]: p for p in problems}
    assert by_kind["outside_parent"]["codes"] == ["b", "P1"]
    assert by_kind["outside_parent"]["area_m2"] == pytest.approx(2000.0)
    assert by_kind["across_parent"]["codes"] == ["b", "P2"]
    assert by_kind["across_parent"]["area_m2"] == pytest.approx(2000.0)
    assert by_kind["gap"]["codes"] == ["P2"]


def test_child_outside_every_parent():
    parents = parents_layer(["P1"], [box(0, 0, 100, 100)])
    kids = layer(["a", "b"], ["P1", "P1"], [box(0, 0, 100, 100), box(0, 150, 10, 160)])
    problems = check_partition(kids, parents, "pcode", "parent")
    assert kinds(problems) == ["outside_parent"]
    assert problems[0]["area_m2"] == pytest.approx(100.0)


def test_bow_tie_is_invalid_with_reason():
    parents = parents_layer(["P1"], [box(0, 0, 100, 100)])
    corners = [(0, 0), (100, 100), (100, 0), (0, 100), (0, 0)]
    bow_tie = shapely.Polygon([(X0 + x, Y0 + y) for x, y in corners])
    kids = layer(["a"], ["P1"], [bow_tie])
    problems = check_partition(kids, parents, "pcode", "parent")
    invalid = [p for p in problems if p["kind"] == "invalid"]
    assert len(invalid) == 1 and invalid[0]["codes"] == ["a"]
    assert "Self-intersection" in invalid[0]["detail"]
    # The repaired bow tie covers only half the square, so the gap shows as well.
    assert "gap" in kinds(problems)


def test_duplicate_codes(two_parents):
    kids = layer(["a", "a", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 50, 100), box(50, 0, 100, 100), box(100, 0, 200, 100)])
    problems = check_partition(kids, two_parents, "pcode", "parent")
    assert kinds(problems) == ["duplicate_code"]
    assert problems[0]["codes"] == ["a"]


def test_empty_geometry_and_missing_parent(two_parents):
    kids = layer(["a", "b", "c", "d"], ["P1", "P1", "P2", "P9"],
                 [box(0, 0, 50, 100), box(50, 0, 100, 100), shapely.Polygon(),
                  box(300, 0, 310, 10)])
    problems = check_partition(kids, two_parents, "pcode", "parent")
    assert kinds(problems) == ["empty", "gap", "outside_parent"]
    assert {p["kind"]: p["codes"] for p in problems}["empty"] == ["c"]


def test_tolerance_and_wgs84_input(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 50.005, 100), box(50, 0, 100, 100), box(100, 0, 200, 100)])
    # The 0.5 m^2 overlap is below the default 1 m^2 tolerance but above a strict one.
    assert check_partition(kids, two_parents, "pcode", "parent") == []
    wgs_kids = kids.set_geometry(to_wgs84(kids.geometry))
    wgs_parents = two_parents.set_geometry(to_wgs84(two_parents.geometry))
    strict = check_partition(wgs_kids, wgs_parents, "pcode", "parent", tolerance_m2=0.1)
    assert kinds(strict) == ["overlap"]
    assert strict[0]["area_m2"] == pytest.approx(0.5, rel=1e-3)


def test_problem_dict_shape(two_parents):
    kids = layer(["a", "b", "c"], ["P1", "P1", "P2"],
                 [box(0, 0, 60, 100), box(40, 0, 100, 100), box(100, 0, 200, 100)])
    (problem,) = check_partition(kids, two_parents, "pcode", "parent", child_code="code")
    assert set(problem) == {"kind", "codes", "area_m2", "detail"}
    assert isinstance(problem["area_m2"], float) and isinstance(problem["detail"], str)
