"""Pages every desk feature shares: not found, and not for your role."""
from __future__ import annotations

from dash import html

from dashboard.components import desk_page


def not_found(lang: str):
    return desk_page("/404", lang, "not_found", "not_found_hint", html.Div(), "notfound-root")


def forbidden(lang: str):
    """What the router draws for a page the signed-in role may not see."""
    return desk_page("/403", lang, "forbidden", "forbidden_hint", html.Div(), "forbidden-root")
