"""Assemble the leaders' view from the rules: the page, the headline, a tab, a drill-down."""
from __future__ import annotations

from datetime import datetime

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.i18n import t
from dashboard.leaders import parts, sections
from dashboard.leaders.period import from_search, words
from dashboard.session import session_actor
from data import directory
from data.queries.wall_city import district_names
from workflow.errors import forbidden
from workflow.leaders.figures import (
    Period,
    current_month,
    default_month,
    last_month_of,
    leaders_scope,
    recent_months,
)
from workflow.leaders.whistles import ratings_behind
from workflow.pages import wall_district
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


def leaders_page(ctx: AppContext, lang: str, search: str):
    """The page for whoever is signed in (the page guard keeps other roles out).

    ``search`` may name the month (``?month=2026-11``) or a range (``?from=&to=``), so a view
    can be linked to; without, the page opens on ``default_month``.
    """
    actor, now = session_actor(), ctx.settings.now()
    month = current_month(now)
    young = ctx.settings.leaders_young_days
    district = wall_district(actor, from_search(search)["district"], ctx.settings.district_code)
    try:
        with ctx.reads.connect() as conn:
            streets = district_streets(directory.streets(conn), district)
            names = {d["code"]: d for d in district_names(conn)}
    except SQLAlchemyError:
        streets, names = [], {}
    scope = actor.street_id if actor is not None and actor.role == "street_chief" else None
    scope_text = t("ld_scope_district", lang) if scope is None else t("ld_scope_street", lang)
    if scope is not None:
        scope_text = f"{street_name(streets, scope, lang)} · {scope_text}"
    if actor is not None and actor.district_code is None and district in names:
        # A city leader reads any district's page: say which one.
        scope_text = f"{names[district]['name_en' if lang == 'en' else 'name_zh']} · {scope_text}"
    street = scope or (streets[0]["id"] if streets else None)
    months = recent_months(month, MONTHS_OFFERED)[::-1]
    asked = from_search(search)
    shown = asked["month"] if asked["month"] in months else default_month(now, young)
    dates = (asked["from"], asked["to"]) if asked["from"] and asked["to"] else (None, None)
    return parts.page(lang, months, shown, scope_text, streets, street, scope is not None,
                      dates, t("ld_period_rule", lang).format(days=young))


def shown_district(ctx: AppContext, search: str | None) -> str:
    """The district whose figures the page shows: the account's own, or a city leader's pick
    (``?district=``, the home district unless asked); 403 for another district's.
    """
    district = wall_district(session_actor(), from_search(search)["district"],
                             ctx.settings.district_code)
    if district is None:
        raise forbidden()
    return district


def district_streets(streets: list[dict], district: str | None) -> list[dict]:
    """The streets of ``district`` (a street's code begins with its district's)."""
    return [s for s in streets if district is None or s["code"].startswith(district)]


def street_name(streets: list[dict], street_id: int | None, lang: str) -> str:
    """A street's name in the reader's language ("" when unknown)."""
    return next((s["name_en" if lang == "en" else "name_zh"] for s in streets
                 if s["id"] == street_id), "")


def _target(ctx: AppContext) -> float:
    return ctx.settings.closure_target


def headline_view(ctx: AppContext, period: Period, lang: str, now: datetime,
                  district: str | None = None) -> list:
    """The headline figures, each with its scope: the district's, and a street chief's own
    street's (its closure, whistles and overdue work) under the street's name.
    """
    actor = session_actor()
    scope = leaders_scope(actor)
    with ctx.reads.connect() as conn:
        tables = [completion_table(conn, actor, period, "department", now, _target(ctx),
                                   district=district)]
        tables += whistle_tables(conn, actor, period, now, district)[:1]
        tables += timeliness_tables(conn, actor, period, now, district)[2:]
        figures = headline(tables, _target(ctx))
        if scope is not None:
            mine = completion_table(conn, actor, period, "street", now, _target(ctx),
                                    total=figures["district"], district=district).rows
            figures["street"] = mine[0] if mine else None
            figures["street_name"] = street_name(directory.streets(conn), scope, lang)
    return sections.headline(figures, lang, words(period, lang))


def tab_view(ctx: AppContext, tab: str, period: Period, dimension: str, street: int | None,
             lang: str, now: datetime, district: str | None = None) -> dict:
    """The content of one tab for the period, and the rows of its clickable table if any:
    {"content": [...], "ranking": (columnDefs, rowData) | None, "whistles": ... | None}.
    """
    actor = session_actor()
    scope = leaders_scope(actor)
    out = {"ranking": None, "whistles": None}
    with ctx.reads.connect() as conn:
        streets = district_streets(directory.streets(conn), district)
        mine = street_name(streets, scope, lang) if scope else t("ld_scope_district", lang)
        if tab == "timeliness":
            return {**out, "content": sections.timeliness(
                timeliness_tables(conn, actor, period, now, district), lang, mine)}
        if tab == "whistles":
            tables = whistle_tables(conn, actor, period, now, district)
            return {**out, "content": sections.whistles(tables, lang, mine),
                    "whistles": sections.clickable_rows(tables[2], lang)}
        if tab == "scores":
            tables = score_tables(conn, actor, period, last_month_of(period),
                                  ctx.settings.rating_min_volume, district)
            return {**out, "content": sections.scores(tables, lang),
                    "ranking": sections.clickable_rows(tables[0], lang)}
        dimension = dimension or "street"
        table = completion_table(conn, actor, period, dimension, now, _target(ctx), street,
                                 district=district)
    # Departments and categories are counted district-wide; streets and communities within
    # the chief's (or the chosen) street.
    shown = {"community": street_name(streets, scope or street, lang) or mine,
             "street": mine}.get(dimension, t("ld_scope_district", lang))
    return {**out, "content": sections.completion(table, lang, _target(ctx), shown)}


def drill_view(ctx: AppContext, key: str, row_id: str, period: Period, lang: str,
               now: datetime, district: str | None = None) -> list:
    """A clicked row opened: a whistle's timeline, or the ratings behind a department."""
    actor = session_actor()
    leaders_scope(actor)
    with ctx.reads.connect() as conn:
        if key == "ranking":  # a department
            rows = ratings_behind(conn, actor, period, int(row_id), district)
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
