"""Decoding the OsmAnd protocol (Traccar Client): query, urlencoded body and JSON forms."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from api.errors import ApiError

KNOT_MPS = 1852.0 / 3600.0
# Traccar's rule: a numeric timestamp below 2^31 - 1 is in seconds, otherwise milliseconds.
INT_MAX = 2**31 - 1
# hdop times a typical user-equivalent range error gives an accuracy radius in metres.
UERE_M = 5.0
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+\.\d*")


@dataclass(frozen=True)
class Reading:
    """One decoded fix, before it is matched to a device and validated."""

    time: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    speed_mps: float | None = None
    bearing: float | None = None
    altitude: float | None = None
    accuracy_m: float | None = None
    battery: float | None = None
    valid: bool = True
    mock: bool = False

    @property
    def has_location(self) -> bool:
        # Traccar treats 0,0 as "no fix" (cell/wifi-only reports).
        return self.lat is not None and self.lon is not None and (self.lat, self.lon) != (0, 0)


MAX_LOCATIONS = 1000


def bad(field: str, message: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(400, code, message, field)


def parse_timestamp(value: Any, field: str = "timestamp") -> datetime:
    """A fix time from epoch seconds, epoch milliseconds or ISO 8601 (naive means UTC).

    "yyyy-MM-dd HH:mm:ss" without a zone is read as UTC, as Traccar's default server does.
    """
    text = str(value).strip()
    try:
        if isinstance(value, (int, float)) or _INTEGER.fullmatch(text) or _DECIMAL.fullmatch(text):
            number = float(text)
            seconds = number if number < INT_MAX else number / 1000.0
            return datetime.fromtimestamp(seconds, UTC)
        if "T" in text:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        else:
            parsed = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError, OSError):
        raise bad(field, f"unreadable timestamp {text[:40]!r}: use epoch seconds, epoch "
                  "milliseconds or ISO 8601", "invalid_timestamp") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def number(value: Any, field: str) -> float:
    """A finite float, or a 400 naming the field."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        result = math.nan
    if not math.isfinite(result):
        raise bad(field, f"{field} must be a number, not {str(value)[:40]!r}")
    return result


def _unknown_if_negative(value: float | None) -> float | None:
    # Phones send -1 for "no speed / no heading".
    return None if value is None or value < 0 else value


def request_params(query: Mapping[str, list[str]], body: bytes) -> dict[str, list[str]]:
    """The query parameters, or the urlencoded body's when the query is empty (Traccar)."""
    if query:
        return dict(query)
    return parse_qs(body.decode("ascii", errors="replace"), keep_blank_values=True)


def decode_params(params: Mapping[str, list[str]]) -> tuple[str | None, Reading]:
    """Decode the query/body form: the device id and one reading.

    Repeated parameters: the last value counts. Unknown parameters (cell, wifi, charge,
    ignition, fuel, driverUniqueId, ...) are accepted and ignored.
    """
    p = {key: values[-1] for key, values in params.items() if values}
    key = p.get("id") or p.get("deviceid")
    extra = {"time": parse_timestamp(p["timestamp"]) if p.get("timestamp") else None}
    if "location" in p:
        parts = p["location"].split(",")
        if len(parts) != 2:
            raise bad("location", "location must be 'lat,lon'")
        extra["lat"], extra["lon"] = number(parts[0], "location"), number(parts[1], "location")
    for name in ("lat", "lon"):
        if name in p:
            extra[name] = number(p[name], name)
    if "speed" in p:
        extra["speed_mps"] = _unknown_if_negative(number(p["speed"], "speed") * KNOT_MPS)
    for name in ("bearing", "heading"):
        if name in p:
            extra["bearing"] = _unknown_if_negative(number(p[name], name))
    if "altitude" in p:
        extra["altitude"] = number(p["altitude"], "altitude")
    if "accuracy" in p:
        extra["accuracy_m"] = _unknown_if_negative(number(p["accuracy"], "accuracy"))
    elif p.get("hdop") and number(p["hdop"], "hdop") > 0:
        extra["accuracy_m"] = number(p["hdop"], "hdop") * UERE_M
    if "batt" in p:
        extra["battery"] = _unknown_if_negative(number(p["batt"], "batt"))
    if "valid" in p:
        extra["valid"] = p["valid"].strip().lower() in ("true", "1")
    if "mock" in p:
        # Traccar Client for Android adds mock=true for a mock location provider.
        extra["mock"] = p["mock"].strip().lower() in ("true", "1")
    return key, Reading(**extra)


def _json_reading(location: Any, index: str) -> Reading:
    if not isinstance(location, dict):
        raise bad(f"location{index}", "location must be an object")
    coords = location.get("coords")
    if not isinstance(coords, dict):
        raise bad(f"location{index}.coords", "location.coords must be an object")

    def opt(name: str) -> float | None:
        value = coords.get(name)
        return None if value is None else number(value, f"location{index}.coords.{name}")

    battery = location.get("battery") if isinstance(location.get("battery"), dict) else {}
    level = battery.get("level")
    level = None if level is None else _unknown_if_negative(number(level, "battery.level"))
    stamp = location.get("timestamp")
    return Reading(
        time=None if stamp is None else parse_timestamp(stamp, f"location{index}.timestamp"),
        lat=opt("latitude"), lon=opt("longitude"),
        speed_mps=_unknown_if_negative(opt("speed")), bearing=_unknown_if_negative(opt("heading")),
        altitude=opt("altitude"), accuracy_m=_unknown_if_negative(opt("accuracy")),
        # The background-geolocation plug-in reports the level as a fraction of one.
        battery=None if level is None else level * 100.0,
        mock=location.get("mock", False) is True,
    )


def decode_json(body: Any) -> tuple[str | None, list[Reading]]:
    """Decode the JSON form: ``{device_id, location: {timestamp, coords, battery, ...}}``.

    ``location`` may also be a list (the plug-in's batch sync).
    """
    if not isinstance(body, dict):
        raise bad("body", "the JSON body must be an object")
    key = body.get("device_id")
    location = body.get("location")
    if isinstance(location, list):
        # The same cap as a batch (api/ingest.MAX_BATCH, SECURITY.md): a huge list is
        # refused before any of it is decoded.
        if len(location) > MAX_LOCATIONS:
            raise ApiError(413, "too_many_fixes", f"at most {MAX_LOCATIONS} locations per "
                           "request", "location")
        return key, [_json_reading(item, f"[{i}]") for i, item in enumerate(location)]
    return key, [_json_reading(location, "")]
