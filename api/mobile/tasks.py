"""The phone's intake: possible duplicates before filing, and field tasks (list, accept, pass
on, complete).
"""
from __future__ import annotations

from flask import Blueprint, request

from api.context import current_settings, request_now
from api.mobile import forms
from api.mobile.session import phone_actor
from api.payload import respond
from data.db import Database
from workflow.intake import tasks
from workflow.intake.phone import complete_on_site
from workflow.intake.report import preview_duplicates


def _number(name: str) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if -180 <= value <= 180 else None


def register_task_views(bp: Blueprint, db: Database) -> None:
    """Hang the task endpoints on the phone page's blueprint."""

    @bp.get("/m/api/duplicates")
    def duplicates():
        actor = phone_actor()
        category = (request.args.get("category_code") or "")[:8]
        lon, lat = _number("lon"), _number("lat")
        if not category or lon is None or lat is None:
            return respond({"items": []}, headers={"Cache-Control": "no-store"})
        with db.connect() as conn:
            items = preview_duplicates(conn, actor, current_settings(), category, lon, lat,
                                       request_now())
        return respond({"items": items}, headers={"Cache-Control": "no-store"})

    @bp.get("/m/api/tasks")
    def my_tasks():
        actor = phone_actor()
        with db.connect() as conn:
            items = tasks.my_tasks(conn, actor)
        return respond({"items": items}, headers={"Cache-Control": "no-store"})

    @bp.post("/m/api/tasks/<int:task_id>/accept")
    def accept(task_id: int):
        actor = phone_actor()
        with db.begin() as conn:
            return respond(tasks.accept_task(conn, actor, task_id, request_now()))

    @bp.post("/m/api/tasks/<int:task_id>/pass")
    def pass_on(task_id: int):
        actor = phone_actor()
        with db.begin() as conn:
            return respond(tasks.pass_task(conn, current_settings(), actor, task_id,
                                           request_now()))

    @bp.post("/m/api/tasks/<int:task_id>/complete")
    def complete(task_id: int):
        actor = phone_actor()
        outcome = (request.form.get("outcome") or "").strip()[:20]
        note = (request.form.get("note") or "").strip()
        where, data = forms.location(), forms.photo_bytes(required=True)
        with db.begin() as conn:
            return respond(complete_on_site(conn, actor, task_id, outcome, note, data, where,
                                            request_now()))
