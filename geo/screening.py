"""Why a fix is doubtful: the rules that need no history (time, place, accuracy, what the phone says).

A doubtful fix is never refused (Traccar Client would retry it forever): it is stored aside
with the first reason found here, and kept out of the wall, tracks and coverage. The one rule
that needs history, the jump from the last trusted fix, is ``geo.track.plausible_walk``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from geo.track import MAX_AGE_S, MAX_SPEED_MPS, inside_envelope

# Reasons, in the order they are checked (a fix reports only the first one it meets).
STALE, FUTURE, OUTSIDE = "stale_timestamp", "future_timestamp", "outside_district"
MOCK, NOT_VALID, INACCURATE, SPEED = "mock_location", "not_valid", "inaccurate", "impossible_speed"
REASONS = (STALE, FUTURE, OUTSIDE, MOCK, NOT_VALID, INACCURATE, SPEED)
# No network delay makes a fix arrive before it was taken: a fix this far ahead of the
# server comes from a phone clock that runs fast. Until the device's offset is measured
# (geo.clock_skew) such fixes are set aside rather than stored at a time that has not come.
FUTURE_GRACE_S = 30.0


def reasons(t: Sequence[float], lon: Sequence[float], lat: Sequence[float],
            accuracy: Sequence[float | None], speed: Sequence[float | None],
            valid: Sequence[bool], mock: Sequence[bool], now: float, envelope,
            max_accuracy_m: float, future_s: float = FUTURE_GRACE_S,
            max_age_s: float = MAX_AGE_S) -> list[str | None]:
    """The first doubt about each fix, or None for a fix to trust.

    Parameters
    ----------
    t : sequence of float
        Epoch seconds of each fix, after any clock correction.
    lon, lat : sequence of float
        WGS84 degrees (already checked to lie on the Earth).
    accuracy, speed : sequence of float or None
        Metres and metres per second, None when the phone did not say.
    valid, mock : sequence of bool
        What the phone says about the fix (``valid=false``; a mock location provider).
    now : float
        Epoch seconds of the server clock.
    envelope : shapely geometry or None
        The district grown by its tolerance (:func:`geo.track.district_envelope`); None
        while no district is loaded (everything is inside).
    max_accuracy_m : float
        Fixes less accurate than this are set aside.
    future_s, max_age_s : float
        How far ahead of, and behind, the server a fix may be.

    Returns
    -------
    list of str or None
    """
    inside = inside_envelope(envelope, list(lon), list(lat)) if len(t) > 1 else [
        inside_envelope(envelope, lon[0], lat[0])] if len(t) else []
    out: list[str | None] = []
    for k, when in enumerate(t):
        acc, fast = accuracy[k], speed[k]
        if when < now - max_age_s:
            out.append(STALE)
        elif when > now + future_s:
            out.append(FUTURE)
        elif not inside[k]:
            out.append(OUTSIDE)
        elif mock[k]:
            out.append(MOCK)
        elif not valid[k]:
            out.append(NOT_VALID)
        elif acc is not None and math.isfinite(acc) and acc > max_accuracy_m:
            out.append(INACCURATE)
        elif fast is not None and fast > MAX_SPEED_MPS:
            out.append(SPEED)
        else:
            out.append(None)
    return out
