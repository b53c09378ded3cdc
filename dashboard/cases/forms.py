"""The workbench's action panel: one button per action, the forms some actions need."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components import dropdown
from dashboard.i18n import t

# Actions that open a form before anything is written; the rest act on one click.
FORM_ACTIONS = {"dispatch": ids.CASES_FORM_DISPATCH, "whistle": ids.CASES_FORM_WHISTLE,
                "second": ids.CASES_FORM_WHISTLE, "rate": ids.CASES_FORM_RATE,
                "reject": None, "reopen": None, "comment": None, "comment_whistle": None}
PRIMARY = ("whistle", "acknowledge", "arrive", "complete", "dispatch", "accept")


def _field(label: str, control) -> html.Label:
    return html.Label(className="cases-field", children=[html.Span(label), control])


def _rating(control_id: str, lang: str, key: str) -> html.Label:
    return _field(t(key, lang), dcc.Input(id=control_id, type="number", min=0, max=100, step=1,
                                          value=90, className="cases-input narrow"))


def forms(lang: str) -> list:
    handler = [{"label": t(f"cases_handler_{h}", lang), "value": h}
               for h in ("department", "street", "community")]
    return [
        html.Div(id=ids.CASES_FORM_DISPATCH, className="cases-form hidden", children=[
            dcc.RadioItems(id=ids.CASES_DISPATCH_HANDLER, options=handler, value="department",
                           inline=True, className="cases-radio"),
            _field(t("cases_department", lang), dropdown(lang, id=ids.CASES_DISPATCH_DEPT,
                                                         className="cases-filter")),
        ]),
        html.Div(id=ids.CASES_FORM_WHISTLE, className="cases-form hidden", children=[
            _field(t("cases_whistle_departments", lang),
                   dropdown(lang, select_all=False, id=ids.CASES_WHISTLE_DEPTS, multi=True,
                            className="cases-filter",
                            placeholder=t("cases_whistle_departments", lang))),
            _field(t("cases_whistle_matter", lang),
                   dcc.Input(id=ids.CASES_WHISTLE_MATTER, type="text", maxLength=200,
                             className="cases-input")),
            html.Div(className="cases-form-row", children=[
                _field(t("cases_whistle_meeting", lang),
                       dcc.Input(id=ids.CASES_WHISTLE_MEETING, type="datetime-local",
                                 className="cases-input")),
                _field(t("cases_whistle_place", lang),
                       dcc.Input(id=ids.CASES_WHISTLE_PLACE, type="text", maxLength=200,
                                 className="cases-input")),
                _field(t("cases_whistle_days", lang),
                       dcc.Input(id=ids.CASES_WHISTLE_DAYS, type="number", min=1, max=180, step=1,
                                 value=30, className="cases-input narrow")),
            ]),
        ]),
        html.Div(id=ids.CASES_FORM_RATE, className="cases-form hidden", children=[
            _field(t("cases_rate_department", lang),
                   dropdown(lang, id=ids.CASES_RATE_DEPT, className="cases-filter")),
            html.Div(className="cases-form-row", children=[
                _rating(ids.CASES_RATE_TIMELINESS, lang, "cases_rate_timeliness"),
                _rating(ids.CASES_RATE_QUALITY, lang, "cases_rate_quality"),
                _rating(ids.CASES_RATE_ATTITUDE, lang, "cases_rate_attitude"),
            ]),
        ]),
    ]


def action_panel(lang: str) -> html.Div:
    """Every action's button (hidden until allowed), the note, the forms, confirm/cancel."""
    buttons = [html.Button(t(f"act_{name}", lang), id=button_id, n_clicks=0,
                           className="cases-btn hidden" + (" primary" if name in PRIMARY else ""))
               for name, button_id in ids.CASES_ACT.items()]
    return html.Div(id=ids.CASES_ACTIONS, className="cases-actions hidden", children=[
        html.H3(t("cases_actions", lang)),
        html.Div(buttons, className="cases-buttons"),
        *forms(lang),
        dcc.Textarea(id=ids.CASES_NOTE, placeholder=t("cases_note", lang), maxLength=2000,
                     className="cases-note"),
        html.Div(className="cases-confirm-row", children=[
            html.Button(t("cases_confirm", lang), id=ids.CASES_CONFIRM, n_clicks=0,
                        className="cases-btn primary hidden"),
            html.Button(t("cases_cancel", lang), id=ids.CASES_CANCEL, n_clicks=0,
                        className="cases-btn hidden"),
        ]),
    ])
