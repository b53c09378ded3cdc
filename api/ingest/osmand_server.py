"""The OsmAnd handler alone on its own port (Traccar's is 5055), served in a thread."""
from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import make_server

from api.errors import register_error_handlers
from api.ingest.ingestor import Ingestor
from api.ingest.lean_path import install_fast_path
from api.ingest.routes import osmand_blueprint
from api.ratelimit import PORT_INGEST_PATHS, init_ingest_limit
from api.security import init_input_guard, json_errors
from data.db import Database
from data.settings import Settings


def osmand_app(db: Database, settings: Settings) -> Flask:
    """A Flask app serving only the OsmAnd protocol at ``/`` and ``/osmand``.

    Traccar Client posts to the root of the URL it is given (``http://host:5055``).
    """
    app = Flask("hongqiao-osmand")
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024)
    ingestor = Ingestor(db, settings)
    app.register_blueprint(osmand_blueprint(ingestor, PORT_INGEST_PATHS))
    register_error_handlers(app)
    # Limits and JSON errors (413 included) at the root too: see SECURITY.md.
    json_errors(app)
    init_input_guard(app)
    window = init_ingest_limit(app, settings, PORT_INGEST_PATHS)
    install_fast_path(app, ingestor, window, PORT_INGEST_PATHS)
    return app


def wsgi() -> Flask:
    """The OsmAnd-only app for gunicorn, settings from the environment:
    ``gunicorn -w 2 -k gthread --threads 32 -b 0.0.0.0:5055 'api.ingest.osmand_server:wsgi()'``.
    """
    settings = Settings.from_env()
    return osmand_app(Database(settings), settings)


class OsmandServer:
    """A threaded werkzeug server for the OsmAnd app; ``shutdown()`` stops it."""

    def __init__(self, app: Flask, host: str, port: int):
        self.server = make_server(host, port, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, name="hq-osmand",
                                       daemon=True)

    def start(self) -> OsmandServer:
        self.thread.start()
        return self

    def shutdown(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def start_osmand_server(settings: Settings, port: int, host: str | None = None,
                        db: Database | None = None) -> OsmandServer:
    """Serve the OsmAnd handler on ``host:port`` in a daemon thread (port 0 picks one).

    Parameters
    ----------
    settings : Settings
    port : int
    host : str, optional
        Defaults to settings.host.
    db : Database, optional
        Shared with the main app when given.

    Returns
    -------
    OsmandServer
    """
    db = db or Database(settings)
    return OsmandServer(osmand_app(db, settings), host or settings.host, port).start()
