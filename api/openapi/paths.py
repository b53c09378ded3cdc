"""The paths of the workflow API for the OpenAPI description (hand-written, kept beside it)."""
from __future__ import annotations

from workflow.incidents.machine import ACTIONS

ERRORS = {str(code): {"$ref": f"#/components/responses/E{code}"}
          for code in (400, 401, 403, 404, 409, 422)}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
       "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,80}$"},
       "description": "A retried request with the same key returns the first result (200, "
                      "Idempotent-Replayed: true) instead of creating again."}
SECURITY = [{"session": [], "csrf": []}, {"bearer": []}]


def _q(name: str, kind: str = "string", description: str = "", **extra) -> dict:
    return {"name": name, "in": "query", "required": False,
            "schema": {"type": kind, **extra}, "description": description}


def _json(schema_ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


def _op(summary: str, ok: str, body: str | None = None, params=(), ok_code: str = "200",
        tag: str = "incidents") -> dict:
    op = {"summary": summary, "tags": [tag], "security": SECURITY, "parameters": list(params),
          "responses": {ok_code: {"description": "OK", "content": _json(ok)}, **ERRORS}}
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


TRANSITION_SUMMARY = {
    "accept": "受理 accept (reported → accepted)",
    "reject": "不予受理 reject (reported/accepted → rejected; note required)",
    "dispatch": "派遣 dispatch (accepted/dispatched/reopened → dispatched; sets the deadline)",
    "start": "开始处置 start (dispatched/reopened → in_progress)",
    "resolve": "处置完毕 resolve (in_progress → resolved)",
    "verify": "核查 verify (resolved → verified)",
    "close": "结案 close (verified → closed)",
    "reopen": "退回重办 reopen (resolved/verified/closed → reopened; note required)",
}

INCIDENT_FILTERS = [
    _q("status", description="comma-separated statuses"), _q("street_id", "integer"),
    _q("community_id", "integer"), _q("grid_id", "integer"), _q("department_id", "integer"),
    _q("category", description="a category code or a subject code"), _q("source"),
    _q("overdue", "boolean"), _q("whistled", "boolean"), _q("q", description="text search"),
    _q("from", format="date-time"), _q("to", format="date-time"),
    _q("sort", enum=["-reported_at", "reported_at", "deadline"]),
    _q("page", "integer", minimum=1), _q("per_page", "integer", minimum=1, maximum=200),
]


def incident_paths() -> dict:
    paths = {
        "/api/v1/incidents": {
            "post": {**_op("上报事件 report an incident (grid worker session or device token)",
                           "Incident", "NewIncident", [KEY], "201"),
                     "description": "The location decides the grid, community and street."},
            "get": _op("事件列表 list incidents in your scope", "IncidentPage",
                       params=INCIDENT_FILTERS),
        },
        "/api/v1/incidents/{id}": {"get": _op("事件详情 one incident with its timeline",
                                              "Incident", params=[ID])},
        "/api/v1/incidents/{id}/events": {"get": _op("事件日志 the event log", "EventList",
                                                     params=[ID])},
        "/api/v1/incidents/{id}/comment": {"post": _op("批注/督办 comment", "Incident", "Note",
                                                       [ID])},
    }
    for action in ACTIONS:
        body = "Dispatch" if action == "dispatch" else "Note"
        paths[f"/api/v1/incidents/{{id}}/{action}"] = {
            "post": _op(TRANSITION_SUMMARY[action], "Incident", body, [ID])}
    return paths


def whistle_paths() -> dict:
    w = "whistles"
    return {
        "/api/v1/whistles": {
            "post": _op("吹哨 blow a whistle (street party secretary or director, own street)",
                        "Whistle", "NewWhistle", [KEY], "201", w),
            "get": _op("吹哨列表 list whistles in your scope", "WhistlePage", params=[
                _q("status"), _q("street_id", "integer"), _q("department_id", "integer"),
                _q("level", "integer", enum=[1, 2]), _q("overdue", "boolean"),
                _q("incident_id", "integer"), _q("page", "integer"), _q("per_page", "integer")],
                tag=w),
        },
        "/api/v1/whistles/{id}": {"get": _op("吹哨详情 one whistle", "Whistle", params=[ID], tag=w)},
        "/api/v1/whistles/{id}/report-in": {"post": _op(
            "报到 report in: acknowledge, then arrive (summoned department or leader)",
            "Whistle", "ReportIn", [ID], tag=w)},
        "/api/v1/whistles/{id}/complete": {"post": _op("办结 a party completes its part",
                                                       "Whistle", "Party", [ID], tag=w)},
        "/api/v1/whistles/{id}/verify": {"post": _op("验收 the street verifies and closes",
                                                     "Whistle", "Feedback", [ID], tag=w)},
        "/api/v1/whistles/{id}/rate": {"post": _op("下考上评价 rate a summoned department",
                                                   "Whistle", "Rating", [ID], tag=w)},
        "/api/v1/whistles/{id}/second": {"post": _op(
            "二次吹哨 second whistle: also summons district leaders", "Whistle",
            "SecondWhistle", [ID, KEY], "201", w)},
        "/api/v1/whistles/{id}/comment": {"post": _op("批注/督办 comment", "Whistle", "Note",
                                                      [ID], tag=w)},
    }


def oversight_paths() -> dict:
    o = "oversight"
    return {
        "/api/v1/supervision/queue": {"get": _op("督办队列 overdue incidents and whistles",
                                                 "SupervisionQueue",
                                                 params=[_q("limit", "integer")], tag=o)},
        "/api/v1/departments/scores": {"get": _op(
            "下考上 department scores, ranked", "ScoreList",
            params=[_q("from", format="date"), _q("to", format="date"),
                    _q("street_weight", "number", minimum=0, maximum=1)], tag=o)},
        "/api/v1/me": {"get": _op("当前用户 who am I", "Me", tag=o)},
        "/api/v1/me/password": {"post": _op(
            "修改密码 change my password: every session of the account (desk and phone) is "
            "revoked; this browser gets a new one", "PasswordChanged", "PasswordChange", tag=o)},
        "/api/v1/departments": {"get": _op("职能部门 departments", "ItemList", tag=o)},
        "/api/v1/categories": {"get": _op("事件类别 categories", "ItemList", tag=o)},
        "/api/v1/login": {"post": {
            "summary": "登录 sign in (JSON); returns the CSRF token for later writes",
            "tags": [o], "security": [],
            "requestBody": {"required": True, "content": _json("Credentials")},
            "responses": {"200": {"description": "signed in; session cookie set",
                                  "content": _json("Login")}, **ERRORS}}},
    }
