"""The monthly attendance section of /patrol (data in, HTML out): a worker-by-day calendar."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from dash import html

from dashboard.i18n import t
from dashboard.theme import thousands
from workflow.clock import BEIJING

TROUBLE = ("absent", "late_early", "late", "early")


def months_back(today: date, picked: date, n: int = 12) -> list[str]:
    """``n`` months as YYYY-MM, this month first, and the picked day's month at the end when
    it is older (a Dropdown clears a value that is not among its options).
    """
    year, month, out = today.year, today.month, []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    mine = picked.strftime("%Y-%m")
    return out if mine in out else [*out, mine]


def _hhmm(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment.astimezone(BEIJING):%H:%M}"


def _cell(worker: dict, day: str, lang: str) -> html.Td:
    status = worker["status"].get(day)
    if status is None:
        return html.Td("", className="att-day")
    # The clock-in and clock-out stay one hover away: 31 columns of times are unreadable.
    title = f"{day} {t('att_' + status, lang)} {_hhmm(worker['clock_in'][day])}–" \
            f"{_hhmm(worker['clock_out'][day])}"
    return html.Td(t("att_mark_" + status, lang), title=title, className=f"att-day {status}")


def _order(worker: dict) -> tuple:
    # Who needs a word first: most days absent, then most days late or early.
    counts = worker["counts"]
    return (-counts["absent"], -sum(counts[k] for k in TROUBLE[1:]), worker["grid_code"] or "",
            worker["username"])


def attendance_section(table: dict, lang: str, export_query: dict) -> html.Div:
    """The month's title, totals, legend and XLSX link, then one row per worker: a mark per
    day (hover for the clock-in and clock-out) and the month's counts.
    """
    link = html.A(t("sheet_download", lang), className="patrol-download",
                  href="/api/v1/patrol/attendance?" + urlencode({**export_query,
                                                                 "format": "xlsx"}))
    workers = table["workers"]
    totals = {k: sum(w["counts"][k] for w in workers) for k in ("absent", "late", "early",
                                                                "late_early", "leave")}
    head = html.Div(className="patrol-sheet-head", children=[
        html.H2(f"{t('att_title', lang)} · {table['month']}"),
        html.Span(t("att_total", lang).format(
            n=thousands(len(workers)), a=thousands(totals["absent"]),
            l=thousands(totals["late"] + totals["late_early"]),
            e=thousands(totals["early"] + totals["late_early"]),
            v=thousands(totals["leave"])), className="att-total"),
        link])
    legend = html.Div(className="att-legend", children=[
        html.Span(t("att_mark_" + k, lang) + " " + t("att_" + k, lang), className=f"att-day {k}")
        for k in ("ok", "late", "early", "late_early", "absent", "leave")])
    if not workers or not table["days"]:
        return html.Div([head, html.Div(t("att_empty", lang), className="empty-hint")])
    days = table["days"]
    counts = ("absent", "late", "early", "leave")
    header = html.Tr([html.Th(t("sheet_col_worker", lang)), html.Th(t("sheet_col_grid", lang)),
                      *[html.Th(d[8:], className="att-day") for d in days],
                      *[html.Th(t("att_" + k, lang), className="att-count") for k in counts]])
    rows = [html.Tr(className="att-row", children=[
        html.Td(f"{w['display_name']}（{w['username']}）", className="att-name"),
        html.Td(w["grid_code"] or "—"),
        *[_cell(w, d, lang) for d in days],
        *[html.Td(thousands(w["counts"][k] + (w["counts"]["late_early"]
                                               if k in ("late", "early") else 0)),
                  className="att-count" + (" hot" if k == "absent" and w["counts"][k] else ""))
          for k in counts]])
        for w in sorted(workers, key=_order)]
    return html.Div([head, legend,
                     html.Table(className="patrol-table att-table",
                                children=[html.Thead(header), html.Tbody(rows)])])
