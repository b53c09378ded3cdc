"""/api/v1 field tasks: a worker's ordered list, accept, pass on, complete; operators order."""
from __future__ import annotations

from flask import Blueprint, current_app

from api.auth import current_actor
from api.context import current_settings, request_now
from api.payload import field, json_body, respond, text_field
from api.workflow.incidents import _location
from data.db import Database
from workflow.intake import tasks
from workflow.mobile.report import require_stored_photo


def _db() -> Database:
    return current_app.extensions["hq_db"]


def mine():
    actor = current_actor()
    with _db().connect() as conn:
        return respond({"items": tasks.my_tasks(conn, actor)})


def order(incident_id: int):
    actor, body = current_actor(), json_body()
    kind = text_field(body, "kind", required=True)
    with _db().begin() as conn:
        view = tasks.order_task(conn, current_settings(), actor, incident_id, kind,
                                request_now())
    return respond(view, 201)


def accept(task_id: int):
    actor = current_actor()
    json_body()
    with _db().begin() as conn:
        return respond(tasks.accept_task(conn, actor, task_id, request_now()))


def pass_on(task_id: int):
    actor = current_actor()
    json_body()
    with _db().begin() as conn:
        return respond(tasks.pass_task(conn, current_settings(), actor, task_id, request_now()))


def complete(task_id: int):
    actor, body = current_actor(), json_body()
    outcome = text_field(body, "outcome", required=True)
    note = text_field(body, "note", required=True)
    photo_url = field(body, "photo_url", str, required=True)
    lon, lat = _location(body)
    with _db().begin() as conn:
        require_stored_photo(conn, photo_url)
        return respond(tasks.complete_task(conn, actor, task_id, outcome, note, photo_url,
                                           lon, lat, request_now()))


def tasks_blueprint() -> Blueprint:
    """The field-task routes under /api/v1."""
    bp = Blueprint("tasks_api", __name__, url_prefix="/api/v1")
    bp.add_url_rule("/tasks", view_func=mine, methods=["GET"])
    bp.add_url_rule("/incidents/<int:incident_id>/tasks", view_func=order, methods=["POST"])
    bp.add_url_rule("/tasks/<int:task_id>/accept", view_func=accept, methods=["POST"])
    bp.add_url_rule("/tasks/<int:task_id>/pass", view_func=pass_on, methods=["POST"])
    bp.add_url_rule("/tasks/<int:task_id>/complete", view_func=complete, methods=["POST"])
    return bp
