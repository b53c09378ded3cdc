"""The analyst view (/analyst): filters, drill-down, hot spots, table and export."""
from __future__ import annotations

from dashboard.context import AppContext


def layout(ctx: AppContext, lang: str, search: str):
    """The page for this URL's query string (the filter state lives in the URL)."""
    # Imported here: the assembly imports this package's parts, and the router imports us.
    from dashboard.analyst.view import analyst_page

    return analyst_page(ctx, lang, search)
