"""The bell on desk pages: a count of unread notices and the latest ones, kept fresh by
assets/bell.js from GET /api/v1/notifications (no Dash callback, so every page that has the
navigation bar gets it without a callback of its own, and it costs no server round trip
through Dash).
"""
from __future__ import annotations

from dash import html

from dashboard.i18n import t


def bell(lang: str) -> html.Div:
    """The bell: the script fills the count and the list; texts come from the catalogue."""
    texts = {f"data-{key}": t(f"bell_{key}", lang) for key in ("empty", "read_all", "failed",
                                                                  "unread")}
    return html.Div(className="hq-bell", title=t("bell", lang), **{"data-lang": lang}, **texts,
                    children=[
        html.Button(className="hq-bell-button", type="button", children=[
            html.Span(className="hq-bell-icon"),
            html.Span(t("bell", lang), className="hq-bell-label"),
            html.Span("", className="hq-bell-count", hidden=True),
        ]),
        html.Div(className="hq-bell-panel", hidden=True),
    ])
