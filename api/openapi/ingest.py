"""The device ingest endpoints (OsmAnd and batch positions) in the OpenAPI description."""
from __future__ import annotations

NUM, STR = {"type": "number"}, {"type": "string"}
STAMP = {"oneOf": [{"type": "number"}, {"type": "string"}],
         "description": "epoch seconds, epoch milliseconds, or ISO 8601"}


def _param(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


OSMAND_PARAMS = [
    _param("id", STR, "device identifier (or deviceid)"),
    _param("deviceid", STR, "device identifier (Traccar Client's name for id)"),
    _param("timestamp", STAMP["oneOf"][1], STAMP["description"]),
    _param("lat", {**NUM, "minimum": -90, "maximum": 90}),
    _param("lon", {**NUM, "minimum": -180, "maximum": 180}),
    _param("location", STR, "lat,lon (instead of lat and lon)"),
    _param("speed", NUM, "knots"), _param("bearing", NUM), _param("heading", NUM),
    _param("altitude", NUM), _param("accuracy", NUM, "metres"), _param("hdop", NUM),
    _param("batt", NUM, "battery percent"), _param("valid", STR, "true/false"),
    _param("mock", STR, "true: a mock location provider made the fix (it is set aside)"),
]
# A readable fix from a known device is always acknowledged (Traccar Client retries anything
# else for ever); doubtful ones are set aside, so there is no 422 here.
RESPONSES = {
    "400": {"$ref": "#/components/responses/E400"},
    "401": {"$ref": "#/components/responses/E401"},
    "404": {"$ref": "#/components/responses/E404"},
    "413": {"description": "too many fixes in one request"},
}
REASONS = ["impossible_speed", "outside_district", "stale_timestamp", "future_timestamp",
           "inaccurate", "mock_location", "not_valid"]


def ingest_schemas() -> dict:
    fix = {"type": "object", "required": ["time", "lat", "lon"], "properties": {
        "time": STAMP, "lat": NUM, "lon": NUM, "speed": {**NUM, "description": "m/s"},
        "bearing": NUM, "altitude": NUM, "accuracy": NUM, "battery": NUM,
        "valid": {"type": "boolean"}, "mock": {"type": "boolean"}}}
    fate = {"type": "object", "required": ["index", "result"], "properties": {
        "index": {"type": "integer"},
        "result": {"enum": ["accepted", "set_aside", "duplicate", "skipped"]},
        "reason": {"enum": REASONS}}}
    phone = {"type": "object", "properties": {
        "id": {"type": "integer"}, "device_id": {**STR, "description": "first 4 characters"},
        "username": STR, "display_name": STR, "grid_code": STR,
        "last_fix": {**STR, "format": "date-time"}, "last_heard": {**STR, "format": "date-time"},
        "battery": {"type": ["integer", "null"]}, "fixes_today": {"type": "integer"},
        "set_aside": {"type": "object", "additionalProperties": {"type": "integer"}},
        "set_aside_today": {"type": "integer"}, "clock_offset_s": {"type": ["number", "null"]},
        "gaps": {"type": "integer"}, "gap_s": NUM,
        "issues": {"type": "array", "items": {"enum": [
            "dark", "not_started", "low_battery", "clock", "set_aside", "gaps"]}}}}
    return {
        "DeviceHealth": {"type": "object", "properties": {
            "now": {**STR, "format": "date-time"}, "on_shift": {"type": "boolean"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "devices": {"type": "array", "items": phone}}},
        "PositionBatch": {"type": "object", "required": ["fixes"], "properties": {
            "crs": {"enum": ["wgs84", "gcj02"]},
            "fixes": {"type": "array", "maxItems": 1000, "items": fix}}},
        "PositionResult": {"type": "object", "properties": {
            **{k: {"type": "integer"} for k in ("received", "stored", "duplicates", "set_aside",
                                                 "flagged")},
            "fixes": {"type": "array", "items": fate}}},
        "OsmAndJson": {"type": "object", "required": ["device_id", "location"], "properties": {
            "device_id": STR, "location": {"type": "object", "properties": {
                "timestamp": STAMP, "coords": {"type": "object", "properties": {
                    k: NUM for k in ("latitude", "longitude", "speed", "heading",
                                     "accuracy", "altitude")}},
                "battery": {"type": "object", "properties": {"level": NUM}}}}}},
    }


def ingest_paths() -> dict:
    """/osmand (Traccar Client's OsmAnd protocol) and /api/v1/positions (batch JSON)."""
    ok = {"200": {"description": "acknowledged: stored, set aside with its reason when doubtful, "
                                 "or already stored (retries are harmless); empty body"}}
    osmand = {"tags": ["ingest"], "security": [], "parameters": OSMAND_PARAMS,
              "responses": {**ok, **RESPONSES}}
    return {
        "/osmand": {
            "get": {**osmand, "summary": "OsmAnd 协议定位上报 one fix (Traccar Client)"},
            "post": {**osmand, "summary": "OsmAnd 协议定位上报: query, form body or JSON",
                     "requestBody": {"required": False, "content": {
                         "application/json": {"schema": {
                             "$ref": "#/components/schemas/OsmAndJson"}},
                         "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}},
        },
        "/api/v1/devices/health": {"get": {
            "summary": "手机状态 each phone in the caller's scope, those needing attention first",
            "tags": ["ingest"], "security": [{"session": []}, {"bearer": []}],
            "responses": {"200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/DeviceHealth"}}}},
                "401": {"$ref": "#/components/responses/E401"},
                "403": {"$ref": "#/components/responses/E403"}}}},
        "/api/v1/positions": {"post": {
            "summary": "批量定位上报 many fixes of one device", "tags": ["ingest"],
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/PositionBatch"}}}},
            "responses": {"200": {"description": "each fix's fate: accepted, set aside (with its "
                                  "reason) or duplicate", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PositionResult"}}}}, **RESPONSES}}},
    }
