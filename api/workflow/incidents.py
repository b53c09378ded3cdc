"""/api/v1/incidents: report, read, list, and one endpoint per lifecycle transition."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from api.auth import current_actor
from api.context import current_settings, request_now
from api.errors import ApiError
from api.payload import (
    field,
    json_body,
    parse_time,
    query_bool,
    query_int,
    query_list,
    respond,
    text_field,
    time_field,
)
from data.db import Database
from workflow.incidents.machine import ACTIONS, INCIDENT_STATUSES
from workflow.incidents.read import incident_view, list_incidents
from workflow.incidents.service import (
    NewIncident,
    comment_incident,
    to_wgs84,
    transition_incident,
)
from workflow.intake.report import report_incident
from workflow.mobile.report import require_stored_photo


def _location(body: dict) -> tuple[float, float]:
    where = field(body, "location", dict, default=None) or body
    lon = field(where, "lon", (int, float), required=True)
    lat = field(where, "lat", (int, float), required=True)
    crs = field(body, "crs", str, default="wgs84")
    if crs not in ("wgs84", "gcj02"):
        raise ApiError(400, "invalid_value", "crs 应为 wgs84 或 gcj02 / crs must be wgs84 or "
                       "gcj02", "crs")
    return to_wgs84(float(lon), float(lat), crs)


def new_incident(body: dict) -> NewIncident:
    """The incident a JSON body describes (types checked here, meaning in workflow/)."""
    lon, lat = _location(body)
    return NewIncident(
        category_code=text_field(body, "category_code", required=True), lon=lon, lat=lat,
        description=text_field(body, "description"), address=field(body, "address", str),
        source=field(body, "source", str), photo_url=field(body, "photo_url", str),
        reporter_contact=field(body, "reporter_contact", str),
        reported_at=time_field(body, "reported_at"))


def list_filters() -> dict:
    statuses = query_list("status")
    unknown = [s for s in statuses if s not in INCIDENT_STATUSES]
    if unknown:
        raise ApiError(400, "invalid_value", f"未知状态 {unknown[0]} / unknown status", "status")
    from_, to = request.args.get("from"), request.args.get("to")
    return {"statuses": statuses, "street_id": query_int("street_id"),
            "community_id": query_int("community_id"), "grid_id": query_int("grid_id"),
            "department_id": query_int("department_id"),
            "category": request.args.get("category") or None,
            "source": request.args.get("source") or None, "overdue": query_bool("overdue"),
            "q": (request.args.get("q") or "")[:100] or None,
            "whistled": query_bool("whistled"),
            "reported_from": parse_time(from_, "from") if from_ else None,
            "reported_to": parse_time(to, "to") if to else None}


def _db() -> Database:
    return current_app.extensions["hq_db"]


def create():
    actor, body = current_actor(), json_body()
    new, attach_to = new_incident(body), field(body, "attach_to", int)
    with _db().begin() as conn:
        require_stored_photo(conn, new.photo_url)
        view, created = report_incident(conn, actor, current_settings(), new, request_now(),
                                        request.headers.get("Idempotency-Key"), attach_to)
    headers = {"Location": f"/api/v1/incidents/{view['id']}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return respond(view, 201 if created else 200, headers)


def index():
    actor, filters = current_actor(), list_filters()
    sort = request.args.get("sort", "-reported_at")
    with _db().connect() as conn:
        page = list_incidents(conn, actor, filters, request_now(), query_int("page", 1),
                              query_int("per_page", 50, 1, 200), sort)
    return respond(page)


def show(incident_id: int):
    actor = current_actor()
    with _db().connect() as conn:
        return respond(incident_view(conn, actor, incident_id, request_now()))


def events(incident_id: int):
    actor = current_actor()
    with _db().connect() as conn:
        view = incident_view(conn, actor, incident_id, request_now())
    return respond({"items": view["events"]})


def comment(incident_id: int):
    actor, body = current_actor(), json_body()
    with _db().begin() as conn:
        view = comment_incident(conn, actor, incident_id, text_field(body, "note", required=True),
                                request_now())
    return respond(view)


def _transition_view(action: str):
    def take(incident_id: int):
        actor, body = current_actor(), json_body()
        photo_url = field(body, "photo_url", str)
        with _db().begin() as conn:
            require_stored_photo(conn, photo_url)
            view = transition_incident(
                conn, actor, incident_id, action, request_now(), note=text_field(body, "note"),
                photo_url=photo_url, handled_by=field(body, "handled_by", str),
                department_code=field(body, "department_code", str),
                public=field(body, "public", bool, default=False))
        return respond(view)
    take.__name__ = f"incident_{action}"
    return take


def incidents_blueprint() -> Blueprint:
    """The routes; every view opens its own transaction on the server's database."""
    bp = Blueprint("incidents_api", __name__, url_prefix="/api/v1/incidents")
    bp.add_url_rule("", view_func=create, methods=["POST"])
    bp.add_url_rule("", view_func=index, methods=["GET"])
    bp.add_url_rule("/<int:incident_id>", view_func=show, methods=["GET"])
    bp.add_url_rule("/<int:incident_id>/events", view_func=events, methods=["GET"])
    bp.add_url_rule("/<int:incident_id>/comment", view_func=comment, methods=["POST"])
    for action in ACTIONS:
        bp.add_url_rule(f"/<int:incident_id>/{action}", endpoint=action,
                        view_func=_transition_view(action), methods=["POST"])
    return bp
