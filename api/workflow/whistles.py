"""/api/v1/whistles: blow, report in, complete, verify, rate, second whistle, comment, read."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, request

from api.auth import current_actor
from api.context import current_settings, request_now
from api.errors import ApiError
from api.payload import (
    field,
    json_body,
    list_field,
    query_bool,
    query_int,
    query_list,
    respond,
    text_field,
    time_field,
)
from data.db import Database
from workflow.whistles import steps as whistle_steps
from workflow.whistles.machine import STATUS_ZH, ArrivalRules
from workflow.whistles.read import list_whistles, whistle_view
from workflow.whistles.service import NewWhistle, blow_whistle, second_whistle


def new_whistle(body: dict, second: bool = False) -> NewWhistle:
    """The whistle a JSON body describes; a second whistle may leave matter and parties out."""
    return NewWhistle(
        matter=text_field(body, "matter", required=not second),
        meeting_at=time_field(body, "meeting_at", required=True),
        meeting_place=text_field(body, "meeting_place", required=True),
        deadline=time_field(body, "deadline", required=True),
        incident_ids=() if second else list_field(body, "incident_ids", int, required=True),
        department_codes=list_field(body, "department_codes", str, required=not second),
        leader_ids=list_field(body, "leader_ids", int) if second else (),
        description=text_field(body, "description"))


def _created(view: dict, created: bool):
    headers = {"Location": f"/api/v1/whistles/{view['id']}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return respond(view, 201 if created else 200, headers)


def _filters() -> dict:
    statuses = query_list("status")
    if any(s not in STATUS_ZH for s in statuses):
        raise ApiError(400, "invalid_value", "未知状态 / unknown status", "status")
    return {"statuses": statuses, "street_id": query_int("street_id"),
            "department_id": query_int("department_id"), "level": query_int("level", None, 1, 2),
            "overdue": query_bool("overdue"), "incident_id": query_int("incident_id")}


def _db() -> Database:
    return current_app.extensions["hq_db"]


def blow():
    actor, new = current_actor(), new_whistle(json_body())
    with _db().begin() as conn:
        view, created = blow_whistle(conn, actor, new, request_now(),
                                     request.headers.get("Idempotency-Key"))
    return _created(view, created)


def second(whistle_id: int):
    actor, new = current_actor(), new_whistle(json_body(), second=True)
    with _db().begin() as conn:
        view, created = second_whistle(conn, actor, whistle_id, new, request_now(),
                                       request.headers.get("Idempotency-Key"))
    return _created(view, created)


def index():
    actor, filters = current_actor(), _filters()
    with _db().connect() as conn:
        return respond(list_whistles(conn, actor, filters, request_now(), query_int("page", 1),
                                     query_int("per_page", 50, 1, 200)))


def show(whistle_id: int):
    actor = current_actor()
    with _db().connect() as conn:
        return respond(whistle_view(conn, actor, whistle_id, request_now()))


def _party(body: dict) -> dict:
    return {"department_code": field(body, "department_code", str),
            "leader_id": field(body, "leader_id", int), "note": text_field(body, "note")}


def _position(body: dict) -> tuple[float, float] | None:
    """Where the phone says it is (WGS84), when it says so: both or neither."""
    lon, lat = field(body, "lon", (int, float)), field(body, "lat", (int, float))
    if lon is None and lat is None:
        return None
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ApiError(400, "invalid_value", "请同时给出有效的 lon 与 lat / give both lon and lat",
                       "lon" if lon is None or not -180 <= lon <= 180 else "lat")
    return float(lon), float(lat)


def _arrival_rules() -> ArrivalRules:
    settings = current_settings()
    return ArrivalRules(before=timedelta(hours=settings.arrive_before_h),
                        radius_m=settings.arrive_radius_m)


def report_in(whistle_id: int):
    actor, body = current_actor(), json_body()
    position = _position(body)
    with _db().begin() as conn:
        return respond(whistle_steps.report_in(conn, actor, whistle_id, request_now(),
                                               stage=field(body, "stage", str), **_party(body),
                                               rules=_arrival_rules(), position=position))


def complete(whistle_id: int):
    actor, body = current_actor(), json_body()
    with _db().begin() as conn:
        return respond(whistle_steps.complete(conn, actor, whistle_id, request_now(), **_party(body)))


def verify(whistle_id: int):
    actor, body = current_actor(), json_body()
    with _db().begin() as conn:
        return respond(whistle_steps.verify(conn, actor, whistle_id, request_now(),
                                            text_field(body, "feedback")))


def rate(whistle_id: int):
    actor, body = current_actor(), json_body()
    ratings = {name: field(body, name, int, required=True)
               for name in ("timeliness", "quality", "attitude")}
    department = text_field(body, "department_code", required=True)
    with _db().begin() as conn:
        return respond(whistle_steps.rate(conn, actor, whistle_id, department, ratings, request_now(),
                                          text_field(body, "note")))


def comment(whistle_id: int):
    actor, body = current_actor(), json_body()
    with _db().begin() as conn:
        return respond(whistle_steps.comment(conn, actor, whistle_id,
                                             text_field(body, "note", required=True), request_now()))


ROUTES = (("", blow, "POST"), ("", index, "GET"), ("/<int:whistle_id>", show, "GET"),
          ("/<int:whistle_id>/second", second, "POST"),
          ("/<int:whistle_id>/report-in", report_in, "POST"),
          ("/<int:whistle_id>/complete", complete, "POST"),
          ("/<int:whistle_id>/verify", verify, "POST"), ("/<int:whistle_id>/rate", rate, "POST"),
          ("/<int:whistle_id>/comment", comment, "POST"))


def whistles_blueprint() -> Blueprint:
    bp = Blueprint("whistles_api", __name__, url_prefix="/api/v1/whistles")
    for rule, view, method in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=[method])
    return bp
