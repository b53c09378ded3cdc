"""/api/v1: the supervision queue, 下考上 scores, who am I, sign-in for API clients, lists."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, request
from flask_login import current_user

from api.auth import current_actor, start_session
from api.context import request_now
from api.csrf import session_token
from api.errors import ApiError
from api.payload import json_body, query_date, query_int, respond, text_field
from data import directory
from data.db import Database
from workflow.clock import day_start, year_to_date
from workflow.escalation.supervision import scores, supervision_queue
from workflow.leaders.scoring import STREET_WEIGHT
from workflow.sessions import change_password as change_password_rule
from workflow.sign_in import admit, refused_passwords


def _weight() -> float:
    raw = request.args.get("street_weight")
    if raw is None:
        return STREET_WEIGHT
    try:
        return float(raw)       # its range (NaN included) is the rule's: 422 naming it
    except ValueError:
        raise ApiError(400, "invalid_type", "street_weight 须为数字 / street_weight must be a "
                       "number", "street_weight") from None


def _period() -> tuple:
    start, end = year_to_date(request_now())
    first, last = query_date("from"), query_date("to")
    if first:
        start = day_start(first)
    if last:
        end = day_start(last) + timedelta(days=1)      # "to" is inclusive, a whole day
    return start, end


def me_payload(actor) -> dict:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "role": actor.role, "title": actor.title, "street_id": actor.street_id,
            "community_id": actor.community_id, "department_id": actor.department_id}


def _db() -> Database:
    return current_app.extensions["hq_db"]


def queue():
    actor = current_actor()
    with _db().connect() as conn:
        return respond(supervision_queue(conn, actor, request_now(), query_int("limit", 200, 1, 1000)))


def department_scores():
    actor, (start, end), weight = current_actor(), _period(), _weight()
    with _db().connect() as conn:
        # A district's account is scored on its own district's work (the city: every one's).
        items = scores(conn, actor, start, end, weight, district=actor.district_code)
    return respond({"from": start, "to": end, "street_weight": weight, "items": items})


def me():
    return respond(me_payload(current_actor()))


def api_login():
    # JSON only: a cross-site form cannot send application/json without a CORS preflight,
    # so this sign-in cannot be forged from another site.
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "请使用 JSON / send JSON")
    body = json_body()
    settings = current_app.extensions["hq_settings"]
    new_password = text_field(body, "new_password") or None
    with _db().begin() as conn:
        actor = admit(conn, text_field(body, "username", True),
                      text_field(body, "password", True), new_password,
                      refused_passwords(settings), request_now())
    if actor is None:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误 / wrong username or password")
    token = start_session(actor)
    return respond({"user": me_payload(actor), "csrf_token": token})


def change_password():
    """POST /api/v1/me/password: a signed-in person sets a new password; every session of
    the account (desk and phone, every copy) is revoked and this browser gets a new one.
    """
    if not current_user.is_authenticated or request.headers.get("Authorization"):
        raise ApiError(401, "unauthorized", "请先登录 / sign in first")
    actor, body = current_actor(), json_body()
    with _db().begin() as conn:
        revoked = change_password_rule(conn, actor, text_field(body, "current_password", True),
                                       text_field(body, "new_password", True), request_now())
    current_app.extensions["hq_web_sessions"].forget_all()
    token = start_session(actor)
    return respond({"revoked_sessions": revoked, "csrf_token": token})


def csrf_token():
    current_actor()
    return respond({"csrf_token": session_token()})


def departments():
    current_actor()
    with _db().connect() as conn:
        return respond({"items": directory.departments(conn)})


def categories():
    current_actor()
    with _db().connect() as conn:
        return respond({"items": directory.categories(conn)})


ROUTES = (("/supervision/queue", queue, "GET"), ("/departments/scores", department_scores, "GET"),
          ("/me", me, "GET"), ("/login", api_login, "POST"), ("/csrf-token", csrf_token, "GET"),
          ("/me/password", change_password, "POST"),
          ("/departments", departments, "GET"), ("/categories", categories, "GET"))


def oversight_blueprint() -> Blueprint:
    bp = Blueprint("oversight_api", __name__, url_prefix="/api/v1")
    for rule, view, method in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=[method])
    return bp
