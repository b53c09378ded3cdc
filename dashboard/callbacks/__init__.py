"""Callback wiring, one module per page; register_all hooks them onto an app."""
from __future__ import annotations

from dash import Dash

from dashboard.callbacks import analyst, cases, devices, leaders, router, wall
from dashboard.context import AppContext


def register_all(app: Dash, ctx: AppContext) -> None:
    router.register(app, ctx)
    wall.register(app, ctx)
    cases.register(app, ctx)
    analyst.register(app, ctx)
    leaders.register(app, ctx)
    devices.register(app, ctx)
