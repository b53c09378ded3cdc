"""The Dash application: create_app(settings) builds pages and wires callbacks."""
from __future__ import annotations

import logging
from pathlib import Path

from dash import Dash, dcc, html
from flask import Flask, current_app, has_request_context

from dashboard import ids
from dashboard.callback_pages import EXTENSION, callback_registry
from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.router import register_all
from dashboard.wall.warmup import start_warming
from data.db import Database
from data.settings import Settings
from data.shared_state import app_fuse

ASSETS = Path(__file__).with_name("assets")
log = logging.getLogger(__name__)


def shell() -> html.Div:
    """The app shell: the URL and the page container; pages fill it by path."""
    return html.Div([dcc.Location(id=ids.URL, refresh=False), html.Div(id=ids.PAGE)])


def callback_failed(err: Exception) -> None:
    """A callback raised: log it with its stack; the browser keeps what it shows (no 500,
    no stack trace in an answer). Counted, so tests can tell a bug from handled input.
    """
    log.error("callback failed", exc_info=err)
    if has_request_context():
        current_app.extensions["hq_callback_errors"] = (
            current_app.extensions.get("hq_callback_errors", 0) + 1)
    return None


def create_app(settings: Settings, db: Database | None = None, server: Flask | None = None) -> Dash:
    """Build the Dash app on a Flask server (a fresh one if none is given).

    Parameters
    ----------
    settings : Settings
    db : Database, optional
        The database to read; built from settings when omitted.
    server : Flask, optional
        The server carrying the API blueprints (api.server.create_server).
    """
    db = db or Database(settings)
    app = Dash(
        "hongqiao",
        server=server or Flask("hongqiao"),
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        compress=True,
        title=t("platform", settings.language),
        update_title=None,
        serve_locally=True,
        on_error=callback_failed,
    )
    app.layout = shell
    ctx = AppContext(settings=settings, db=db, fuse=app_fuse(app.server.extensions, settings))
    register_all(app, ctx)
    # Every callback belongs to a page whose roles the server checks (api/page_guard):
    # building the registry fails here if one does not.
    app.server.extensions[EXTENSION] = callback_registry(app.callback_map)
    if settings.warm_wall:
        start_warming(ctx)
    # The CSP (api/security.py) allows Dash's inline scripts by their hashes only.
    app.server.extensions["hq_csp_hashes"] = app.csp_hashes()
    return app
