"""The phone page's JSON endpoints: home, my work, report, check, patrol positions, photos."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from api.auth import current_actor
from api.context import request_now
from api.errors import ApiError
from api.ingest.ingestor import FixRejected
from api.ingest.routes import batch_answer, decode_batch, rejected_response
from api.mobile import forms
from api.mobile.session import COOKIE, csrf_for, phone, phone_actor
from api.mobile.tasks import register_task_views
from api.payload import json_body, respond
from data.db import Database
from data.settings import Settings
from workflow.intake.report import attach_new_report
from workflow.mobile.patrol import today_patrol
from workflow.mobile.report import check, patrol_device, photo_for, report
from workflow.mobile.work import home, my_work, revoke, sessions_for

REPORT_FIELDS = ("id", "code", "status", "category_code", "category_name", "grid_id",
                 "grid_name", "community_name", "street_name", "reported_at", "photo_url",
                 "lon", "lat")


def _someone():
    """The phone's worker, else a desk session or device token (administrators revoking)."""
    found = phone()
    return found[0] if found else current_actor()


def register_views(bp: Blueprint, db: Database, settings: Settings) -> None:
    """Hang the JSON endpoints on the phone page's blueprint."""
    bp.register_error_handler(FixRejected, lambda err: rejected_response(err, "fixes"))
    register_task_views(bp, db)

    @bp.get("/m/api/me")
    def me():
        actor = phone_actor()
        with db.connect() as conn:
            body = home(conn, actor, request_now())
        body["csrf"] = csrf_for(settings.secret_key, request.cookies[COOKIE])
        return respond(body, headers={"Cache-Control": "no-store"})

    @bp.get("/m/api/work")
    def work():
        actor = phone_actor()
        with db.connect() as conn:
            return respond(my_work(conn, actor, request_now()), headers={"Cache-Control": "no-store"})

    @bp.post("/m/api/reports")
    def create_report():
        actor, new = phone_actor(), forms.new_report()
        where, data = forms.location(), forms.photo_bytes()
        attach_to = forms.attach_to()
        with db.begin() as conn:
            view, created = report(conn, actor, new, data, request.headers.get("Idempotency-Key"),
                                   request_now(), where)
            if created and attach_to is not None:
                attach_new_report(conn, actor, settings, view, attach_to, request_now())
        body = {k: view.get(k) for k in REPORT_FIELDS}
        body["replayed"] = not created
        return respond(body, 201 if created else 200,
                       {"Location": f"/api/v1/incidents/{view['id']}"})

    @bp.post("/m/api/incidents/<int:incident_id>/check")
    def check_incident(incident_id: int):
        actor = phone_actor()
        fixed = request.form.get("fixed", "1") in ("1", "true", "yes")
        note, data = (request.form.get("note") or "").strip(), forms.photo_bytes()
        with db.begin() as conn:
            view = check(conn, actor, incident_id, fixed, note, data, request_now())
        return respond({"id": view["id"], "code": view["code"], "status": view["status"]})

    @bp.post("/m/api/positions")
    def positions():
        actor = phone_actor()
        readings = decode_batch(request.get_json(silent=True))
        with db.begin() as conn:
            device = patrol_device(conn, actor)
        result = current_app.blueprints["positions"].ingestor.ingest(device, readings)
        return respond(batch_answer(result))

    @bp.get("/m/api/route")
    def route():
        actor = phone_actor()
        with db.connect() as conn:
            body = today_patrol(conn, actor, request_now(), settings.timezone)
        return respond(body, headers={"Cache-Control": "no-store"})

    @bp.get("/m/photos/<photo_id>.jpg")
    def photo(photo_id: str):
        if len(photo_id) != 32 or not all(c in "0123456789abcdef" for c in photo_id):
            raise ApiError(404, "not_found", "照片不存在 / photo not found")
        actor = _someone()
        with db.connect() as conn:
            content = photo_for(conn, actor, photo_id)
        response = Response(content, mimetype="image/jpeg")
        response.headers["Cache-Control"] = "private, max-age=86400"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @bp.get("/m/api/sessions")
    def sessions():
        actor = _someone()
        user_id = request.args.get("user_id", type=int)
        with db.connect() as conn:
            return respond({"items": sessions_for(conn, actor, user_id)})

    @bp.post("/m/api/sessions/<int:session_id>/revoke")
    def revoke_session(session_id: int):
        actor = _someone()
        json_body()
        with db.begin() as conn:
            revoke(conn, actor, session_id, request_now())
        return respond({"id": session_id, "revoked": True})
