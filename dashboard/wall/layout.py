"""The wall screen layout: a 1920x1080 canvas scaled to the screen, dark, no touching."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t

# Not static: a click on a worker's dot or track opens its replay (replay_link.py). Nothing
# else moves the map: no zoom, no drag (layout dragmode), no hover label (hoverinfo).
MAP_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False,
              "staticPlot": False, "showTips": False}
CHART_CONFIG = {"displayModeBar": False, "staticPlot": True}
# Positions every 5 s, the map's slower layers and the panels every 30 s, headlines each minute.
INTERVAL_MS = {"pos": 5_000, "map": 30_000, "panels": 30_000, "head": 60_000, "tour": 30_000}
LAYER_KEYS = (("online", "dot"), ("offline", "dot"), ("tracks", "line"), ("heat", "glow"),
              ("whistles", "ring"))


def panel(title: str, body, scope_id: str | None = None, cls: str = "",
          status_id: str | None = None) -> html.Section:
    """A framed panel with a title (and a span naming the toured street, if any, and one
    for a status figure at the right).
    """
    head = [html.Span(title, className="wall-panel-title")]
    if scope_id:
        head.append(html.Span(id=scope_id, className="wall-scope"))
    if status_id:
        head.append(html.Span(id=status_id, className="wall-panel-status"))
    return html.Section(className=f"wall-panel {cls}".strip(), children=[
        html.Div(head, className="wall-panel-head"), html.Div(body, className="wall-panel-body")])


def chart(graph_id: str, figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=figure, config=CHART_CONFIG, className="wall-chart")


def title_bar(lang: str, replay: str | None,
              title: tuple[str, str] | None = None) -> html.Header:
    """The clock, the title and subtitle (Hongqiao's unless given), and the update stamp."""
    tag = [html.Span(f"{t('wall_replay', lang)} {replay}", className="wall-replay")] if replay else []
    return html.Header(className="wall-title", children=[
        html.Div(className="wall-title-side", children=[
            html.Div(id=ids.WALL_CLOCK + "-date", className="wall-date"), *tag]),
        html.Div(className="wall-title-centre", children=[
            html.Div(title[0] if title else t("wall_title", lang), className="wall-name"),
            html.Div(title[1] if title else t("platform_sub", lang), className="wall-sub")]),
        html.Div(className="wall-title-side right", children=[
            html.Div(id=ids.WALL_CLOCK, className="wall-clock"),
            html.Div(id=ids.WALL_UPDATED, className="wall-updated")]),
    ])


def layer_legend(lang: str, cameras: bool) -> html.Div:
    keys = LAYER_KEYS + ((("cameras", "dot"),) if cameras else ())
    return html.Div(className="wall-layers", children=[
        html.Div([html.I(className=f"key {shape} {name}"), t(f"wall_layer_{name}", lang)],
                 className="wall-layer") for name, shape in keys])


def map_panel(figure, lang: str, cameras: bool, hint: str | None) -> html.Section:
    note = [html.Div(hint, className="wall-nodata")] if hint else []
    return html.Section(className="wall-panel wall-map-panel", children=[*note,
        dcc.Graph(id=ids.WALL_MAP, figure=figure, config=MAP_CONFIG, className="wall-map",
                  style={"height": "100%", "width": "100%"}),
        html.Div(id=ids.WALL_LEGEND, className="wall-legend"),
        layer_legend(lang, cameras),
        html.Div(id=ids.WALL_TOUR_CAPTION, className="wall-tour-caption hidden"),
    ])


def plumbing(ready: bool, tour: bool) -> list:
    """Intervals, gates and stores: each channel has its own interval, gate and busy flag."""
    parts = [dcc.Interval(id=ids.WALL_CLOCK_TICK, interval=1000),
             dcc.Store(id=ids.WALL_READY, data=ready), dcc.Store(id=ids.WALL_LAST_OK),
             dcc.Store(id=ids.WALL_FOCUS, data={"street": None}), dcc.Store(id=ids.WALL_OPEN)]
    for channel, ms in INTERVAL_MS.items():
        parts.append(dcc.Interval(id=ids.WALL_TICK[channel], interval=ms,
                                  disabled=channel == "tour" and not tour))
    for channel in ids.WALL_GO:
        parts += [dcc.Store(id=ids.WALL_GO[channel]), dcc.Store(id=ids.WALL_BUSY[channel],
                                                                data=False)]
    return parts


def layout(lang: str, figure, charts: dict, ready: bool, banner: tuple[str, str],
           tour: bool = False, cameras: bool = False, replay: str | None = None,
           hint: str | None = None, title: tuple[str, str] | None = None) -> html.Div:
    """The wall: title bar, headline row, whistle board and charts around the map, ticker."""
    left = [panel(t("wall_whistle_board", lang), html.Div(id=ids.WALL_WHISTLES),
                  ids.WALL_SCOPE["whistles"], "wall-whistle-panel"),
            panel(t("wall_category_30", lang), chart(ids.WALL_CATEGORY, charts["category"]),
                  ids.WALL_SCOPE["category"], "wall-category-panel")]
    right = [panel(t("wall_street_closure", lang), chart(ids.WALL_CLOSURE, charts["closure"]),
                   cls="wall-closure-panel"),
             panel(t("wall_sources", lang), chart(ids.WALL_SOURCES, charts["sources"]),
                   ids.WALL_SCOPE["sources"], "wall-sources-panel"),
             panel(t("wall_ticker", lang), html.Div(id=ids.WALL_TICKER, className="wall-ticker"),
                   ids.WALL_SCOPE["ticker"], "wall-ticker-panel", ids.WALL_EXCEPTIONS)]
    return html.Div(className="wall-viewport", children=[
        html.Div(id=ids.WALL_ROOT, className=f"wall-canvas lang-{lang}", children=[
            title_bar(lang, replay, title),
            html.Div(html.Span(banner[1], id=ids.WALL_BANNER_TEXT), id=ids.WALL_BANNER,
                     className=banner[0]),
            html.Div(id=ids.WALL_STATS, className="wall-stats"),
            html.Div(left, className="wall-col wall-left"),
            map_panel(figure, lang, cameras, hint),
            html.Div(right, className="wall-col wall-right"),
            *plumbing(ready, tour),
        ]),
    ])
