"""Small reusable pieces of layout: the desk navigation bar and a page frame."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.bell import bell
from dashboard.i18n import t

NAV_ITEMS = (("/wall", "nav_wall"), ("/analyst", "nav_analyst"), ("/leaders", "nav_leaders"),
             ("/cases", "nav_cases"), ("/devices", "nav_devices"), ("/patrol", "nav_patrol"),
             ("/admin", "nav_admin"))


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
        # The switch names the other language in itself ("中文" on the English page), and
        # says so, for screen readers and for the English page's no-Chinese check.
        dcc.Link(html.Span(t("lang_switch", lang), lang=other), href=f"{active}?lang={other}",
                 className="lang-link"),
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


DROPDOWN_LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search",
                   "clear_selection", "no_options")


def dropdown(lang: str, select_all: bool = True, **props) -> dcc.Dropdown:
    """A dcc.Dropdown whose own texts (search, select all, "n selected") are in the reader's
    language; ``select_all=False`` drops the select-all button (a summons names its parties).
    """
    labels = {("no_options_found" if k == "no_options" else k): t(f"dd_{k}", lang)
              for k in DROPDOWN_LABELS}
    classes = props.pop("className", "")
    if not select_all:
        classes = f"{classes} no-select-all".strip()
    return dcc.Dropdown(labels=labels, className=classes, **props)
