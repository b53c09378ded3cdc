"""The monthly attendance on /patrol: the callback only wires the workflow's
``monthly_attendance`` (the same function as GET /api/v1/patrol/attendance).
"""
from __future__ import annotations

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.inputs import optional_text, whole
from dashboard.patrol.attendance_view import attendance_section
from dashboard.session import session_actor
from workflow.errors import WorkflowError
from workflow.patrol.attendance import monthly_attendance


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the attendance section onto the area pickers and the month picker."""

    @app.callback(Output(ids.PATROL_ATTENDANCE, "children"),
                  Input(ids.PATROL_STREET, "value"), Input(ids.PATROL_COMMUNITY, "value"),
                  Input(ids.PATROL_WORKER, "value"), Input(ids.PATROL_MONTH, "value"),
                  State(ids.URL, "search"))
    def attendance(street, community, worker, month, search):
        lang = pick_lang(search, ctx.settings.language)
        actor = session_actor()
        street, community, worker = whole(street), whole(community), whole(worker)
        month = optional_text(month)
        if actor is None or month is None:
            return []
        if (street, community, worker) == (None, None, None):
            # A month of the whole district is ~30,000 cells: the XLSX carries that, the page
            # waits for an area as the replay does.
            return html.Div(t("att_pick", lang), className="empty-hint")
        try:
            table = monthly_attendance(ctx.db, actor, ctx.settings, month, ctx.settings.now(),
                                       street, community, worker)
        except WorkflowError as err:
            return html.Div(err.message, className="empty-hint")
        query = {k: v for k, v in (("month", month), ("street", street),
                                   ("community", community), ("worker", worker)) if v}
        return attendance_section(table, lang, query)
