"""Plausibility of GPS fixes: coordinate range, time window, district envelope, walking speed."""

from __future__ import annotations

import math

import numpy as np
import shapely

from geo.crs import to_metric, to_wgs84

EARTH_RADIUS_M = 6371008.8
# Faster than a hurried cyclist (e-bikes are limited to 25 km/h = 6.9 m/s in China); a grid
# worker's phone reporting more than this is on a bus or car, or the fix is wrong.
MAX_SPEED_MPS = 12.0
# Two honest fixes can disagree by their accuracy radii plus urban-canyon multipath; only
# movement beyond this slack counts towards the implied speed.
SPEED_SLACK_M = 30.0
FUTURE_TOLERANCE_S = 300.0
MAX_AGE_S = 7 * 86400.0
DISTRICT_BUFFER_M = 500.0
KNOT_MPS = 1852.0 / 3600.0


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres between WGS84 points (vectorised).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array_like
        Degrees; shapes broadcast.

    Returns
    -------
    float or numpy.ndarray
        Metres.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, float) - np.asarray(lon1, float))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def in_lonlat_range(lon, lat):
    """True where a coordinate pair is finite and on the Earth.

    Parameters
    ----------
    lon, lat : float or array_like
        Degrees.

    Returns
    -------
    bool or numpy.ndarray of bool
    """
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        # The ingest path checks one fix at a time: plain floats are ten times faster.
        return (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180
                and abs(lat) <= 90)
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)


def time_problem(t, now, future_s=FUTURE_TOLERANCE_S, max_age_s=MAX_AGE_S):
    """Say whether a fix time is acceptable: None, "future" or "stale".

    Parameters
    ----------
    t, now : float
        Epoch seconds of the fix and of the server clock.
    future_s : float
        How far ahead of the server clock a phone clock may run.
    max_age_s : float
        How old a buffered fix may be.

    Returns
    -------
    str or None
    """
    if t > now + future_s:
        return "future"
    if t < now - max_age_s:
        return "stale"
    return None


def _haversine_scalar(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def implied_speed_mps(lon0, lat0, t0, lon1, lat1, t1, slack_m=SPEED_SLACK_M):
    """Speed needed to move between two fixes, after forgiving ``slack_m`` of noise.

    Parameters
    ----------
    lon0, lat0, t0, lon1, lat1, t1 : float or array_like
        Degrees and epoch seconds of the earlier and later fix.
    slack_m : float or array_like
        Distance that needs no explanation (accuracy radii, multipath).

    Returns
    -------
    float or numpy.ndarray
        Metres per second; 0 when within the slack; infinite when the times coincide
        but the places do not.
    """
    distance = np.maximum(haversine_m(lon0, lat0, lon1, lat1) - slack_m, 0.0)
    dt = np.abs(np.asarray(t1, float) - np.asarray(t0, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(distance > 0, distance / dt, 0.0)
    return speed if np.ndim(speed) else float(speed)


def plausible_walk(lon, lat, t, accuracy=None, start=None, max_speed_mps=MAX_SPEED_MPS,
                   slack_m=SPEED_SLACK_M):
    """Mark the fixes a person on foot or bicycle could have produced.

    Each fix is compared with the last fix that passed (so one wild fix does not condemn the
    honest ones after it). Fixes must be sorted by time.

    Parameters
    ----------
    lon, lat, t : array_like
        Degrees and epoch seconds, sorted by ``t``.
    accuracy : array_like, optional
        Accuracy radius of each fix in metres (NaN or None when unknown); added to the slack.
    start : tuple of (lon, lat, t) or (lon, lat, t, accuracy), optional
        The device's previous accepted fix, if any.
    max_speed_mps, slack_m : float
        The speed limit and the noise forgiven on every comparison.

    Returns
    -------
    numpy.ndarray of bool
    """
    lon, lat, t = (np.asarray(a, float).tolist() for a in (lon, lat, t))
    acc = [0.0] * len(lon) if accuracy is None else np.asarray(accuracy, float).tolist()
    ok = np.ones(len(lon), bool)
    last = None if start is None else tuple(start[:3])
    last_acc = start[3] if start is not None and len(start) > 3 else 0.0
    last_acc = last_acc if math.isfinite(last_acc) else 0.0
    # A sequential scan (each fix against the last one that passed), in plain floats.
    for i, (x, y, when, a) in enumerate(zip(lon, lat, t, acc)):
        a = a if math.isfinite(a) else 0.0
        if last is not None and when != last[2]:
            moved = _haversine_scalar(last[0], last[1], x, y) - (slack_m + a + last_acc)
            if moved > 0 and moved > max_speed_mps * abs(when - last[2]):
                ok[i] = False
                continue
        last, last_acc = (x, y, when), a
    return ok


def district_envelope(outline_wgs84, buffer_m=DISTRICT_BUFFER_M):
    """The district outline grown by ``buffer_m`` metres, prepared for fast point tests.

    Parameters
    ----------
    outline_wgs84 : shapely geometry
        The district polygon in WGS84.
    buffer_m : float
        Tolerance around the boundary (workers on a border road, GPS noise).

    Returns
    -------
    shapely geometry
        A prepared WGS84 polygon for :func:`inside_envelope`.
    """
    grown = to_wgs84(shapely.buffer(to_metric(outline_wgs84), buffer_m))
    shapely.prepare(grown)
    return grown


def inside_envelope(envelope, lon, lat):
    """True where points lie inside an envelope from :func:`district_envelope`.

    Parameters
    ----------
    envelope : shapely geometry or None
        None means no district is known yet: everything is inside.
    lon, lat : float or array_like
        Degrees.

    Returns
    -------
    bool or numpy.ndarray of bool
    """
    if envelope is None:
        return np.ones(np.shape(lon), bool) if np.ndim(lon) else True
    hit = shapely.contains_xy(envelope, lon, lat)
    return hit if np.ndim(hit) else bool(hit)
