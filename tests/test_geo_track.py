"""Fix plausibility: range, time window, district envelope, walking speed; patrol lattice walks."""
import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import track
from geo.crs import to_metric
from geo.patrol import LatticeWalker, lattice_walk, street_lattice, to_lonlat

SQUARE = shapely.box(117.10, 39.15, 117.11, 39.16)
METRE_LAT = 1 / 111_195.0


def test_haversine_knows_a_degree_of_latitude():
    assert track.haversine_m(117.0, 39.0, 117.0, 40.0) == pytest.approx(111_195, rel=1e-3)
    assert np.allclose(track.haversine_m([117, 117], [39, 39], [117, 117], [39, 39]), 0)


@pytest.mark.parametrize("lon,lat,ok", [
    (117.1, 39.1, True), (180, 90, True), (-180, -90, True), (181, 39, False),
    (117, 90.01, False), (math.nan, 39, False), (math.inf, 39, False),
])
def test_coordinates_must_be_on_the_earth(lon, lat, ok):
    assert track.in_lonlat_range(lon, lat) is ok


def test_range_check_is_vectorised():
    assert track.in_lonlat_range([117, 200], [39, 39]).tolist() == [True, False]


@pytest.mark.parametrize("offset,expected", [
    (0, None), (299, None), (301, "future"), (-7 * 86400 + 1, None), (-7 * 86400 - 1, "stale"),
])
def test_time_window_is_five_minutes_ahead_and_seven_days_back(offset, expected):
    now = 1_800_000_000.0
    assert track.time_problem(now + offset, now) == expected


def test_implied_speed_forgives_the_slack():
    lat1 = 39.0 + 100 * METRE_LAT
    assert track.implied_speed_mps(117, 39, 0, 117, lat1, 10, slack_m=0) == pytest.approx(10, rel=1e-2)
    assert track.implied_speed_mps(117, 39, 0, 117, lat1, 10, slack_m=50) == pytest.approx(5, rel=2e-2)
    assert track.implied_speed_mps(117, 39, 0, 117, lat1, 10, slack_m=200) == 0
    assert track.implied_speed_mps(117, 39, 5, 117, lat1, 5) == math.inf


def walk(speed_mps, n=10, dt=10.0):
    t = np.arange(n) * dt
    return np.full(n, 117.105), 39.15 + speed_mps * t * METRE_LAT, t


def test_a_walk_is_plausible_and_a_car_is_not():
    assert track.plausible_walk(*walk(1.4)).all()
    assert track.plausible_walk(*walk(6.0)).all()        # a bicycle
    assert not track.plausible_walk(*walk(20.0))[1:].any()  # a car: every move too fast


def test_one_wild_fix_does_not_condemn_the_honest_ones_after_it():
    lon, lat, t = walk(1.2)
    lat[4] += 2000 * METRE_LAT
    ok = track.plausible_walk(lon, lat, t)
    assert ok.tolist() == [True] * 4 + [False] + [True] * 5


def test_the_previous_fix_counts_and_accuracy_widens_the_slack():
    lon, lat, t = walk(1.0, n=1)
    far = (117.105, 39.15 - 400 * METRE_LAT, -10.0)   # 400 m away, 10 s earlier
    assert not track.plausible_walk(lon, lat, t, start=far)[0]
    assert track.plausible_walk(lon, lat, t, accuracy=[400.0], start=far)[0]
    assert track.plausible_walk(lon, lat, t, start=far + (400.0,))[0]        # its accuracy
    assert not track.plausible_walk(lon, lat, t, start=far + (math.nan,))[0]


@settings(max_examples=60, deadline=None)
@given(speeds=st.lists(st.floats(0, 10), min_size=2, max_size=30),
       dts=st.lists(st.floats(1, 120), min_size=30, max_size=30),
       headings=st.lists(st.floats(0, 2 * math.pi), min_size=30, max_size=30))
def test_any_walk_or_ride_below_the_limit_passes(speeds, dts, headings):
    n = len(speeds)
    dt, heading = np.array(dts[:n]), np.array(headings[:n])
    step = np.array(speeds) * dt
    north, east = np.cumsum(step * np.cos(heading)), np.cumsum(step * np.sin(heading))
    lat = 39.15 + north * METRE_LAT
    lon = 117.105 + east * METRE_LAT / math.cos(math.radians(39.15))
    assert track.plausible_walk(lon, lat, np.cumsum(dt)).all()


def test_the_district_envelope_has_a_few_hundred_metres_of_tolerance():
    envelope = track.district_envelope(SQUARE, buffer_m=500)
    east = 117.11 + 300 * METRE_LAT / math.cos(math.radians(39.155))
    far_east = 117.11 + 1000 * METRE_LAT / math.cos(math.radians(39.155))
    assert track.inside_envelope(envelope, 117.105, 39.155)
    assert track.inside_envelope(envelope, east, 39.155)
    assert not track.inside_envelope(envelope, far_east, 39.155)
    assert track.inside_envelope(envelope, [117.105, far_east], [39.155, 39.155]).tolist() == [True, False]
    assert track.inside_envelope(None, 0.0, 0.0)


GRID_METRIC = to_metric(SQUARE)


def test_lattice_walk_stays_inside_at_walking_pace():
    x, y, t = lattice_walk(GRID_METRIC, 0, 3600, 10, np.random.default_rng(7))
    assert len(x) == 360 and np.allclose(np.diff(t), 10)
    assert shapely.contains_xy(GRID_METRIC, x, y).all()
    steps = np.hypot(np.diff(x), np.diff(y))
    assert steps.max() <= 1.2 * 1.2 * 10 + 1e-6
    assert steps.sum() > 1000      # it really walks, between stops at doors
    assert len({(round(a), round(b)) for a, b in zip(x, y)}) > 50


def test_lattice_walk_is_seeded():
    a = lattice_walk(GRID_METRIC, 0, 600, 10, np.random.default_rng(1))
    b = lattice_walk(GRID_METRIC, 0, 600, 10, np.random.default_rng(1))
    c = lattice_walk(GRID_METRIC, 0, 600, 10, np.random.default_rng(2))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_lattice_follows_the_grid_and_turns_rarely_back():
    nodes, neighbours = street_lattice(GRID_METRIC, np.random.default_rng(3))
    assert len(nodes) > 100 and all(1 <= len(n) <= 4 for n in neighbours)
    d = [np.hypot(*(nodes[a] - nodes[b])) for a, ns in enumerate(neighbours) for b in ns]
    assert np.allclose(d, 40.0)


@pytest.mark.parametrize("polygon", [
    shapely.box(0, 0, 12, 8),                                   # smaller than one block
    shapely.Polygon([(0, 0), (100, 0), (0, 3)]),                # a sliver: one node
    shapely.MultiPolygon([shapely.box(0, 0, 50, 50), shapely.box(100, 0, 300, 200)]),
])
def test_awkward_grids_still_give_a_walk_inside(polygon):
    x, y, _ = lattice_walk(polygon, 0, 300, 10, np.random.default_rng(0))
    assert len(x) == 30 and shapely.contains_xy(polygon.buffer(1e-6), x, y).all()


def test_walker_advances_piecewise_and_to_lonlat_returns_degrees():
    walker = LatticeWalker(GRID_METRIC, np.random.default_rng(5), dwell_probability=0)
    start = walker.position
    end = walker.advance(30)
    assert np.hypot(end[0] - start[0], end[1] - start[1]) <= 1.2 * 1.2 * 30 + 1e-6
    lon, lat = to_lonlat([end[0]], [end[1]])
    assert shapely.contains_xy(SQUARE, lon, lat).all()


def test_a_patrol_adds_up_to_its_distance_time_and_beat_coverage():
    import shapely

    from geo.patrol_figures import patrol_summary

    beat = shapely.box(117.150, 39.170, 117.152, 39.172)          # about 170 m x 220 m
    walk = patrol_summary([117.1505, 117.1515, 117.1515], [39.1705, 39.1705, 39.1715],
                          [0, 60, 120], [beat])
    assert 190 < walk["distance_m"] < 205 and walk["minutes"] == 2.0
    assert 0.1 < walk["coverage"] < 0.5
    # A silence longer than five minutes is a break: neither walked nor patrol time.
    broken = patrol_summary([117.1505, 117.1515], [39.1705, 39.1705], [0, 3600], [beat])
    assert broken["distance_m"] == 0 and broken["minutes"] == 0
    assert patrol_summary([], [], [], [beat]) == {"distance_m": 0.0, "minutes": 0.0,
                                                  "coverage": 0.0}
    assert patrol_summary([117.15], [39.17], [0])["coverage"] is None
