"""The administration page's frame: five tabs, each a form above its table (desk style)."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components import desk_page
from dashboard.i18n import t
from data.models.base import ROLES
from workflow.admin.account_rules import TITLES

USER_ACTIONS = ("deactivate", "reactivate", "reset", "unlock")


def field(lang: str, key: str, component) -> html.Label:
    return html.Label([t(key, lang), component], className="cases-field")


def text_input(ident: str, **extra) -> dcc.Input:
    return dcc.Input(id=ident, type="text", className="cases-input", debounce=False, **extra)


def message(ident: str) -> html.Div:
    return html.Div(id=ident, className="cases-message", role="status")


def people_tab(lang: str) -> html.Div:
    u = ids.ADMIN_USER
    role = dcc.Dropdown(id=u["role"], options=[{"label": f"{t('role_' + r, lang)} · {r}",
                                                "value": r} for r in ROLES
                                               # a district's admin never makes a city account
                                               if r != "city_leader"],
                        clearable=True, className="admin-dropdown")
    title = dcc.Dropdown(id=u["title"], options=[{"label": x, "value": x} for x in TITLES],
                         clearable=True, className="admin-dropdown")
    action = dcc.Dropdown(id=ids.ADMIN_USER_ACTION, value="deactivate", clearable=False,
                          options=[{"label": t(f"admin_act_{a}", lang), "value": a}
                                   for a in USER_ACTIONS], className="admin-dropdown")
    return html.Div(className="admin-pane", children=[
        html.Div(className="cases-form", children=[
            html.Div(className="cases-form-row", children=[
                field(lang, "admin_username", text_input(u["username"], maxLength=40)),
                field(lang, "admin_display_name", text_input(u["display_name"], maxLength=40)),
                field(lang, "admin_role", role), field(lang, "admin_title_field", title),
                field(lang, "admin_phone", text_input(u["phone"], maxLength=20))]),
            html.Div(className="cases-form-row", children=[
                field(lang, "admin_street_code", text_input(u["street_code"], maxLength=20)),
                field(lang, "admin_community_code", text_input(u["community_code"], maxLength=20)),
                field(lang, "admin_department_code", text_input(u["department_code"], maxLength=20)),
                field(lang, "admin_grid_codes", text_input(u["grid_codes"], maxLength=60))]),
            html.Div(className="cases-form-row admin-buttons", children=[
                html.Button(t("admin_create", lang), id=ids.ADMIN_USER_CREATE, n_clicks=0,
                            className="cases-btn primary"),
                html.Button(t("admin_edit", lang), id=ids.ADMIN_USER_EDIT, n_clicks=0,
                            className="cases-btn"),
                html.Span(t("admin_action", lang), className="admin-sep"), action,
                html.Button(t("admin_go", lang), id=ids.ADMIN_USER_GO, n_clicks=0,
                            className="cases-btn")]),
        ]),
        message(ids.ADMIN_USER_MESSAGE),
        text_input(ids.ADMIN_USER_SEARCH, placeholder=t("admin_search", lang), maxLength=40),
        html.Div(id=ids.ADMIN_USER_TABLE, className="admin-table-box"),
    ])


def departments_tab(lang: str) -> html.Div:
    d = ids.ADMIN_DEPT
    return html.Div(className="admin-pane", children=[
        html.Div(className="cases-form", children=[
            html.Div(className="cases-form-row", children=[
                field(lang, "admin_code", text_input(d["code"], maxLength=20)),
                field(lang, "admin_name_zh", text_input(d["name_zh"], maxLength=60)),
                field(lang, "admin_name_en", text_input(d["name_en"], maxLength=120)),
                field(lang, "admin_into", text_input(d["into"], maxLength=20))]),
            html.Div(className="cases-form-row admin-buttons", children=[
                html.Button(t("admin_dept_create", lang), id=ids.ADMIN_DEPT_CREATE, n_clicks=0,
                            className="cases-btn primary"),
                html.Button(t("admin_dept_rename", lang), id=ids.ADMIN_DEPT_RENAME, n_clicks=0,
                            className="cases-btn"),
                html.Button(t("admin_dept_merge", lang), id=ids.ADMIN_DEPT_MERGE, n_clicks=0,
                            className="cases-btn")]),
        ]),
        message(ids.ADMIN_DEPT_MESSAGE),
        html.Div(id=ids.ADMIN_DEPT_TABLE, className="admin-table-box"),
    ])


def categories_tab(lang: str) -> html.Div:
    c = ids.ADMIN_CAT
    return html.Div(className="admin-pane", children=[
        html.Div(className="cases-form", children=[
            html.Div(className="cases-form-row", children=[
                field(lang, "admin_code", text_input(c["code"], maxLength=4)),
                field(lang, "admin_name_zh", text_input(c["name_zh"], maxLength=40)),
                field(lang, "admin_name_en", text_input(c["name_en"], maxLength=80)),
                field(lang, "admin_deadline_hours", dcc.Input(
                    id=c["deadline_hours"], type="number", min=1, max=8760, step=1,
                    className="cases-input narrow")),
                field(lang, "admin_department_code", text_input(c["department_code"],
                                                                maxLength=20))]),
            html.Div(className="cases-form-row admin-buttons", children=[
                html.Span(t("admin_public", lang), className="admin-sep"),
                dcc.RadioItems(id=c["public"], value="keep", inline=True, className="cases-radio",
                               options=[{"label": t(f"admin_public_{k}", lang), "value": k}
                                        for k in ("keep", "yes", "no")]),
                html.Button(t("admin_cat_save", lang), id=ids.ADMIN_CAT_SAVE, n_clicks=0,
                            className="cases-btn primary")]),
        ]),
        message(ids.ADMIN_CAT_MESSAGE),
        html.Div(id=ids.ADMIN_CAT_TABLE, className="admin-table-box"),
    ])


def grids_tab(lang: str) -> html.Div:
    return html.Div(className="admin-pane", children=[
        html.P(t("admin_grid_hint", lang), className="desk-intro"),
        html.Div(className="cases-form-row", children=[
            text_input(ids.ADMIN_GRID_CODE, maxLength=20, placeholder="120106…"),
            html.Button(t("admin_grid_show", lang), id=ids.ADMIN_GRID_SHOW, n_clicks=0,
                        className="cases-btn primary")]),
        html.Div(id=ids.ADMIN_GRID_TABLE, className="admin-table-box"),
    ])


def layout(lang: str) -> html.Div:
    tabs = dcc.Tabs(id=ids.ADMIN_TABS, value="people", className="admin-tabs", children=[
        dcc.Tab(label=t("admin_tab_people", lang), value="people", children=people_tab(lang)),
        dcc.Tab(label=t("admin_tab_departments", lang), value="departments",
                children=departments_tab(lang)),
        dcc.Tab(label=t("admin_tab_categories", lang), value="categories",
                children=categories_tab(lang)),
        dcc.Tab(label=t("admin_tab_grids", lang), value="grids", children=grids_tab(lang)),
        dcc.Tab(label=t("admin_tab_audit", lang), value="audit", children=html.Div(
            id=ids.ADMIN_AUDIT_TABLE, className="admin-table-box")),
    ])
    stores = [dcc.Store(id=ident, data=0) for ident in ids.ADMIN_VERSION.values()]
    body = html.Div(className="admin", children=[*stores, tabs])
    return desk_page("/admin", lang, "admin_title", "admin_intro", body, ids.ADMIN_ROOT)
