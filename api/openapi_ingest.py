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
]
RESPONSES = {
    "400": {"$ref": "#/components/responses/E400"},
    "401": {"$ref": "#/components/responses/E401"},
    "404": {"$ref": "#/components/responses/E404"},
    "413": {"description": "too many fixes in one request"},
    "422": {"$ref": "#/components/responses/E422"},
}


def ingest_schemas() -> dict:
    fix = {"type": "object", "required": ["time", "lat", "lon"], "properties": {
        "time": STAMP, "lat": NUM, "lon": NUM, "speed": {**NUM, "description": "m/s"},
        "bearing": NUM, "altitude": NUM, "accuracy": NUM, "battery": NUM,
        "valid": {"type": "boolean"}}}
    return {
        "PositionBatch": {"type": "object", "required": ["fixes"], "properties": {
            "crs": {"enum": ["wgs84", "gcj02"]},
            "fixes": {"type": "array", "maxItems": 1000, "items": fix}}},
        "PositionResult": {"type": "object", "properties": {
            k: {"type": "integer"} for k in ("received", "stored", "duplicates", "flagged")}},
        "OsmAndJson": {"type": "object", "required": ["device_id", "location"], "properties": {
            "device_id": STR, "location": {"type": "object", "properties": {
                "timestamp": STAMP, "coords": {"type": "object", "properties": {
                    k: NUM for k in ("latitude", "longitude", "speed", "heading",
                                     "accuracy", "altitude")}},
                "battery": {"type": "object", "properties": {"level": NUM}}}}}},
    }


def ingest_paths() -> dict:
    """/osmand (Traccar Client's OsmAnd protocol) and /api/v1/positions (batch JSON)."""
    ok = {"200": {"description": "stored (or already stored: retries are harmless); empty body"}}
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
        "/api/v1/positions": {"post": {
            "summary": "批量定位上报 many fixes of one device", "tags": ["ingest"],
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/PositionBatch"}}}},
            "responses": {"200": {"description": "accepted", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PositionResult"}}}}, **RESPONSES}}},
    }
