"""What a request handler reads from the server it runs on: the database, settings, the clock."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from data.db import Database
from data.settings import Settings


def current_db() -> Database:
    """The server's Database (for blueprints built without one passed in)."""
    return current_app.extensions["hq_db"]


def current_settings() -> Settings:
    return current_app.extensions["hq_settings"]


def request_now() -> datetime:
    """Now by the server's one clock (Settings.clock), never the machine's directly."""
    return current_settings().now()
