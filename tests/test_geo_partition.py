"""Tests for geo.partition, geo.density and geo.voronoi on the real Hongqiao outline."""

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.stats import spearmanr

from geo.crs import to_metric
from geo.density import density_mass, density_surface, sample_points
from geo.partition import (
    STREET_ANCHORS,
    STREET_NAMES,
    allocate_counts,
    partition_district,
    street_anchor_points,
)
from geo.topology import repair_fragments
from geo.validate import check_partition
from geo.voronoi import power_cells, power_labels

OUTLINE_PATH = Path(__file__).resolve().parents[1] / "data/reference/hongqiao_outline.geojson"
SEED = 20240601
COUNTS = (10, 123, 992)


def _metric_array(gdf):
    return np.asarray(to_metric(gdf.geometry).values, dtype=object)


def _polsby_popper(geoms):
    return 4.0 * np.pi * shapely.area(geoms) / shapely.length(geoms) ** 2


@pytest.fixture(scope="module")
def outline():
    return gpd.read_file(OUTLINE_PATH).geometry.iloc[0]


@pytest.fixture(scope="module")
def result(outline):
    start = time.perf_counter()
    streets, communities, grids = partition_district(outline, COUNTS, rng=SEED)
    return {"streets": streets, "communities": communities, "grids": grids,
            "seconds": time.perf_counter() - start}


def test_runs_within_budget(result):
    assert result["seconds"] < 20.0


def test_exact_counts_and_columns(result):
    streets, communities, grids = result["streets"], result["communities"], result["grids"]
    assert len(streets) == 10 and len(communities) == 123 and len(grids) == 992
    assert list(streets.street_idx) == list(range(10))
    assert list(communities.community_idx) == list(range(123))
    assert list(grids.grid_idx) == list(range(992))
    for gdf in (streets, communities, grids):
        assert gdf.crs.to_epsg() == 4326
        assert {"seq", "weight"} <= set(gdf.columns)
    assert [tuple(x) for x in streets[["name_zh", "name_en"]].values] == STREET_NAMES
    assert set(communities.street_idx) == set(range(10))
    assert set(grids.community_idx) == set(range(123))


def test_every_geometry_is_a_valid_single_part_multipolygon(result):
    for gdf in (result["streets"], result["communities"], result["grids"]):
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        assert (shapely.get_type_id(geoms) == 6).all()
        assert (shapely.get_num_geometries(geoms) == 1).all()
        assert shapely.is_valid(geoms).all()
        assert shapely.is_valid(_metric_array(gdf)).all()


def test_hierarchy_links_and_seq(result):
    communities, grids = result["communities"], result["grids"]
    street_of_comm = communities.set_index("community_idx").street_idx
    assert (grids.street_idx.values == street_of_comm.loc[grids.community_idx].values).all()
    assert communities.groupby("street_idx").size().min() >= 2
    for gdf, parent in ((communities, "street_idx"), (grids, "community_idx")):
        for _, group in gdf.groupby(parent):
            assert sorted(group.seq) == list(range(1, len(group) + 1))
    # Children are numbered contiguously within their parent, in parent order.
    assert (np.diff(grids.community_idx.values) >= 0).all()
    assert (np.diff(communities.street_idx.values) >= 0).all()


def test_levels_partition_their_parents_exactly(result, outline):
    streets, communities, grids = result["streets"], result["communities"], result["grids"]
    assert check_partition(grids, communities, "community_idx", "community_idx", 1e-6,
                           child_code="grid_idx") == []
    assert check_partition(communities, streets, "street_idx", "street_idx", 1e-6,
                           child_code="community_idx") == []
    district = gpd.GeoDataFrame({"district": [0]}, geometry=[outline], crs=4326)
    # The outline's own vertices are snap-rounded to a 1 micrometre grid, so the district
    # level is exact only to a few thousandths of a square metre.
    assert check_partition(streets.assign(district=0), district, "district", "district", 0.01,
                           child_code="street_idx") == []


def test_union_equals_outline(result, outline):
    union = shapely.union_all(_metric_array(result["grids"]))
    assert shapely.area(shapely.symmetric_difference(union, to_metric(outline))) < 1.0


def test_zero_overlap_and_shared_edges_identical(result):
    for key in ("streets", "communities", "grids"):
        geoms = np.asarray(result[key].geometry.values, dtype=object)
        # A valid coverage means neighbours share bit-identical edges in lon/lat.
        assert shapely.coverage_is_valid(geoms)
        metric = _metric_array(result[key])
        i, j = shapely.STRtree(metric).query(metric, predicate="intersects")
        keep = i < j
        overlap = shapely.area(shapely.intersection(metric[i[keep]], metric[j[keep]]))
        assert overlap.max() < 1e-6


def test_children_nest_in_parents_by_index(result):
    communities, grids = result["communities"], result["grids"]
    comm = _metric_array(communities)
    grid = _metric_array(grids)
    outside = shapely.area(shapely.difference(grid, comm[grids.community_idx.values]))
    assert outside.max() < 1e-6
    street = _metric_array(result["streets"])
    outside = shapely.area(shapely.difference(comm, street[communities.street_idx.values]))
    assert outside.max() < 1e-6


def test_grids_are_compact(result):
    pp = _polsby_popper(_metric_array(result["grids"]))
    assert np.median(pp) > 0.55
    assert pp.min() > 0.15


def test_denser_areas_get_smaller_cells(result):
    grids, streets = result["grids"], result["streets"]
    assert spearmanr(grids.area_m2, grids.weight / grids.area_m2)[0] < -0.5
    assert spearmanr(streets.area_m2, streets.weight / streets.area_m2)[0] < 0.0


def test_weights_add_up(result):
    streets, communities, grids = result["streets"], result["communities"], result["grids"]
    assert (grids.weight > 0).all()
    by_comm = grids.groupby("community_idx").weight.sum()
    assert np.allclose(by_comm.values, communities.weight.values)
    by_street = communities.groupby("street_idx").weight.sum()
    assert np.allclose(by_street.values, streets.weight.values)


def test_streets_sit_on_their_anchors(result, outline):
    anchors = street_anchor_points(to_metric(outline))
    streets = _metric_array(result["streets"])
    for k, (x, y) in enumerate(anchors):
        assert shapely.contains_xy(streets[k], x, y), STREET_NAMES[k]


def _wkb(gdf):
    return list(shapely.to_wkb(gdf.geometry.values))


def test_same_seed_is_byte_identical_and_other_seed_differs(result, outline):
    again = partition_district(outline, COUNTS, rng=np.random.default_rng(SEED))
    for old, new in zip((result["streets"], result["communities"], result["grids"]), again):
        assert _wkb(old) == _wkb(new)
        assert old.drop(columns="geometry").equals(new.drop(columns="geometry"))
    other = partition_district(outline, COUNTS, rng=SEED + 1)
    assert _wkb(other[2]) != _wkb(result["grids"])


def test_allocate_counts_is_exact_and_proportional():
    counts = allocate_counts(123, [5.0, 1.0, 1.0, 3.0, 0.01], minimum=2)
    assert counts.sum() == 123 and counts.min() >= 2
    assert counts[4] == 2
    assert counts[0] > counts[3] > counts[1]
    assert list(allocate_counts(10, [1, 1, 1])) == [4, 3, 3]
    assert allocate_counts(992, np.arange(1, 124)).sum() == 992
    assert list(allocate_counts(7, [0, 0, 0])) == [3, 2, 2]
    with pytest.raises(ValueError):
        allocate_counts(3, [1, 1], minimum=2)


def test_density_surface_shape(outline):
    metric = to_metric(outline)
    dens = density_surface(metric, 7)
    assert 6 <= len(dens.centers) <= 10
    assert shapely.contains_xy(metric, dens.centers[:, 0], dens.centers[:, 1]).all()
    x0, y0, x1, y1 = metric.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 80), np.linspace(y0, y1, 60))
    values = dens(gx, gy)
    assert (values > 0).all()
    assert values.max() <= dens.upper_bound(metric.bounds)
    bg = dens.base * np.exp(dens.gradient * dens._u(np.array([x1, x0]), np.array([y0, y1])))
    assert bg[0] > 2 * bg[1]  # south-east background is denser than north-west
    again = density_surface(metric, 7)
    assert np.array_equal(again(gx, gy), values)


def test_sample_points_follow_density():
    square = shapely.box(0.0, 0.0, 1000.0, 1000.0)

    def east_heavy(x, y):
        return np.where(np.asarray(x) > 500.0, 3.0, 1.0)

    pts = sample_points(square, 20000, east_heavy, np.random.default_rng(1))
    assert pts.shape == (20000, 2)
    assert shapely.contains_xy(square, pts[:, 0], pts[:, 1]).all()
    share_east = np.mean(pts[:, 0] > 500.0)
    assert abs(share_east - 0.75) < 0.02
    again = sample_points(square, 20000, east_heavy, np.random.default_rng(1))
    assert np.array_equal(pts, again)


def test_density_mass_integrates(outline):
    square = shapely.box(510000.0, 4335000.0, 511000.0, 4336000.0)
    mass = density_mass([square], lambda x, y: np.full(np.shape(x), 20000.0))
    assert mass[0] == pytest.approx(20000.0)
    assert len(STREET_ANCHORS) == len(STREET_NAMES) == 10


def test_small_partition_of_a_plain_square():
    square_wgs = shapely.box(117.10, 39.15, 117.13, 39.17)
    anchors = [(0.2, 0.2), (0.8, 0.3), (0.5, 0.8)]
    streets, communities, grids = partition_district(square_wgs, (3, 7, 25), rng=5,
                                                     anchors=anchors)
    assert (len(streets), len(communities), len(grids)) == (3, 7, 25)
    assert check_partition(grids, communities, "community_idx", "community_idx", 1e-6,
                           child_code="grid_idx") == []
    union = shapely.union_all(_metric_array(streets))
    assert shapely.area(shapely.symmetric_difference(union, to_metric(square_wgs))) < 0.01
    with pytest.raises(ValueError):
        partition_district(square_wgs, (4, 7, 25), rng=5, anchors=anchors)


def test_power_diagram_cells_match_labels():
    rng = np.random.default_rng(3)
    seeds = rng.uniform(0, 1000, (6, 2))
    weights = rng.uniform(-5e4, 5e4, 6)
    frame = shapely.box(0, 0, 1000, 1000)
    cells = power_cells(seeds, weights, frame)
    assert shapely.area(shapely.intersection(shapely.union_all(cells), frame)) == pytest.approx(1e6)
    pts = rng.uniform(0, 1000, (500, 2))
    labels = power_labels(pts, seeds, weights)
    inside = shapely.contains_xy(cells[labels], pts[:, 0], pts[:, 1])
    assert inside.mean() > 0.99  # points on a boundary may count for either side


def test_repair_fragments_moves_stray_piece_to_longest_neighbour():
    faces = np.array([shapely.box(0, 0, 1, 3), shapely.box(1, 0, 3, 1), shapely.box(1, 1, 3, 3),
                      shapely.box(3, 0.5, 4, 3)], dtype=object)
    # Label 0 owns faces 0 and 3, which do not touch. Face 3 is the smaller piece; it shares
    # 0.5 of edge with face 1 and 2.0 with face 2, so it joins label 2.
    label = np.array([0, 1, 2, 0])
    repaired = repair_fragments(faces, label, np.zeros(4, int))
    assert list(repaired) == [0, 1, 2, 2]
