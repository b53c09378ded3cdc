"""The Open311 GeoReport v2 blueprint under /open311/v2/ (docs/open311.md)."""
from __future__ import annotations

from flask import Blueprint

from api.open311.routes import routes
from data.db import Database
from data.settings import Settings


def open311_blueprint(db: Database, settings: Settings) -> Blueprint:
    """The open311 endpoints; views use the server's database (server.extensions)."""
    bp = Blueprint("open311", __name__)
    routes(bp)
    return bp
