"""`python app.py notices ...`: channel routes, and one delivery round by hand."""
from __future__ import annotations

import click

from data import notices_store
from data.db import Database
from data.settings import Settings
from workflow.errors import WorkflowError
from workflow.notices.delivery import parse_quiet
from workflow.notices.routes import CHANNELS, add_route
from workflow.notices.senders import ChannelSettings
from workflow.notices.worker import NoticeWorker


@click.group("notices")
def notices_cli() -> None:
    """Notices: who gets which channel, and delivering by hand."""


@notices_cli.group("routes")
def routes_cli() -> None:
    """Which department or person also gets notices on WeCom, DingTalk, SMS or email."""


@routes_cli.command("add")
@click.option("--department", default=None, help="A department code, e.g. CGW-DL.")
@click.option("--user", default=None, help="A username, e.g. d_cgw.")
@click.option("--channel", required=True, type=click.Choice(CHANNELS))
@click.option("--address", required=True, help="Robot webhook URL, phone number or email.")
@click.option("--secret", default="", help="A DingTalk robot's signing secret (SEC...).")
@click.pass_obj
def add_command(settings: Settings, department, user, channel, address, secret) -> None:
    """Add a route (the in-app inbox needs none: everyone has it)."""
    database = Database(settings)
    try:
        with database.begin() as conn:
            route_id = add_route(conn, channel, address, department, user, secret)
    except WorkflowError as err:
        raise click.ClickException(f"{err.field}: {err.message}") from None
    finally:
        database.dispose()
    click.echo(f"route {route_id} added")


@routes_cli.command("list")
@click.pass_obj
def list_command(settings: Settings) -> None:
    """Every route (secrets are never printed, only whether one is set)."""
    database = Database(settings)
    try:
        with database.connect() as conn:
            rows = notices_store.all_routes(conn)
    finally:
        database.dispose()
    for r in rows:
        who = r["department_code"] or r["username"]
        click.echo(f"{r['id']:>4} {who:<12} {r['channel']:<9} {r['address']}"
                   + (" (signed)" if r["signed"] else "") + ("" if r["active"] else " (off)"))


@routes_cli.command("off")
@click.argument("route_id", type=int)
@click.pass_obj
def off_command(settings: Settings, route_id: int) -> None:
    """Switch a route off (kept, so its delivery log still names it)."""
    database = Database(settings)
    try:
        with database.begin() as conn:
            found = notices_store.set_route_active(conn, route_id, False)
    finally:
        database.dispose()
    if not found:
        raise click.ClickException(f"no route {route_id}")
    click.echo(f"route {route_id} off")


@notices_cli.command("deliver")
@click.pass_obj
def deliver_command(settings: Settings) -> None:
    """One round of the delivery worker now (the server runs it every few seconds)."""
    channels = ChannelSettings(smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                               mail_from=settings.mail_from, sms_url=settings.sms_url,
                               sms_template=settings.sms_template)
    database = Database(settings)
    try:
        worker = NoticeWorker(database, settings.clock, channels,
                              parse_quiet(settings.quiet_hours))
        counts = worker.run_once()
    finally:
        database.dispose()
    if counts is None:
        raise click.ClickException("the database did not answer")
    click.echo(f"written {counts.get('due_soon', 0) + counts.get('meeting_reminder', 0)} "
               f"delivered {counts.get('sent', 0)} retrying {counts.get('retry', 0)} "
               f"held {counts.get('quiet', 0)} dead {counts.get('dead', 0)}")
