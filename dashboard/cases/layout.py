"""The case workbench (/cases): filters, the list of work, the detail with actions and log."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.cases.forms import action_panel
from dashboard.cases.intake import duplicates_panel, suggestions_panel
from dashboard.components import desk_page, dropdown
from dashboard.i18n import t
from data.models.base import INCIDENT_STATUSES, WHISTLE_STATUSES

OPEN_INCIDENT_STATUSES = ("reported", "accepted", "dispatched", "in_progress", "resolved",
                          "verified", "reopened")
OPEN_WHISTLE_STATUSES = ("summoned", "reported_in", "completed")


def case_list(options: list[dict], value: str | None) -> dcc.RadioItems:
    """The list of work. It is rebuilt whole on every refresh: Dash 4's renderer fails when
    the component labels of a mounted RadioItems are replaced by others of the same count.
    """
    return dcc.RadioItems(id=ids.CASES_LIST, options=options, value=value, className="cases-list",
                          inputClassName="cases-list-input", labelClassName="cases-item-label")


def user_bar(lang: str, who: str | None, signed_in: bool) -> html.Div:
    """Who is working, with a sign-out link; or the way to sign in."""
    if who and not signed_in:
        return html.Div(id=ids.CASES_USER, className="cases-user signed-out", children=[
            html.Span(f"{who}{t('sep_label', lang)}{t('cases_no_access', lang)}"),
            html.A(t("cases_logout", lang), href="/logout", className="cases-link"),
        ])
    if not signed_in:
        return html.Div(id=ids.CASES_USER, className="cases-user signed-out", children=[
            html.Span(t("cases_signin", lang)),
            html.A(t("cases_signin_link", lang), href="/login?next=/cases", className="cases-link"),
        ])
    return html.Div(id=ids.CASES_USER, className="cases-user", children=[
        html.Span(who, className="cases-who"),
        html.A(t("cases_logout", lang), href="/logout", className="cases-link"),
    ])


def kind_label(kind: str, lang: str, awaiting: int) -> object:
    """A tab's name; the whistles' carries a badge of those awaiting the reader's report-in."""
    if kind != "whistles" or not awaiting:
        return t(f"cases_kind_{kind}", lang)
    return html.Span([t("cases_kind_whistles", lang), " ",
                      html.Span(f"{awaiting} {t('cases_awaiting', lang)}", className="badge",
                                id=ids.CASES_AWAITING)])


def filters(lang: str, kinds: list[str], streets: list[dict], departments: list[dict],
            first: str | None = None, awaiting: int = 0):
    def opts(rows):
        return [{"label": r["name_zh"] if lang != "en" else r["name_en"], "value": r["id"]}
                for r in rows]

    kind_options = [{"label": kind_label(k, lang, awaiting), "value": k} for k in kinds]
    first = first if first in kinds else (kinds[0] if kinds else None)

    def statuses(values):
        return [{"label": t(f"st_{s}", lang), "value": s} for s in values]

    return html.Div(className="cases-filters", children=[
        dcc.RadioItems(id=ids.CASES_KIND, options=kind_options, value=first,
                       className="cases-kind", inputClassName="cases-kind-input",
                       labelClassName="cases-kind-label"),
        # One status filter per kind of work, shown by kind: switching kinds then changes
        # the list once (Dash 4's renderer trips over option labels updated twice in a chain).
        dropdown(lang, id=ids.CASES_STATUS, multi=True, placeholder=t("cases_status", lang),
                 options=statuses(INCIDENT_STATUSES), value=list(OPEN_INCIDENT_STATUSES),
                 className="cases-filter wide" + (" hidden" if first == "whistles" else "")),
        dropdown(lang, id=ids.CASES_WHISTLE_STATUS, multi=True, placeholder=t("cases_status", lang),
                 options=statuses(WHISTLE_STATUSES), value=list(OPEN_WHISTLE_STATUSES),
                 className="cases-filter wide" + ("" if first == "whistles" else " hidden")),
        dropdown(lang, id=ids.CASES_STREET, options=opts(streets),
                 placeholder=t("cases_street", lang), className="cases-filter"),
        dropdown(lang, id=ids.CASES_DEPARTMENT, options=opts(departments),
                 placeholder=t("cases_department", lang), className="cases-filter"),
        dcc.Checklist(id=ids.CASES_OVERDUE, options=[{"label": t("cases_overdue", lang),
                                                      "value": "overdue"}],
                      value=[], className="cases-overdue", inputClassName="cases-check"),
    ])


def layout(lang: str, who: str | None, signed_in: bool, kinds: list[str],
           streets: list[dict], departments: list[dict], first: str | None = None,
           awaiting: int = 0) -> html.Div:
    """The whole workbench; its parts are filled by the callbacks in callbacks/cases.py."""
    notice = html.Div(t("cases_awaiting_note", lang).format(n=awaiting),
                      className="cases-awaiting-note") if awaiting else None
    body = html.Div(className="cases", children=[
        user_bar(lang, who, signed_in),
        notice,
        filters(lang, kinds, streets, departments, first, awaiting),
        html.Div(className="cases-grid", children=[
            html.Section(className="cases-list-panel", children=[
                suggestions_panel(lang),
                html.Div(id=ids.CASES_COUNT, className="cases-count"),
                html.Div(case_list([], None), id=ids.CASES_LIST_BOX),
            ]),
            html.Section(className="cases-detail-panel", children=[
                html.Div(id=ids.CASES_MESSAGE, className="cases-message"),
                html.Div(t("cases_pick", lang), id=ids.CASES_DETAIL, className="cases-detail"),
                action_panel(lang),
                duplicates_panel(lang),
                html.Div(id=ids.CASES_TIMELINE, className="cases-timeline"),
            ]),
        ]),
        dcc.Store(id=ids.CASES_REFRESH, data=0),
        dcc.Store(id=ids.CASES_PENDING, data=None),
    ])
    return desk_page("/cases", lang, "cases_title", "cases_intro", body, ids.CASES_ROOT)
