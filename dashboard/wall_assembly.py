"""Each wall update assembled from data and builders: the first map, its patches, the panels."""
from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go

from dashboard.context import AppContext
from dashboard.figures import wall_charts as charts
from dashboard.figures.district_map import geojson_bounds
from dashboard.figures.wall_map import METRIC_SCALES, METRICS, MapBase, wall_map, wall_style
from dashboard.figures.wall_patch import chart_patch, layers_patch, positions_patch, view_patch
from dashboard.i18n import t
from dashboard import wall_data as wd
from dashboard import wall_panel_data as pd_
from dashboard.theme import WALL_BG
from dashboard.wall_panels import headline_tiles, metric_legend, whistle_board

EMPTY = {"type": "FeatureCollection", "features": []}
# The 15-minute tracks are most of the map's bytes: they follow every other map tick (each
# minute), the dots every 5 s. Budget arithmetic in bench/bench_wall.py.
TRACKS_EVERY = 2


def metric_at(n: int | None) -> str:
    """The grid metric shown after ``n`` map ticks (the map cycles through them)."""
    return METRICS[(n or 0) % len(METRICS)]


def gradient(metric: str) -> str:
    stops = ", ".join(f"{colour} {pos * 100:.0f}%" for pos, colour in METRIC_SCALES[metric])
    return f"linear-gradient(90deg, {stops})"


def has_polygons(figure: go.Figure) -> bool:
    """Whether the map carries the grids (an empty database gives none to carry yet)."""
    return bool(figure.data[0].geojson and figure.data[0].geojson["features"])


def first_map(ctx: AppContext, options: wd.WallOptions, now: datetime) -> go.Figure:
    """The whole map once: polygons, labels and the first metric (cameras if asked)."""
    base = wd.map_base(ctx, options.lang)
    style = wall_style(WALL_BG, ctx.settings.basemap, ctx.settings.tianditu_key,
                       ctx.settings.xyz_url)
    metric = METRICS[0]
    cams = wd.cameras(ctx) if options.cameras else None
    return wall_map(base, wd.metric_values(ctx, metric, now), metric, style, cams)


def placeholder_map() -> go.Figure:
    """Every layer present but empty, so patches apply until the polygons arrive."""
    return wall_map(MapBase(EMPTY, EMPTY, EMPTY), [], METRICS[0], wall_style())


def map_layers(ctx: AppContext, n: int, now: datetime, lang: str):
    """The slow map patch for tick ``n`` and the legend of the metric it shows."""
    metric = metric_at(n)
    layers = wd.slow_layers(ctx, metric, now, tracks=(n or 0) % TRACKS_EVERY == 0)
    patch = layers_patch(metric, **layers)
    top = max([1, *layers["values"]])
    return patch, metric_legend(metric, METRICS, top, gradient(metric), lang)


def positions(ctx: AppContext, now: datetime):
    online, offline = wd.worker_dots(ctx, now)
    return positions_patch(online, offline)


def headline(ctx: AppContext, now: datetime, lang: str) -> list:
    return headline_tiles(wd.headline(ctx, now), ctx.settings.closure_target, lang)


def category_chart(ctx: AppContext, now: datetime, lang: str, street: str | None):
    days, series = pd_.category_series(ctx, now, lang, street)
    return charts.category_trend(days, series, legend_columns=2 if lang == "en" else 3)


def closure_chart(ctx: AppContext, now: datetime, lang: str, street: str | None):
    names, codes, rates = pd_.street_rates(ctx, now, lang)
    focus = names[codes.index(street)] if street in codes else None
    label = f"{t('wall_target', lang)} {ctx.settings.closure_target * 100:g}%"
    return charts.street_closure(names, rates, ctx.settings.closure_target, focus, label)


def sources_chart(ctx: AppContext, now: datetime, lang: str, street: str | None):
    labels, values, total = pd_.sources(ctx, now, lang, street)
    return charts.sources_donut(labels, values, (f"{total:,}", t("wall_reports", lang)))


def panels(ctx: AppContext, now: datetime, lang: str, street: str | None, page: int) -> dict:
    """The side panels for the district or one street: board, charts (as patches), ticker."""
    board = whistle_board(wd.open_whistles(ctx, now, lang, street),
                          wd.closed_whistles(ctx, now, lang, street),
                          wd.whistle_year(ctx, now, street), now, lang, page)
    return {"whistles": board,
            "category": chart_patch(category_chart(ctx, now, lang, street)),
            "closure": chart_patch(closure_chart(ctx, now, lang, street)),
            "sources": chart_patch(sources_chart(ctx, now, lang, street)),
            "ticker": pd_.ticker(ctx, now, lang, street)}


def tour_stop(ctx: AppContext, step: int, lang: str):
    """Stop ``step`` of the tour (0 is the whole district): view patch, focus, caption."""
    base = wd.map_base(ctx, lang)
    streets = [p for p in base.labels if p["level"] == "street"]
    stop = step % (len(streets) + 1)
    if stop == 0:
        bounds = geojson_bounds(base.streets)
        focus = {"street": None, "name": t("wall_district", lang)}
    else:
        place = streets[stop - 1]
        bounds, focus = place["bbox"], {"street": place["code"], "name": place["name"]}
    return view_patch(base.labels, bounds, focus["street"]), focus
