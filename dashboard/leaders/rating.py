"""The 下考上 rating round on /leaders: a street chief rates the departments the street worked with."""
from __future__ import annotations

from datetime import datetime

from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.inputs import record, whole
from dashboard.leaders.period import words
from dashboard.session import session_actor
from data import directory
from workflow.errors import WorkflowError
from workflow.leaders.figures import Period
from workflow.leaders.rating_round import PARTS, departments_to_rate, submit_round

SCORE_EDITOR = {"cellEditor": "agNumberCellEditor",
                "cellEditorParams": {"min": 0, "max": 100, "precision": 0}}


def columns(lang: str) -> list[dict]:
    """The round's table: the department and its work with the street, then the scores."""
    cols = [{"field": "name", "headerName": t("ld_rate_department", lang),
             "flex": 2, "minWidth": 200},
            {"field": "dispatched", "headerName": t("ld_rate_dispatched", lang), "flex": 1},
            {"field": "summoned", "headerName": t("ld_rate_summoned", lang), "flex": 1}]
    cols += [{"field": p, "headerName": t(f"ld_rate_{p}", lang), "editable": True, "flex": 1,
              "type": "numericColumn", **SCORE_EDITOR} for p in PARTS]
    cols.append({"field": "note", "headerName": t("ld_rate_note", lang), "editable": True,
                 "flex": 2, "cellEditor": "agTextCellEditor",
                 "cellEditorParams": {"maxLength": 500}})
    return cols


def rows(ctx: AppContext, period: Period, lang: str) -> list[dict]:
    actor = session_actor()
    # The primary, not the standby (ctx.reads): a chief who just saved sees the saved scores.
    with ctx.db.connect() as conn:
        listed = departments_to_rate(conn, actor, period)
    out = []
    for d in listed:
        given = d["rating"] or {}
        out.append({"rid": str(d["id"]), "department_id": d["id"],
                    "name": d["name_en"] if lang == "en" else d["name_zh"],
                    "dispatched": d["dispatched"], "summoned": d["summoned"],
                    **{p: given.get(p) for p in PARTS}, "note": given.get("note") or ""})
    return out


def rating_view(ctx: AppContext, period: Period, tab: str, lang: str) -> tuple:
    """className, title, columnDefs and rowData of the round box (hidden but for a chief on
    the 下考上 tab).
    """
    actor = session_actor()
    if actor is None or not actor.is_chief or tab != "scores":
        return "leaders-content hidden", "", [], []
    with ctx.db.connect() as conn:
        street = next((s["name_en" if lang == "en" else "name_zh"]
                       for s in directory.streets(conn) if s["id"] == actor.street_id), "")
    title = t("ld_rate_title", lang).format(street=street, period=words(period, lang)[0])
    if period.month is None:
        return "leaders-content", t("ld_rate_month_only", lang), [], []
    return "leaders-content", title, columns(lang), rows(ctx, period, lang)


def _score(value):
    """A score as typed: whole numbers (an editor may send 80.0) stay numbers, the rest
    goes on to the rules, which name the field.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def submit(ctx: AppContext, period: Period, grid_rows, lang: str, now: datetime) -> str:
    """Store the rows the chief filled in; the answer to show beside the button."""
    if period.month is None:
        return t("ld_rate_month_only", lang)
    ratings = []
    for row in grid_rows if isinstance(grid_rows, list) else []:
        row = record(row)
        scores = {p: _score(row.get(p)) for p in PARTS}
        if all(v in (None, "") for v in scores.values()):
            continue        # a department left blank is not rated this time
        if any(v in (None, "") for v in scores.values()):
            return t("ld_rate_fill", lang)
        ratings.append({"department_id": whole(row.get("department_id")), **scores,
                        "note": row.get("note") if isinstance(row.get("note"), str) else None})
    if not ratings:
        return t("ld_rate_fill", lang)
    try:
        with ctx.db.begin() as conn:
            n = submit_round(conn, session_actor(), period, ratings, now)
    except WorkflowError as err:
        zh, _, en = err.message.partition(" / ")
        return en if lang == "en" and en else zh
    return t("ld_rate_saved", lang).format(n=n)
