"""Acknowledging a patrol exception from /patrol: the callback only wires the workflow's
``acknowledge`` (the same function as POST /api/v1/patrol/exceptions/{id}/acknowledge).
"""
from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.inputs import optional_text, whole
from dashboard.patrol.view import exceptions_list
from dashboard.session import session_actor
from workflow.errors import WorkflowError
from workflow.patrol.exceptions import acknowledge, exceptions_for
from workflow.roles import Actor, list_filter


def may_acknowledge(actor: Actor | None) -> bool:
    """Whether the form is worth showing (the workflow still checks each exception)."""
    return actor is not None and list_filter(actor, "patrol.manage") is not None


def register(app: Dash, ctx: AppContext, day_of) -> None:
    """Hook the acknowledge button; ``day_of`` reads the day picker's value."""

    @app.callback(Output(ids.PATROL_EXCEPTIONS, "children", allow_duplicate=True),
                  Input(ids.PATROL_ACK_GO, "n_clicks"), State(ids.PATROL_ACK_PICK, "value"),
                  State(ids.PATROL_ACK_NOTE, "value"), State(ids.PATROL_STREET, "value"),
                  State(ids.PATROL_COMMUNITY, "value"), State(ids.PATROL_WORKER, "value"),
                  State(ids.PATROL_DAY, "date"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def acknowledge_one(clicks, ident, note, street, community, worker, day, search):
        actor = session_actor()
        day = day_of(day)
        if not clicks or actor is None or day is None:
            raise PreventUpdate
        lang = pick_lang(search, ctx.settings.language)
        street, community, worker = whole(street), whole(community), whole(worker)
        ident, message = whole(ident), t("exc_ack_done", lang)
        try:
            if ident is None:
                message = t("exc_ack_choose", lang)
            else:
                with ctx.db.begin() as conn:
                    acknowledge(conn, actor, ident, optional_text(note) or "",
                                ctx.settings.now())
        except WorkflowError as err:
            message = err.message
        try:
            with ctx.db.connect() as conn:
                events = exceptions_for(conn, actor, day, street, community, worker)
        except WorkflowError as err:
            return err.message
        return exceptions_list(events, lang, may_acknowledge(actor), message)
