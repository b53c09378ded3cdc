"""Reading the phone's multipart forms: typed fields that name themselves when wrong."""
from __future__ import annotations

import math

from flask import request

from api.errors import ApiError
from api.payload import parse_time
from workflow.incidents.service import NewIncident, to_wgs84
from workflow.mobile.photo import MAX_UPLOAD_BYTES

MAX_DESCRIPTION = 500


def _number(name: str) -> float | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ApiError(400, "invalid_type", f"{name} 须为数字 / {name} must be a number", name)
    return value


def location() -> tuple[float, float] | None:
    """The phone's (lon, lat) in WGS84, or None when the form carries none."""
    lon, lat = _number("lon"), _number("lat")
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        missing = "lon" if lon is None else "lat"
        raise ApiError(400, "missing_field", f"缺少字段 {missing} / {missing} is required", missing)
    crs = request.form.get("crs") or "wgs84"
    if crs not in ("wgs84", "gcj02"):
        raise ApiError(400, "invalid_value", "crs 应为 wgs84 或 gcj02 / crs must be wgs84 or "
                       "gcj02", "crs")
    return to_wgs84(lon, lat, crs)


def photo_bytes(required: bool = False) -> bytes | None:
    """The uploaded ``photo`` file's bytes (read at most 8 MB + 1 to tell "too large")."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename and not upload.content_length:
        if required:
            raise ApiError(400, "missing_field", "请拍照或选择照片 / a photo is required", "photo")
        return None
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    return data or None


def new_report() -> NewIncident:
    """The report's category, description and capture time (the place is read separately)."""
    code = (request.form.get("category_code") or "").strip()
    if not code:
        raise ApiError(400, "missing_field", "请选择事件类别 / choose a category", "category_code")
    description = (request.form.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ApiError(400, "too_long", "描述最多 500 字 / description longer than 500 "
                       "characters", "description")
    raw_time = request.form.get("reported_at")
    at = parse_time(raw_time, "reported_at") if raw_time else None
    return NewIncident(category_code=code, lon=0.0, lat=0.0, description=description,
                       reported_at=at)


def attach_to() -> int | None:
    """The open case the worker said this report repeats ("it is one of these"), if any."""
    raw = (request.form.get("attach_to") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise ApiError(400, "invalid_type", "attach_to 应为事件编号 / attach_to must be an "
                       "incident id", "attach_to")
    return int(raw)
