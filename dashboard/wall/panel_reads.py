"""The side panels' data, fetched through data/ and shaped: categories, streets, sources, ticker."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from dashboard.context import AppContext
from dashboard.i18n import CATALOGUE, t
from dashboard.i18n.categories import wall_category
from dashboard.wall.reads import TICKER_ROWS, URGENCY_TONE, home, local
from dashboard.wall.task_ticker import task_ticker_rows
from data.queries import wall as wall_queries
from workflow.deadlines import urgency

CATEGORY_DAYS = 30
CLOSURE_SLOT_S = 60.0
DONE = {"closed": "closed", "rejected": "closed", "resolved": "done", "verified": "done"}


def category_series(ctx: AppContext, now: datetime, lang: str, street: str | None = None,
                    district: str | None = None):
    """Day labels (oldest first) and one count series per subject, the largest first."""
    district = home(ctx, district)

    def compute():
        with ctx.reads.connect() as conn:
            return wall_queries.category_trend(conn, now, ctx.settings.timezone, CATEGORY_DAYS,
                                               street, district)
    df = ctx.answers.get(("category_trend", street, district), now, compute)
    today = local(now, ctx).date()
    days = [today - timedelta(days=i) for i in range(CATEGORY_DAYS - 1, -1, -1)]
    name_col = "name_en" if lang == "en" else "name_zh"
    series = []
    for code, group in df.groupby("code", sort=True):
        by_day = dict(zip(group["day"], group["n"]))
        name = legend_name(code, group[name_col].iloc[0], lang)
        series.append((name, [int(by_day.get(d, 0)) for d in days]))
    series.sort(key=lambda s: -sum(s[1]))
    return [d.strftime("%m-%d") for d in days], series


def legend_name(code: str, name: str, lang: str, limit: int = 16) -> str:
    """A subject's name as the wall's legend shows it: the catalogue's short form when it
    has one ("Environment"), else the name wrapped between words, never cut mid-word
    ("Environmental prote…" said nothing from five metres).
    """
    key = f"wall_cat_{code}"
    if key in CATALOGUE:
        return t(key, lang)
    lines, line = [], ""
    for word in name.split(" "):
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def street_rates(ctx: AppContext, now: datetime, lang: str, district: str | None = None):
    """The district's street names, codes and this year's closure rates."""
    district = home(ctx, district)

    def compute():
        with ctx.reads.connect() as conn:
            return wall_queries.street_closure(conn, now, ctx.settings.timezone, district)
    # A year of reports per street (~0.3 s): the rates move slowly, so once a minute.
    df = ctx.answers.get(("street_closure", district), now, compute, CLOSURE_SLOT_S)
    names = df["name_en" if lang == "en" else "name_zh"].tolist()
    return names, df["code"].tolist(), df["rate"].tolist()


def sources(ctx: AppContext, now: datetime, lang: str, street: str | None = None,
            district: str | None = None):
    """Legend labels with counts, the counts, and the total of today's reports."""
    with ctx.reads.connect() as conn:
        df = wall_queries.sources_today(conn, now, ctx.settings.timezone, street,
                                        home(ctx, district))
    total = int(df["n"].sum()) if len(df) else 0
    labels = [f"{t('src_' + s, lang)}  {n}" for s, n in zip(df["source"], df["n"])]
    return labels, df["n"].astype(int).tolist(), total


def _tone(row, now: datetime) -> str:
    if row.status in DONE:
        return DONE[row.status]
    start = row.dispatched_at if pd.notna(row.dispatched_at) else None
    deadline = row.deadline if pd.notna(row.deadline) else None
    return URGENCY_TONE.get(urgency(row.status, start, deadline, now), "progress")


def ticker(ctx: AppContext, now: datetime, lang: str, street: str | None = None,
           district: str | None = None, extra: list[dict] | None = None) -> list[dict]:
    """The newest incidents with their local time and status colour, taking turns with the
    newest field tasks and ``extra`` rows (patrol exceptions).
    """
    district = home(ctx, district)
    with ctx.reads.connect() as conn:
        df = wall_queries.newest_incidents(conn, now, TICKER_ROWS, street, district)
    en = lang == "en"
    rows = [{"at": r.reported_at, "time": local(r.reported_at, ctx).strftime("%H:%M"),
             "street": r.street_en if en else r.street_zh,
             "category": wall_category(r.category_code, r.category_zh, r.category_en, lang),
             "status": t(f"st_{r.status}", lang), "tone": _tone(r, now)}
            for r in df.itertuples()]
    # Field tasks (核实, 核查) take turns with the newest reports, newest first.
    rows += task_ticker_rows(ctx, now, lang, TICKER_ROWS, street, district)
    rows += extra or []
    return sorted(rows, key=lambda r: r["at"], reverse=True)[:TICKER_ROWS]
