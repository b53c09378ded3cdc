"""Click commands of the synthetic world: `demo load` and `demo accounts`."""
from __future__ import annotations

import json

import click

from data.db import Database
from data.devices import demo_token
from data.queries.accounts import demo_accounts, demo_devices
from data.settings import Settings
from etl.world.geography import DISTRICT
from etl.world.load import WorldExists, parse_as_of, run_add_district, run_load
from workflow.open311.requests import demo_api_key

HOME = DISTRICT["code"]


@click.command("load")
@click.option("--seed", default=20191115, show_default=True, help="Same seed, same world.")
@click.option("--scale", default=1.0, show_default=True, help="1 = the full district.")
@click.option("--as-of", "as_of", default=None, help="End of the history (default: now).")
@click.option("--replace", is_flag=True, help="Replace a loaded world instead of refusing.")
@click.option("--district", default=None, metavar="CODE",
              help="Add a further district beside the loaded world, e.g. 120105 (河北区): "
                   "its streets, communities, grids and accounts (README, Several districts).")
@click.pass_obj
def load_command(settings: Settings, seed: int, scale: float, as_of: str | None,
                 replace: bool, district: str | None) -> None:
    """Generate the synthetic Hongqiao world and load it (one transaction)."""
    if not 0 < scale <= 10:
        raise click.BadParameter("must be in (0, 10]", param_hint="--scale")
    try:
        if district not in (None, HOME):
            run_add_district(settings, district, seed, scale, echo=click.echo)
            return
        run_load(settings, seed, scale, parse_as_of(as_of, settings), replace)
    except WorldExists as exc:
        raise click.ClickException(str(exc)) from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("accounts")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def accounts_command(settings: Settings, as_json: bool) -> None:
    """List every demo account (username, role, scope) and every device."""
    db = Database(settings)
    with db.connect() as conn:
        accounts, devices = demo_accounts(conn), demo_devices(conn)
    db.dispose()
    open311_key = demo_api_key(settings.demo_secret)
    # Tokens for /api/v1/positions: derived from this checkout's secret, shown only here.
    devices = [{**d, "token": demo_token(d["device_id"], settings.demo_secret)} for d in devices]
    if as_json:
        click.echo(json.dumps({"password_setting": "DEMO_PASSWORD", "accounts": accounts,
                               "devices": devices, "open311_api_key": open311_key},
                              ensure_ascii=False, indent=1))
        return
    click.echo("password: the DEMO_PASSWORD setting (default hongqiao-demo)\n")
    for a in accounts:
        click.echo(f"{a['username']:<14} {a['role']:<16} {a['scope_level']:<10} {a['scope']}"
                   + (f"  grid {a['grid_code']}" if a["grid_code"] else ""))
    click.echo(f"\n{len(devices)} devices:")
    for d in devices:
        click.echo(f"{d['device_id']:<24} {d['worker']:<10} grid {d['grid_code']}  "
                   f"token {d['token']}")
    click.echo(f"\nOpen311 api_key (client demo, /open311/v2/): {open311_key}")
