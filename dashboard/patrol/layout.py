"""The /patrol page: area and day pickers, the player, the map, the day's sheet, exceptions
and the discovery rate.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs

from dash import dcc, html

from dashboard import ids
from dashboard.components import desk_page
from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.inputs import whole
from dashboard.patrol.attendance_view import months_back
from dashboard.patrol.choices import area_options, with_parents
from workflow.clock import BEIJING

SPEEDS = (1, 5, 10, 30, 60)
DEFAULT_SPEED = 30
TICK_MS = 250        # patrol.js advances the clock TICK_S = 0.25 s x speed per tick


def initial(search: str, actor, today: date) -> dict:
    """What the URL (``?worker=&date=&street=&community=&grid=``) asks for, else yesterday and
    the reader's own street or community.
    """
    query = parse_qs((search or "").lstrip("?"))
    one = {k: v[0] for k, v in query.items() if v}
    try:
        day = date.fromisoformat(one.get("date", ""))
    except ValueError:
        day = today - timedelta(days=1)
    out = {"day": min(day, today)}
    for key in ("street", "community", "grid", "worker"):
        out[key] = whole(one.get(key))
    if actor is not None and out["worker"] is None and out["grid"] is None:
        out["street"] = out["street"] or actor.street_id
        out["community"] = out["community"] or actor.community_id
    return out


def _picker(ident: str, label: str, value, options: list) -> html.Label:
    # The options come with the page: a Dropdown mounted with no options clears its value
    # (dcc 4's sanitising effect), and whether it mounted before the choices callback answered
    # decided whether the URL's area survived.
    return html.Label(className="patrol-pick", children=[
        html.Span(label), dcc.Dropdown(id=ident, value=value, options=options, clearable=True)])


def layout(ctx: AppContext, lang: str, search: str, actor=None) -> html.Div:
    """The page frame; choices, data and the sheet come from callbacks, frames from patrol.js."""
    today = ctx.settings.now().astimezone(BEIJING).date()
    start = initial(search, actor, today)
    if actor is not None:
        start["street"], start["community"] = with_parents(ctx, start["street"],
                                                           start["community"], start["grid"])
    streets, communities, grids, workers = area_options(
        ctx, actor, start["street"], start["community"], start["grid"], lang)
    controls = html.Div(className="patrol-controls", children=[
        _picker(ids.PATROL_STREET, t("patrol_street", lang), start["street"], streets),
        _picker(ids.PATROL_COMMUNITY, t("patrol_community", lang), start["community"], communities),
        _picker(ids.PATROL_GRID, t("patrol_grid", lang), start["grid"], grids),
        _picker(ids.PATROL_WORKER, t("patrol_worker", lang), start["worker"], workers),
        html.Label(className="patrol-pick", children=[
            html.Span(t("patrol_day", lang)),
            dcc.DatePickerSingle(id=ids.PATROL_DAY, date=start["day"].isoformat(),
                                 max_date_allowed=today.isoformat(), display_format="YYYY-MM-DD",
                                 first_day_of_week=1)]),
    ])
    player = html.Div(className="patrol-player", children=[
        html.Button("▶", id=ids.PATROL_PLAY, n_clicks=0, className="patrol-play"),
        html.Span("--:--:--", id=ids.PATROL_CLOCK, className="patrol-clock"),
        html.Label(className="patrol-speed", children=[
            html.Span(t("patrol_speed", lang)),
            dcc.Dropdown(id=ids.PATROL_SPEED, value=DEFAULT_SPEED, clearable=False,
                         options=[{"label": f"×{s}", "value": s} for s in SPEEDS])]),
        dcc.Checklist(id=ids.PATROL_FOLLOW, options=[{"label": t("patrol_follow", lang),
                                                      "value": "follow"}],
                      value=["follow"] if start["worker"] else [], className="patrol-follow"),
        html.Div(className="patrol-slider", children=[
            dcc.Slider(id=ids.PATROL_SLIDER, min=0, max=1, value=0, step=1, marks=None,
                       updatemode="drag", allow_direct_input=False)]),
        dcc.Interval(id=ids.PATROL_TICK, interval=TICK_MS, disabled=True),
    ])
    body = html.Div(className="patrol", children=[
        controls, player,
        html.Div(id=ids.PATROL_STATUS, className="patrol-status"),
        dcc.Graph(id=ids.PATROL_MAP, className="patrol-map", config={"displaylogo": False}),
        dcc.Store(id=ids.PATROL_DATA),
        html.Div(id=ids.PATROL_SHEET, className="patrol-sheet"),
        html.Div(id=ids.PATROL_EXCEPTIONS, className="patrol-exceptions"),
        dcc.Loading(html.Div(id=ids.PATROL_DISCOVERY, className="patrol-discovery"),
                    type="dot"),
        html.Label(className="patrol-pick patrol-month", children=[
            html.Span(t("att_month", lang)),
            dcc.Dropdown(id=ids.PATROL_MONTH, value=start["day"].strftime("%Y-%m"),
                         options=months_back(today, start["day"]), clearable=False)]),
        dcc.Loading(html.Div(id=ids.PATROL_ATTENDANCE, className="patrol-attendance"),
                    type="dot"),
    ])
    return desk_page("/patrol", lang, "patrol_title", "patrol_intro", body, ids.PATROL_ROOT)
