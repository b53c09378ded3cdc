"""The analyst, leaders and cases pages (first versions: the district in figures)."""
from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.components import desk_page, stat_tile
from dashboard.i18n import t
from dashboard.theme import thousands

SUMMARY_KEYS = ("streets", "communities", "grids", "residents", "workers", "cameras",
                "incidents_year", "whistles")


def summary_tiles(counts: dict[str, int] | None, lang: str) -> html.Div:
    """Tiles of the world's counts, or a hint to load the world when it is empty."""
    if not counts or not counts.get("grids"):
        return html.Div(t("no_data", lang), className="empty-hint")
    return html.Div(className="stat-row", children=[
        stat_tile(t(key, lang), thousands(counts.get(key, 0))) for key in SUMMARY_KEYS
    ])


def analyst(lang: str, counts: dict | None):
    return desk_page("/analyst", lang, "analyst_title", "analyst_intro",
                     summary_tiles(counts, lang), ids.ANALYST_ROOT)


def leaders(lang: str, counts: dict | None):
    return desk_page("/leaders", lang, "leaders_title", "leaders_intro",
                     summary_tiles(counts, lang), ids.LEADERS_ROOT)


def not_found(lang: str):
    return desk_page("/404", lang, "not_found", "not_found_hint", html.Div(), "notfound-root")


def forbidden(lang: str):
    """What the router draws for a page the signed-in role may not see."""
    return desk_page("/403", lang, "forbidden", "forbidden_hint", html.Div(), "forbidden-root")
