"""Small reusable pieces of layout: the desk navigation bar and a page frame."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.bell import bell
from dashboard.i18n import t

NAV_ITEMS = (("/wall", "nav_wall"), ("/analyst", "nav_analyst"), ("/leaders", "nav_leaders"),
             ("/cases", "nav_cases"), ("/devices", "nav_devices"))


def nav_bar(active: str, lang: str) -> html.Header:
    """The top bar of desk pages: platform name, page links, language switch."""
    suffix = "?lang=en" if lang == "en" else ""
    other = "zh" if lang == "en" else "en"
    links = [
        dcc.Link(t(key, lang), href=path + suffix,
                 className="nav-link active" if path == active else "nav-link")
        for path, key in NAV_ITEMS
    ]
    return html.Header(className="desk-nav", id=ids.NAV, children=[
        html.Div(t("platform", lang), className="desk-brand"),
        html.Nav(links, className="desk-links"),
        bell(lang),
        dcc.Link(t("lang_switch", lang), href=f"{active}?lang={other}", className="lang-link"),
    ])


def desk_page(active: str, lang: str, title_key: str, intro_key: str, body, root_id: str):
    """A light desk page: navigation, a title, a one-line purpose, then the body."""
    return html.Div(className="desk", id=root_id, children=[
        nav_bar(active, lang),
        html.Main(className="desk-main", children=[
            html.H1(t(title_key, lang)),
            html.P(t(intro_key, lang), className="desk-intro"),
            body,
        ]),
    ])


def stat_tile(label: str, value: str, tone: str = "") -> html.Div:
    """One labelled figure."""
    return html.Div(className=f"stat {tone}".strip(), children=[
        html.Div(value, className="stat-value"),
        html.Div(label, className="stat-label"),
    ])
