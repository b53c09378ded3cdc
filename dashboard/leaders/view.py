"""Assemble the leaders' view from the rules: the page, the headline, a tab, a drill-down."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qs, urlencode

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.i18n import t
from dashboard.leaders import parts, sections
from dashboard.session import session_actor
from data import directory
from workflow.errors import bad_request
from workflow.leaders.figures import (
    Period,
    current_month,
    last_month_of,
    leaders_scope,
    month_period,
    range_period,
    recent_months,
)
from workflow.leaders.whistles import ratings_behind
from workflow.reports.monthly import (
    Table,
    completion_table,
    headline,
    score_tables,
    timeliness_tables,
    whistle_tables,
)
from workflow.whistles.read import whistle_view

MONTHS_OFFERED = 24
REPORT_URL = "/api/v1/reports/monthly"


def pick_period(month: str | None, first: str | None, last: str | None, now: datetime) -> Period:
    """A custom range when both ends are set, else the month (default: this month)."""
    if first and last:
        days = []
        for name, raw in (("from", first), ("to", last)):
            try:
                days.append(date.fromisoformat(raw[:10]))
            except ValueError:
                raise bad_request(f"{name} 的格式应为 YYYY-MM-DD / {name} must be YYYY-MM-DD",
                                  name, "invalid_date") from None
        return range_period(*days)
    return month_period(month or current_month(now))


def report_links(month: str | None, first: str | None, last: str | None,
                 now: datetime) -> tuple[str, str]:
    """The XLSX and PDF report URLs for the chosen month (or range)."""
    query = {"month": month or current_month(now)}
    if first and last:
        query = {"from": first[:10], "to": last[:10]}
    q = urlencode(query)
    return f"{REPORT_URL}.xlsx?{q}", f"{REPORT_URL}.pdf?{q}"


def leaders_page(ctx: AppContext, lang: str, search: str):
    """The page for whoever is signed in (the page guard keeps other roles out).

    ``search`` may name the month (``?month=2026-11``), so a view can be linked to.
    """
    actor, now = session_actor(), ctx.settings.now()
    month = current_month(now)
    try:
        with ctx.db.connect() as conn:
            streets = directory.streets(conn)
    except SQLAlchemyError:
        streets = []
    scope = actor.street_id if actor is not None and actor.role == "street_chief" else None
    scope_text = t("ld_scope_district", lang) if scope is None else t("ld_scope_street", lang)
    if scope is not None:
        name = next((s["name_en" if lang == "en" else "name_zh"] for s in streets
                     if s["id"] == scope), "")
        scope_text = f"{name} · {scope_text}"
    street = scope or (streets[0]["id"] if streets else None)
    months = recent_months(month, MONTHS_OFFERED)[::-1]
    asked = parse_qs((search or "").lstrip("?")).get("month", [""])[0]
    return parts.page(lang, months, asked if asked in months else month, scope_text, streets,
                      street, scope is not None)


def _target(ctx: AppContext) -> float:
    return ctx.settings.closure_target


def headline_view(ctx: AppContext, period: Period, lang: str, now: datetime) -> list:
    actor = session_actor()
    with ctx.db.connect() as conn:
        tables = [completion_table(conn, actor, period, "department", now, _target(ctx))]
        tables += whistle_tables(conn, actor, period, now)[:1]
        tables += timeliness_tables(conn, actor, period, now)[2:]
    return sections.headline(headline(tables, _target(ctx)), lang, period.label)


def tab_view(ctx: AppContext, tab: str, period: Period, dimension: str, street: int | None,
             lang: str, now: datetime) -> dict:
    """The content of one tab for the period, and the rows of its clickable table if any:
    {"content": [...], "ranking": (columnDefs, rowData) | None, "whistles": ... | None}.
    """
    actor = session_actor()
    leaders_scope(actor)
    out = {"ranking": None, "whistles": None}
    with ctx.db.connect() as conn:
        if tab == "timeliness":
            return {**out, "content": sections.timeliness(
                timeliness_tables(conn, actor, period, now), lang)}
        if tab == "whistles":
            tables = whistle_tables(conn, actor, period, now)
            return {**out, "content": sections.whistles(tables, lang),
                    "whistles": sections.clickable_rows(tables[2], lang)}
        if tab == "scores":
            tables = score_tables(conn, actor, period, last_month_of(period))
            return {**out, "content": sections.scores(tables, lang),
                    "ranking": sections.clickable_rows(tables[0], lang)}
        table = completion_table(conn, actor, period, dimension or "street", now, _target(ctx),
                                 street)
    return {**out, "content": sections.completion(table, lang, _target(ctx))}


def drill_view(ctx: AppContext, key: str, row_id: str, period: Period, lang: str,
               now: datetime) -> list:
    """A clicked row opened: a whistle's timeline, or the ratings behind a department."""
    actor = session_actor()
    leaders_scope(actor)
    with ctx.db.connect() as conn:
        if key == "ranking":  # a department
            rows = ratings_behind(conn, actor, period, int(row_id))
            name = next((d["name_en" if lang == "en" else "name_zh"]
                         for d in directory.departments(conn) if d["id"] == int(row_id)), "")
            table = Table("ratings", "", ["whistle_code", "street_name", "timeliness", "quality",
                                          "attitude", "score", "rated_at"], rows)
            return sections.ratings(table, name, lang)
        view = whistle_view(conn, actor, int(row_id), now)
    return sections.whistle_timeline(view, lang)


def error_view(err: Exception, lang: str) -> html.Div:
    """What the person sees instead of a stack trace."""
    return html.Div(readable(err, lang, "ld_error", "/leaders"), className="empty-hint")
