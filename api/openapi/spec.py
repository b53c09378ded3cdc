"""/api/openapi.json: an OpenAPI 3.1 description of the workflow API, written by hand."""
from __future__ import annotations

from flask import Blueprint, jsonify

from api.admin.openapi import admin_paths, admin_schemas
from api.open311.openapi import open311_paths, open311_schemas
from api.openapi.ingest import ingest_paths, ingest_schemas
from api.openapi.intake import intake_paths, intake_schemas
from api.openapi.paths import incident_paths, oversight_paths, whistle_paths
from api.openapi.patrol import patrol_paths, patrol_schemas
from api.workflow.notifications import notifications_paths
from api.workflow.residents import residents_paths
from data.models.base import INCIDENT_STATUSES, SOURCES, WHISTLE_STATUSES

STR, INT, NUM, BOOL = ({"type": "string"}, {"type": "integer"}, {"type": "number"},
                       {"type": "boolean"})
TIME = {"type": "string", "format": "date-time"}
NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
# Only a photo this server stored (from the phone page), by its address.
PHOTO = {"type": "string", "pattern": "^/m/photos/[0-9a-f]{32}\\.jpg$"}


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


def _page(item: str) -> dict:
    return _obj(["items", "total", "page", "per_page"],
                items={"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                total=INT, page=INT, per_page=INT)


def incident_schemas() -> dict:
    return {
        "Error": _obj(["error", "message"], error=STR, message=STR, field=STR),
        "NewIncident": _obj(["category_code", "lon", "lat"],
                            category_code=STR, lon=NUM, lat=NUM,
                            crs={"enum": ["wgs84", "gcj02"]}, description={**STR, "maxLength": 4000},
                            address=STR, source={"enum": list(SOURCES)}, photo_url=PHOTO,
                            reporter_contact=STR, reported_at=TIME),
        "Incident": _obj(["id", "code", "status"], id=INT, code=STR,
                         source_system={"type": ["string", "null"]},
                         source_code={"type": ["string", "null"]},
                         status={"enum": list(INCIDENT_STATUSES)}, category_code=STR,
                         handled_by={"type": ["string", "null"]}, department_code=STR,
                         street_id=INT, community_id=INT, grid_id=INT, lon=NUM, lat=NUM,
                         reported_at=TIME, deadline=NULL_TIME, overdue=BOOL,
                         urgency={"enum": ["overdue", "due_soon", "on_track", "done", "waiting"]},
                         actions={"type": "array", "items": STR},
                         events={"type": "array", "items": {"type": "object"}}),
        "IncidentPage": _page("Incident"),
        "EventList": _obj(["items"], items={"type": "array", "items": _obj(
            ["at", "action"], at=TIME, action=STR, from_status=STR, to_status=STR, note=STR,
            actor_id={"type": ["integer", "null"]})}),
        "Note": _obj([], note=STR, photo_url=PHOTO, public={
            **BOOL, "description": "the note is meant for the reporter and the public "
                                   "(Open311 status_notes); internal otherwise"}),
        "Dispatch": _obj([], handled_by={"enum": ["department", "street", "community"]},
                         department_code=STR, note=STR, public=BOOL),
    }


def whistle_schemas() -> dict:
    rating = {"type": "integer", "minimum": 0, "maximum": 100}
    return {
        "NewWhistle": _obj(["matter", "incident_ids", "department_codes", "meeting_at",
                            "meeting_place", "deadline"],
                           matter={**STR, "maxLength": 200},
                           incident_ids={"type": "array", "items": INT},
                           department_codes={"type": "array", "items": STR},
                           meeting_at=TIME, meeting_place=STR, deadline=TIME, description=STR),
        "SecondWhistle": _obj(["meeting_at", "meeting_place", "deadline"], matter=STR,
                              department_codes={"type": "array", "items": STR},
                              leader_ids={"type": "array", "items": INT},
                              meeting_at=TIME, meeting_place=STR, deadline=TIME),
        "Whistle": _obj(["id", "code", "status", "level"], id=INT, code=STR, level=INT,
                        status={"enum": list(WHISTLE_STATUSES)}, matter=STR, deadline=TIME,
                        meeting_at=TIME, meeting_place=STR, overdue=BOOL,
                        summons={"type": "array", "items": {"type": "object"}},
                        incidents={"type": "array", "items": {"type": "object"}},
                        events={"type": "array", "items": {"type": "object"}},
                        actions={"type": "array", "items": STR}),
        "WhistlePage": _page("Whistle"),
        "ReportIn": _obj([], stage={"enum": ["acknowledged", "arrived"]}, department_code=STR,
                         leader_id=INT, note=STR, lon=NUM, lat=NUM),
        "Party": _obj([], department_code=STR, leader_id=INT, note=STR),
        "Feedback": _obj([], feedback=STR),
        "Rating": _obj(["department_code", "timeliness", "quality", "attitude"],
                       department_code=STR, timeliness=rating, quality=rating, attitude=rating,
                       note=STR),
    }


def oversight_schemas() -> dict:
    return {
        "SupervisionQueue": _obj(["incidents", "whistles"],
                                 incidents={"type": "array", "items": {"type": "object"}},
                                 whistles={"type": "array", "items": {"type": "object"}},
                                 counts={"type": "object"}, as_of=TIME),
        "ScoreList": _obj(["items"], items={"type": "array", "items": _obj(
            ["code", "basis"], code=STR, street_score={"type": ["number", "null"]},
            on_time_rate={"type": ["number", "null"]}, performance={"type": ["number", "null"]},
            basis={"enum": ["both", "street_only", "on_time_only", "none"]},
            rank={"type": ["integer", "null"]})}, street_weight=NUM),
        "Me": _obj(["id", "role"], id=INT, username=STR, role=STR, title=STR),
        "ItemList": _obj(["items"], items={"type": "array", "items": {"type": "object"}}),
        "Credentials": _obj(["username", "password"], username=STR, password=STR,
                            new_password={**STR, "minLength": 10, "maxLength": 200,
                                          "description": "required (403 password_change_required"
                                                         ") while the password is temporary"}),
        "PasswordChange": _obj(["current_password", "new_password"], current_password=STR,
                               new_password={**STR, "minLength": 10, "maxLength": 200}),
        "PasswordChanged": _obj(["revoked_sessions", "csrf_token"], revoked_sessions=INT,
                                csrf_token=STR),
        "Login": _obj(["user", "csrf_token"], user={"$ref": "#/components/schemas/Me"},
                      csrf_token=STR),
    }


def spec() -> dict:
    """The whole OpenAPI 3.1 document."""
    reasons = {400: "bad input", 401: "not signed in", 403: "role or scope forbids it",
               404: "not found", 409: "invalid transition or conflict", 422: "invalid value"}
    responses = {f"E{code}": {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for code, text in reasons.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "红桥区网格化管理 工作流 API / Hongqiao workflow API", "version": "1.0.0",
                 "description": "街道吹哨、部门报到: incidents, whistles, supervision, 下考上."},
        "servers": [{"url": "/"}],
        "tags": [{"name": "incidents"}, {"name": "whistles"}, {"name": "oversight"},
                 {"name": "ingest"}, {"name": "residents"}, {"name": "open311"},
                 {"name": "admin"}, {"name": "patrol"}, {"name": "notifications"},
                 {"name": "intake"}],
        "paths": {**incident_paths(), **whistle_paths(), **oversight_paths(), **ingest_paths(),
                  **residents_paths(), **open311_paths(), **admin_paths(), **patrol_paths(),
                  **notifications_paths(), **intake_paths()},
        "components": {
            "schemas": {**incident_schemas(), **whistle_schemas(), **oversight_schemas(),
                        **ingest_schemas(), **open311_schemas(), **admin_schemas(),
                        **patrol_schemas(), **intake_schemas()},
            "responses": responses,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "hq_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "a device token (devices.token_hash = sha256 hex)"}}},
    }


def openapi_blueprint() -> Blueprint:
    bp = Blueprint("openapi", __name__)

    @bp.get("/api/openapi.json")
    def openapi_json():
        return jsonify(spec())

    return bp
