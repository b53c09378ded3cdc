"""The leaders' view (/leaders): completion, timeliness, whistles, 下考上, reports."""
from __future__ import annotations

from dashboard.context import AppContext


def layout(ctx: AppContext, lang: str, search: str):
    """The page for this URL's query string."""
    # Imported here: the view imports this package's parts, so a top-level import would
    # be circular.
    from dashboard.leaders.view import leaders_page

    return leaders_page(ctx, lang, search)
