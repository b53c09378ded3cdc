"""The discovery-rate section of /patrol (data in, HTML out): who walked past what."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.i18n import t
from dashboard.theme import percent, thousands
from workflow.clock import BEIJING

# A street holds ~100 workers and grids: the page lists those who missed most, the XLSX all.
TOP = 15


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(BEIJING):%m-%d %H:%M}"


def _replay(user_id: int, moment: datetime, lang: str) -> dcc.Link:
    query = {"worker": user_id, "date": moment.astimezone(BEIJING).date().isoformat()}
    if lang == "en":
        query["lang"] = "en"
    return dcc.Link(t("sheet_replay", lang), href="/patrol?" + urlencode(query),
                    className="patrol-replay-link")


def _table(head: list[str], rows: list[list], css: str) -> html.Table:
    return html.Table(className=f"patrol-table {css}", children=[
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])])


def _workers(rows: list[dict], lang: str) -> html.Table:
    ranked = sorted((r for r in rows if r["walked_past"] or r["found"]),
                    key=lambda r: (-r["walked_past"], r["username"]))[:TOP]
    return _table([t(f"disc_col_{k}", lang) for k in ("worker", "grid", "found", "missed",
                                                       "share")],
                  [[f"{r['display_name']}（{r['username']}）", r["grid_code"],
                    thousands(r["found"]), thousands(r["walked_past"]),
                    percent(r["patrol_share"])] for r in ranked], "disc-workers")


def _passes(items: list[dict], lang: str) -> html.Table:
    rows = []
    for item in items[:TOP]:
        who = []
        for w in item["workers"]:
            who += [f"{w['display_name']} {_when(w['last_pass'])} {w['metres']:.0f} m ",
                    _replay(w["user_id"], w["last_pass"], lang), html.Br()]
        rows.append([item["code"], t(f"disc_source_{item['source']}", lang),
                     _when(item["reported_at"]), html.Span(who)])
    return _table([t(f"disc_col_{k}", lang) for k in ("code", "source", "reported", "passed")],
                  rows, "disc-passes")


def discovery_section(body: dict, lang: str, export_query: dict) -> html.Div:
    """Totals and the XLSX link, the workers who walked past most, the reports they passed."""
    totals = body["totals"]
    link = html.A(t("sheet_download", lang), className="patrol-download",
                  href="/api/v1/patrol/discovery?" + urlencode({**export_query,
                                                                "format": "xlsx"}))
    period = str(body["from"]) if body["from"] == body["to"] else f"{body['from']} – {body['to']}"
    head = html.Div(className="patrol-sheet-head", children=[
        html.H2(f"{t('disc_title', lang)} · {period}"), link])
    summary = html.P(t("disc_summary", lang).format(
        n=thousands(totals["incidents"]), p=thousands(totals["by_patrol"]),
        s=percent(totals["patrol_share"]), q=thousands(totals["by_public"]),
        w=thousands(totals["walked_past"])), className="disc-summary")
    if not body["walked_past"] and not any(w["found"] for w in body["workers"]):
        return html.Div([head, summary])
    passes = ([html.H3(t("disc_passes", lang)), _passes(body["walked_past"], lang)]
              if body["walked_past"] else [])
    return html.Div([head, summary, html.H3(t("disc_workers", lang)),
                     _workers(body["workers"], lang), *passes])
