"""The leaders' page layout: period controls, headline, tab bar, content and drill-down."""
from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.components import desk_page
from dashboard.i18n import t
from dashboard.leaders.tables import click_grid

TABS = ("completion", "timeliness", "whistles", "scores")
DIMENSIONS = ("street", "community", "department", "category")


def controls(lang: str, months: list[str], month: str, scope_text: str,
             dates: tuple[str | None, str | None]) -> html.Div:
    """The period (a month, or a custom range), whose view this is, and the report links."""
    return html.Div(className="leaders-controls", children=[
        dcc.Location(id=ids.LEADERS_URL, refresh=False),
        html.Label([t("ld_month", lang), dcc.Dropdown(
            id=ids.LEADERS_MONTH, options=[{"label": m, "value": m} for m in months],
            value=month, clearable=False, searchable=False, className="leaders-month")],
            className="leaders-field"),
        html.Label([t("ld_range", lang), dcc.DatePickerRange(
            id=ids.LEADERS_RANGE, display_format="YYYY-MM-DD", clearable=True,
            start_date=dates[0], end_date=dates[1],
            start_date_placeholder_text=t("ld_from", lang),
            end_date_placeholder_text=t("ld_to", lang),
            first_day_of_week=1, className="leaders-range")],
            className="leaders-field", title=t("ld_range_hint", lang)),
        html.Div(scope_text, id=ids.LEADERS_SCOPE, className="leaders-scope"),
        html.Div(className="leaders-downloads", children=[
            html.Span(t("ld_download", lang), className="leaders-dl-label"),
            html.A(t("ld_xlsx", lang), id=ids.LEADERS_XLSX, className="leaders-dl",
                   href="#", target="_blank"),
            html.A(t("ld_pdf", lang), id=ids.LEADERS_PDF, className="leaders-dl",
                   href="#", target="_blank"),
        ]),
    ])


def tab_bar(lang: str) -> dcc.RadioItems:
    return dcc.RadioItems(id=ids.LEADERS_TABS, value=TABS[0], className="leaders-tabs",
                          options=[{"label": t(f"tab_{k}", lang), "value": k} for k in TABS],
                          inputClassName="leaders-tab-input", labelClassName="leaders-tab-label")


def dimension_bar(lang: str, streets: list[dict], street: int | None,
                  fixed_street: bool) -> html.Div:
    """The completion tab's choices: by what, and (by community) within which street."""
    options = [{"label": s["name_en"] if lang == "en" else s["name_zh"], "value": s["id"]}
               for s in streets]
    return html.Div(id=ids.LEADERS_DIM_BAR, className="leaders-dim-bar", children=[
        dcc.RadioItems(id=ids.LEADERS_DIMENSION, value="street", className="leaders-dims",
                       options=[{"label": t(f"dim_{d}", lang), "value": d} for d in DIMENSIONS],
                       inputClassName="leaders-tab-input", labelClassName="leaders-dim-label"),
        dcc.Dropdown(id=ids.LEADERS_STREET, options=options, value=street,
                     clearable=False, disabled=fixed_street, placeholder=t("ld_pick_street", lang),
                     className="leaders-street"),
    ])


def rating_box(lang: str) -> html.Div:
    """The 下考上 rating round of a street chief (hidden for everyone else, and off its tab)."""
    return html.Div(id=ids.LEADERS_RATE_BOX, className="leaders-content hidden", children=[
        html.H2(id=ids.LEADERS_RATE_TITLE, className="leaders-h2"),
        html.P(t("ld_rate_hint", lang), className="leaders-hint"),
        html.Div(className="leaders-table", children=[dag.AgGrid(
            id=ids.LEADERS_RATE_GRID, columnDefs=[], rowData=[], getRowId="params.data.rid",
            dashGridOptions={"singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True,
                             "domLayout": "autoHeight"},
            className="leaders-grid")]),
        html.Div(className="leaders-rate-actions", children=[
            html.Button(t("ld_rate_submit", lang), id=ids.LEADERS_RATE_SUBMIT,
                        className="leaders-dl", n_clicks=0),
            html.Span(id=ids.LEADERS_RATE_MSG, className="leaders-note")]),
    ])


def page(lang: str, months: list[str], month: str, scope_text: str, streets: list[dict],
         street: int | None, fixed_street: bool, dates: tuple[str | None, str | None],
         rule: str) -> html.Div:
    """The whole page; the headline, the tab's content and the drill-downs come by callback.

    ``rule`` says which period the page opens on and what it is compared with.
    """
    body = html.Div(className="leaders", children=[
        controls(lang, months, month, scope_text, dates),
        html.P(rule, className="leaders-hint leaders-rule"),
        html.Div(id=ids.LEADERS_HEADLINE, className="leaders-headline"),
        tab_bar(lang),
        dimension_bar(lang, streets, street, fixed_street),
        html.Div(id=ids.LEADERS_RANKING_BOX, className="leaders-content hidden", children=[
            html.H2(t("ld_ranking", lang), className="leaders-h2"),
            click_grid(ids.LEADERS_RANKING_GRID, lang, 520)]),
        dcc.Loading(html.Div(id=ids.LEADERS_CONTENT, className="leaders-content"),
                    type="dot", color="#1b6fb3"),
        rating_box(lang),
        html.Div(id=ids.LEADERS_WHISTLE_BOX, className="leaders-content hidden", children=[
            html.H2([html.Span(t("ld_w_items", lang)),
                     html.Span(id=ids.LEADERS_WHISTLE_COUNT, className="leaders-note")],
                    className="leaders-h2"),
            click_grid(ids.LEADERS_WHISTLE_GRID, lang, 420)]),
        html.Div(id=ids.LEADERS_DRILL, className="leaders-drill"),
    ])
    return desk_page("/leaders", lang, "leaders_title", "leaders_intro", body, ids.LEADERS_ROOT)
