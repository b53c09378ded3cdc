"""Callback wiring of /admin: each tab's form writes through workflow.admin (audited) and
bumps its version; the tables re-read on a version change. Admin only, inputs narrowed.
"""
from __future__ import annotations

from dash import Dash, Input, Output, State, callback_context, html
from flask import current_app

from dashboard import ids
from dashboard import inputs as given
from dashboard.admin import view
from dashboard.admin.layout import USER_ACTIONS
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.session import session_actor
from data import admin_audit, org_store, people_store
from workflow.admin import organisation, people
from workflow.admin.audit import Who
from workflow.errors import WorkflowError
from workflow.open311.services import NOT_PUBLIC
from workflow.roles import can

UNLOCK = "hq_unlock_sign_in"        # api.ratelimit puts the server's unlock here
OK, ERROR = "cases-message ok", "cases-message error"


def _admin() -> Who | None:
    actor = session_actor()
    return Who.of(actor) if actor is not None and can(actor, "admin.manage") else None


def _error(err: WorkflowError, lang: str) -> str:
    parts = err.message.split(" / ", 1)
    text = parts[1] if lang == "en" and len(parts) > 1 else parts[0]
    return f"{text}（{err.field}）" if err.field else text


def _write(ctx: AppContext, lang: str, version, action) -> tuple:
    """Run ``action(conn, who, now)`` in one transaction: (message, class, version)."""
    who = _admin()
    if who is None:
        return t("admin_not_allowed", lang), ERROR, given.count(version)
    try:
        with ctx.db.begin() as conn:
            text = action(conn, who, ctx.settings.now())
    except WorkflowError as err:
        return _error(err, lang), ERROR, given.count(version)
    return text, OK, given.count(version) + 1


def _user_values(values: list) -> dict:
    keys = list(ids.ADMIN_USER)
    return {k: (given.optional_text(v) or None) for k, v in zip(keys, values)}


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the administration page's callbacks onto the app."""
    user_states = [State(ident, "value") for ident in ids.ADMIN_USER.values()]

    @app.callback(Output(ids.ADMIN_USER_MESSAGE, "children"),
                  Output(ids.ADMIN_USER_MESSAGE, "className"),
                  Output(ids.ADMIN_VERSION["people"], "data"),
                  Input(ids.ADMIN_USER_CREATE, "n_clicks"), Input(ids.ADMIN_USER_EDIT, "n_clicks"),
                  Input(ids.ADMIN_USER_GO, "n_clicks"), *user_states,
                  State(ids.ADMIN_USER_ACTION, "value"), State(ids.ADMIN_VERSION["people"], "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def people_write(_create, _edit, _go, *rest):
        *fields, action, version, search = rest
        lang = pick_lang(search, ctx.settings.language)
        values, button = _user_values(fields), callback_context.triggered_id
        username = values.pop("username") or ""
        if not username:
            return t("admin_need_username", lang), ERROR, given.count(version)
        return _write(ctx, lang, version, _people_action(button, username, values,
                                                         given.text(action), lang))

    @app.callback(Output(ids.ADMIN_USER_TABLE, "children"),
                  Input(ids.ADMIN_VERSION["people"], "data"), Input(ids.ADMIN_USER_SEARCH, "value"),
                  State(ids.URL, "search"))
    def people_table(_version, query, search):
        lang = pick_lang(search, ctx.settings.language)
        who = _admin()
        if who is None:
            return t("admin_not_allowed", lang)
        with ctx.db.connect() as conn:
            rows = people_store.accounts(conn, None, given.optional_text(query), 300,
                                         who.district_code)
        return view.accounts_table(rows, lang)

    @app.callback(Output(ids.ADMIN_DEPT_MESSAGE, "children"),
                  Output(ids.ADMIN_DEPT_MESSAGE, "className"),
                  Output(ids.ADMIN_VERSION["departments"], "data"),
                  Input(ids.ADMIN_DEPT_CREATE, "n_clicks"), Input(ids.ADMIN_DEPT_RENAME, "n_clicks"),
                  Input(ids.ADMIN_DEPT_MERGE, "n_clicks"),
                  *[State(ident, "value") for ident in ids.ADMIN_DEPT.values()],
                  State(ids.ADMIN_VERSION["departments"], "data"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def departments_write(_create, _rename, _merge, code, name_zh, name_en, into, version, search):
        lang = pick_lang(search, ctx.settings.language)
        code = given.text(code).strip()
        values = {"code": code, "name_zh": given.optional_text(name_zh),
                  "name_en": given.optional_text(name_en)}
        button = callback_context.triggered_id

        def action(conn, who, now):
            if button == ids.ADMIN_DEPT_MERGE:
                organisation.merge_department(conn, who, code, given.text(into), now)
            elif button == ids.ADMIN_DEPT_RENAME:
                organisation.rename_department(conn, who, code, values, now)
            else:
                organisation.create_department(conn, who, values, now)
            return t("admin_done", lang).format(u=code)
        return _write(ctx, lang, version, action)

    @app.callback(Output(ids.ADMIN_DEPT_TABLE, "children"),
                  Input(ids.ADMIN_VERSION["departments"], "data"), State(ids.URL, "search"))
    def departments_table(_version, search):
        lang = pick_lang(search, ctx.settings.language)
        if _admin() is None:
            return t("admin_not_allowed", lang)
        with ctx.db.connect() as conn:
            return view.departments_table(org_store.departments(conn), lang)

    register_categories(app, ctx)
    register_history(app, ctx)


def _people_action(button, username: str, values: dict, action: str, lang: str):
    def run(conn, who, now):
        if button == ids.ADMIN_USER_CREATE:
            account, password = people.create_account(
                conn, who, {"username": username, **values}, now)
            return t("admin_created", lang).format(u=account["username"], p=password)
        if button == ids.ADMIN_USER_EDIT:
            account = people.edit_account(conn, who, username, values, now)
            current_app.extensions["hq_accounts"].forget(account["id"])
            return t("admin_done", lang).format(u=account["username"])
        if action not in USER_ACTIONS:
            return t("admin_not_allowed", lang)
        if action == "reset":
            account, password = people.reset_password(conn, who, username, now)
            return t("admin_reset", lang).format(u=account["username"], p=password)
        if action == "unlock":
            account = people.record_unlock(conn, who, username, now)
            current_app.extensions[UNLOCK](account["username"])
        else:
            account = people.set_active(conn, who, username, action == "reactivate", now)
            current_app.extensions["hq_accounts"].forget(account["id"])
        return t("admin_done", lang).format(u=account["username"])
    return run


def register_categories(app: Dash, ctx: AppContext) -> None:
    """The categories tab: save one (create or change), the table."""
    c = ids.ADMIN_CAT

    @app.callback(Output(ids.ADMIN_CAT_MESSAGE, "children"),
                  Output(ids.ADMIN_CAT_MESSAGE, "className"),
                  Output(ids.ADMIN_VERSION["categories"], "data"),
                  Input(ids.ADMIN_CAT_SAVE, "n_clicks"),
                  *[State(c[k], "value") for k in ("code", "name_zh", "name_en",
                                                   "deadline_hours", "department_code", "public")],
                  State(ids.ADMIN_VERSION["categories"], "data"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def categories_write(_save, code, name_zh, name_en, hours, dept, public, version, search):
        lang = pick_lang(search, ctx.settings.language)
        code = given.text(code).strip()
        values = {"name_zh": given.optional_text(name_zh), "name_en": given.optional_text(name_en),
                  "deadline_hours": hours if isinstance(hours, int) and not isinstance(hours, bool)
                  else None, "public": {"yes": True, "no": False}.get(given.text(public))}
        if given.optional_text(dept):
            values["department_code"] = given.text(dept)

        def action(conn, who, now):
            organisation.save_category(conn, who, code, values, now)
            return t("admin_done", lang).format(u=code)
        return _write(ctx, lang, version, action)

    @app.callback(Output(ids.ADMIN_CAT_TABLE, "children"),
                  Input(ids.ADMIN_VERSION["categories"], "data"), State(ids.URL, "search"))
    def categories_table(_version, search):
        lang = pick_lang(search, ctx.settings.language)
        if _admin() is None:
            return t("admin_not_allowed", lang)
        with ctx.db.connect() as conn:
            return view.categories_table(org_store.categories(conn), lang, NOT_PUBLIC)


def register_history(app: Dash, ctx: AppContext) -> None:
    """The grid workers tab (a grid's workers now and before) and the audit log tab."""

    @app.callback(Output(ids.ADMIN_GRID_TABLE, "children"),
                  Input(ids.ADMIN_GRID_SHOW, "n_clicks"), Input(ids.ADMIN_VERSION["people"], "data"),
                  State(ids.ADMIN_GRID_CODE, "value"), State(ids.URL, "search"))
    def grid_history(_show, _version, code, search):
        lang = pick_lang(search, ctx.settings.language)
        if _admin() is None:
            return t("admin_not_allowed", lang)
        code = given.text(code).strip()
        with ctx.db.connect() as conn:
            grid_id = people_store.codes_to_ids(conn)["grid"].get(code) if code else None
            rows = people_store.grid_history(conn, grid_id=grid_id) if grid_id else []
        return view.grid_history_table(rows, lang) if code else html.Div()

    @app.callback(Output(ids.ADMIN_AUDIT_TABLE, "children"), Input(ids.ADMIN_TABS, "value"),
                  *[Input(ident, "data") for ident in ids.ADMIN_VERSION.values()],
                  State(ids.URL, "search"))
    def audit_log(_tab, _people, _departments, _categories, search):
        lang = pick_lang(search, ctx.settings.language)
        if _admin() is None:
            return t("admin_not_allowed", lang)
        with ctx.db.connect() as conn:
            return view.audit_table(admin_audit.entries(conn, 100), lang)
