"""Tests for geo.crs: reprojection helpers and the GCJ-02 conversion."""

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from geo.crs import (
    METRIC,
    WGS84,
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    to_metric,
    to_wgs84,
    wgs84_to_gcj02,
)

GEOD = pyproj.Geod(ellps="WGS84")

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat): the first three from the test suite of
# googollee/eviltransform (Shanghai, Shenzhen, Beijing), the last from the example in
# wandergis/coordtransform (test/app.js).
KNOWN_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]


def _metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize("wlon, wlat, glon, glat", KNOWN_PAIRS)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert _metres(lon, lat, glon, glat) < 1.0


@pytest.mark.parametrize("wlon, wlat, glon, glat", KNOWN_PAIRS)
def test_inverse_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat) < 1.0


def test_tiananmen_offset_magnitude_and_direction():
    lon, lat = wgs84_to_gcj02(116.391275, 39.907)
    az, _, dist = GEOD.inv(116.391275, 39.907, lon, lat)
    assert 500.0 < dist < 700.0
    # Around Beijing the published offset points east-north-east.
    assert lon > 116.391275 and lat > 39.907
    assert 45.0 < az < 90.0


def test_round_trip_over_tianjin_grid():
    lon, lat = np.meshgrid(np.linspace(116.9, 117.5, 61), np.linspace(38.9, 39.4, 51))
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == lon.shape
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(back_lon - lon)) < 1e-7
    assert np.max(np.abs(back_lat - lat)) < 1e-7


def test_inverse_is_iterated_not_one_step():
    glon, glat = np.meshgrid(np.linspace(117.0, 117.3, 20), np.linspace(39.0, 39.3, 20))
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    again_lon, again_lat = wgs84_to_gcj02(wlon, wlat)
    # The one-step approximation is only good to ~1e-5 degrees; iteration reaches 1e-9.
    assert np.max(np.abs(again_lon - glon)) < 1e-9
    assert np.max(np.abs(again_lat - glat)) < 1e-9


@pytest.mark.parametrize("lon, lat", [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688),
                                      (139.6917, 56.5)])
def test_out_of_china_passes_through(lon, lat):
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_arrays_and_scalars_agree():
    lon = np.array([117.1, 117.2, 2.35, 121.5272106])
    lat = np.array([39.1, 39.15, 48.85, 31.1774276])
    glon, glat = wgs84_to_gcj02(lon, lat)
    for i in range(len(lon)):
        s_lon, s_lat = wgs84_to_gcj02(float(lon[i]), float(lat[i]))
        assert isinstance(s_lon, float) and isinstance(s_lat, float)
        assert s_lon == glon[i] and s_lat == glat[i]
    assert (glon[2], glat[2]) == (2.35, 48.85)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    for i in range(len(lon)):
        assert gcj02_to_wgs84(float(glon[i]), float(glat[i])) == (wlon[i], wlat[i])


def test_geometry_conversion_applies_inverse_per_vertex():
    gcj = shapely.Polygon([(117.12, 39.15), (117.14, 39.15), (117.14, 39.17), (117.12, 39.15)])
    wgs = geometry_gcj02_to_wgs84(gcj)
    expected = np.column_stack(gcj02_to_wgs84(*shapely.get_coordinates(gcj).T))
    assert np.array_equal(shapely.get_coordinates(wgs), expected)
    assert wgs.is_valid


def test_to_metric_and_back():
    point = shapely.Point(117.15, 39.17)
    metric = to_metric(point)
    assert 500_000 < metric.x < 520_000 and 4_330_000 < metric.y < 4_340_000
    back = to_wgs84(metric)
    assert abs(back.x - 117.15) < 1e-9 and abs(back.y - 39.17) < 1e-9
    gdf = gpd.GeoDataFrame(geometry=[point], crs=WGS84)
    assert to_metric(gdf).crs == pyproj.CRS(METRIC)
    assert to_metric(gdf).geometry.iloc[0].equals_exact(metric, 1e-6)
    assert to_wgs84(to_metric(gdf)).crs == pyproj.CRS(WGS84)
