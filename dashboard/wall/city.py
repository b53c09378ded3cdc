"""The city wall (/wall/city): each loaded district's headline figures, each opening its own wall."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.theme import wan
from dashboard.wall import reads
from dashboard.wall.layout import title_bar
from dashboard.wall.panels import headline_values

# The same figures, in the same words and colours, as each district wall's headline tiles.
COLUMNS = ("workers", "open_cases", "overdue", "whistles_active", "closure_rate")
CITY_SLOT_S = 30.0
TICK_MS = 60_000


def district_row(ctx: AppContext, district: dict, now: datetime) -> dict:
    """One district's figures: its wall's headline answers (shared with its screens)."""
    h = reads.headline(ctx, now, district["code"])
    values = headline_values(h, ctx.settings.closure_target)
    open_cases = sum(reads.metric_values(ctx, "open_incidents", now, district["code"]))
    shown = {key: values[key][:2] for key in ("workers", "overdue", "whistles_active",
                                              "closure_rate")}
    shown["open_cases"] = (wan(open_cases), "progress" if open_cases else "closed")
    return {**district, "figures": shown}


def city_rows(ctx: AppContext, now: datetime) -> list[dict]:
    """Every loaded district's row, built once per slot for every city screen."""
    return ctx.built.get(("city_rows",), now,
                         lambda: [district_row(ctx, d, now) for d in reads.districts(ctx)],
                         CITY_SLOT_S)


def city_table(rows: list[dict], lang: str) -> html.Table:
    """The districts as table rows; each district's name opens its own wall."""
    head = html.Tr([html.Th(t("city_district", lang))]
                   + [html.Th(t(f"city_{key}", lang)) for key in COLUMNS])
    body = []
    for row in rows:
        name = row["name_en"] if lang == "en" else row["name_zh"]
        query = urlencode({"district": row["code"], **({"lang": "en"} if lang == "en" else {})})
        cells = [html.Td(dcc.Link(name, href=f"/wall?{query}", className="city-link",
                                  refresh=True), className="city-name")]
        for key in COLUMNS:
            value, tone = row["figures"][key]
            cells.append(html.Td(value, className=f"city-value tone-{tone}"))
        body.append(html.Tr(cells, className="city-row"))
    return html.Table([html.Thead(head), html.Tbody(body)], className="city-grid")


def city_view(ctx: AppContext, lang: str, search: str | None = None) -> html.Div:
    """The city wall page: the districts' table now, refreshed each minute."""
    lang = pick_lang(search, lang)
    now = ctx.settings.now()
    stamp = f"{t('wall_updated', lang)} {reads.local(now, ctx).strftime('%H:%M:%S')}"
    try:
        table: html.Table | html.Div = city_table(city_rows(ctx, now), lang)
    except SQLAlchemyError:
        table, stamp = html.Div(t("db_down", lang), className="city-down"), ""

    return html.Div(className="wall-viewport", children=[
        html.Div(className=f"wall-canvas city-canvas lang-{lang}", children=[
            title_bar(lang, None, (t("city_title", lang), t("city_sub", lang))),
            html.Div(table, id=ids.CITY_TABLE, className="city-table"),
            html.Div(stamp, id=ids.CITY_UPDATED, className="city-updated"),
            dcc.Interval(id=ids.WALL_CLOCK_TICK, interval=1000),
            dcc.Interval(id=ids.CITY_TICK, interval=TICK_MS),
        ]),
    ])


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output(ids.CITY_TABLE, "children"), Output(ids.CITY_UPDATED, "children"),
                  Input(ids.CITY_TICK, "n_intervals"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def tick_city(_n, search):
        lang = pick_lang(search if isinstance(search, str) else "", ctx.settings.language)
        now = ctx.settings.now()
        try:
            table = city_table(city_rows(ctx, now), lang)
        except SQLAlchemyError:
            return html.Div(t("db_down", lang), className="city-down"), ""
        stamp = reads.local(now, ctx).strftime("%H:%M:%S")
        return table, f"{t('wall_updated', lang)} {stamp}"
