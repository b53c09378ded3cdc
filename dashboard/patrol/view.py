"""The day's patrol sheet and exceptions as the page shows them (data in, HTML out)."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.theme import thousands
from workflow.clock import BEIJING

COLUMNS = ("worker", "grid", "first", "last", "km", "on", "off", "covered", "stops", "reports",
           "aside", "open")


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment.astimezone(BEIJING):%H:%M}"


def _cells(row: dict, day: date, lang: str) -> list:
    query = {"worker": row["user_id"], "date": day.isoformat()}
    if lang == "en":
        query["lang"] = "en"
    return [f"{row['display_name']}（{row['username']}）", row["grid_code"] or "—",
            _when(row["first_fix"]), _when(row["last_fix"]), f"{row['km']:.2f}",
            f"{row['minutes_on_beat']:.0f}", f"{row['minutes_off_beat']:.0f}",
            f"{row['beat_covered']:.0%}", thousands(row["stops"]), thousands(row["reports"]),
            thousands(row["set_aside"]),
            dcc.Link(t("sheet_replay", lang), href="/patrol?" + urlencode(query),
                     className="patrol-replay-link")]


def leave_form(rows: list[dict], day: date, lang: str) -> html.Div:
    """Record a leave day for one of the sheet's workers (attendance counts it as leave)."""
    options = [{"label": f"{r['display_name']}（{r['username']}）", "value": r["user_id"]}
               for r in rows]
    return html.Div(className="patrol-leave", children=[
        html.Span(t("leave_title", lang), className="patrol-leave-title"),
        dcc.Dropdown(id=ids.PATROL_LEAVE_WORKER, options=options, clearable=True,
                     placeholder=t("leave_worker", lang), className="patrol-leave-worker"),
        dcc.DatePickerSingle(id=ids.PATROL_LEAVE_DAY, date=day.isoformat(),
                             display_format="YYYY-MM-DD", first_day_of_week=1),
        html.Button(t("leave_go", lang), id=ids.PATROL_LEAVE_GO, n_clicks=0,
                    className="patrol-ack-go"),
        html.Span(id=ids.PATROL_LEAVE_STATUS, className="patrol-ack-status")])


def sheet_table(rows: list[dict], day: date, lang: str, export_query: dict,
                may_manage: bool = False) -> html.Div:
    """The sheet: a title with the XLSX link and the totals, then one row per worker (and,
    for those who may, the form that records a leave day).
    """
    link = html.A(t("sheet_download", lang), className="patrol-download",
                  href="/api/v1/patrol/sheets?" + urlencode({**export_query, "format": "xlsx"}))
    on_duty = sum(r["first_fix"] is not None for r in rows)
    head = html.Div(className="patrol-sheet-head", children=[
        html.H2(f"{t('sheet_title', lang)} · {day.isoformat()}"),
        html.Span(t("sheet_total", lang).format(n=thousands(len(rows)), d=thousands(on_duty))),
        link])
    if not rows:
        return html.Div([head, html.Div(t("sheet_empty", lang), className="empty-hint")])
    table = html.Table(className="patrol-table", children=[
        html.Thead(html.Tr([html.Th(t(f"sheet_col_{c}", lang)) for c in COLUMNS])),
        html.Tbody([html.Tr([html.Td(cell, className=f"patrol-{c}")
                             for c, cell in zip(COLUMNS, _cells(r, day, lang))],
                            className="patrol-row" + (" idle" if r["first_fix"] is None else ""))
                    for r in rows])])
    leave = [leave_form(rows, day, lang)] if may_manage else []
    return html.Div([head, *leave, table])


def ack_form(rows: list[dict], lang: str, message: str | None = None) -> html.Div:
    """Pick one of the exceptions not yet acknowledged, write a note, acknowledge it."""
    waiting = [r for r in rows if not r["acknowledged_at"]]
    options = [{"label": f"{_when(r['started_at'])} {r['display_name']} · "
                         f"{t('exc_' + r['kind'], lang)}", "value": r["id"]} for r in waiting]
    return html.Div(className="patrol-ack", children=[
        dcc.Dropdown(id=ids.PATROL_ACK_PICK, options=options, clearable=True,
                     placeholder=t("exc_ack_pick", lang), className="patrol-ack-pick"),
        dcc.Input(id=ids.PATROL_ACK_NOTE, type="text", maxLength=500, debounce=False,
                  placeholder=t("exc_ack_note", lang), className="patrol-ack-note"),
        html.Button(t("exc_ack_go", lang), id=ids.PATROL_ACK_GO, n_clicks=0,
                    className="patrol-ack-go"),
        html.Span(message or "", id=ids.PATROL_ACK_STATUS, className="patrol-ack-status")])


def exceptions_list(rows: list[dict], lang: str, may_acknowledge: bool = False,
                    message: str | None = None) -> html.Div:
    """The day's exceptions, oldest first, with who acknowledged them and their note; for
    those who may, the form that acknowledges one.
    """
    head = html.H2(t("exc_title", lang).format(n=thousands(len(rows))))
    if not rows:
        return html.Div([head, html.Div(t("exc_none", lang), className="empty-hint")])
    items = []
    for r in rows:
        ended = t("exc_ongoing", lang) if r["ended_at"] is None else _when(r["ended_at"])
        ack = (t("exc_acked", lang).format(by=r["acknowledged_by"], note=r["note"] or "")
               if r["acknowledged_at"] else t("exc_open", lang))
        items.append(html.Tr([
            html.Td(html.Span(t(f"exc_{r['kind']}", lang), className=f"patrol-badge {r['kind']}")),
            html.Td(f"{r['display_name']}（{r['username']}）"), html.Td(r["grid_code"] or "—"),
            html.Td(f"{_when(r['started_at'])} – {ended}"), html.Td(ack)],
            className="patrol-exc " + ("acked" if r["acknowledged_at"] else "open")))
    # A refusal still says why, even to a reader who is shown no form.
    form = ([ack_form(rows, lang, message)] if may_acknowledge else
            [html.Div(message, className="patrol-ack-status")] if message else [])
    return html.Div([head, *form, html.Table(html.Tbody(items), className="patrol-table")])
