"""Callback wiring of the leaders page."""
from __future__ import annotations

from dash import Dash

from dashboard.context import AppContext


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the leaders page's callbacks onto the app."""
