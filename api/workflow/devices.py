"""GET /api/v1/devices/health: how each phone in the caller's scope is doing, worst first."""
from __future__ import annotations

from flask import Blueprint, current_app

from api.auth import current_actor
from api.context import request_now
from api.payload import respond
from workflow.devices.health import phone_health


def devices_blueprint() -> Blueprint:
    bp = Blueprint("devices", __name__)

    @bp.get("/api/v1/devices/health")
    def health():
        actor = current_actor()
        db, settings = current_app.extensions["hq_db"], current_app.extensions["hq_settings"]
        with db.connect() as conn:
            body = phone_health(conn, actor, settings, request_now())
        body["shifts"] = [{"start": a, "end": b} for a, b in body["shifts"]]
        return respond(body, headers={"Cache-Control": "no-store"})

    return bp
