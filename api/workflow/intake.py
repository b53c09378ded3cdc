"""/api/v1 intake: possible duplicates, merging, suggested duplicates to confirm or dismiss."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from api.auth import current_actor
from api.context import current_settings, request_now
from api.errors import ApiError
from api.payload import field, json_body, query_int, respond, text_field
from data.db import Database
from workflow.incidents.read import incident_view
from workflow.incidents.service import to_wgs84
from workflow.intake.duplicates import duplicates_of
from workflow.intake.merge import merge_incident
from workflow.intake.report import preview_duplicates
from workflow.intake.suggestions import decide, list_suggestions


def _db() -> Database:
    return current_app.extensions["hq_db"]


def _float_arg(name: str) -> float:
    raw = request.args.get(name)
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        raise ApiError(400, "invalid_value", f"{name} 应为数字 / {name} must be a number", name)
    return value


def preview():
    actor = current_actor()
    category = request.args.get("category_code") or ""
    if not category or len(category) > 8:
        raise ApiError(400, "missing_field", "缺少 category_code / category_code is required",
                       "category_code")
    crs = request.args.get("crs", "wgs84")
    if crs not in ("wgs84", "gcj02"):
        raise ApiError(400, "invalid_value", "crs 应为 wgs84 或 gcj02 / crs must be wgs84 or "
                       "gcj02", "crs")
    lon, lat = _float_arg("lon"), _float_arg("lat")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ApiError(400, "invalid_value", "坐标超出范围 / coordinates out of range", "lon")
    lon, lat = to_wgs84(lon, lat, crs)
    with _db().connect() as conn:
        items = preview_duplicates(conn, actor, current_settings(), category, lon, lat,
                                   request_now())
    return respond({"items": items, "possible_duplicates": [d["id"] for d in items]})


def of_incident(incident_id: int):
    actor = current_actor()
    with _db().connect() as conn:
        incident_view(conn, actor, incident_id, request_now(), events=False)
        items = duplicates_of(conn, current_settings(), incident_id)
    return respond({"items": items, "possible_duplicates": [d["id"] for d in items]})


def merge(incident_id: int):
    actor, body = current_actor(), json_body()
    parent_id = field(body, "parent_id", int, required=True)
    with _db().begin() as conn:
        view = merge_incident(conn, actor, incident_id, parent_id, request_now(),
                              text_field(body, "note"))
    return respond(view)


def suggestions():
    actor = current_actor()
    with _db().connect() as conn:
        items = list_suggestions(conn, actor, query_int("limit", 100, 1, 500) or 100)
    return respond({"items": items})


def _decision(decision: str):
    def take(suggestion_id: int):
        actor = current_actor()
        json_body()
        with _db().begin() as conn:
            return respond(decide(conn, actor, suggestion_id, decision, request_now()))
    take.__name__ = f"suggestion_{decision}"
    return take


def intake_blueprint() -> Blueprint:
    """The intake routes under /api/v1."""
    bp = Blueprint("intake_api", __name__, url_prefix="/api/v1")
    bp.add_url_rule("/incidents/duplicates", view_func=preview, methods=["GET"])
    bp.add_url_rule("/incidents/<int:incident_id>/duplicates", view_func=of_incident,
                    methods=["GET"])
    bp.add_url_rule("/incidents/<int:incident_id>/merge", view_func=merge, methods=["POST"])
    bp.add_url_rule("/duplicates/suggestions", view_func=suggestions, methods=["GET"])
    for decision in ("confirm", "dismiss"):
        bp.add_url_rule(f"/duplicates/suggestions/<int:suggestion_id>/{decision}",
                        endpoint=decision, view_func=_decision(decision), methods=["POST"])
    return bp
