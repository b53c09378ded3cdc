"""/api/v1/notifications: the signed-in person's in-app notices, marking them read; and the
delivery worker's start with the server.
"""
from __future__ import annotations

from flask import Blueprint, current_app

from api.auth import current_actor
from api.context import request_now
from api.payload import query_bool, query_int, respond
from data.db import Database
from data.settings import Settings
from workflow.notices.delivery import parse_quiet
from workflow.notices.inbox import mark_read, my_notices
from workflow.notices.senders import ChannelSettings
from workflow.notices.worker import NoticeWorker, start_notice_worker


def _db() -> Database:
    return current_app.extensions["hq_db"]


def listing():
    actor = current_actor()
    unread_only, limit = query_bool("unread"), query_int("limit", 20, 1, 100)
    before = query_int("before_id", None, 1)
    with _db().connect() as conn:
        return respond(my_notices(conn, actor, unread_only, limit or 20, before),
                       headers={"Cache-Control": "no-store"})


def read_one(notice_id: int):
    actor = current_actor()
    with _db().begin() as conn:
        return respond(mark_read(conn, actor, request_now(), notice_id))


def read_all():
    actor = current_actor()
    with _db().begin() as conn:
        return respond(mark_read(conn, actor, request_now()))


def notifications_blueprint() -> Blueprint:
    bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1/notifications")
    bp.add_url_rule("", view_func=listing, methods=["GET"])
    bp.add_url_rule("/<int:notice_id>/read", view_func=read_one, methods=["POST"])
    bp.add_url_rule("/read", view_func=read_all, methods=["POST"])
    return bp


def channel_settings(settings: Settings) -> ChannelSettings:
    """The channels' configuration from the app's settings."""
    return ChannelSettings(smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                           mail_from=settings.mail_from, sms_url=settings.sms_url,
                           sms_template=settings.sms_template)


def start_notices(db: Database, settings: Settings) -> NoticeWorker:
    """The delivery worker, started with the server (like the escalation ticker)."""
    return start_notice_worker(db, settings.clock, channel_settings(settings),
                               parse_quiet(settings.quiet_hours), settings.notice_interval_s)


def notifications_paths() -> dict:
    """The OpenAPI description of the routes (merged into /api/openapi.json)."""
    security = [{"session": [], "csrf": []}, {"bearer": []}]
    errors = {str(c): {"$ref": f"#/components/responses/E{c}"} for c in (400, 401, 404)}
    item = {"type": "object", "required": ["id", "kind", "title", "created_at"], "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": [
            "dispatched", "due_soon", "overdue", "whistle_blown", "meeting_reminder",
            "second_whistle", "whistle_completed", "verify_fix", "open311_status",
            "parent_closed"]},
        "title": {"type": "string"}, "title_en": {"type": "string"},
        "body": {"type": "string"}, "urgent": {"type": "boolean"},
        "incident_id": {"type": ["integer", "null"]}, "whistle_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "read_at": {"type": ["string", "null"], "format": "date-time"}}}
    page = {"type": "object", "required": ["unread", "items"], "properties": {
        "unread": {"type": "integer"}, "items": {"type": "array", "items": item}}}
    marked = {"type": "object", "required": ["marked", "unread"], "properties": {
        "marked": {"type": "integer"}, "unread": {"type": "integer"}}}

    def op(summary, schema, params=()):
        return {"summary": summary, "tags": ["notifications"], "security": security,
                "parameters": list(params), "responses": {"200": {
                    "description": "OK", "content": {"application/json": {"schema": schema}}},
                    **errors}}

    def q(name, kind, **extra):
        return {"name": name, "in": "query", "required": False,
                "schema": {"type": kind, **extra}}

    notice_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/api/v1/notifications": {"get": op(
            "我的通知 my notices, newest first, with the unread count (the bell)", page,
            [q("unread", "boolean"), q("limit", "integer", minimum=1, maximum=100),
             q("before_id", "integer", minimum=1)])},
        "/api/v1/notifications/{id}/read": {"post": op("标为已读 mark one notice read",
                                                       marked, [notice_id])},
        "/api/v1/notifications/read": {"post": op("全部已读 mark all my notices read", marked)},
    }
