"""`python app.py workflow tick`: the escalation job by hand."""
from __future__ import annotations

from datetime import datetime

import click

from data.db import Database
from workflow.escalation.tick import tick


@click.group("workflow")
def workflow_cli() -> None:
    """Cases and whistles: the escalation job."""


@workflow_cli.command("tick")
@click.option("--at", "at", default=None, help="Judge lateness at this ISO time (default now).")
@click.pass_obj
def tick_command(settings, at: str | None) -> None:
    """Record escalation events for overdue incidents and whistles (safe to run any time)."""
    now = datetime.fromisoformat(at) if at else settings.now()
    if now.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-26T09:00+08:00", param_hint="--at")
    database = Database(settings)
    try:
        with database.begin() as conn:
            result = tick(conn, now)
    finally:
        database.dispose()
    click.echo(f"escalated incidents={result['incidents']} whistles={result['whistles']}"
               + (" (another ticker was running)" if result["skipped"] else ""))
