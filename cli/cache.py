"""`python app.py cache ...`: the project's own Redis, the state several app hosts share."""
from __future__ import annotations

import click

from data.settings import Settings


@click.group("cache")
def cache_cli() -> None:
    """Redis for several app hosts: up, down, status, url (README "Several app hosts")."""


@cache_cli.command("up")
@click.pass_obj
def cache_up(settings: Settings) -> None:
    """Start the project's Redis (HQ_REDIS_PORT, default 63790); print its REDIS_URL."""
    from data import shared_state

    if shared_state.run_script("up").returncode != 0:
        raise click.ClickException("Redis did not start (see .redisdata/redis.log)")
    click.echo(shared_state.run_script("url").stdout.strip())


@cache_cli.command("down")
@click.pass_obj
def cache_down(settings: Settings) -> None:
    """Stop the project's Redis (what it held is gone: answers, counters, cached accounts)."""
    from data import shared_state

    shared_state.run_script("down")


@cache_cli.command("status")
@click.pass_obj
def cache_status(settings: Settings) -> None:
    """Say whether REDIS_URL (else the project's Redis) answers."""
    from data import shared_state

    url = settings.redis_url or shared_state.run_script("url").stdout.strip()
    fuse = shared_state.Fuse(shared_state.connect(Settings(redis_url=url)))
    if not fuse.call(lambda c: c.ping(), lambda: False):
        raise click.ClickException(f"Redis not reachable at {url}")
    click.echo(f"ok {url}")


@cache_cli.command("url")
def cache_url() -> None:
    """Print the project's REDIS_URL (export REDIS_URL="$(python app.py cache url)")."""
    from data import shared_state

    click.echo(shared_state.run_script("url").stdout.strip())
