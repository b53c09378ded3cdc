"""The Open311 GeoReport v2 paths and schemas for /api/openapi.json (docs/open311.md)."""
from __future__ import annotations

STR = {"type": "string"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
FMT = {"name": "format", "in": "path", "required": True,
       "schema": {"type": "string", "enum": ["json", "xml"]},
       "description": "the resource's extension: .json (application/json) or .xml (text/xml)"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required_: list[str], **props) -> dict:
    return {"type": "object", "required": required_, "properties": props}


def _list(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _q(name: str, description: str, **schema) -> dict:
    return {"name": name, "in": "query", "required": False,
            "schema": {"type": "string", **schema}, "description": description}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": STR}


def _op(summary: str, ok, params=(), codes=(400, 404), ok_code: str = "200") -> dict:
    errors = {str(c): {"description": "errors: [{code, description}]",
                       "content": {"application/json": {"schema": _list("Open311Error")},
                                   "text/xml": {"schema": _list("Open311Error")}}}
              for c in codes}
    body = {"application/json": {"schema": ok}, "text/xml": {"schema": ok}}
    return {"summary": summary, "tags": ["open311"], "security": [],
            "parameters": [FMT, *params],
            "responses": {ok_code: {"description": "OK", "content": body}, **errors}}


POST_FIELDS = {name: STR for name in (
    "api_key", "jurisdiction_id", "service_code", "address_string", "address_id", "email",
    "device_id", "account_id", "first_name", "last_name", "phone", "description",
    "media_url")}


def open311_paths() -> dict:
    base = "/open311/v2"
    post = _op("提交服务请求 POST a service request (form-encoded; api_key required)",
               _list("Open311Created"), [{"name": "Idempotency-Key", "in": "header",
                                          "required": False, "schema": STR}],
               (400, 403, 404), "201")
    post["requestBody"] = {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": _obj(
            ["api_key", "service_code", "lat", "long"], lat={"type": "number"},
            long={"type": "number"}, **POST_FIELDS)}}}
    listing = [_q("service_request_id", "comma-separated ids; overrides the other filters"),
               _q("service_code", "comma-separated service codes"),
               _q("start_date", "ISO 8601 with offset", format="date-time"),
               _q("end_date", "ISO 8601 with offset; at most 90 days after start_date",
                  format="date-time"),
               _q("status", "open, closed or both (comma-separated)")]
    return {
        f"{base}/discovery.{{format}}": {"get": _op("发现 discovery", _ref("Open311Discovery"),
                                                    codes=(404,))},
        f"{base}/services.{{format}}": {"get": _op("服务列表 service list",
                                                   _list("Open311Service"))},
        f"{base}/services/{{service_code}}.{{format}}": {"get": _op(
            "服务定义 service definition", _ref("Open311Definition"), [_path("service_code")])},
        f"{base}/requests.{{format}}": {
            "post": post,
            "get": _op("服务请求列表 service requests (the last 90 days by default)",
                       _list("Open311Request"), listing)},
        f"{base}/requests/{{service_request_id}}.{{format}}": {"get": _op(
            "单个服务请求 one service request", _list("Open311Request"),
            [_path("service_request_id")])},
        f"{base}/servicerequestupdates.{{format}}": {"get": _op(
            "更新列表 servicerequestupdates (mySociety's extension): public updates of "
            "requests, oldest first", _list("Open311Update"), listing[:1] + listing[2:4])},
        f"{base}/tokens/{{token}}.{{format}}": {"get": _op(
            "令牌查询 the service_request_id of a token", _list("Open311Created"),
            [_path("token")])},
    }


def open311_schemas() -> dict:
    value = _obj(["key", "name"], key=STR, name=STR)
    attribute = _obj(["variable", "code", "datatype", "required", "datatype_description",
                      "order", "description"], variable=BOOL, code=STR,
                     datatype={"type": "string", "enum": [
                         "string", "number", "datetime", "text", "singlevaluelist",
                         "multivaluelist"]},
                     required=BOOL, datatype_description=STR, order={"type": "integer"},
                     description=STR, values={"type": "array", "items": value})
    request = _obj(["service_request_id", "status", "service_code", "requested_datetime",
                    "lat", "long"], service_request_id=STR,
                   status={"type": "string", "enum": ["open", "closed"]}, status_notes=STR,
                   service_name=STR, service_code=STR, description=STR,
                   agency_responsible=STR, service_notice=STR, requested_datetime=TIME,
                   updated_datetime=TIME, expected_datetime=STR, address=STR, address_id=STR,
                   zipcode=STR, lat={"type": "number"}, long={"type": "number"}, media_url=STR)
    return {
        "Open311Service": _obj(["service_code", "service_name", "metadata", "type"],
                               service_code=STR, service_name=STR, description=STR,
                               metadata=BOOL, type={"type": "string", "enum": [
                                   "realtime", "batch", "blackbox"]}, keywords=STR, group=STR),
        "Open311Attribute": attribute,
        "Open311Definition": _obj(["service_code", "attributes"], service_code=STR,
                                  attributes={"type": "array", "items": attribute}),
        "Open311Created": _obj([], service_request_id=STR, token=STR, service_notice=STR,
                               account_id=STR),
        "Open311Request": request,
        "Open311Update": _obj(["update_id", "service_request_id", "status", "updated_datetime"],
                              update_id=STR, service_request_id=STR, status={
                                  "type": "string", "enum": [
                                      "open", "investigating", "action_scheduled", "in_progress",
                                      "fixed", "closed", "duplicate", "no_further_action"]},
                              updated_datetime=TIME, description=STR, media_url=STR),
        "Open311Error": _obj(["code", "description"], code={"type": "integer"},
                             description=STR),
        "Open311Discovery": _obj(["endpoints"], changeset=TIME, contact=STR, key_service=STR,
                                 endpoints={"type": "array", "items": {"type": "object"}}),
    }
