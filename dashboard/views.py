"""Assemble a page from data: fetch through data/, build figures, hand both to a layout."""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from dashboard.components import stat_tile
from dashboard.context import AppContext
from dashboard.figures.basemap import offline_style
from dashboard.figures.district_map import district_map, empty_map
from dashboard.i18n import t
from dashboard.pages import wall
from dashboard.theme import WALL_BG, wan
from data.queries.world import world_counts

WALL_MAP_SIZE = (1180, 900)
WALL_STAT_KEYS = ("streets", "communities", "grids", "residents", "workers", "cameras",
                  "incidents_year", "whistles")


def safe_counts(ctx: AppContext) -> dict | None:
    """The world's counts, or None when the database cannot be read."""
    try:
        with ctx.db.connect() as conn:
            return world_counts(conn, ctx.settings.timezone)
    except SQLAlchemyError:
        return None


def wall_view(ctx: AppContext, lang: str):
    """The wall page with its map and headline counts."""
    counts = safe_counts(ctx)
    if not counts or not counts["grids"]:
        figure = empty_map(t("no_data", lang))
        stats = []
    else:
        style = offline_style(WALL_BG, ctx.settings.basemap, ctx.settings.tianditu_key,
                              ctx.settings.xyz_url)
        figure = district_map(ctx.boundaries.get("grid"), ctx.boundaries.get("street"),
                              size=WALL_MAP_SIZE, basemap=style)
        stats = [stat_tile(t(k, lang), wan(counts[k])) for k in WALL_STAT_KEYS]
    return wall.layout(lang, figure, stats)
