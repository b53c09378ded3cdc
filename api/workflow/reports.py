"""/api/v1/reports: the leaders' monthly report as XLSX or PDF, under the page's own rules."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from api.auth import PAGE_ROLES, current_actor
from api.context import request_now
from api.errors import ApiError
from data.db import Database
from workflow.leaders.figures import default_month, month_period, range_period
from workflow.reports.monthly import monthly_report
from workflow.reports.pdf import build_pdf
from workflow.reports.xlsx import build_xlsx

KINDS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  build_xlsx),
         "pdf": ("application/pdf", build_pdf)}


def _period(now, young_days: int):
    first, last = request.args.get("from"), request.args.get("to")
    if first and last:
        days = []
        for name, raw in (("from", first), ("to", last)):
            try:
                days.append(date.fromisoformat(raw))
            except ValueError:
                raise ApiError(400, "invalid_date", f"{name} 的格式应为 YYYY-MM-DD / {name} must "
                               "be YYYY-MM-DD", name) from None
        return range_period(*days)
    # A month still running is reported to date against the same days of the month before.
    return month_period(request.args.get("month") or default_month(now, young_days), now)


def monthly(kind: str):
    """GET /api/v1/reports/monthly.<xlsx|pdf>?month=YYYY-MM (or from=&to=)[&district=CODE]."""
    if kind not in KINDS:
        raise ApiError(404, "not_found", "没有这种报表格式 / no such report format")
    actor = current_actor()
    if actor.role not in PAGE_ROLES["/leaders"]:
        raise ApiError(403, "forbidden", "您的角色无权下载此报表 / your role may not download "
                       "this report")
    now = request_now()
    settings = current_app.extensions["hq_settings"]
    period = _period(now, settings.leaders_young_days)
    db: Database = current_app.extensions["hq_db"]
    # A district's account gets its own district (another's is a 403); a city leader the one
    # asked for, the deployment's home district unless asked.
    asked = request.args.get("district")
    if actor.district_code is None:
        asked = asked or settings.district_code
    with db.connect() as conn:
        report = monthly_report(conn, actor, period, now, settings.closure_target,
                                settings.rating_min_volume, asked)
    mime, build = KINDS[kind]
    name = f"{report['title']}_{period.month or period.label.replace(' ', '')}.{kind}"
    response = Response(build(report), mimetype=mime)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"report.{kind}\"; filename*=UTF-8''{quote(name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def reports_blueprint() -> Blueprint:
    bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")
    bp.add_url_rule("/monthly.<kind>", view_func=monthly, methods=["GET"])
    return bp
