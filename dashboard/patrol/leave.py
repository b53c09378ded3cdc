"""Recording a worker's leave day from /patrol: the callback only wires the workflow's
``record_leave`` (the same function as POST /api/v1/patrol/leave).
"""
from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.inputs import whole
from dashboard.session import session_actor
from workflow.clock import in_calendar
from workflow.errors import WorkflowError
from workflow.patrol.attendance import record_leave


def register(app: Dash, ctx: AppContext, day_of) -> None:
    """Hook the leave button; ``day_of`` reads a date picker's value."""

    @app.callback(Output(ids.PATROL_LEAVE_STATUS, "children"),
                  Input(ids.PATROL_LEAVE_GO, "n_clicks"), State(ids.PATROL_LEAVE_WORKER, "value"),
                  State(ids.PATROL_LEAVE_WORKER, "options"), State(ids.PATROL_LEAVE_DAY, "date"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def record(clicks, worker, options, day, search):
        actor = session_actor()
        if not clicks or actor is None:
            raise PreventUpdate
        lang = pick_lang(search, ctx.settings.language)
        worker, day = whole(worker), day_of(day)
        if worker is None or day is None or not in_calendar(day):
            return t("leave_pick", lang)
        # The name only echoes what the reader picked; the workflow checks the worker.
        name = next((o.get("label") for o in options or [] if isinstance(o, dict)
                     and o.get("value") == worker), str(worker))
        try:
            with ctx.db.begin() as conn:
                added = record_leave(conn, actor, worker, day, ctx.settings.now())
        except WorkflowError as err:
            return err.message
        return t("leave_done" if added else "leave_known", lang).format(name=name,
                                                                         day=day.isoformat())
