"""The command line, `python app.py <command>`: every click command lives in this package."""
from __future__ import annotations

import click

from data.settings import Settings


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """红桥区网格化管理指挥中心 / Hongqiao grid command centre."""
    ctx.obj = Settings.from_env()


def _register() -> None:
    from cli.cache import cache_cli
    from cli.db import db
    from cli.demo import demo
    from cli.devices import devices_cli
    from cli.importers import export_command, import_command
    from cli.mobile import mobile_cli
    from cli.notices import notices_cli
    from cli.open311 import open311_cli
    from cli.org import org_cli
    from cli.server import serve
    from cli.simulate import simulate_command
    from cli.users import users_cli
    from cli.workflow import workflow_cli

    for command in (serve, db, demo, simulate_command, workflow_cli, import_command,
                    export_command, open311_cli, mobile_cli, devices_cli, users_cli,
                    org_cli, notices_cli, cache_cli):
        cli.add_command(command)


_register()
