"""Routing: the URL's path picks the page layout."""
from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang
from dashboard.pages import desk
from dashboard.views import safe_counts, wall_view

DESK_PAGES = {"/analyst": desk.analyst, "/leaders": desk.leaders, "/cases": desk.cases}


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  Input(ids.URL, "search"))
    def route(pathname, search):
        lang = pick_lang(search, ctx.settings.language)
        path = (pathname or "/").rstrip("/") or "/"
        if path in ("/", "/wall"):
            return wall_view(ctx, lang)
        page = DESK_PAGES.get(path)
        if page is None:
            return desk.not_found(lang)
        return page(lang, safe_counts(ctx))
