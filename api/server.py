"""The Flask server every part of the app hangs on, with the API blueprints registered."""
from __future__ import annotations

from flask import Flask

from api.errors import register_error_handlers
from api.health import health_blueprint
from api.ingest.ingestor import Ingestor
from api.ingest.lean_path import install_fast_path
from api.ingest.routes import ingest_blueprints
from api.ingest.upkeep import start_partition_upkeep
from api.mobile import mobile_blueprint
from api.open311 import open311_blueprint
from api.page_guard import protect_pages
from api.ratelimit import limit_sign_in
from api.security import init_security
from api.workflow.devices import devices_blueprint
from api.workflow.notifications import notifications_blueprint, start_notices
from api.workflow.patrol import patrol_blueprint
from api.workflow.reports import reports_blueprint
from api.workflow.routes import register_workflow
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
    # Headers on every answer; rate limits before anything else reads the request.
    init_security(server, settings)
    server.register_blueprint(health_blueprint(db))
    ingestor = Ingestor(db, settings)
    for blueprint in ingest_blueprints(ingestor):
        server.register_blueprint(blueprint)
    # Phones' everyday fixes skip Flask's per-request work (same answers, same limits).
    install_fast_path(server, ingestor, server.extensions["hq_ingest_limit"], ("/osmand",))
    server.extensions["hq_partition_upkeep"] = start_partition_upkeep(db, settings)
    register_error_handlers(server)
    register_workflow(server, db, settings)
    server.register_blueprint(open311_blueprint(db, settings))
    server.register_blueprint(reports_blueprint())
    server.register_blueprint(mobile_blueprint(db, settings))
    # Sign-in budgets on the three sign-in views, counted before any password is checked.
    limit_sign_in(server, settings)
    server.register_blueprint(devices_blueprint())
    server.register_blueprint(patrol_blueprint())
    server.register_blueprint(notifications_blueprint())
    # Every page and every callback needs a signed-in person with a role the page is for.
    protect_pages(server, settings)
    if settings.background_jobs:
        from workflow.escalation.ticker import start_ticker

        server.extensions["hq_ticker"] = start_ticker(db, settings.clock)
        from workflow.patrol.ticker import start_patrol_ticker

        server.extensions["hq_patrol_ticker"] = start_patrol_ticker(db, settings)
        server.extensions["hq_notice_worker"] = start_notices(db, settings)
        from workflow.intake.ticker import start_intake_ticker

        server.extensions["hq_intake_ticker"] = start_intake_ticker(db, settings)
    return server
