"""Routing: the URL's path picks the page layout."""
from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang
from dashboard.pages import analyst, desk, devices, leaders
from dashboard.cases_view import cases_page, login_hint, session_actor
from dashboard.views import wall_view
from workflow.pages import may_open

DESK_PAGES = {"/analyst": analyst.layout, "/leaders": leaders.layout}


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  Input(ids.URL, "search"))
    def route(pathname, search):
        search = search if isinstance(search, str) else ""
        lang = pick_lang(search, ctx.settings.language)
        path = (pathname if isinstance(pathname, str) else "/").rstrip("/") or "/"
        # Any signed-in person may call the router; it draws only pages their role may see.
        if path != "/login" and not may_open(session_actor(), path):
            return desk.forbidden(lang)
        if path in ("/", "/wall"):
            return wall_view(ctx, lang, search or "")
        if path == "/cases":
            return cases_page(ctx, lang)
        if path == "/devices":
            return devices.layout(lang)
        if path == "/login":
            return login_hint(lang)
        page = DESK_PAGES.get(path)
        if page is None:
            return desk.not_found(lang)
        return page(ctx, lang, search or "")
