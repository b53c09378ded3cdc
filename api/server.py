"""The Flask server every part of the app hangs on, with the API blueprints registered."""
from __future__ import annotations

from flask import Flask

from api.errors import register_error_handlers
from api.health import health_blueprint
from data.db import Database
from data.settings import Settings


def create_server(settings: Settings, db: Database) -> Flask:
    """A Flask app configured from settings, carrying the API blueprints."""
    server = Flask("hongqiao")
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
        JSON_AS_ASCII=False,
    )
    server.extensions["hq_settings"] = settings
    server.extensions["hq_db"] = db
    server.register_blueprint(health_blueprint(db))
    register_error_handlers(server)
    return server
