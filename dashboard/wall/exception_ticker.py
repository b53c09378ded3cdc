"""The wall's patrol exceptions: the count open now and ticker rows for the newest."""
from __future__ import annotations

from datetime import datetime

from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.wall.reads import local
from data.patrol.exceptions import wall_exceptions
from workflow.clock import BEIJING


def _status(row: dict) -> tuple[str, str]:
    # Going on and nobody has looked: red; acknowledged: in hand; over: grey.
    if row["acknowledged"]:
        return "exc_acked_short", "progress"
    return ("exc_ongoing", "overdue") if row["ongoing"] else ("exc_ended", "closed")


def exception_ticker(ctx: AppContext, now: datetime, lang: str, limit: int,
                     street: str | None = None,
                     district: str | None = None) -> tuple[int, list[dict]]:
    """The open count and the newest exceptions of a district (None: every district) as
    ticker rows with their moment (``at``).
    """
    with ctx.reads.connect() as conn:
        count, rows = wall_exceptions(conn, now.astimezone(BEIJING).date(), now, limit, street,
                                      district)
    en = lang == "en"
    out = []
    for r in rows:
        status, tone = _status(r)
        out.append({"at": r["started_at"], "time": local(r["started_at"], ctx).strftime("%H:%M"),
                    "street": (r["street_en"] if en else r["street_zh"]) or "—",
                    "category": f"{t('wall_exc', lang)} · {t('exc_' + r['kind'], lang)}",
                    "status": t(status, lang), "tone": tone})
    return count, out
