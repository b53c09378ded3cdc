"""Callback wiring of the phone health page: the interval refreshes tiles and table."""
from __future__ import annotations

from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.context import AppContext
from dashboard.devices.view import table, tiles
from dashboard.i18n import pick_lang, t
from dashboard.session import session_actor
from workflow.devices.health import phone_health
from workflow.roles import can


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the phone health page's callback onto the app."""

    @app.callback(Output(ids.DEVICES_SUMMARY, "children"), Output(ids.DEVICES_TABLE, "children"),
                  Input(ids.DEVICES_TICK, "n_intervals"), State(ids.URL, "search"))
    def refresh(_tick, search):
        lang = pick_lang(search, ctx.settings.language)
        actor = session_actor()
        if actor is None or not can(actor, "devices.read"):
            return [], html.Div(t("devices_signin", lang), className="empty-hint")
        with ctx.db.connect() as conn:
            health = phone_health(conn, actor, ctx.settings, ctx.settings.now())
        return tiles(health, lang), table(health, lang)
