"""Sortable tables of the leaders' view (AG Grid): columns from the shared table specs."""
from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from dashboard.i18n import t
from workflow.reports.format import VALUE_LABELS, label, when
from workflow.reports.monthly import COLUMNS, Table

# Numbers stay numbers (so sorting is numeric) and are formatted in the browser.
FORMATTERS = {
    "pct": "params.value == null ? '—' : d3.format('.1%')(params.value)",
    "pts": "params.value == null ? '—' : d3.format('+.1f')(params.value * 100)",
    "hours": "params.value == null ? '—' : d3.format('.1f')(params.value)",
    "score": "params.value == null ? '—' : d3.format('.1f')(params.value)",
    "int": "params.value == null ? '—' : d3.format(',')(params.value)",
}
NUMERIC = tuple(FORMATTERS)


def column_defs(columns: list[str], lang: str, link: str | None) -> list[dict]:
    defs = []
    for key in columns:
        zh, en, kind = COLUMNS[key]
        col = {"field": key, "headerName": en if lang == "en" else zh, "sortable": True,
               "resizable": True, "minWidth": 90}
        if kind in FORMATTERS:
            col.update(valueFormatter={"function": FORMATTERS[kind]}, type="numericColumn",
                       maxWidth=170)
        if key == "code" and link:
            col["cellRenderer"] = "markdown"
        if key in ("name_zh", "matter", "parties", "department_name"):
            col.update(minWidth=150, flex=2)
        else:
            col["flex"] = 1
        defs.append(col)
    return defs


def row_data(table: Table, lang: str, link: str | None,
             rows: list[dict] | None = None) -> list[dict]:
    """Rows as the grid shows them: times and codes as words, the link on the code."""
    out = []
    for row in rows if rows is not None else table.rows:
        item = {"rid": str(row.get("department_id") or row.get("id") or ""),
                "below_target": bool(row.get("below_target"))}
        for key in table.columns:
            kind, value = COLUMNS[key][2], row.get(key)
            if kind == "time":
                value = when(value)
            elif kind in VALUE_LABELS:
                value = label(kind, value, lang)
            elif key == "name_zh" and lang == "en" and row.get("name_en"):
                value = row["name_en"]
            elif lang == "en" and row.get(f"{key}_en"):
                value = row[f"{key}_en"]     # street_name_en...: names in the reader's language
            if key == "code" and link and row.get("id") is not None:
                value = f"[{value}]({link}{row['id']})"
            item[key] = value
        out.append(item)
    return out


def grid_options(table: Table | None, lang: str, height: int | None = None,
                 total_label: str | None = None) -> dict:
    """AG Grid options: Chinese overlay text, auto height unless fixed, the pinned total."""
    options = {"animateRows": False, "suppressCellFocus": True,
               "localeText": {"noRowsToShow": t("ld_no_rows", lang)},
               "domLayout": "normal" if height else "autoHeight"}
    if table is not None and table.total and total_label:
        options["pinnedBottomRowData"] = row_data(table, lang, None, [
            {**table.total, "name_zh": total_label, "name_en": total_label}])
    return options


def grid(table: Table, lang: str, link: str | None = None, height: int | None = None,
         total_label: str | None = None) -> html.Div:
    """One table: sortable columns, rows below the target in red, the total pinned below.

    ``link`` (e.g. "/cases?incident=") turns codes into links to the case.
    """
    return html.Div(className="leaders-table", children=[
        dag.AgGrid(
            id=f"leaders-grid-{table.key}", columnDefs=column_defs(table.columns, lang, link),
            rowData=row_data(table, lang, link),
            dashGridOptions=grid_options(table, lang, height, total_label),
            rowClassRules={"leaders-below": "params.data.below_target"},
            className="leaders-grid", style={"height": f"{height}px"} if height else {}),
    ])


def click_grid(grid_id: str, lang: str, height: int) -> html.Div:
    """A table always in the page whose rows open a drill-down; the tab fills it."""
    return html.Div(className="leaders-table", children=[
        dag.AgGrid(id=grid_id, columnDefs=[], rowData=[], getRowId="params.data.rid",
                   dashGridOptions=grid_options(None, lang, height),
                   className="leaders-grid clickable", style={"height": f"{height}px"}),
    ])
