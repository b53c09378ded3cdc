"""`python app.py serve`: the development server (gunicorn serves app:server in production)."""
from __future__ import annotations

import click

from data.settings import Settings


@click.command()
@click.option("--host", default=None, help="Address to listen on (default HQ_HOST).")
@click.option("--port", default=None, type=int, help="Port (default HQ_PORT, 8050).")
@click.option("--osmand-port", type=int, default=None,
              help="Also serve the OsmAnd ingest alone on this port (Traccar's is 5055).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None,
          osmand_port: int | None) -> None:
    """Serve the app (development server; use gunicorn app:server in production)."""
    from app import build_app

    app = build_app(settings)
    if osmand_port:
        from api.ingest.osmand_server import start_osmand_server

        start_osmand_server(settings, osmand_port, host or settings.host)
    app.run(host=host or settings.host, port=port or settings.port, debug=False, threaded=True)
