"""Device ingest endpoints: OsmAnd (/osmand, Traccar Client) and batch JSON (/api/v1/positions)."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, jsonify, request

from api.errors import ApiError
from api.ingest.ingestor import FixRejected, Ingestor
from api.ingest.osmand import (
    Reading,
    bad,
    decode_json,
    decode_params,
    number,
    parse_timestamp,
    request_params,
)
from geo.crs import gcj02_to_wgs84

MAX_BATCH = 1000
CRS_NAMES = ("wgs84", "gcj02")


def rejected_response(err: FixRejected, in_list: str | None = None):
    """The JSON answer to a rejected request: the first problem, and all of them.

    With ``in_list`` ("fixes"), fields name the fix: ``fixes[3].lat``.
    """
    def where(p: dict) -> str:
        return f"{in_list}[{p['index']}].{p['field']}" if in_list else p["field"]

    errors = [{"index": p["index"], "error": p["error"], "message": p["message"],
               "field": where(p)} for p in err.errors]
    response = jsonify(error=err.code, message=err.message, field=errors[0]["field"],
                       errors=errors)
    response.status_code = err.status
    return response


def _device_key(value) -> str:
    if value is None or str(value).strip() == "":
        raise bad("id", "the device identifier (id or deviceid) is missing", "missing_device")
    return str(value).strip()


def osmand_blueprint(ingestor: Ingestor, rules: tuple[str, ...] = ("/osmand",),
                     name: str = "osmand") -> Blueprint:
    """The OsmAnd protocol handler at the given URL rules (GET and POST).

    Answers 200 with an empty body on success (duplicates included); an unknown device is
    400 in the query/body form and 404 in the JSON form, as Traccar answers.
    """
    bp = Blueprint(name, __name__)
    bp.register_error_handler(FixRejected, rejected_response)

    def osmand():
        if request.is_json:
            key, readings = decode_json(request.get_json(silent=True))
            missing_status = 404
        else:
            key, reading = decode_params(request_params(request.args.to_dict(flat=False),
                                                        request.get_data(cache=True)))
            readings, missing_status = [reading], 400
        key = _device_key(key)
        device = ingestor.device_by_key(key)
        if device is None:
            raise ApiError(missing_status, "unknown_device",
                           f"设备未登记 / device {key[:64]!r} is not registered", "id")
        ingestor.ingest(device, readings)
        return Response(status=200)

    for rule in rules:
        bp.add_url_rule(rule, view_func=osmand, methods=["GET", "POST"],
                        endpoint=rule.strip("/") or "root")
    return bp


def _bearer_device(ingestor: Ingestor):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    device = None
    if scheme.lower() == "bearer" and token.strip():
        device = ingestor.device_by_token(token.strip())
    if device is None:
        raise ApiError(401, "unauthorized", "需要有效的设备令牌 / a valid device bearer token "
                       "is required", "Authorization")
    return device


def _batch_reading(item, i: int) -> Reading:
    if not isinstance(item, dict):
        raise bad(f"fixes[{i}]", "each fix must be an object")
    stamp = item.get("time", item.get("timestamp"))
    if stamp is None:
        raise bad(f"fixes[{i}].time", "each fix needs a time")
    for name in ("lat", "lon"):
        if item.get(name) is None:
            raise bad(f"fixes[{i}].{name}", f"each fix needs {name}")

    def opt(name):
        value = item.get(name)
        return None if value is None else number(value, f"fixes[{i}].{name}")

    return Reading(time=parse_timestamp(stamp, f"fixes[{i}].time"), lat=opt("lat"),
                   lon=opt("lon"), speed_mps=opt("speed"), bearing=opt("bearing"),
                   altitude=opt("altitude"), accuracy_m=opt("accuracy"), battery=opt("battery"),
                   valid=item.get("valid", True) is not False, mock=item.get("mock") is True)


def decode_batch(body) -> list[Reading]:
    """Decode ``{"crs": "wgs84"|"gcj02", "fixes": [{time, lat, lon, ...}]}`` to WGS84 readings."""
    if not isinstance(body, dict) or not isinstance(body.get("fixes"), list):
        raise bad("fixes", "the body must be a JSON object with a list 'fixes'")
    crs = str(body.get("crs", "wgs84")).lower()
    if crs not in CRS_NAMES:
        raise bad("crs", f"crs must be one of {', '.join(CRS_NAMES)}")
    fixes = body["fixes"]
    if len(fixes) > MAX_BATCH:
        raise ApiError(413, "too_many_fixes", f"at most {MAX_BATCH} fixes per request", "fixes")
    readings = [_batch_reading(item, i) for i, item in enumerate(fixes)]
    if crs == "gcj02" and readings:
        # Amap (高德) SDK coordinates are GCJ-02; everything stored is WGS84.
        lon, lat = gcj02_to_wgs84([r.lon for r in readings], [r.lat for r in readings])
        readings = [replace(r, lon=float(x), lat=float(y)) for r, x, y in zip(readings, lon, lat)]
    return readings


def positions_blueprint(ingestor: Ingestor) -> Blueprint:
    """POST /api/v1/positions: many fixes of one device, authenticated by its bearer token."""
    bp = Blueprint("positions", __name__)
    bp.register_error_handler(FixRejected, lambda err: rejected_response(err, "fixes"))

    @bp.post("/api/v1/positions")
    def positions():
        device = _bearer_device(ingestor)
        body = request.get_json(silent=True)
        if body is None:
            raise bad("body", "the body must be JSON (Content-Type: application/json)",
                      "invalid_json")
        return jsonify(batch_answer(ingestor.ingest(device, decode_batch(body))))

    return bp


def batch_answer(result) -> dict:
    """The answer to a batch: counts, and each fix's fate (accepted, set aside with its
    reason, duplicate). ``flagged`` repeats ``set_aside`` for clients of the first version.
    """
    return {"received": result.received, "stored": result.stored,
            "duplicates": result.duplicates, "set_aside": result.set_aside,
            "flagged": result.set_aside, "fixes": list(result.fixes)}


def ingest_blueprints(ingestor: Ingestor) -> list[Blueprint]:
    """Both ingest blueprints, sharing one Ingestor (and its caches) per process."""
    blueprints = [osmand_blueprint(ingestor), positions_blueprint(ingestor)]
    for bp in blueprints:
        bp.ingestor = ingestor  # for diagnostics (the benchmark reports group sizes)
    return blueprints
