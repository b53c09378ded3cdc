"""Workbench wiring: filters to list, selection to detail, buttons to forms and actions."""
from __future__ import annotations

import uuid

from dash import Dash, Input, Output, State, no_update
from dash import ctx as trigger

from dashboard import ids
from dashboard.cases import intake
from dashboard.cases.actions import Form, run_action
from dashboard.cases.forms import FORM_ACTIONS, PRIMARY
from dashboard.cases.layout import case_list
from dashboard.cases.view import detail, error_text, linked_option, list_items
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.inputs import count, optional_text, record, text, texts, whole
from dashboard.session import session_actor
from data import directory

DIRECT = [a for a in ids.CASES_ACTION_NAMES if a not in FORM_ACTIONS]
FORMS = [a for a in ids.CASES_ACTION_NAMES if a in FORM_ACTIONS]
CONFIRM_KEY = {"whistle": "confirm_whistle", "second": "confirm_second",
               "dispatch": "confirm_dispatch", "rate": "confirm_rate", "reject": "confirm_reject",
               "reopen": "confirm_reopen", "comment": "confirm_comment",
               "comment_whistle": "confirm_comment"}
FORM_PANELS = (ids.CASES_FORM_DISPATCH, ids.CASES_FORM_WHISTLE, ids.CASES_FORM_RATE)


def _hidden(base: str, show: bool) -> str:
    return base if show else base + " hidden"


def register(app: Dash, ctx: AppContext) -> None:
    _register_list(app, ctx)
    _register_detail(app, ctx)
    _register_forms(app, ctx)
    _register_actions(app, ctx)
    intake.register(app, ctx)


def _register_list(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.CASES_STATUS, "className"),
                  Output(ids.CASES_WHISTLE_STATUS, "className"), Input(ids.CASES_KIND, "value"))
    def status_filter(kind):
        return (_hidden("cases-filter wide", kind == "incidents"),
                _hidden("cases-filter wide", kind == "whistles"))

    @app.callback(Output(ids.CASES_LIST_BOX, "children"), Output(ids.CASES_COUNT, "children"),
                  Input(ids.CASES_KIND, "value"), Input(ids.CASES_STATUS, "value"),
                  Input(ids.CASES_WHISTLE_STATUS, "value"),
                  Input(ids.CASES_OVERDUE, "value"), Input(ids.CASES_DEPARTMENT, "value"),
                  Input(ids.CASES_STREET, "value"), Input(ids.CASES_REFRESH, "data"),
                  State(ids.CASES_LIST, "value"), State(ids.URL, "search"))
    def refresh_list(kind, incident_statuses, whistle_statuses, overdue, department, street,
                     _refresh, selected, search):
        kind = kind if kind in ("incidents", "whistles", "queue") else None
        incident_statuses, whistle_statuses = texts(incident_statuses), texts(whistle_statuses)
        department, street, selected = whole(department), whole(street), item_value(selected)
        lang, actor = pick_lang(search, ctx.settings.language), session_actor()
        # The selection survives a refresh (the person sees the result of their action)
        # but not a change of the kind of work.
        selected = None if trigger.triggered_id == ids.CASES_KIND else selected
        # A link from elsewhere (/cases?incident=12 or ?whistle=3) opens that item first.
        linked = _deep_link(text(search)) if trigger.triggered_id is None and not selected else None
        if actor is None or kind is None:
            return case_list([], None), ""
        statuses = whistle_statuses if kind == "whistles" else incident_statuses
        filters = {"statuses": statuses or [], "overdue": bool(texts(overdue)) or overdue is True,
                   "department_id": department, "street_id": street}
        try:
            options, count = list_items(ctx, actor, kind, filters, lang, ctx.settings.now())
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return case_list([], None), error_text(err, lang)
        if linked and (linked[0] == "w") == (kind == "whistles"):
            if linked not in {o["value"] for o in options}:
                # Outside the list's filters (closed, older): its real row, read under the rules.
                option = linked_option(ctx, actor, linked, lang, ctx.settings.now())
                options = [option, *options] if option else options
            selected = linked if linked in {o["value"] for o in options} else selected
        return case_list(options, selected), count if options else t("cases_empty", lang)


def item_value(value) -> str | None:
    """A list value as the list makes them ("i:12" or "w:3"), else None."""
    if not isinstance(value, str):
        return None
    kind, _, raw = value.partition(":")
    return value if kind in ("i", "w") and raw.isdigit() and len(raw) <= 12 else None


def _deep_link(search: str | None) -> str | None:
    """The list value named by ?incident=ID or ?whistle=ID ("i:ID" / "w:ID"), or None."""
    from urllib.parse import parse_qs

    query = parse_qs((search or "").lstrip("?"))
    for name, prefix in (("incident", "i"), ("whistle", "w")):
        raw = query.get(name, [""])[0]
        if raw.isdigit():
            return f"{prefix}:{int(raw)}"
    return None


def _detail_outputs() -> list:
    outputs = [Output(ids.CASES_DETAIL, "children"), Output(ids.CASES_TIMELINE, "children"),
               Output(ids.CASES_ACTIONS, "className")]
    outputs += [Output(button, "className") for button in ids.CASES_ACT.values()]
    outputs += [Output(ids.CASES_WHISTLE_DEPTS, "options"), Output(ids.CASES_WHISTLE_DEPTS, "value"),
                Output(ids.CASES_WHISTLE_MATTER, "value"), Output(ids.CASES_WHISTLE_MEETING, "value"),
                Output(ids.CASES_WHISTLE_PLACE, "value"), Output(ids.CASES_DISPATCH_DEPT, "options"),
                Output(ids.CASES_DISPATCH_DEPT, "value"), Output(ids.CASES_RATE_DEPT, "options"),
                Output(ids.CASES_RATE_DEPT, "value")]
    return outputs


def _register_detail(app: Dash, ctx: AppContext) -> None:
    empty = [no_update] * 9

    # The list is rebuilt after every action, which re-fires this with the same selection.
    @app.callback(*_detail_outputs(), Input(ids.CASES_LIST, "value"), State(ids.URL, "search"))
    def show_detail(value, search):
        value = item_value(value)
        lang, actor = pick_lang(search, ctx.settings.language), session_actor()
        hidden = ["cases-btn hidden"] * len(ids.CASES_ACT)
        if actor is None or not value:
            return [t("cases_pick", lang), [], "cases-actions hidden", *hidden, *empty]
        try:
            shown = detail(ctx, actor, value, lang, ctx.settings.now())
            with ctx.db.connect() as conn:
                departments = directory.departments(conn)
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return [error_text(err, lang), [], "cases-actions hidden", *hidden, *empty]
        options = [{"label": d["name_zh"] if lang != "en" else d["name_en"], "value": d["code"]}
                   for d in departments]
        buttons = [_hidden("cases-btn" + (" primary" if name in PRIMARY else ""),
                           name in shown["actions"]) for name in ids.CASES_ACT]
        p = shown["prefill"]
        rate = p["rate_options"]
        return [shown["body"], shown["timeline"], "cases-actions", *buttons, options,
                p["departments"], p["matter"], p["meeting"], p["place"], options,
                p["dispatch_department"], rate, rate[0]["value"] if rate else None]


def _register_forms(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.CASES_PENDING, "data"),
                  *[Input(ids.CASES_ACT[name], "n_clicks") for name in FORMS],
                  Input(ids.CASES_CANCEL, "n_clicks"), Input(ids.CASES_LIST, "value"),
                  prevent_initial_call=True)
    def open_form(*_):
        clicked = trigger.triggered_id
        for name in FORMS:
            if clicked == ids.CASES_ACT[name]:
                # A fresh key per opened form: a double click on confirm acts once.
                return {"action": name, "key": f"ui-{uuid.uuid4().hex}"}
        return None

    @app.callback(*[Output(panel, "className") for panel in FORM_PANELS],
                  Output(ids.CASES_CONFIRM, "className"), Output(ids.CASES_CONFIRM, "children"),
                  Output(ids.CASES_CANCEL, "className"),
                  Input(ids.CASES_PENDING, "data"), State(ids.URL, "search"))
    def show_form(pending, search):
        lang = pick_lang(search, ctx.settings.language)
        action = record(pending).get("action")
        action = action if action in CONFIRM_KEY else None
        panel = FORM_ACTIONS.get(action)
        panels = [_hidden("cases-form", panel == p) for p in FORM_PANELS]
        label = t(CONFIRM_KEY[action], lang) if action else t("cases_confirm", lang)
        return (*panels, _hidden("cases-btn primary", bool(action)), label,
                _hidden("cases-btn", bool(action)))


def _form(state: list, pending: dict | None) -> Form:
    """The forms' fields as typed values (each from the browser, so each is checked)."""
    (note, handler, dispatch_dept, depts, matter, meeting, place, days, rate_dept,
     timeliness, quality, attitude) = state
    ratings = tuple(r if isinstance(r, (int, float)) and not isinstance(r, bool) else None
                    for r in (timeliness, quality, attitude))
    key = record(pending).get("key")
    return Form(note=text(note), handled_by=optional_text(handler),
                dispatch_department=optional_text(dispatch_dept), departments=tuple(texts(depts)),
                matter=text(matter), meeting=optional_text(meeting), place=text(place),
                days=whole(days), rate_department=optional_text(rate_dept), ratings=ratings,
                key=key if isinstance(key, str) else None)


FORM_STATE = [State(ids.CASES_NOTE, "value"), State(ids.CASES_DISPATCH_HANDLER, "value"),
              State(ids.CASES_DISPATCH_DEPT, "value"), State(ids.CASES_WHISTLE_DEPTS, "value"),
              State(ids.CASES_WHISTLE_MATTER, "value"), State(ids.CASES_WHISTLE_MEETING, "value"),
              State(ids.CASES_WHISTLE_PLACE, "value"), State(ids.CASES_WHISTLE_DAYS, "value"),
              State(ids.CASES_RATE_DEPT, "value"), State(ids.CASES_RATE_TIMELINESS, "value"),
              State(ids.CASES_RATE_QUALITY, "value"), State(ids.CASES_RATE_ATTITUDE, "value")]


def _register_actions(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.CASES_MESSAGE, "children"), Output(ids.CASES_MESSAGE, "className"),
                  Output(ids.CASES_REFRESH, "data"),
                  Output(ids.CASES_PENDING, "data", allow_duplicate=True),
                  Output(ids.CASES_NOTE, "value"),
                  *[Input(ids.CASES_ACT[name], "n_clicks") for name in DIRECT],
                  Input(ids.CASES_CONFIRM, "n_clicks"),
                  State(ids.CASES_LIST, "value"), State(ids.CASES_PENDING, "data"),
                  State(ids.CASES_REFRESH, "data"), State(ids.URL, "search"), *FORM_STATE,
                  prevent_initial_call=True)
    def act(*args):
        value, pending, refresh, search = args[len(DIRECT) + 1:len(DIRECT) + 5]
        value, pending, refresh = item_value(value), record(pending), count(refresh)
        state = list(args[len(DIRECT) + 5:])
        lang, actor = pick_lang(search, ctx.settings.language), session_actor()
        clicked = trigger.triggered_id
        action = next((n for n in DIRECT if ids.CASES_ACT[n] == clicked), None)
        if clicked == ids.CASES_CONFIRM:
            action = pending.get("action")
            action = action if action in FORMS else None
        if actor is None or action is None or not trigger.triggered[0].get("value"):
            return no_update, no_update, no_update, no_update, no_update
        ok, message = run_action(ctx, actor, action, value, _form(state, pending), lang, ctx.settings.now())
        tone = "cases-message ok" if ok else "cases-message error"
        if not ok:
            return message, tone, no_update, no_update, no_update
        return message, tone, (refresh or 0) + 1, None, ""
