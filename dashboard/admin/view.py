"""The administration tables (data in, HTML out): accounts, departments, categories, grid
history, the audit log.
"""
from __future__ import annotations

import json

from dash import html

from dashboard.i18n import t
from workflow.clock import BEIJING


def _table(head: list[str], rows: list[list], lang: str, row_class=None) -> html.Table | html.Div:
    if not rows:
        return html.Div(t("admin_none", lang), className="empty-hint")
    return html.Table(className="admin-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(c) for c in cells],
                            className=row_class(i) if row_class else None)
                    for i, cells in enumerate(rows)])])


def _when(value) -> str:
    return "—" if value is None else f"{value.astimezone(BEIJING):%Y-%m-%d %H:%M}"


def accounts_table(rows: list[dict], lang: str):
    def state(r):
        parts = [t("admin_active" if r["active"] else "admin_inactive", lang)]
        if r["must_change_password"]:
            parts.append(t("admin_must_change", lang))
        return " · ".join(parts)

    body = [[r["username"], r["display_name"], t("role_" + r["role"], lang),
             r["department_code"] or r["community_code"] or r["street_code"]
             or t("admin_district", lang), " ".join(r["grid_codes"]) or "—", state(r)]
            for r in rows]
    head = [t(f"admin_col_{k}", lang) for k in ("username", "name", "role", "scope", "grids",
                                                 "state")]
    return _table(head, body, lang, lambda i: "" if rows[i]["active"] else "inactive")


def departments_table(rows: list[dict], lang: str):
    codes = {r["id"]: r["code"] for r in rows}
    body = [[r["code"], r["name_en"] if lang == "en" else r["name_zh"], r["kind"],
             f"{r['officers']:,}",
             t("admin_active", lang) if r["active"] else
             t("admin_merged_into", lang).format(c=codes.get(r["merged_into_id"], "?"))]
            for r in rows]
    head = [t("admin_code", lang), t("admin_name_zh" if lang != "en" else "admin_name_en", lang),
            t("admin_col_kind", lang), t("admin_col_officers", lang), t("admin_col_state", lang)]
    return _table(head, body, lang, lambda i: "" if rows[i]["active"] else "inactive")


def categories_table(rows: list[dict], lang: str, never_public: frozenset):
    def public(r):
        shown = r["public"] and r["code"] not in never_public and r["level"] == 2
        return t("admin_yes" if shown else "admin_no", lang)

    body = [[r["code"], r["parent_code"] or "—", r["name_en"] if lang == "en" else r["name_zh"],
             str(r["deadline_hours"]), r["department_code"] or "—", public(r)] for r in rows]
    head = [t("admin_code", lang), t("admin_col_parent", lang),
            t("admin_name_zh" if lang != "en" else "admin_name_en", lang),
            t("admin_col_deadline", lang), t("admin_col_dept", lang), t("admin_col_public", lang)]
    return _table(head, body, lang, lambda i: "subject" if rows[i]["level"] == 1 else "")


def grid_history_table(rows: list[dict], lang: str):
    body = [[r["grid_code"], r["username"], _when(r["valid_from"]),
             _when(r["valid_to"]) if r["valid_to"] else t("admin_now", lang)] for r in rows]
    head = [t("admin_col_grid", lang), t("admin_col_username", lang), t("admin_col_from", lang),
            t("admin_col_to", lang)]
    return _table(head, body, lang)


def _json(value) -> html.Code | str:
    if value is None:
        return "—"
    return html.Code(json.dumps(value, ensure_ascii=False, sort_keys=True)[:400],
                     className="admin-json")


def audit_table(rows: list[dict], lang: str):
    body = [[_when(r["at"]), r["actor_name"], r["action"], f"{r['subject_type']} {r['subject_key']}",
             _json(r["before"]), _json(r["after"])] for r in rows]
    head = [t(f"admin_col_{k}", lang) for k in ("at", "who", "action", "subject", "before",
                                                 "after")]
    return _table(head, body, lang)
