"""`python app.py open311 keys add NAME | list | revoke NAME`: the Open311 api keys."""
from __future__ import annotations

import click
from sqlalchemy.exc import IntegrityError

from data import open311_store
from data.db import Database
from data.settings import Settings
from workflow.open311.requests import key_hash, new_api_key


def add_client(conn, name: str) -> str:
    """Register a client and return its new key (shown once; only the hash is kept)."""
    key = new_api_key()
    open311_store.add_client(conn, name, key_hash(key), key[:6])
    return key


@click.group("open311")
def open311_cli() -> None:
    """Open311 GeoReport v2 (/open311/v2/): clients and their api keys."""


@open311_cli.group("keys")
def keys() -> None:
    """Add, list and revoke api keys."""


@keys.command("add")
@click.argument("name")
@click.pass_obj
def keys_add(settings: Settings, name: str) -> None:
    """Give the client NAME a new api key (printed once)."""
    name = name.strip()
    if not 1 <= len(name) <= 60:
        raise click.BadParameter("1-60 characters", param_hint="NAME")
    db = Database(settings)
    try:
        with db.begin() as conn:
            key = add_client(conn, name)
    except IntegrityError as exc:
        raise click.ClickException(f"a client named {name!r} exists already") from exc
    finally:
        db.dispose()
    click.echo(f"api_key for {name}: {key}\n(shown once; only its hash is stored)")


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """Every client: key hint, enabled or revoked, requests filed."""
    db = Database(settings)
    try:
        with db.connect() as conn:
            rows = open311_store.clients(conn)
    finally:
        db.dispose()
    for row in rows:
        state = "enabled" if row["enabled"] else f"revoked {row['revoked_at']:%Y-%m-%d}"
        click.echo(f"{row['name']:<24} {row['key_hint']}…  {state:<18} {row['requests']} requests")
    if not rows:
        click.echo("no Open311 clients (python app.py open311 keys add NAME)")


@keys.command("revoke")
@click.argument("name")
@click.pass_obj
def keys_revoke(settings: Settings, name: str) -> None:
    """Disable the key of client NAME (its requests stay)."""
    db = Database(settings)
    try:
        with db.begin() as conn:
            done = open311_store.revoke_client(conn, name, settings.now())
    finally:
        db.dispose()
    if not done:
        raise click.ClickException(f"no enabled client named {name!r}")
    click.echo(f"revoked {name}")
