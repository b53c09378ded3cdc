"""Entry point: `python app.py <command>` (the click commands of cli/) and `app:server` for
gunicorn. It only assembles: the API's Flask server carries the Dash app.
"""
from __future__ import annotations

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


if __name__ == "__main__":
    from cli import cli

    cli()
