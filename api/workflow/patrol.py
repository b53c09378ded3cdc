"""/api/v1/patrol: daily sheets and the discovery rate (JSON or XLSX), exceptions, attendance,
scoped like incidents.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from api.auth import current_actor
from api.context import request_now
from api.errors import ApiError
from api.payload import field, json_body, query_date, query_int, respond, text_field
from workflow.clock import BEIJING, in_calendar
from workflow.leaders.figures import current_month
from workflow.patrol.attendance import monthly_attendance, record_leave
from workflow.patrol.discovery import discovery
from workflow.patrol.exceptions import acknowledge, exceptions_for
from workflow.patrol.sheets import daily_sheets, rollup
from workflow.patrol.xlsx import attendance_xlsx, discovery_xlsx, sheets_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PUBLIC = ("user_id", "username", "display_name", "grid_code", "street_id", "community_id",
          "street_zh", "street_en", "community_zh", "community_en", "first_fix", "last_fix",
          "fixes", "km", "minutes_on_beat", "minutes_off_beat", "beat_covered", "stops",
          "reports", "set_aside", "computed_at")


def _day(now):
    return query_date("date") or now.astimezone(BEIJING).date()


def _sheets(now):
    actor = current_actor()
    # Today's district is the job's snapshot while one is due (two refreshes' time).
    fresh_s = 2 * current_app.extensions["hq_settings"].patrol_sheet_refresh_s
    return daily_sheets(current_app.extensions["hq_db"], actor, _day(now), now,
                        query_int("street", high=2**31 - 1),
                        query_int("community", high=2**31 - 1),
                        query_int("worker", high=2**31 - 1), snapshot_s=fresh_s)


def _xlsx(content: bytes, ascii_name: str, name: str):
    response = Response(content, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def _format() -> str:
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "xlsx"):
        raise ApiError(400, "invalid_value", "format 须为 json 或 xlsx / format must be json "
                       "or xlsx", "format")
    return fmt


def patrol_blueprint() -> Blueprint:
    bp = Blueprint("patrol", __name__)

    @bp.get("/api/v1/patrol/sheets")
    def sheets():
        now = request_now()
        rows = _sheets(now)
        day = _day(now)
        if _format() == "xlsx":
            return _xlsx(sheets_xlsx(rows), f"patrol-{day.isoformat()}.xlsx",
                         f"网格员巡查日报_{day.isoformat()}.xlsx")
        body = {"date": day, "sheets": [
                    {"worker": r["username"], **{k: r[k] for k in PUBLIC}} for r in rows],
                "communities": rollup(rows, "community_id"), "streets": rollup(rows, "street_id")}
        return respond(body, headers={"Cache-Control": "no-store"})

    @bp.get("/api/v1/patrol/discovery")
    def discovery_rate():
        now, actor = request_now(), current_actor()
        last = query_date("to") or now.astimezone(BEIJING).date()
        first = query_date("from") or last
        fmt = _format()
        body = discovery(current_app.extensions["hq_db"], actor, first, last, now,
                         query_int("street", high=2**31 - 1),
                         query_int("community", high=2**31 - 1),
                         query_int("worker", high=2**31 - 1))
        if fmt == "xlsx":
            return _xlsx(discovery_xlsx(body), f"discovery-{first}-{last}.xlsx",
                         f"巡查发现率_{first}_{last}.xlsx")
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

    @bp.get("/api/v1/patrol/attendance")
    def attendance():
        now, actor = request_now(), current_actor()
        settings = current_app.extensions["hq_settings"]
        month = request.args.get("month") or current_month(now)
        fmt = _format()
        table = monthly_attendance(current_app.extensions["hq_db"], actor, settings, month, now,
                                   query_int("street", high=2**31 - 1),
                                   query_int("community", high=2**31 - 1),
                                   query_int("worker", high=2**31 - 1))
        if fmt == "xlsx":
            return _xlsx(attendance_xlsx(table), f"attendance-{month}.xlsx",
                         f"网格员考勤_{month}.xlsx")
        return respond(table, headers={"Cache-Control": "no-store"})

    @bp.post("/api/v1/patrol/leave")
    def leave():
        now, actor = request_now(), current_actor()
        body = json_body()
        worker = field(body, "worker", int, required=True)
        raw = text_field(body, "date", required=True)
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is None or not in_calendar(day):
            raise ApiError(400, "invalid_date", "date 须为 YYYY-MM-DD / date must be YYYY-MM-DD",
                           "date")
        if not 0 < worker < 2**31:
            raise ApiError(404, "not_found", "网格员不存在 / worker not found", "worker")
        with current_app.extensions["hq_db"].begin() as conn:
            added = record_leave(conn, actor, worker, day, now)
        return respond({"worker": worker, "date": day, "recorded": added},
                       status=201 if added else 200)

    return bp
