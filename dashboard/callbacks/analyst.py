"""Callback wiring of the analyst page."""
from __future__ import annotations

from dash import Dash

from dashboard.context import AppContext


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the analyst page's callbacks onto the app."""
