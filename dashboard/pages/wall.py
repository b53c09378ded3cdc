"""The wall screen layout: a 1920x1080 canvas scaled to the screen, dark, no touching."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t

MAP_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


def layout(lang: str, figure, stats: list) -> html.Div:
    """The wall: title bar with clock, headline figures, the district map."""
    return html.Div(className="wall-viewport", children=[
        html.Div(id=ids.WALL_ROOT, className="wall-canvas", children=[
            html.Header(className="wall-title", children=[
                html.Div(t("wall_title", lang), className="wall-name"),
                html.Div(t("platform_sub", lang), className="wall-sub"),
                html.Div(id=ids.WALL_CLOCK, className="wall-clock"),
            ]),
            html.Div(id=ids.WALL_BANNER, className="wall-banner hidden"),
            html.Div(stats, id=ids.WALL_STATS, className="wall-stats"),
            html.Div(className="wall-map-panel", children=[
                dcc.Graph(id=ids.WALL_MAP, figure=figure, config=MAP_CONFIG,
                          className="wall-map", style={"height": "100%"}),
            ]),
            dcc.Interval(id=ids.WALL_CLOCK_TICK, interval=1000),
        ]),
    ])
