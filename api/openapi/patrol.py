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
        "/api/v1/patrol/attendance": {"get": {
            "summary": "月度考勤 each worker's days: on time, late, early, absent, leave",
            "tags": ["patrol"], "security": SECURITY,
            "parameters": [{"name": "month", "in": "query", "required": False,
                            "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
                           *AREA, fmt],
            "responses": _ok("PatrolAttendance", xlsx=True)}},
        "/api/v1/patrol/leave": {"post": {
            "summary": "登记请假 record a worker's leave day (operators, street chiefs)",
            "tags": ["patrol"], "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["worker", "date"], "properties": {
                    "worker": {"type": "integer", "minimum": 1},
                    "date": {"type": "string", "format": "date"}}}}}},
            "responses": {"201": {"description": "recorded"},
                          "200": {"description": "already recorded"}, **ERRORS,
                          "404": {"$ref": "#/components/responses/E404"}}}},
        "/api/v1/patrol/exceptions": {"get": {
            "summary": "巡查异常 left the beat, no fix, idle, low battery: events of the day",
            "tags": ["patrol"], "security": SECURITY, "parameters": [DATE, *AREA],
            "responses": _ok("PatrolExceptions")}},
        "/api/v1/patrol/exceptions/{id}/acknowledge": {"post": {
            "summary": "确认异常 acknowledge an exception with a note (operators, street chiefs)",
            "tags": ["patrol"], "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["note"], "properties": {
                    "note": {"type": "string", "minLength": 1, "maxLength": 500}}}}}},
            "responses": {"200": {"description": "acknowledged"}, **ERRORS,
                          "404": {"$ref": "#/components/responses/E404"},
                          "409": {"$ref": "#/components/responses/E409"}}}},
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
        "reports": integer, "set_aside": integer,
        "computed_at": {**when, "description": "when the row was summed: null when summed for "
                        "this answer; today's whole district is the job's snapshot"}}}
    event = {"type": "object", "required": ["id", "kind", "started_at", "ended_at"],
             "properties": {"id": integer, "username": {"type": "string"},
                            "kind": {"type": "string",
                                     "enum": ["off_beat", "no_fix", "idle", "low_battery"]},
                            "started_at": when, "ended_at": when, "acknowledged_at": when,
                            "note": {"type": ["string", "null"]}}}
    return {"PatrolAttendance": {"type": "object", "properties": {
                "month": {"type": "string"}, "days": {"type": "array",
                                                      "items": {"type": "string"}},
                "workers": {"type": "array", "items": {"type": "object"}}}},
            "PatrolExceptions": {"type": "object", "properties": {
                "date": {"type": "string", "format": "date"},
                "exceptions": {"type": "array", "items": event}}},
            "PatrolSheets": {"type": "object", "required": ["date", "sheets"], "properties": {
        "date": {"type": "string", "format": "date"},
        "sheets": {"type": "array", "items": sheet},
        "communities": {"type": "array", "items": {"type": "object"}},
        "streets": {"type": "array", "items": {"type": "object"}}}}}
