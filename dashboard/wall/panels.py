"""The wall's HTML panels, pure: headline tiles, whistle board, ticker, legend and banner."""
from __future__ import annotations

from datetime import datetime

from dash import html

from dashboard.i18n import t
from dashboard.theme import wan

TONES = ("done", "progress", "due-soon", "overdue", "closed")
# Whether a rise is good news (+1), bad news (-1) or neither (0), for the comparison's colour.
RISE = {"reports_today": 0, "closed_today": 1, "closure_rate": 1, "whistles_active": 0,
        "overdue": -1, "workers": 1, "coverage": 1}


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%" if x >= 0.99 else f"{x * 100:.1f}%"


def _tone_rate(rate, good: float, fair: float, low: str = "overdue") -> str:
    if rate is None:
        return "closed"
    return "done" if rate >= good else "due-soon" if rate >= fair else low


def headline_values(h: dict, target: float) -> dict:
    """Per headline key: the shown value, its tone, and the number its comparisons use.

    ``h`` maps days back (0, 1, 7) to that moment's figures (data.queries.wall.headline).
    """
    def rate(k):
        return _share(h[k]["year_done"], h[k]["year_reported"])

    def cover(k):
        return _share(h[k]["grids_patrolled"], h[k]["grids"])

    now = h[0]
    online_share = _share(now["online"], now["on_duty"])
    return {
        "reports_today": (wan(now["reports_today"]), "progress", lambda k: h[k]["reports_today"]),
        "closed_today": (wan(now["closed_today"]), "done", lambda k: h[k]["closed_today"]),
        "closure_rate": (_pct(rate(0)), _tone_rate(rate(0), target, target - 0.01), rate),
        "whistles_active": (wan(now["whistles_active"]),
                            "progress" if now["whistles_active"] else "closed",
                            lambda k: h[k]["whistles_active"]),
        "overdue": (wan(now["overdue"]), "done" if now["overdue"] == 0 else
                    "due-soon" if now["overdue"] <= 10 else "overdue", lambda k: h[k]["overdue"]),
        "workers": (f"{wan(now['on_duty'])} / {wan(now['online'])}",
                    _tone_rate(online_share, 0.9, 0.7), lambda k: h[k]["on_duty"]),
        "coverage": (_pct(cover(0)), _tone_rate(cover(0), 0.9, 0.5, "progress"), cover),
    }


COMPARE_WITH = {"reports_today": 1, "closed_today": 1, "closure_rate": 7, "whistles_active": 7,
                "overdue": 1, "workers": 1, "coverage": 1}
RATES = ("closure_rate", "coverage")


def compare_text(key: str, now_value, then_value, lang: str) -> tuple[str, str]:
    """The comparison line and its tone: ▲ or ▼ and the difference, or level."""
    if now_value is None or then_value is None:
        return "", "closed"
    diff = now_value - then_value
    if key in RATES:
        shown = f"{abs(diff) * 100:.2f}{t('wall_points', lang)}"
        flat = abs(diff) < 0.00005
    else:
        shown, flat = wan(abs(diff)), diff == 0
    if flat:
        return t("wall_flat", lang), "closed"
    good = RISE[key] * (1 if diff > 0 else -1)
    tone = "done" if good > 0 else "overdue" if good < 0 else "progress"
    return f"{'▲' if diff > 0 else '▼'} {shown}", tone


# What a moment compared with must have had for the comparison to mean anything: the
# patrol figures need workers on duty then, the incident figures a history by then.
BASELINE = {"workers": "on_duty", "coverage": "on_duty"}


def has_baseline(key: str, then: dict | None) -> bool:
    """Whether the moment compared with had data of this figure's kind (an empty yesterday
    is no baseline: "▲1,053 较昨日" against nothing is not a change).
    """
    return bool(then) and (then.get(BASELINE.get(key, "year_reported")) or 0) > 0


def headline_tiles(h: dict, target: float, lang: str, on_shift: bool = True) -> list:
    """The seven headline tiles: label, big value in its threshold colour, comparison.

    A comparison is shown only against a moment that had data; off shift, nobody online is
    no alarm, so the workers' figure is grey then.
    """
    tiles = []
    for key, (value, tone, at) in headline_values(h, target).items():
        k = COMPARE_WITH[key]
        if key == "workers" and not on_shift:
            tone = "closed"
        if not has_baseline(key, h.get(k)):
            tiles.append(_tile(key, value, tone, lang))
            continue
        change, change_tone = compare_text(key, at(0), at(k), lang)
        tiles.append(html.Div(className=f"wall-tile tone-{tone}", children=[
            html.Div(t(f"wall_{key}", lang), className="wall-tile-label"),
            # Long figures ("1,053 / 1,056") step down a size so they never clip at 5 m.
            html.Div(value, className="wall-tile-value" + (" long" if len(str(value)) > 8 else "")),
            html.Div([html.Span(t(f"wall_vs_{k}", lang), className="wall-tile-vs"),
                      html.Span(change, className=f"wall-tile-change tone-{change_tone}")],
                     className="wall-tile-compare"),
        ]))
    return tiles


def _tile(key: str, value: str, tone: str, lang: str) -> html.Div:
    """A headline tile without a comparison (no baseline to compare with)."""
    return html.Div(className=f"wall-tile tone-{tone}", children=[
        html.Div(t(f"wall_{key}", lang), className="wall-tile-label"),
        html.Div(value, className="wall-tile-value" + (" long" if len(str(value)) > 8 else "")),
        html.Div(t("wall_no_baseline", lang), className="wall-tile-compare wall-tile-vs"),
    ])


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def countdown(deadline: datetime, now: datetime, lang: str) -> html.Span:
    """A deadline that wall.js counts down each second (the text here is its first value)."""
    left = (deadline - now).total_seconds()
    late = left < 0
    days, rest = divmod(int(abs(left)), 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    text = f"{t('wall_late' if late else 'wall_left', lang)} {days}{t('wall_days', lang)} {clock}"
    # The text lives in an attribute shown by CSS, so wall.js never touches React's nodes.
    return html.Span(className="wall-countdown", **{
        "data-text": text, "data-deadline": _ms(deadline), "data-now": _ms(now),
        "data-left": t("wall_left", lang), "data-late": t("wall_late", lang),
        "data-days": t("wall_days", lang)})


def _party(p: dict, lang: str) -> html.Span:
    mark = {"arrived": "✓", "acknowledged": "◐", "waiting": "○"}[p["state"]]
    return html.Span([html.B(mark), p["name"]], className=f"wall-party {p['state']}")


def whistle_card(w: dict, now: datetime, lang: str) -> html.Div:
    """One open whistle: street, matter and countdown; below, the parties with their ticks."""
    flag = [html.Span(t("wall_second", lang), className="wall-flag")] if w["level"] == 2 else []
    return html.Div(className=f"wall-whistle urg-{w['urgency']}", children=[
        html.Div(className="wall-whistle-head", children=[
            *flag, html.Span(w["street"], className="wall-whistle-street"),
            countdown(w["deadline"], now, lang)]),
        # The matter on a line of its own, wrapping (two lines at most, the whole in the title):
        # cut mid-word after six characters it said nothing ("群租房：六段…").
        html.Div(w["matter"], className="wall-whistle-matter", title=w["matter"]),
        html.Div([_party(p, lang) for p in w["parties"]], className="wall-parties"),
    ])


def closed_row(c: dict, lang: str) -> html.Div:
    took = f"{t('wall_took', lang)} {c['days']}{t('wall_days', lang)}"
    return html.Div(className="wall-closed-row", children=[
        html.Div(className="wall-closed-line", children=[
            html.Span("✓", className="wall-closed-tick"),
            html.Span(c["closed_at"].strftime("%m-%d"), className="wall-closed-date"),
            html.Span(c["street"], className="wall-closed-street"),
            html.Span(took, className="wall-closed-took")]),
        html.Div(c["matter"], className="wall-closed-matter", title=c["matter"])])


def whistle_stats(year: dict, lang: str) -> html.Div:
    """This year's whistles in four figures across the top of the board."""
    avg = "—" if year["avg_days"] is None else f"{year['avg_days']:.1f}"
    items = (("wall_w_blown", wan(year["blown"])), ("wall_w_second", wan(year["second"])),
             ("wall_w_closed", wan(year["closed"])), ("wall_w_avg", avg))
    return html.Div([html.Div([html.Div(value, className="wall-wstat-value"),
                               html.Div(t(key, lang), className="wall-wstat-label")],
                              className="wall-wstat") for key, value in items],
                    className="wall-wstats")


def whistle_board(open_whistles: list[dict], closed: list[dict], year: dict, now: datetime,
                  lang: str, page: int = 0, per_page: int = 2) -> list:
    """The year in figures, open whistles (a page, turning each refresh), the latest closed."""
    pages = max(1, -(-len(open_whistles) // per_page))
    shown = open_whistles[(page % pages) * per_page:][:per_page]
    cards = [whistle_card(w, now, lang) for w in shown] or [
        html.Div([html.Span("✓", className="wall-calm-tick"), t("wall_whistle_none", lang)],
                 className="wall-calm")]
    pager = [html.Div(f"{page % pages + 1} / {pages}", className="wall-pager")] if pages > 1 else []
    # Fewer open whistles leave room for more of the closed ones.
    closed_rows = closed[:max(1, 3 - len(shown))]
    return [whistle_stats(year, lang), html.Div(cards + pager, className="wall-whistle-list"),
            html.Div(t("wall_whistle_closed", lang), className="wall-subhead"),
            html.Div([closed_row(c, lang) for c in closed_rows], className="wall-closed")]


def ticker_rows(rows: list[dict], lang: str) -> list:
    """The newest incidents: time, street, category and a status pill in its colour."""
    return [html.Div(className="wall-tick-row", children=[
        html.Span(r["time"], className="wall-tick-time"),
        html.Span(r["street"], className="wall-tick-street"),
        # A long category (English) may end in an ellipsis at 20 px: the whole in the title.
        html.Span(r["category"], className="wall-tick-cat", title=r["category"]),
        html.Span(r["status"], className=f"wall-pill tone-{r['tone']}")]) for r in rows]


def exception_count(n: int, lang: str) -> html.Span:
    """Patrol exceptions going on and not acknowledged, in the ticker's head: red when any."""
    return html.Span(t("wall_exc_open", lang).format(n=wan(n)),
                     className="wall-exc-count " + ("tone-overdue" if n else "tone-closed"))


def metric_legend(metric: str, metrics: tuple[str, ...], top: float, gradient: str,
                  lang: str) -> list:
    """The map's legend for the metric now shown, with the cycle of metrics as pills."""
    pills = [html.Span(t(f"wall_metric_{m}", lang), className="wall-metric-pill"
                       + (" active" if m == metric else "")) for m in metrics]
    return [html.Div(pills, className="wall-metric-pills"),
            html.Div(t(f"wall_metric_note_{metric}", lang), className="wall-legend-note"),
            html.Div(className="wall-legend-bar", style={"background": gradient}),
            html.Div([html.Span("0"), html.Span(wan(top))], className="wall-legend-ends")]


def banner(ok: bool, last_ok: str | None, lang: str, lag_s: float | None = None,
           warn_s: float = 5.0) -> tuple[str, str]:
    """The banner's class and text: hidden while the data flow, loud when they stop, amber
    while the standby the wall reads from is more than ``warn_s`` seconds behind.
    """
    if ok and lag_s is not None and lag_s > warn_s:
        return "wall-banner lag", f"⚠ {t('wall_lag', lang)} {lag_s:.0f} {t('wall_lag_unit', lang)}"
    if ok:
        return "wall-banner hidden", ""
    when = f" · {t('last_update', lang)} {last_ok}" if last_ok else ""
    return "wall-banner", f"⚠ {t('db_down', lang)}{when} · {t('wall_reconnecting', lang)}"


def tour_caption(lang: str, name: str) -> list:
    """The tour's caption over the map: where the wall is looking now."""
    return [html.Span(t("wall_tour", lang), className="wall-tour-tag"), html.Span(name)]
