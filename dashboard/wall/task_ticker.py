"""The wall's ticker rows for field tasks: 核实 / 核查 sent, taken, done, waiting."""
from __future__ import annotations

from datetime import datetime

from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.i18n.categories import wall_category
from dashboard.wall.reads import local
from data import task_store

# Status colours mean the same everywhere: done green, in progress cyan, waiting amber.
TONES = {"done": "done", "accepted": "progress", "offered": "progress", "unassigned": "due-soon"}


def task_ticker_rows(ctx: AppContext, now: datetime, lang: str, limit: int,
                     street: str | None = None, district: str | None = None) -> list[dict]:
    """Field tasks that moved in the last day, as ticker rows with their moment (``at``)."""
    with ctx.reads.connect() as conn:
        tasks = task_store.recent_tasks(conn, now, limit, street, district)
    en = lang == "en"
    return [{"at": r["at"], "time": local(r["at"], ctx).strftime("%H:%M"),
             "street": r["street_en"] if en else r["street_zh"],
             "category": f"{t('ticker_task_' + r['kind'], lang)} · " + wall_category(
                 r["category_code"], r["category_zh"], r["category_en"], lang),
             "status": t(f"ticker_task_{r['status']}", lang),
             "tone": TONES.get(r["status"], "progress")} for r in tasks]
