"""Wall screen wiring: a browser clock, four gated data channels, the tour, the banner."""
from __future__ import annotations

import json
import time

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.inputs import count, optional_text, record
from dashboard.session import session_actor
from dashboard.wall import assembly, replay_link
from dashboard.wall.panels import banner, tour_caption
from dashboard.wall.reads import local, wall_now, wall_options
from workflow.pages import wall_district

# The database going away shows as these; anything else is a bug and should say so.
DOWN = (SQLAlchemyError, OSError)

CLOCK_JS = """
function(n, search) {
  const en = /(^|[?&])lang=en(&|$)/.test(search || '');
  const now = new Date();
  const date = new Intl.DateTimeFormat(en ? 'en-GB' : 'zh-CN', {timeZone: %s,
    year: 'numeric', month: 'long', day: 'numeric', weekday: 'long'}).format(now);
  const time = new Intl.DateTimeFormat('en-GB', {timeZone: %s, hour: '2-digit',
    minute: '2-digit', second: '2-digit', hour12: false}).format(now);
  return [date, time];
}
"""
# An interval opens its channel's gate only while the channel's callback is not running.
GATE_JS = """
function(n, busy) {
  return busy ? window.dash_clientside.no_update : (n || 0);
}
"""
HEALTH = [Output(ids.WALL_BANNER, "className", allow_duplicate=True),
          Output(ids.WALL_BANNER_TEXT, "children", allow_duplicate=True),
          Output(ids.WALL_LAST_OK, "data", allow_duplicate=True),
          Output(ids.WALL_UPDATED, "children", allow_duplicate=True)]


def _ok(ctx: AppContext, lang: str) -> list:
    stamp = local(ctx.settings.now(), ctx).strftime("%H:%M:%S")
    try:
        lag = ctx.lag.seconds()
    except DOWN:
        lag = None      # the data just arrived; a standby gone since shows on the next tick
    return [*banner(True, stamp, lang, lag, ctx.settings.replica_lag_warn_s), stamp,
            f"{t('wall_updated', lang)} {stamp}"]


def _down(last_ok: str | None, lang: str) -> list:
    return [*banner(False, optional_text(last_ok), lang), no_update, no_update]


def _channel(channel: str, inputs=(), states=()) -> tuple[list, dict]:
    """The trigger, the shared states and the busy flag of one gated channel."""
    args = [Input(ids.WALL_GO[channel], "data"), *inputs, *states, State(ids.URL, "search"),
            State(ids.WALL_LAST_OK, "data")]
    return args, dict(running=[(Output(ids.WALL_BUSY[channel], "data"), True, False)],
                      prevent_initial_call=True)


def register(app: Dash, ctx: AppContext) -> None:
    tz = json.dumps(ctx.settings.timezone)
    app.clientside_callback(CLOCK_JS % (tz, tz), Output(ids.WALL_CLOCK + "-date", "children"),
                            Output(ids.WALL_CLOCK, "children"),
                            Input(ids.WALL_CLOCK_TICK, "n_intervals"), State(ids.URL, "search"))
    for channel in ids.WALL_GO:
        app.clientside_callback(GATE_JS, Output(ids.WALL_GO[channel], "data"),
                                Input(ids.WALL_TICK[channel], "n_intervals"),
                                State(ids.WALL_BUSY[channel], "data"))
    _positions(app, ctx)
    _map(app, ctx)
    _panels(app, ctx)
    _headline(app, ctx)
    _tour(app, ctx)
    replay_link.register(app, ctx)


def _options(ctx: AppContext, search):
    options = wall_options(search, ctx.settings.language)
    if options.at is None:
        ctx.wall_seen_at = time.time()      # a live screen is watching (wall_warmup)
    return options, wall_now(options, ctx.settings)


def _district(ctx: AppContext, options) -> str:
    """The district this screen's viewer may see (``?district=``); nothing for another's.

    Without a signed-in viewer (a dashboard served without the sign-in layer, whose every
    callback is refused by it otherwise) only the home district is shown.
    """
    home = ctx.settings.district_code
    actor = session_actor()
    district = wall_district(actor, options.district, home) if actor is not None \
        else home if options.district in (None, home) else None
    if district is None:
        raise PreventUpdate
    return district


def _positions(app: Dash, ctx: AppContext) -> None:
    args, kwargs = _channel("pos", states=[State(ids.WALL_READY, "data")])

    @app.callback(Output(ids.WALL_MAP, "figure", allow_duplicate=True), *HEALTH, *args, **kwargs)
    def tick_positions(_n, ready, search, last_ok):
        if not ready:
            raise PreventUpdate
        options, now = _options(ctx, search)
        district = _district(ctx, options)
        try:
            patch = assembly.shared_positions(ctx, now, options.at is not None, district)
        except DOWN:
            return [no_update, *_down(last_ok, options.lang)]
        return [patch, *_ok(ctx, options.lang)]


def _map(app: Dash, ctx: AppContext) -> None:
    args, kwargs = _channel("map", states=[State(ids.WALL_READY, "data")])

    @app.callback(Output(ids.WALL_MAP, "figure", allow_duplicate=True),
                  Output(ids.WALL_LEGEND, "children"), Output(ids.WALL_READY, "data"), *HEALTH,
                  *args, **kwargs)
    def tick_map(n, ready, search, last_ok):
        n, ready = count(n), ready is True
        options, now = _options(ctx, search)
        district = _district(ctx, options)
        try:
            # The polygons travel once; a wall that opened while the database was away (or
            # before the world was loaded) gets them here, on its first tick that has them.
            if not ready:
                figure = assembly.shared_first_map(ctx, options, now, district)
                return [figure, no_update, assembly.has_polygons(figure), *_ok(ctx, options.lang)]
            patch, legend = assembly.shared_map_layers(ctx, n, now, options.lang, district)
        except DOWN:
            return [no_update, no_update, no_update, *_down(last_ok, options.lang)]
        return [patch, legend, True, *_ok(ctx, options.lang)]


def _panels(app: Dash, ctx: AppContext) -> None:
    args, kwargs = _channel("panels", inputs=[Input(ids.WALL_FOCUS, "data")])

    @app.callback(Output(ids.WALL_WHISTLES, "children"), Output(ids.WALL_CATEGORY, "figure"),
                  Output(ids.WALL_CLOSURE, "figure"), Output(ids.WALL_SOURCES, "figure"),
                  Output(ids.WALL_TICKER, "children"), Output(ids.WALL_EXCEPTIONS, "children"),
                  *HEALTH, *args, **kwargs)
    def tick_panels(n, focus, search, last_ok):
        options, now = _options(ctx, search)
        district = _district(ctx, options)
        street = record(focus).get("street")      # a street's code, as the tour sets it
        street = street if isinstance(street, str) and street.isdigit() and len(street) <= 12 \
            else None
        try:
            p = assembly.panels(ctx, now, options.lang, street, count(n), district)
        except DOWN:
            return [no_update] * 6 + _down(last_ok, options.lang)
        return [p["whistles"], p["category"], p["closure"], p["sources"],
                p["ticker"], p["exceptions"], *_ok(ctx, options.lang)]


def _headline(app: Dash, ctx: AppContext) -> None:
    args, kwargs = _channel("head")

    @app.callback(Output(ids.WALL_STATS, "children"), *HEALTH, *args, **kwargs)
    def tick_headline(_n, search, last_ok):
        options, now = _options(ctx, search)
        district = _district(ctx, options)
        try:
            tiles = assembly.shared_headline(ctx, now, options.lang, district)
        except DOWN:
            return [no_update, *_down(last_ok, options.lang)]
        return [tiles, *_ok(ctx, options.lang)]


def _tour(app: Dash, ctx: AppContext) -> None:
    scopes = [Output(ids.WALL_SCOPE[p], "children") for p in ids.WALL_SCOPE]

    @app.callback(Output(ids.WALL_MAP, "figure", allow_duplicate=True),
                  Output(ids.WALL_FOCUS, "data"), Output(ids.WALL_TOUR_CAPTION, "children"),
                  Output(ids.WALL_TOUR_CAPTION, "className"), *scopes,
                  Input(ids.WALL_TICK["tour"], "n_intervals"), State(ids.WALL_READY, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def tour_step(n, ready, search):
        options = wall_options(search, ctx.settings.language)
        if not (ready and options.tour):
            raise PreventUpdate
        district = _district(ctx, options)
        try:
            patch, focus = assembly.tour_stop(ctx, count(n), options.lang, district)
        except DOWN:
            raise PreventUpdate from None
        scope = f" · {focus['name']}" if focus["street"] else ""
        caption = tour_caption(options.lang, focus["name"])
        return [patch, focus, caption, "wall-tour-caption", *[scope] * len(scopes)]

