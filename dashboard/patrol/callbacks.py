"""Callback wiring of /patrol: choices, the day's data and sheet (server), frames (browser)."""
from __future__ import annotations

import json
from datetime import date

from dash import ClientsideFunction, Dash, Input, Output, State, html

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.inputs import optional_text, whole
from dashboard.patrol import acknowledge, attendance, leave
from dashboard.patrol.choices import area_options
from dashboard.patrol.discovery_view import discovery_section
from dashboard.patrol.figures import LAYERS, replay_map
from dashboard.patrol.payload import encode
from dashboard.patrol.view import exceptions_list, sheet_table
from dashboard.session import session_actor
from workflow.clock import day_start
from workflow.errors import WorkflowError
from workflow.patrol.discovery import discovery
from workflow.patrol.exceptions import exceptions_for
from workflow.patrol.replay import replay_day
from workflow.patrol.sheets import daily_sheets


def _day(value) -> date | None:
    try:
        return date.fromisoformat(optional_text(value) or "")
    except ValueError:
        return None


def register(app: Dash, ctx: AppContext) -> None:
    """Hook /patrol's callbacks onto the app."""

    @app.callback(Output(ids.PATROL_STREET, "options"), Output(ids.PATROL_COMMUNITY, "options"),
                  Output(ids.PATROL_GRID, "options"), Output(ids.PATROL_WORKER, "options"),
                  Input(ids.PATROL_STREET, "value"), Input(ids.PATROL_COMMUNITY, "value"),
                  Input(ids.PATROL_GRID, "value"), State(ids.URL, "search"))
    def choices(street, community, grid, search):
        return area_options(ctx, session_actor(), street, community, grid,
                            pick_lang(search, ctx.settings.language))

    @app.callback(Output(ids.PATROL_DATA, "data"), Output(ids.PATROL_STATUS, "children"),
                  Output(ids.PATROL_SHEET, "children"), Output(ids.PATROL_EXCEPTIONS, "children"),
                  Input(ids.PATROL_STREET, "value"), Input(ids.PATROL_COMMUNITY, "value"),
                  Input(ids.PATROL_GRID, "value"), Input(ids.PATROL_WORKER, "value"),
                  Input(ids.PATROL_DAY, "date"), State(ids.URL, "search"))
    def load(street, community, grid, worker, day, search):
        lang = pick_lang(search, ctx.settings.language)
        actor, day = session_actor(), _day(day)
        if actor is None or day is None:
            return None, t("patrol_signin" if actor is None else "patrol_pick", lang), [], []
        street, community, grid, worker = whole(street), whole(community), whole(grid), whole(worker)
        if (street, community, grid, worker) == (None, None, None, None):
            # The district at once is no replay, and summing today's district live is a job's
            # work: the page waits for an area.
            return None, t("patrol_pick", lang), [], []
        now = ctx.settings.now()
        try:
            with ctx.db.connect() as conn:
                replay = replay_day(conn, actor, day, now, street, community, grid, worker)
                events = exceptions_for(conn, actor, day, street, community, worker)
            rows = daily_sheets(ctx.db, actor, day, now, street, community, worker)
        except WorkflowError as err:
            return None, err.message, [], []
        if grid is not None:
            rows = [r for r in rows if r["grid_id"] == grid]
        query = {k: v for k, v in (("date", day.isoformat()), ("street", street),
                                   ("community", community), ("worker", worker)) if v}
        sheet = sheet_table(rows, day, lang, query, acknowledge.may_acknowledge(actor))
        exceptions = exceptions_list(events, lang, acknowledge.may_acknowledge(actor))
        if not replay["workers"]:
            return None, t("patrol_pick", lang), sheet, exceptions
        payload = encode(replay, int(day_start(day).timestamp()))
        labels = {k: t(f"layer_{k}", lang) for k in LAYERS}
        payload["base"] = json.loads(replay_map(replay["beats"], ctx.settings.basemap,
                                                labels).to_json())
        fixes = sum(len(w["fixes"]) for w in replay["workers"])
        status = (t("patrol_loaded", lang).format(n=len(replay["workers"]), f=fixes,
                                                  s=max(10, replay["step_s"]),
                                                  r=len(replay["reports"]))
                  if fixes else t("patrol_none", lang))
        return payload, html.Span(status), sheet, exceptions

    @app.callback(Output(ids.PATROL_DISCOVERY, "children"),
                  Input(ids.PATROL_STREET, "value"), Input(ids.PATROL_COMMUNITY, "value"),
                  Input(ids.PATROL_WORKER, "value"), Input(ids.PATROL_DAY, "date"),
                  State(ids.URL, "search"))
    def discovered(street, community, worker, day, search):
        # Its own callback: it reads the fixes of four days and must not hold up the replay.
        lang = pick_lang(search, ctx.settings.language)
        actor, day = session_actor(), _day(day)
        street, community, worker = whole(street), whole(community), whole(worker)
        if actor is None or day is None or (street, community, worker) == (None, None, None):
            return []
        try:
            body = discovery(ctx.db, actor, day, day, ctx.settings.now(), street, community,
                             worker)
        except WorkflowError as err:
            return html.Div(err.message, className="empty-hint")
        query = {k: v for k, v in (("from", day.isoformat()), ("to", day.isoformat()),
                                   ("street", street), ("community", community),
                                   ("worker", worker)) if v}
        return discovery_section(body, lang, query)

    acknowledge.register(app, ctx, _day)
    leave.register(app, ctx, _day)
    attendance.register(app, ctx)

    app.clientside_callback(
        ClientsideFunction(namespace="patrol", function_name="play"),
        Output(ids.PATROL_MAP, "figure"), Output(ids.PATROL_SLIDER, "value"),
        Output(ids.PATROL_SLIDER, "min"), Output(ids.PATROL_SLIDER, "max"),
        Output(ids.PATROL_CLOCK, "children"), Output(ids.PATROL_TICK, "disabled"),
        Output(ids.PATROL_PLAY, "children"),
        Input(ids.PATROL_TICK, "n_intervals"), Input(ids.PATROL_SLIDER, "value"),
        Input(ids.PATROL_PLAY, "n_clicks"), Input(ids.PATROL_DATA, "data"),
        State(ids.PATROL_SPEED, "value"), State(ids.PATROL_FOLLOW, "value"),
        State(ids.PATROL_MAP, "figure"), State(ids.PATROL_TICK, "disabled"))

