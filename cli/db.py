"""`python app.py db ...`: the project's own PostGIS and its schema."""
from __future__ import annotations

import click

from data.settings import Settings


@click.group()
def db() -> None:
    """The database: up, down, url, migrate, status."""


@db.command("up")
@click.option("--replica", is_flag=True,
              help="Also start a streaming-replication hot standby and print its URL.")
@click.pass_obj
def db_up(settings: Settings, replica: bool) -> None:
    """Start the local PostGIS (unless DATABASE_URL is set) and migrate it."""
    from data import local_server

    click.echo(local_server.up(settings))
    if replica:
        url = local_server.replica_up(settings)
        click.echo(f"DATABASE_REPLICA_URL={url}")


@db.command("down")
@click.option("--replica", is_flag=True, help="Stop the hot standby only.")
@click.pass_obj
def db_down(settings: Settings, replica: bool) -> None:
    """Stop the local PostGIS."""
    from data import local_server

    if replica:
        local_server.replica_down(settings)
    else:
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
@click.option("--replica", is_flag=True, help="The hot standby: whether it runs, how far behind.")
@click.pass_obj
def db_status(settings: Settings, replica: bool) -> None:
    """Say whether the database answers and which revision it is at."""
    from data import migrate
    from data.db import Database

    if replica:
        from sqlalchemy.exc import SQLAlchemyError

        from data import local_server

        try:
            click.echo(local_server.replica_status(settings))
        except (RuntimeError, SQLAlchemyError) as exc:
            raise click.ClickException(f"standby: {str(exc).splitlines()[0]}") from None
        return
    database = Database(settings)
    if not database.ping():
        raise click.ClickException(f"database not reachable at {settings.database_url}")
    click.echo(f"ok {settings.database_url} revision={migrate.current(settings.sqlalchemy_url)}")
