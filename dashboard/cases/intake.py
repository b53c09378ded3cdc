"""Intake on the workbench: a case's possible duplicates (with photos) to merge into, and the
background pass's suggested duplicates to confirm or dismiss.
"""
from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from dashboard import ids
from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.i18n import pick_lang, t
from dashboard.inputs import count, text, whole
from dashboard.session import session_actor
from workflow.incidents.read import incident_view
from workflow.intake.duplicates import duplicates_of
from workflow.intake.merge import merge_incident
from workflow.intake.suggestions import decide, list_suggestions


def duplicates_panel(lang: str) -> html.Div:
    """Under the detail: the open cases nearby of the same kind, and the merge control."""
    return html.Div(className="cases-dup", children=[
        html.H4(t("dup_title", lang), className="cases-dup-title"),
        html.Div(id=ids.CASES_DUP_PANEL, className="cases-dup-items"),
        html.Div(className="cases-dup-controls", children=[
            dcc.Dropdown(id=ids.CASES_DUP_PARENT, options=[], placeholder=t("dup_parent", lang),
                         className="cases-filter"),
            html.Button(t("dup_merge", lang), id=ids.CASES_DUP_MERGE, className="cases-btn"),
        ]),
        html.Div(id=ids.CASES_DUP_MESSAGE, className="cases-message"),
    ])


def suggestions_panel(lang: str) -> html.Div:
    """Above the list: pairs the background pass found, for an operator to decide."""
    return html.Div(className="cases-sugg", children=[
        html.H4(t("sugg_title", lang), className="cases-dup-title"),
        dcc.Dropdown(id=ids.CASES_SUGG_PICK, options=[], placeholder=t("sugg_pick", lang),
                     className="cases-filter wide"),
        html.Div(className="cases-dup-controls", children=[
            html.Button(t("sugg_confirm", lang), id=ids.CASES_SUGG_CONFIRM, className="cases-btn"),
            html.Button(t("sugg_dismiss", lang), id=ids.CASES_SUGG_DISMISS,
                        className="cases-btn secondary"),
        ]),
        html.Div(id=ids.CASES_SUGG_MESSAGE, className="cases-message"),
    ])


def error_text(err: Exception, lang: str) -> str:
    """A refusal or a failure as the workbench shows it (dashboard.failures logs the latter)."""
    return readable(err, lang, "cases_db_error", "/cases")


def _incident_id(value) -> int | None:
    raw = text(value)
    kind, _, number = raw.partition(":")
    return int(number) if kind == "i" and number.isdigit() and len(number) <= 12 else None


def _card(case: dict, lang: str) -> html.Div:
    photo = (html.Img(src=case["photo_url"], className="cases-dup-photo", alt=case["code"])
             if case.get("photo_url") else html.Div(className="cases-dup-photo empty"))
    return html.Div(className="cases-dup-card", children=[
        photo, html.Div([html.B(case["code"]),
                         html.Span(f" · {case['distance_m']:.0f} {t('dup_m', lang)} · "
                                   f"{t('st_' + case['status'], lang)}"),
                         html.Div((case.get("description") or "")[:60],
                                  className="cases-dup-text")])])


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.CASES_DUP_PANEL, "children"), Output(ids.CASES_DUP_PARENT, "options"),
                  Input(ids.CASES_LIST, "value"), Input(ids.CASES_REFRESH, "data"),
                  State(ids.URL, "search"))
    def show_duplicates(value, _refresh, search):
        lang, actor, incident = pick_lang(search, ctx.settings.language), session_actor(), \
            _incident_id(value)
        if actor is None or incident is None:
            return [], []
        try:
            with ctx.db.connect() as conn:
                incident_view(conn, actor, incident, ctx.settings.now(), events=False)
                found = duplicates_of(conn, ctx.settings, incident)
        except Exception as err:  # noqa: BLE001 - shown to the person, logged by readable
            return error_text(err, lang), []
        if not found:
            return t("dup_none", lang), []
        options = [{"label": f"{c['code']} · {c['distance_m']:.0f} {t('dup_m', lang)}",
                    "value": c["id"]} for c in found]
        return [_card(c, lang) for c in found], options

    @app.callback(Output(ids.CASES_DUP_MESSAGE, "children"),
                  Output(ids.CASES_REFRESH, "data", allow_duplicate=True),
                  Input(ids.CASES_DUP_MERGE, "n_clicks"), State(ids.CASES_LIST, "value"),
                  State(ids.CASES_DUP_PARENT, "value"), State(ids.CASES_REFRESH, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def merge(clicks, value, parent, refresh, search):
        lang, actor, incident = pick_lang(search, ctx.settings.language), session_actor(), \
            _incident_id(value)
        parent = whole(parent)
        if actor is None or incident is None or not count(clicks):
            return no_update, no_update
        if parent is None:
            return t("dup_pick", lang), no_update
        try:
            with ctx.db.begin() as conn:
                merge_incident(conn, actor, incident, parent, ctx.settings.now())
        except Exception as err:  # noqa: BLE001
            return error_text(err, lang), no_update
        return t("dup_merged", lang), count(refresh) + 1

    @app.callback(Output(ids.CASES_SUGG_PICK, "options"), Input(ids.CASES_REFRESH, "data"),
                  State(ids.URL, "search"))
    def suggestions(_refresh, search):
        lang, actor = pick_lang(search, ctx.settings.language), session_actor()
        if actor is None:
            return []
        try:
            with ctx.db.connect() as conn:
                rows = list_suggestions(conn, actor, 50)
        except Exception:  # noqa: BLE001 - a role without the list sees none
            return []
        return [{"label": f"{r['incident_code']} → {r['parent_code']} · "
                          f"{r['distance_m']:.0f} {t('dup_m', lang)} · "
                          f"{r['category_name'] if lang != 'en' else r['category_name_en']}",
                 "value": r["id"]} for r in rows]

    @app.callback(Output(ids.CASES_SUGG_MESSAGE, "children"),
                  Output(ids.CASES_REFRESH, "data", allow_duplicate=True),
                  Input(ids.CASES_SUGG_CONFIRM, "n_clicks"),
                  Input(ids.CASES_SUGG_DISMISS, "n_clicks"), State(ids.CASES_SUGG_PICK, "value"),
                  State(ids.CASES_REFRESH, "data"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def decide_suggestion(_confirm, _dismiss, picked, refresh, search):
        lang, actor, picked = pick_lang(search, ctx.settings.language), session_actor(), \
            whole(picked)
        clicked = trigger.triggered_id
        decision = {ids.CASES_SUGG_CONFIRM: "confirm", ids.CASES_SUGG_DISMISS: "dismiss"}.get(
            clicked if isinstance(clicked, str) else "")
        if actor is None or decision is None or not trigger.triggered[0].get("value"):
            return no_update, no_update
        if picked is None:
            return t("sugg_pick", lang), no_update
        try:
            with ctx.db.begin() as conn:
                done = decide(conn, actor, picked, decision, ctx.settings.now())
        except Exception as err:  # noqa: BLE001
            return error_text(err, lang), no_update
        return t(f"sugg_done_{done['status']}", lang), count(refresh) + 1
