"""The content of each tab of the leaders' view, built from the shared tables and figures."""
from __future__ import annotations

from dash import dcc, html

from dashboard.components import stat_tile
from dashboard.i18n import t
from dashboard.incident_detail import parties_table, timeline
from dashboard.leaders import charts
from dashboard.leaders.tables import column_defs, grid, row_data
from dashboard.theme import percent, thousands
from workflow.reports.monthly import Table

CASE_LINK = "/cases?incident="
WHISTLE_LINK = "/cases?whistle="
TREND_LINES = 8


def _name(row: dict, lang: str) -> str:
    return (row.get("name_en") if lang == "en" else None) or row.get("name_zh") or "—"


def _delta(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    return f"{t('ld_vs_prev', lang)} {value * 100:+.1f}{t('ld_pts', lang)}"


def _tile(scope: str, label: str, value: str, tone: str = "") -> html.Div:
    """A headline figure whose label starts with its scope (全区 or the street's name)."""
    return stat_tile(f"{scope} · {label}", value, tone)


def _rate_tiles(scope: str, row: dict, target: float, lang: str) -> list:
    closure = row["closure_rate"]
    return [
        _tile(scope, f"{t('ld_closure', lang)} {_delta(row['closure_delta'], lang)}".strip(),
              percent(closure), "bad" if closure is not None and closure < target else "good"),
        _tile(scope, f"{t('ld_on_time', lang)} {_delta(row['on_time_delta'], lang)}".strip(),
              percent(row["on_time_rate"])),
        _tile(scope, t("ld_reported", lang), thousands(row["reported"])),
    ]


def headline(figures: dict, lang: str, period: tuple[str, str]) -> list:
    """The figures a meeting starts with, in large type, each labelled with its scope.

    ``figures`` as workflow.reports.monthly.headline, plus for a street chief ``street`` (their
    street's completion row) and ``street_name``; ``period``: the period and the one it is
    compared with, in words.
    """
    target, district = figures["target"], t("ld_scope_district", lang)
    mine = figures.get("street_name") or district
    tiles = _rate_tiles(mine, figures["street"], target, lang) if figures.get("street") else []
    tiles += _rate_tiles(district, figures, target, lang)
    tiles += [
        _tile(district, f"{t('ld_below', lang)}（{t('ld_target', lang)} {target * 100:g}%）",
              str(figures["below_target"]), "bad" if figures["below_target"] else "good"),
        _tile(district, t("ld_whistles", lang), f"{figures['whistles']} / {figures['second']}"),
        _tile(mine, t("ld_overdue_now", lang), thousands(figures["overdue"]),
              "bad" if figures["overdue"] else "good"),
    ]
    now, before = period
    line = f"{t('ld_period', lang)}: {now} · {t('ld_compared', lang)}: {before}" if lang == "en" \
        else f"{t('ld_period', lang)}：{now}　{t('ld_compared', lang)}：{before}"
    return [html.Div(line, className="leaders-period"),
            html.Div(tiles, className="stat-row leaders-tiles")]


def _title(text: str, note: str = "") -> html.H2:
    return html.H2([html.Span(text), html.Span(note, className="leaders-note") if note else None],
                   className="leaders-h2")


def scope_line(scope: str, lang: str) -> html.Div:
    """Whose figures follow (全区, or a street's name)."""
    return html.Div(t("ld_scope_of", lang).format(scope=scope), className="leaders-scope-line")


def completion(table: Table, lang: str, target: float, scope: str) -> list:
    """Rates against the target as a chart, then the sortable table with the total pinned."""
    rows = [r for r in table.rows if r["reported"] or r["closed"]]
    figure = charts.rates_against_target(
        [_name(r, lang) for r in rows], [r["closure_rate"] for r in rows],
        [r["on_time_rate"] for r in rows], target,
        {"closure": t("ld_closure", lang), "on_time": t("ld_on_time", lang),
         "target": t("ld_target", lang)})
    return [scope_line(scope, lang),
            dcc.Graph(figure=figure, config=charts.CONFIG, className="leaders-chart"),
            grid(table, lang, total_label=t("ld_district_total", lang))]


def timeliness(tables: list[Table], lang: str, scope: str) -> list:
    """Hours by department (chart and table), then the two lists of late work."""
    times, late, overdue = tables
    busiest = sorted((r for r in times.rows if r["close_p50"] is not None),
                     key=lambda r: -r["reported"])[:15]
    figure = charts.hours_bars([_name(r, lang) for r in busiest],
                               [r["close_p50"] for r in busiest], [r["close_p90"] for r in busiest],
                               {"p50": t("ld_p50", lang), "p90": t("ld_p90", lang),
                                "title": t("ld_close_hours", lang)})
    shown = len(late.rows)
    note = t("ld_of_total", lang).format(total=late.extra.get("total", shown), shown=shown)
    return [scope_line(t("ld_depts_district", lang), lang),
            dcc.Graph(figure=figure, config=charts.CONFIG, className="leaders-chart"),
            grid(times, lang, total_label=t("ld_district_total", lang)),
            _title(t("ld_closed_late", lang), note), scope_line(scope, lang),
            html.P(t("ld_sort_hint", lang), className="leaders-hint"),
            grid(late, lang, CASE_LINK, height=420),
            _title(t("ld_overdue_list", lang), str(len(overdue.rows))),
            grid(overdue, lang, CASE_LINK, height=360)]


def whistles(tables: list[Table], lang: str, scope: str) -> list:
    """Counts by street and department, second whistles and the queue (codes open the whistle
    in /cases); every whistle is in the clickable table below (``clickable_rows``).
    """
    by_street, by_dept, items, seconds, queue = tables
    empty = None if items.rows else html.Div(t("ld_w_none", lang), className="empty-hint")
    return [empty, scope_line(scope, lang), _title(t("ld_w_by_street", lang)),
            grid(by_street, lang, total_label=t("ld_district_total", lang)),
            _title(t("ld_w_by_dept", lang)), grid(by_dept, lang),
            _title(t("ld_w_second", lang), str(len(seconds.rows))),
            grid(seconds, lang, WHISTLE_LINK),
            _title(t("ld_w_queue", lang), str(len(queue.rows))),
            grid(queue, lang, WHISTLE_LINK)]


def clickable_rows(table: Table, lang: str) -> tuple[list[dict], list[dict]]:
    """columnDefs and rowData for one of the always-present clickable tables."""
    return column_defs(table.columns, lang, None), row_data(table, lang, None)


def scores(tables: list[Table], lang: str) -> list:
    """The trend of the best departments (the ranking is the clickable table above)."""
    ranking, _ratings, trend = tables
    months = sorted({r["month"] for r in trend.rows})
    leaders = [r["code"] for r in ranking.rows if r["rank"] is not None][:TREND_LINES]
    series = []
    for code in leaders:
        mine = {r["month"]: r for r in trend.rows if r["code"] == code}
        name = next((_name(r, lang) for r in mine.values()), code)
        series.append((name, [mine[m]["performance"] if m in mine else None for m in months]))
    return [_title(t("ld_trend", lang)),
            dcc.Graph(figure=charts.score_trend(months, series), config=charts.CONFIG,
                      className="leaders-chart")]


def ratings(table: Table, name: str, lang: str) -> list:
    """The ratings behind one department's street evaluation."""
    body = grid(table, lang) if table.rows else \
        html.Div(t("ld_ratings_none", lang), className="empty-hint")
    return [_title(t("ld_ratings_of", lang).format(name=name)), body]


def whistle_timeline(view: dict, lang: str) -> list:
    """One whistle opened: its parties with their times and ratings, and the full log."""
    link = html.A(t("ld_open_in_cases", lang), href=f"{WHISTLE_LINK}{view['id']}",
                  className="cases-link")
    return [_title(t("ld_timeline_of", lang).format(code=view["code"])),
            html.P([view["matter"], " · ", link], className="leaders-hint"),
            parties_table(view, lang), html.Div(timeline(view["events"], lang),
                                                className="cases-timeline")]
