"""`python app.py db ...`: the project's own PostGIS and its schema."""
from __future__ import annotations

import click

from data.settings import Settings


@click.group()
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
