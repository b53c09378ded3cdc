"""The leaders' view (/leaders): completion, timeliness, whistles, 下考上, reports."""
from __future__ import annotations

from dashboard.context import AppContext
from dashboard.pages import desk
from dashboard.views import safe_counts


def layout(ctx: AppContext, lang: str, search: str):
    """The page for this URL's query string."""
    return desk.leaders(lang, safe_counts(ctx))
