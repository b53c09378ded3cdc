"""`python app.py demo ...`: run the whole demo, load the synthetic world, list its accounts."""
from __future__ import annotations

import click

from cli.world import accounts_command, load_command
from data.settings import Settings


@click.group()
def demo() -> None:
    """The synthetic Hongqiao world: load, accounts, run the whole demo."""


@demo.command("run")
@click.option("--port", default=None, type=int, help="Port (default HQ_PORT, 8050).")
@click.option("--no-feed", is_flag=True, help="Do not start the live patrol simulator.")
@click.pass_obj
def demo_run(settings: Settings, port: int | None, no_feed: bool) -> None:
    """PostGIS up, migrate, load the world if empty, start the live feed, serve."""
    from app import build_app
    from etl.demo import FeedWhenUp, ensure_world, start_feed
    from etl.world.load import ProductionRefused

    try:
        ensure_world(settings, echo=click.echo)
    except ProductionRefused as exc:
        raise click.ClickException(str(exc)) from exc
    port = port or settings.port
    # The feed starts when the server listens, so its first fixes are not refused.
    feed = None if no_feed else FeedWhenUp("127.0.0.1", port, lambda: start_feed(
        settings, f"http://127.0.0.1:{port}", echo=click.echo))
    click.echo(f"serving on http://{settings.host}:{port}  (wall: /wall)")
    # The feed sends ~100 requests a second; one log line each would drown the terminal.
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        build_app(settings).run(host=settings.host, port=port, debug=False, threaded=True)
    finally:
        if feed is not None:
            feed.terminate()


demo.add_command(load_command)
demo.add_command(accounts_command)
