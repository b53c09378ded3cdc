"""The intake paths for the OpenAPI description: duplicates, merging, suggestions, field tasks."""
from __future__ import annotations

from api.openapi.paths import ID, _op, _q

INT, NUM, STR = {"type": "integer"}, {"type": "number"}, {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
TASK_ID = {"name": "id", "in": "path", "required": True, "schema": INT}


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


def intake_paths() -> dict:
    """Paths of api/workflow/intake.py and api/workflow/tasks.py."""
    near = [_q("category_code"), _q("lon", "number"), _q("lat", "number"),
            _q("crs", enum=["wgs84", "gcj02"])]
    return {
        "/api/v1/incidents/duplicates": {"get": _op(
            "是否已有人报过 open cases a report here would repeat (nearest first)",
            "Duplicates", params=near)},
        "/api/v1/incidents/{id}/duplicates": {"get": _op(
            "可能重复的事件 possible duplicates of a case", "Duplicates", params=[ID])},
        "/api/v1/incidents/{id}/merge": {"post": _op(
            "合并重复事件 merge this case into parent_id (closed as a duplicate, counted once)",
            "Incident", "Merge", [ID])},
        "/api/v1/duplicates/suggestions": {"get": _op(
            "疑似重复 suggested duplicate pairs to confirm or dismiss", "SuggestionList",
            params=[_q("limit", "integer", minimum=1, maximum=500)], tag="intake")},
        "/api/v1/duplicates/suggestions/{id}/confirm": {"post": _op(
            "确认合并 confirm: merge the case into its suggested parent", "Decision",
            params=[TASK_ID], tag="intake")},
        "/api/v1/duplicates/suggestions/{id}/dismiss": {"post": _op(
            "不是重复 dismiss the suggestion", "Decision", params=[TASK_ID], tag="intake")},
        "/api/v1/incidents/{id}/tasks": {"post": _op(
            "派发现场任务 send a 核实 (verify) or 核查 (check) task to the nearest worker",
            "FieldTask", "NewTask", [ID], "201")},
        "/api/v1/tasks": {"get": _op("我的任务 the worker's ordered task list", "TaskList",
                                     tag="intake")},
        "/api/v1/tasks/{id}/accept": {"post": _op("接受任务 accept", "FieldTask",
                                                  params=[TASK_ID], tag="intake")},
        "/api/v1/tasks/{id}/pass": {"post": _op("转交 pass on to the next nearest", "FieldTask",
                                                params=[TASK_ID], tag="intake")},
        "/api/v1/tasks/{id}/complete": {"post": _op(
            "完成任务 complete with outcome, note, photo and position", "FieldTask",
            "TaskDone", [TASK_ID], tag="intake")},
    }


def intake_schemas() -> dict:
    case = _obj(["id", "code", "distance_m"], id=INT, code=STR, status=STR,
                category_code=STR, reported_at=TIME, photo_url={"type": ["string", "null"]},
                description=STR, address={"type": ["string", "null"]}, distance_m=NUM)
    task = _obj(["id", "incident_id", "kind", "status"], id=INT, incident_id=INT, code=STR,
                kind={"enum": ["verify", "check"]},
                status={"enum": ["offered", "accepted", "done", "unassigned", "cancelled"]},
                assignee_id={"type": ["integer", "null"]}, accept_by=TIME,
                outcome={"type": ["string", "null"]})
    return {
        "Duplicates": _obj(["items", "possible_duplicates"],
                           items={"type": "array", "items": case},
                           possible_duplicates={"type": "array", "items": INT}),
        "Merge": _obj(["parent_id"], parent_id=INT, note=STR),
        "SuggestionList": _obj(["items"], items={"type": "array", "items": _obj(
            ["id", "incident_id", "parent_id"], id=INT, incident_id=INT, parent_id=INT,
            distance_m=NUM, gap_s=INT)}),
        "Decision": _obj(["id", "status"], id=INT, status={"enum": ["confirmed", "dismissed"]},
                         incident_id=INT, parent_id=INT),
        "NewTask": _obj(["kind"], kind={"enum": ["verify", "check"]}),
        "FieldTask": task,
        "TaskList": _obj(["items"], items={"type": "array", "items": task}),
        "TaskDone": _obj(["outcome", "note", "photo_url", "lon", "lat"],
                         outcome={"enum": ["confirmed", "not_found", "fixed", "not_fixed"]},
                         note=STR, photo_url=STR, lon=NUM, lat=NUM),
    }

