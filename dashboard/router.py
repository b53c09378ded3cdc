"""Routing: the URL's path picks a feature's page; register_all wires every feature's callbacks."""
from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import desk, ids
from dashboard.admin import callbacks as admin_callbacks
from dashboard.admin import layout as admin_layout
from dashboard.analyst import callbacks as analyst_callbacks
from dashboard.analyst import layout as analyst_layout
from dashboard.cases import callbacks as cases_callbacks
from dashboard.cases.view import cases_page, login_hint
from dashboard.context import AppContext
from dashboard.devices import callbacks as devices_callbacks
from dashboard.devices import layout as devices_layout
from dashboard.i18n import pick_lang
from dashboard.leaders import callbacks as leaders_callbacks
from dashboard.leaders import layout as leaders_layout
from dashboard.patrol import callbacks as patrol_callbacks
from dashboard.patrol import layout as patrol_layout
from dashboard.session import session_actor
from dashboard.wall import callbacks as wall_callbacks
from dashboard.wall import city
from dashboard.wall.city import city_view
from dashboard.wall.reads import wall_options
from dashboard.wall.view import wall_view
from workflow.pages import may_open, wall_district

DESK_PAGES = {"/analyst": analyst_layout.layout, "/leaders": leaders_layout.layout}
FEATURES = (wall_callbacks, city, cases_callbacks, analyst_callbacks, leaders_callbacks,
            devices_callbacks, admin_callbacks, patrol_callbacks)


def register_all(app: Dash, ctx: AppContext) -> None:
    """The router and each feature's callbacks."""
    register(app, ctx)
    for feature in FEATURES:
        feature.register(app, ctx)


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  Input(ids.URL, "search"))
    def route(pathname, search):
        search = search if isinstance(search, str) else ""
        lang = pick_lang(search, ctx.settings.language)
        path = (pathname if isinstance(pathname, str) else "/").rstrip("/") or "/"
        # Any signed-in person may call the router; it draws only pages their role may see.
        asked = wall_options(search).district
        if path != "/login" and not may_open(session_actor(), path, asked):
            return desk.forbidden(lang)
        if path in ("/", "/wall"):
            district = wall_district(session_actor(), asked, ctx.settings.district_code)
            return wall_view(ctx, lang, search or "", district)
        if path == "/wall/city":
            return city_view(ctx, lang, search)
        if path == "/cases":
            return cases_page(ctx, lang, search)
        if path == "/devices":
            return devices_layout.layout(lang)
        if path == "/admin":
            return admin_layout.layout(lang)
        if path == "/patrol":
            return patrol_layout.layout(ctx, lang, search, session_actor())
        if path == "/login":
            return login_hint(lang)
        page = DESK_PAGES.get(path)
        if page is None:
            return desk.not_found(lang)
        return page(ctx, lang, search or "")
