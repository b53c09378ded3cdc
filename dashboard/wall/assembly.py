"""Each wall update assembled from data and builders: the first map, its patches, the panels.

Every screen asks the same questions on the same intervals, so each ``shared_*`` answer is
built once per time slot per process (``ctx.built``) and the same object goes to them all;
the builders stay pure, and only what differs per screen (the board's page) is built each time.
"""
from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go

from dashboard.context import AppContext
from dashboard.figures.district_map import geojson_bounds
from dashboard.i18n import t
from dashboard.theme import WALL_BG
from dashboard.wall import charts, panel_reads, reads
from dashboard.wall.exception_ticker import exception_ticker
from dashboard.wall.map_figure import METRIC_SCALES, METRICS, MapBase, wall_map, wall_style
from dashboard.wall.panels import (
    exception_count,
    headline_tiles,
    metric_legend,
    ticker_rows,
    whistle_board,
)
from dashboard.wall.patch import chart_patch, layers_patch, positions_patch, view_patch
from workflow.devices.health import in_shift

EMPTY = {"type": "FeatureCollection", "features": []}
# The 15-minute tracks are most of the map's bytes: they follow every other map tick (each
# minute), the dots every 5 s. Budget arithmetic in bench/bench_wall.py.
TRACKS_EVERY = 2
# Seconds one built answer serves every screen: half a channel's interval or less. After
# that the last build is still shown (for a few slots) while the next one is made.
# A shift can throw dozens of exceptions: they take at most this share of the ticker's rows.
EXCEPTION_ROWS = reads.TICKER_ROWS // 3
SLOT_S = {"pos": 5.0, "map": 15.0, "panels": 15.0, "head": 30.0, "first_map": 15.0,
          "labels": 600.0}


def metric_at(n: int | None) -> str:
    """The grid metric shown after ``n`` map ticks (the map cycles through them)."""
    return METRICS[(n or 0) % len(METRICS)]


def gradient(metric: str) -> str:
    stops = ", ".join(f"{colour} {pos * 100:.0f}%" for pos, colour in METRIC_SCALES[metric])
    return f"linear-gradient(90deg, {stops})"


def has_polygons(figure: go.Figure | dict) -> bool:
    """Whether the map carries the grids (an empty database gives none to carry yet)."""
    grids = figure["data"][0] if isinstance(figure, dict) else figure.data[0]
    return bool(grids["geojson"] and grids["geojson"]["features"])


def first_map(ctx: AppContext, options: reads.WallOptions, now: datetime,
              district: str | None = None) -> go.Figure:
    """The whole map once: the district's polygons, labels and the first metric (cameras
    if asked).
    """
    district = reads.home(ctx, district)
    base = reads.map_base(ctx, options.lang, district)
    style = wall_style(WALL_BG, ctx.settings.basemap, ctx.settings.tianditu_key,
                       ctx.settings.xyz_url)
    metric = METRICS[0]
    cams = reads.cameras(ctx, district) if options.cameras else None
    return wall_map(base, reads.metric_values(ctx, metric, now, district), metric, style, cams)


def shared_first_map(ctx: AppContext, options: reads.WallOptions, now: datetime,
                     district: str | None = None) -> dict:
    """The first map as plain JSON data, built once per slot for every screen that opens.

    Kept as a dict: a Figure would be deep-copied and validated again for each screen.
    """
    district = reads.home(ctx, district)
    return ctx.built.get(("first_map", options.lang, options.cameras, district), now,
                         lambda: first_map(ctx, options, now, district).to_plotly_json(),
                         SLOT_S["first_map"])


def placeholder_map() -> go.Figure:
    """Every layer present but empty, so patches apply until the polygons arrive."""
    return wall_map(MapBase(EMPTY, EMPTY, EMPTY), [], METRICS[0], wall_style())


def map_layers(ctx: AppContext, n: int, now: datetime, lang: str, district: str | None = None):
    """The slow map patch for tick ``n`` and the legend of the metric it shows."""
    metric, data = metric_at(n), shared_map_data(ctx, now, district)
    tracks = data["tracks"] if (n or 0) % TRACKS_EVERY == 0 else None
    values = data["values"][metric]
    patch = layers_patch(metric, values, data["heat"], tracks, data["whistles"])
    top = max([1, *values])
    return patch, metric_legend(metric, METRICS, top, gradient(metric), lang)


def shared_map_data(ctx: AppContext, now: datetime, district: str | None = None) -> dict:
    """The map layers' data for every metric, read once per slot for every screen."""
    district = reads.home(ctx, district)
    return ctx.built.get(("map_data", district), now,
                         lambda: reads.map_layers_data(ctx, now, district), SLOT_S["map"])


def shared_map_layers(ctx: AppContext, n: int, now: datetime, lang: str,
                      district: str | None = None):
    """:func:`map_layers`, built once per slot for each metric, tracks flag, language and
    district.
    """
    district = reads.home(ctx, district)
    key = ("map_layers", metric_at(n), (n or 0) % TRACKS_EVERY == 0, lang, district)
    return ctx.built.get(key, now, lambda: map_layers(ctx, n, now, lang, district),
                         SLOT_S["map"])


def positions(ctx: AppContext, now: datetime, past: bool = False, district: str | None = None):
    online, offline = reads.worker_dots(ctx, now, past, district)
    return positions_patch(online, offline)


def shared_positions(ctx: AppContext, now: datetime, past: bool = False,
                     district: str | None = None):
    """The worker dots' patch, read and built once per slot for every live screen; a replay
    (``past``) has its own answer per moment, never a live screen's.
    """
    district = reads.home(ctx, district)
    key = ("positions", district, now.isoformat()) if past else ("positions", district)
    return ctx.built.get(key, now, lambda: positions(ctx, now, past, district), SLOT_S["pos"])


def headline(ctx: AppContext, now: datetime, lang: str, district: str | None = None) -> list:
    return headline_tiles(reads.headline(ctx, now, district), ctx.settings.closure_target, lang,
                          in_shift(ctx.settings, now))


def shared_headline(ctx: AppContext, now: datetime, lang: str,
                    district: str | None = None) -> list:
    """The headline tiles, built once per slot, language and district for every screen."""
    district = reads.home(ctx, district)
    return ctx.built.get(("headline", lang, district), now,
                         lambda: headline(ctx, now, lang, district), SLOT_S["head"])


def category_chart(ctx: AppContext, now: datetime, lang: str, street: str | None,
                   district: str | None = None):
    days, series = panel_reads.category_series(ctx, now, lang, street, district)
    return charts.category_trend(days, series, legend_columns=2 if lang == "en" else 3)


def closure_chart(ctx: AppContext, now: datetime, lang: str, street: str | None,
                  district: str | None = None):
    names, codes, rates = panel_reads.street_rates(ctx, now, lang, district)
    focus = names[codes.index(street)] if street in codes else None
    label = f"{t('wall_target', lang)} {ctx.settings.closure_target * 100:g}%"
    return charts.street_closure(names, rates, ctx.settings.closure_target, focus, label)


def sources_chart(ctx: AppContext, now: datetime, lang: str, street: str | None,
                  district: str | None = None):
    labels, values, total = panel_reads.sources(ctx, now, lang, street, district)
    return charts.sources_donut(labels, values, (f"{total:,}", t("wall_reports", lang)))


def panels(ctx: AppContext, now: datetime, lang: str, street: str | None, page: int,
           district: str | None = None) -> dict:
    """The side panels for the district or one street: board, charts (as patches), ticker."""
    shared = panel_parts(ctx, now, lang, street, district)
    return {"whistles": whistle_board(*shared["board"], now, lang, page), **shared["built"]}


def panel_parts(ctx: AppContext, now: datetime, lang: str, street: str | None,
                district: str | None = None) -> dict:
    """The panels' board data and built charts and ticker rows, once per slot for all screens
    of a district (each screen turns its own page of the board).
    """
    d = reads.home(ctx, district)

    def compute():
        board = (reads.open_whistles(ctx, now, lang, street, d),
                 reads.closed_whistles(ctx, now, lang, street, d),
                 reads.whistle_year(ctx, now, street, d))
        open_now, exc_rows = exception_ticker(ctx, now, lang, EXCEPTION_ROWS, street, d)
        return {"board": board, "built": {
            "category": chart_patch(category_chart(ctx, now, lang, street, d)),
            "closure": chart_patch(closure_chart(ctx, now, lang, street, d)),
            "sources": chart_patch(sources_chart(ctx, now, lang, street, d)),
            "ticker": ticker_rows(panel_reads.ticker(ctx, now, lang, street, d, exc_rows), lang),
            "exceptions": exception_count(open_now, lang)}}
    return ctx.built.get(("panels", lang, street, d), now, compute, SLOT_S["panels"])


def tour_stop(ctx: AppContext, step: int, lang: str, district: str | None = None):
    """Stop ``step`` of the tour (0 is the whole district): view patch, focus, caption."""
    d = reads.home(ctx, district)
    # The labels change only on import: one read per language for a while, not one per tick.
    base = ctx.built.get(("map_base", lang, d), ctx.settings.now(),
                         lambda: reads.map_base(ctx, lang, d), SLOT_S["labels"])
    streets = [p for p in base.labels if p["level"] == "street"]
    stop = step % (len(streets) + 1)
    if stop == 0:
        bounds = geojson_bounds(base.streets)
        focus = {"street": None, "name": t("wall_district", lang)}
    else:
        place = streets[stop - 1]
        bounds, focus = place["bbox"], {"street": place["code"], "name": place["name"]}
    return view_patch(base.labels, bounds, focus["street"]), focus
