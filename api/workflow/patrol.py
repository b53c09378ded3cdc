"""/api/v1/patrol: daily sheets (JSON or XLSX) and exceptions, scoped like incidents."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from api.auth import current_actor
from api.context import request_now
from api.errors import ApiError
from api.payload import json_body, query_date, query_int, respond, text_field
from workflow.clock import BEIJING
from workflow.patrol.exceptions import acknowledge, exceptions_for
from workflow.patrol.sheets import daily_sheets, rollup
from workflow.patrol.xlsx import sheets_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PUBLIC = ("user_id", "username", "display_name", "grid_code", "street_id", "community_id",
          "street_zh", "street_en", "community_zh", "community_en", "first_fix", "last_fix",
          "fixes", "km", "minutes_on_beat", "minutes_off_beat", "beat_covered", "stops",
          "reports", "set_aside")


def _day(now):
    return query_date("date") or now.astimezone(BEIJING).date()


def _sheets(now):
    actor = current_actor()
    return daily_sheets(current_app.extensions["hq_db"], actor, _day(now), now,
                        query_int("street", high=2**31 - 1),
                        query_int("community", high=2**31 - 1),
                        query_int("worker", high=2**31 - 1))


def _xlsx(rows, day):
    response = Response(sheets_xlsx(rows), mimetype=XLSX)
    name = f"网格员巡查日报_{day.isoformat()}.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"patrol-{day.isoformat()}.xlsx\"; filename*=UTF-8''{quote(name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def patrol_blueprint() -> Blueprint:
    bp = Blueprint("patrol", __name__)

    @bp.get("/api/v1/patrol/sheets")
    def sheets():
        now = request_now()
        rows = _sheets(now)
        day = _day(now)
        fmt = request.args.get("format", "json")
        if fmt == "xlsx":
            return _xlsx(rows, day)
        if fmt != "json":
            raise ApiError(400, "invalid_value", "format 须为 json 或 xlsx / format must be json "
                           "or xlsx", "format")
        body = {"date": day, "sheets": [
                    {"worker": r["username"], **{k: r[k] for k in PUBLIC}} for r in rows],
                "communities": rollup(rows, "community_id"), "streets": rollup(rows, "street_id")}
        return respond(body, headers={"Cache-Control": "no-store"})

    @bp.get("/api/v1/patrol/exceptions")
    def exceptions():
        now, actor = request_now(), current_actor()
        day = _day(now)
        with current_app.extensions["hq_db"].connect() as conn:
            rows = exceptions_for(conn, actor, day, query_int("street", high=2**31 - 1),
                                  query_int("community", high=2**31 - 1),
                                  query_int("worker", high=2**31 - 1))
        return respond({"date": day, "exceptions": rows}, headers={"Cache-Control": "no-store"})

    @bp.post("/api/v1/patrol/exceptions/<int:ident>/acknowledge")
    def acknowledge_one(ident: int):
        now, actor = request_now(), current_actor()
        note = text_field(json_body(), "note", required=True)
        if ident >= 2**31:
            raise ApiError(404, "not_found", "异常不存在 / exception not found", "id")
        with current_app.extensions["hq_db"].begin() as conn:
            acknowledge(conn, actor, ident, note, now)
        return respond({"id": ident, "acknowledged_at": now, "note": note.strip()})

    return bp
