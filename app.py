"""Entry point: `python app.py <command>` (Click) and `app:server` for gunicorn."""
from __future__ import annotations

import click

from data.settings import Settings


def build_app(settings: Settings):
    """The Dash app on the Flask server that carries the API."""
    from api.server import create_server
    from dashboard import create_app
    from data.db import Database

    db = Database(settings)
    return create_app(settings, db=db, server=create_server(settings, db))


def __getattr__(name: str):
    # gunicorn asks for `app:server`; building it lazily keeps import free of I/O.
    if name == "server":
        return build_app(Settings.from_env()).server
    raise AttributeError(name)


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """红桥区网格化管理指挥中心 / Hongqiao grid command centre."""
    ctx.obj = Settings.from_env()


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default HQ_HOST).")
@click.option("--port", default=None, type=int, help="Port (default HQ_PORT, 8050).")
@click.option("--osmand-port", type=int, default=None,
              help="Also serve the OsmAnd ingest alone on this port (Traccar's is 5055).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None,
          osmand_port: int | None) -> None:
    """Serve the app (development server; use gunicorn app:server in production)."""
    app = build_app(settings)
    if osmand_port:
        from api.osmand_port import start_osmand_server

        start_osmand_server(settings, osmand_port, host or settings.host)
    app.run(host=host or settings.host, port=port or settings.port, debug=False, threaded=True)


@cli.group()
def db() -> None:
    """The database: up, down, url, migrate, status."""


@db.command("up")
@click.pass_obj
def db_up(settings: Settings) -> None:
    """Start the local PostGIS (unless DATABASE_URL is set) and migrate it."""
    from data import local_server

    click.echo(local_server.up(settings))


@db.command("down")
@click.pass_obj
def db_down(settings: Settings) -> None:
    """Stop the local PostGIS."""
    from data import local_server

    local_server.down(settings)


@db.command("url")
@click.pass_obj
def db_url(settings: Settings) -> None:
    """Print the database URL in use (psql "$(python app.py db url)")."""
    click.echo(settings.database_url)


@db.command("migrate")
@click.option("--revision", default="head", show_default=True)
@click.pass_obj
def db_migrate(settings: Settings, revision: str) -> None:
    """Bring the schema to a revision."""
    from data import migrate

    migrate.upgrade(settings.sqlalchemy_url, revision)
    click.echo(f"migrated to {migrate.current(settings.sqlalchemy_url)}")


@db.command("status")
@click.pass_obj
def db_status(settings: Settings) -> None:
    """Say whether the database answers and which revision it is at."""
    from data import migrate
    from data.db import Database

    database = Database(settings)
    if not database.ping():
        raise click.ClickException(f"database not reachable at {settings.database_url}")
    click.echo(f"ok {settings.database_url} revision={migrate.current(settings.sqlalchemy_url)}")


@cli.group()
def demo() -> None:
    """The synthetic Hongqiao world: load, accounts, run the whole demo."""


@demo.command("run")
@click.option("--port", default=None, type=int, help="Port (default HQ_PORT, 8050).")
@click.option("--no-feed", is_flag=True, help="Do not start the live patrol simulator.")
@click.pass_obj
def demo_run(settings: Settings, port: int | None, no_feed: bool) -> None:
    """PostGIS up, migrate, load the world if empty, start the live feed, serve."""
    from etl.demo import ensure_world, start_feed

    ensure_world(settings)
    port = port or settings.port
    feed = None if no_feed else start_feed(settings, f"http://127.0.0.1:{port}")
    click.echo(f"serving on http://{settings.host}:{port}  (wall: /wall)")
    # The feed sends ~100 requests a second; one log line each would drown the terminal.
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        build_app(settings).run(host=settings.host, port=port, debug=False, threaded=True)
    finally:
        if feed is not None:
            feed.terminate()


def _register() -> None:
    from etl.importers.cli import export_command, import_command
    from etl.simulate import simulate_command
    from workflow.tick import workflow_cli
    from etl.world.cli import accounts_command, load_command

    demo.add_command(load_command)
    demo.add_command(accounts_command)
    cli.add_command(simulate_command)
    cli.add_command(workflow_cli)
    cli.add_command(import_command)
    cli.add_command(export_command)
    from workflow.open311_cli import open311_cli

    cli.add_command(open311_cli)
    from workflow.mobile_cli import mobile_cli

    cli.add_command(mobile_cli)
    from workflow.devices_cli import devices_cli

    cli.add_command(devices_cli)


_register()


if __name__ == "__main__":
    cli()
