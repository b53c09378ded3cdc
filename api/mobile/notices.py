"""The phone page's bell: the worker's in-app notices (fix to verify, ...) and marking read."""
from __future__ import annotations

from flask import Blueprint

from api.context import request_now
from api.mobile.session import phone_actor
from api.payload import query_int, respond
from data.db import Database
from workflow.notices.inbox import mark_read, my_notices


def register_notices(bp: Blueprint, db: Database) -> None:
    """Hang /m/api/notifications (GET) and /m/api/notifications/read (POST) on the blueprint."""

    @bp.get("/m/api/notifications")
    def phone_notices():
        actor = phone_actor()
        with db.connect() as conn:
            body = my_notices(conn, actor, False, query_int("limit", 20, 1, 100) or 20)
        return respond(body, headers={"Cache-Control": "no-store"})

    @bp.post("/m/api/notifications/read")
    def phone_notices_read():
        actor = phone_actor()
        with db.begin() as conn:
            return respond(mark_read(conn, actor, request_now()))
