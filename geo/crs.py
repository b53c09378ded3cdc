"""Coordinate reference systems: WGS84/UTM 50N reprojection and GCJ-02 (Mars) conversion."""

import numpy as np
import pyproj
import shapely

WGS84 = "EPSG:4326"
METRIC = "EPSG:32650"
CGCS2000 = "EPSG:4490"

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 obfuscation formula.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# The inverse is a contraction with factor ~1e-5, so a handful of steps reach 1e-12 degrees;
# the cap only guards against non-finite input.
_INVERSE_TOL_DEG = 1e-12
_INVERSE_MAX_ITER = 30


def _transform_geometry(geom, source, target):
    """Reproject shapely geometry (or array of them) vertex by vertex."""
    transformer = pyproj.Transformer.from_crs(source, target, always_xy=True)

    def _apply(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


def _reproject(obj, target):
    """Reproject a GeoDataFrame/GeoSeries via .to_crs, or a WGS84/metric shapely geometry."""
    if hasattr(obj, "to_crs"):
        if obj.crs is None:
            # Undeclared CRS: the project's convention is that raw data is WGS84.
            obj = obj.set_crs(WGS84)
        return obj.to_crs(target)
    source = METRIC if target == WGS84 else WGS84
    return _transform_geometry(obj, source, target)


def to_metric(geom_or_gdf):
    """Reproject WGS84 data to the metric CRS (UTM 50N).

    Parameters
    ----------
    geom_or_gdf : shapely geometry, array of geometries, GeoSeries or GeoDataFrame
        Shapely input is taken to be WGS84 lon/lat; geopandas input uses its own CRS
        (WGS84 if undeclared).

    Returns
    -------
    Same type as the input, in ``METRIC`` coordinates (metres).
    """
    return _reproject(geom_or_gdf, METRIC)


def to_wgs84(geom_or_gdf):
    """Reproject metric (UTM 50N) data to WGS84 lon/lat.

    Parameters
    ----------
    geom_or_gdf : shapely geometry, array of geometries, GeoSeries or GeoDataFrame
        Shapely input is taken to be in ``METRIC``; geopandas input uses its own CRS.

    Returns
    -------
    Same type as the input, in ``WGS84`` coordinates (degrees).
    """
    return _reproject(geom_or_gdf, WGS84)


def _out_of_china(lon, lat):
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta_lat(x, y):
    d = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return d


def _delta_lon(x, y):
    d = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return d


def _gcj_offset(lon, lat):
    """GCJ-02 offset (dlon, dlat) in degrees at WGS84 (lon, lat), ignoring the China mask."""
    dlat = _delta_lat(lon - 105.0, lat - 35.0)
    dlon = _delta_lon(lon - 105.0, lat - 35.0)
    radlat = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _as_output(lon, lat, scalar):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """Convert WGS84 coordinates to GCJ-02 ("Mars") coordinates.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS84 longitude and latitude in degrees (broadcastable shapes).

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02: floats for scalar input, else float arrays. Points outside
        China pass through unchanged, as the published formula prescribes.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    dlon, dlat = _gcj_offset(lon, lat)
    outside = _out_of_china(lon, lat)
    out_lon = np.where(outside, lon, lon + dlon)
    out_lat = np.where(outside, lat, lat + dlat)
    return _as_output(out_lon, out_lat, scalar)


def gcj02_to_wgs84(lon, lat):
    """Convert GCJ-02 coordinates back to WGS84 by fixed-point iteration.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees (broadcastable shapes).

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS84, accurate to better than 1e-9 degrees (the forward formula
        applied to the result reproduces the input). Points outside China pass through.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    g_lon, g_lat = np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_INVERSE_MAX_ITER):
        dlon, dlat = _gcj_offset(w_lon, w_lat)
        err_lon = w_lon + dlon - g_lon
        err_lat = w_lat + dlat - g_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        worst = max(np.max(np.abs(err_lon), initial=0.0), np.max(np.abs(err_lat), initial=0.0))
        if worst < _INVERSE_TOL_DEG:
            break
    outside = _out_of_china(g_lon, g_lat)
    return _as_output(np.where(outside, g_lon, w_lon), np.where(outside, g_lat, w_lat), scalar)


def geometry_gcj02_to_wgs84(geom):
    """Convert a shapely geometry (or array of geometries) from GCJ-02 to WGS84.

    Parameters
    ----------
    geom : shapely.Geometry or array_like of geometries
        Geometry with GCJ-02 lon/lat coordinates.

    Returns
    -------
    Same type as the input, with every vertex converted by :func:`gcj02_to_wgs84`.
    """
    def _apply(coords):
        lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _apply)
