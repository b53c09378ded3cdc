"""OpenAPI of /api/v1/patrol: daily sheets and exceptions."""
from __future__ import annotations

ERRORS = {code: {"$ref": f"#/components/responses/E{code}"} for code in ("400", "401", "403")}
SECURITY = [{"session": []}, {"bearer": []}]
DATE = {"name": "date", "in": "query", "required": False,
        "description": "Beijing calendar day YYYY-MM-DD (default: today); not after today",
        "schema": {"type": "string", "format": "date"}}
AREA = [{"name": n, "in": "query", "required": False, "description": d,
         "schema": {"type": "integer", "minimum": 1}}
        for n, d in (("street", "street id"), ("community", "community id"),
                     ("worker", "the worker's user id"))]


def _ok(ref: str, xlsx: bool = False) -> dict:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    if xlsx:
        content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
            "schema": {"type": "string", "format": "binary"}}
    return {"200": {"description": "OK", "content": content}, **ERRORS}


def patrol_paths() -> dict:
    fmt = {"name": "format", "in": "query", "required": False,
           "schema": {"type": "string", "enum": ["json", "xlsx"]}}
    return {
        "/api/v1/patrol/sheets": {"get": {
            "summary": "巡查日报 one row per worker of the day, rolled up by community and street",
            "tags": ["patrol"], "security": SECURITY, "parameters": [DATE, *AREA, fmt],
            "responses": _ok("PatrolSheets", xlsx=True)}},
    }


def patrol_schemas() -> dict:
    number, integer = {"type": "number"}, {"type": "integer"}
    when = {"type": ["string", "null"], "format": "date-time"}
    sheet = {"type": "object", "required": [
        "worker", "grid_code", "first_fix", "last_fix", "km", "minutes_on_beat",
        "beat_covered", "stops", "reports", "set_aside"], "properties": {
        "worker": {"type": "string"}, "user_id": integer, "display_name": {"type": "string"},
        "grid_code": {"type": ["string", "null"]}, "first_fix": when, "last_fix": when,
        "fixes": integer, "km": number, "minutes_on_beat": number, "minutes_off_beat": number,
        "beat_covered": {"type": "number", "minimum": 0, "maximum": 1}, "stops": integer,
        "reports": integer, "set_aside": integer}}
    return {"PatrolSheets": {"type": "object", "required": ["date", "sheets"], "properties": {
        "date": {"type": "string", "format": "date"},
        "sheets": {"type": "array", "items": sheet},
        "communities": {"type": "array", "items": {"type": "object"}},
        "streets": {"type": "array", "items": {"type": "object"}}}}}
