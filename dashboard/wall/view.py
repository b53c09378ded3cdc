"""Assemble a page from data: fetch through data/, build figures, hand both to a layout."""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.wall import assembly, charts
from dashboard.wall import layout as wall
from dashboard.wall.panels import banner
from dashboard.wall.reads import local, wall_now, wall_options, wall_title


def empty_charts(lang: str, target: float) -> dict:
    """The charts' frames; their data arrive with the first panel update."""
    label = f"{t('wall_target', lang)} {target * 100:g}%"
    return {"category": charts.category_trend([], [], legend_columns=2 if lang == "en" else 3),
            "closure": charts.street_closure([], [], target, None, label),
            "sources": charts.sources_donut([], [], ("", ""))}


def wall_view(ctx: AppContext, lang: str, search: str = "", district: str | None = None):
    """The wall page: the map with its polygons now, everything else from its own interval.

    ``search`` is the query string: ``tour=1``, ``cameras=1``, ``at=<ISO time>`` (replay);
    ``district`` the district shown, already checked against the viewer (the home one if None).
    """
    options = wall_options(search, lang)
    now = wall_now(options, ctx.settings)
    district = district or ctx.settings.district_code
    title = None
    try:
        figure = assembly.shared_first_map(ctx, options, now, district)
        ready, reachable = assembly.has_polygons(figure), True
        title = wall_title(ctx, district, options.lang)
    except SQLAlchemyError:
        figure, ready, reachable = assembly.placeholder_map(), False, False
    replay = local(options.at, ctx).strftime("%Y-%m-%d %H:%M") if options.at else None
    hint = None if ready or not reachable else t("no_data", options.lang)
    return wall.layout(options.lang, figure, empty_charts(options.lang, ctx.settings.closure_target),
                       ready, banner(reachable, None, options.lang), options.tour,
                       options.cameras, replay, hint, title)
