"""The analyst view (/analyst): filters, drill-down, hot spots, table and export."""
from __future__ import annotations

from dashboard.context import AppContext
from dashboard.pages import desk
from dashboard.views import safe_counts


def layout(ctx: AppContext, lang: str, search: str):
    """The page for this URL's query string (the filter state lives in the URL)."""
    return desk.analyst(lang, safe_counts(ctx))
