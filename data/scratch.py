"""Throw-away databases on the same server: created migrated, dropped whole (tests, benches)."""
from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data import migrate
from data.settings import Settings


def _admin(settings: Settings):
    url = make_url(settings.sqlalchemy_url).set(database="postgres")
    return create_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")


def create_database(settings: Settings, label: str) -> str:
    """A new database with PostGIS and the schema, next to the one in ``settings``.

    Parameters
    ----------
    settings : Settings
        Where the server is.
    label : str
        A plain word that goes into the database's name.

    Returns
    -------
    str
        Its SQLAlchemy URL.
    """
    if not label.replace("_", "").isalnum():
        raise ValueError(f"label must be a plain word, not {label!r}")
    # The name is ours (label + random hex), so quoting it into DDL is safe.
    name = f"hq_{label}_{uuid.uuid4().hex[:8]}"
    admin = _admin(settings)
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    url = make_url(settings.sqlalchemy_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("create extension if not exists postgis"))
    engine.dispose()
    migrate.upgrade(url)
    return url


def drop_database(settings: Settings, url: str) -> None:
    """Drop a database made by :func:`create_database` (connections are forced off)."""
    name = make_url(url).database
    if not (name or "").startswith("hq_"):
        raise ValueError(f"refusing to drop {name!r}: not a scratch database")
    admin = _admin(settings)
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()
