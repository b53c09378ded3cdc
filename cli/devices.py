"""`python app.py devices enrol|revoke|replace|list`: phones of grid workers from the shell."""
from __future__ import annotations

import click


def _database(settings):
    from data.db import Database

    return Database(settings)


def _show_setup(settings, enrolled: dict, server_url: str | None, qr_file: str | None) -> None:
    from workflow.devices.enrolment import setup_links

    links = setup_links(server_url or settings.phone_server_url, enrolled["device_id"])
    click.echo(f"device identifier / 设备标识: {links['identifier']}")
    click.echo(f"server URL / 服务器地址:      {links['server_url']}")
    click.echo(f"link for the phone / 手机链接: {links['link']}")
    click.echo(f"bearer token (batch API, shown once) / 令牌（仅显示一次）: {enrolled['token']}")
    if qr_file:
        import segno

        # Traccar Client's "scan QR code" reads this URL: the server, then its settings.
        segno.make(links["qr"], error="m").save(qr_file, scale=8, border=4)
        click.echo(f"QR code written to {qr_file}")


def _run(settings, work):
    from workflow.errors import WorkflowError

    database = _database(settings)
    try:
        with database.begin() as conn:
            return work(conn)
    except WorkflowError as err:
        raise click.ClickException(err.message) from None
    finally:
        database.dispose()


@click.group("devices")
def devices_cli() -> None:
    """Phones of grid workers: enrol, revoke, replace, list."""


@devices_cli.command("enrol")
@click.argument("username")
@click.option("--label", default="", help="A note for operators (the phone's model, ...).")
@click.option("--server-url", default=None,
              help="Where phones send fixes (default HQ_OSMAND_URL, else this app's /osmand).")
@click.option("--qr", "qr_file", default=None, type=click.Path(dir_okay=False),
              help="Also write the set-up QR code to this file (.png or .svg).")
@click.pass_obj
def enrol_command(settings, username: str, label: str, server_url, qr_file) -> None:
    """A new phone for grid worker USERNAME, with a random identifier."""
    from workflow.devices.enrolment import enrol

    enrolled = _run(settings, lambda conn: enrol(conn, None, username, settings.now(), label))
    click.echo(f"enrolled a phone for {enrolled['username']}")
    _show_setup(settings, enrolled, server_url, qr_file)


@devices_cli.command("revoke")
@click.argument("identifier")
@click.pass_obj
def revoke_command(settings, identifier: str) -> None:
    """Stop the phone with IDENTIFIER (or its row id): its fixes are refused from now on."""
    from workflow.devices.enrolment import revoke

    key = int(identifier) if identifier.isdigit() and len(identifier) < 10 else identifier
    row = _run(settings, lambda conn: revoke(conn, None, key, settings.now()))
    click.echo(f"revoked device {row['id']} ({row['device_id']})")


@devices_cli.command("replace")
@click.argument("identifier")
@click.option("--server-url", default=None, help="As for enrol.")
@click.option("--qr", "qr_file", default=None, type=click.Path(dir_okay=False),
              help="Also write the new set-up QR code to this file.")
@click.pass_obj
def replace_command(settings, identifier: str, server_url, qr_file) -> None:
    """A new identifier for the same worker; the old one stops at once."""
    from workflow.devices.enrolment import replace

    key = int(identifier) if identifier.isdigit() and len(identifier) < 10 else identifier
    new = _run(settings, lambda conn: replace(conn, None, key, settings.now()))
    click.echo(f"device {new['replaces']} replaced by device {new['id']}")
    _show_setup(settings, new, server_url, qr_file)


@devices_cli.command("list")
@click.option("--user", "username", default=None, help="Only this worker's phones.")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked phones.")
@click.pass_obj
def list_command(settings, username: str | None, include_revoked: bool) -> None:
    """Phones: id, identifier, worker, grid, enrolled, state, clock offset."""
    from workflow.devices.enrolment import devices_for

    rows = _run(settings, lambda conn: devices_for(conn, None, None if include_revoked else True))
    if username:
        rows = [r for r in rows if r["username"] == username.strip().lower()]
    for r in rows:
        state = "active" if r["active"] else f"revoked {r['revoked_at']:%Y-%m-%d %H:%M}"
        clock = "" if r["clock_offset_s"] is None else f"clock {r['clock_offset_s']:+.0f}s"
        weak = "  WEAK (refused in production)" if r["weak"] else ""
        click.echo(f"{r['id']}\t{r['device_id']}\t{r['username']}\t{r['grid_code'] or '-'}\t"
                   f"{r['created_at']:%Y-%m-%d}\t{state}\t{clock}{weak}")
    click.echo(f"{len(rows)} device(s)")
