"""`python app.py users ...`: accounts from the command line (the first admin, the roster)."""
from __future__ import annotations

import getpass
from pathlib import Path

import click

from api.ratelimit import clear_sign_in_budget, shared_sign_in_counters
from api.shared_actor_cache import forget_everywhere
from data import people_store
from data.db import Database
from data.settings import Settings
from etl.importers import runner
from etl.importers.roster import plan_roster, write_roster
from workflow.admin import people
from workflow.admin.audit import Who
from workflow.errors import WorkflowError

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _who() -> Who:
    return Who.command_line(getpass.getuser())


def _run(settings: Settings, action):
    """Run ``action(conn, who, now)`` in one transaction; a refusal names the field."""
    db = Database(settings)
    try:
        with db.begin() as conn:
            return action(conn, _who(), settings.now())
    except WorkflowError as err:
        field = f" [{err.field}]" if err.field else ""
        raise click.ClickException(f"{err.code}{field}: {err.message}（未写入 nothing written）"
                                   ) from err
    finally:
        db.dispose()


def _tell_hosts(settings: Settings, account: dict) -> None:
    """With REDIS_URL every app host drops its cached copy now (else within the TTL)."""
    if forget_everywhere(settings, account["id"]):
        click.echo("  (所有服务器已即时生效 every app host applies it now)")


def _show_password(username: str, password: str) -> None:
    click.echo(f"临时密码 temporary password for {username}: {password}")
    click.echo("  (仅显示这一次，首次登录须修改 shown once; it must be changed at first sign-in)")


@click.group("users")
def users_cli() -> None:
    """人员 Accounts: add, import a roster, list, deactivate, reset a password, unlock."""


def _scope_options(command):
    for option in reversed((
        click.option("--role", default=None, help="One of the roles (admin, operator, ...)."),
        click.option("--name", "display_name", default=None, help="Display name (姓名)."),
        click.option("--title", default=None, help="party_secretary, director, deputy, ..."),
        click.option("--street", "street_code", default=None, help="Street code (9 digits)."),
        click.option("--community", "community_code", default=None, help="Community code."),
        click.option("--department", "department_code", default=None, help="Department code."),
        click.option("--grids", "grid_codes", default=None, help="Grid codes, ';'-separated."),
        click.option("--phone", default=None, help="Mobile or landline number."),
    )):
        command = option(command)
    return command


@users_cli.command("add")
@click.argument("username")
@_scope_options
@click.pass_obj
def add(settings: Settings, username: str, **values) -> None:
    """Create an account; its temporary password is printed once."""
    if not values.get("role"):
        raise click.UsageError("--role is required")
    values["display_name"] = values.get("display_name") or username
    account, password = _run(settings, lambda conn, who, now: people.create_account(
        conn, who, {"username": username, **values}, now))
    click.echo(f"已创建 created {account['username']} ({account['role']})")
    _show_password(account["username"], password)


@users_cli.command("edit")
@click.argument("username")
@_scope_options
@click.pass_obj
def edit(settings: Settings, username: str, **values) -> None:
    """Change an account's role, scope, grids (a move keeps its history), name or phone."""
    account = _run(settings, lambda conn, who, now: people.edit_account(
        conn, who, username, values, now))
    _tell_hosts(settings, account)
    click.echo(f"已修改 changed {account['username']}: {account['role']} "
               f"{account['street_code'] or ''} {account['community_code'] or ''} "
               f"{account['department_code'] or ''} {' '.join(account['grid_codes'])}")


@users_cli.command("deactivate")
@click.argument("username")
@click.pass_obj
def deactivate(settings: Settings, username: str) -> None:
    """Stop an account: sign-in refused, every session ended (history kept)."""
    account = _run(settings, lambda conn, who, now: people.set_active(
        conn, who, username, False, now))
    click.echo(f"已停用 deactivated {username}")
    _tell_hosts(settings, account)


@users_cli.command("reactivate")
@click.argument("username")
@click.pass_obj
def reactivate(settings: Settings, username: str) -> None:
    """Let a deactivated account sign in again."""
    _run(settings, lambda conn, who, now: people.set_active(conn, who, username, True, now))
    click.echo(f"已启用 reactivated {username}")


@users_cli.command("reset-password")
@click.argument("username")
@click.pass_obj
def reset_password(settings: Settings, username: str) -> None:
    """A new temporary password (printed once), to be changed at the next sign-in."""
    account, password = _run(settings, lambda conn, who, now: people.reset_password(
        conn, who, username, now))
    _show_password(account["username"], password)
    _tell_hosts(settings, account)


@users_cli.command("unlock")
@click.argument("username")
@click.pass_obj
def unlock(settings: Settings, username: str) -> None:
    """Clear a username's failed sign-ins held by the limiter (shared counters only)."""
    strategy = shared_sign_in_counters(settings)
    if strategy is None:
        raise click.ClickException(
            "计数器在各服务进程内存中 the sign-in counters live in each server process "
            "(HQ_RATELIMIT_STORAGE_URI=memory://): unlock on the /admin page or with "
            "POST /api/v1/admin/users/<username>/unlock, or wait HQ_LOGIN_WINDOW_S seconds")
    _run(settings, lambda conn, who, now: people.record_unlock(conn, who, username, now))
    clear_sign_in_budget(strategy, settings, username)
    click.echo(f"已解锁 unlocked {username}")


@users_cli.command("list")
@click.option("--role", default=None, help="Only this role.")
@click.option("--search", default=None, help="Part of a username or name.")
@click.pass_obj
def list_users(settings: Settings, role: str | None, search: str | None) -> None:
    """Accounts with their role, scope and state."""
    rows = _run(settings, lambda conn, who, now: people_store.accounts(conn, role, search, 100000))
    for r in rows:
        scope = r["department_code"] or r["community_code"] or r["street_code"] or "district"
        state = ("active" if r["active"] else "DEACTIVATED") + (
            "  must-change-password" if r["must_change_password"] else "")
        click.echo(f"{r['username']:<16} {r['display_name']:<10} {r['role']:<16} {scope:<14} "
                   f"{' '.join(r['grid_codes']):<17} {state}")
    click.echo(f"{len(rows)} accounts")


@users_cli.command("import")
@click.argument("file", type=FILE)
@click.option("--commit", is_flag=True, help="Write it (one transaction). Without it: a dry run.")
@click.option("--encoding", default="utf-8-sig", show_default=True,
              help="CSV encoding (gb18030 for files saved by Excel in Chinese).")
@click.pass_obj
def import_roster(settings: Settings, file: Path, commit: bool, encoding: str) -> None:
    """花名册 Roster (CSV/XLSX): username, name, role, title, street, community, department,
    grids, phone. Every bad row is named; nothing is written unless every row passes.
    """
    holder = {}

    def plan(conn):
        holder["plan"] = plan_roster(conn, file, _who(), settings.now(), encoding)
        return holder["plan"]

    try:
        code = runner.run_import(settings, plan, write_roster, commit, echo=click.echo)
    except runner.ImportFailed as exc:
        raise click.ClickException(str(exc)) from exc
    if commit and code == 0:
        click.echo("临时密码（仅显示这一次，首次登录须修改）temporary passwords, shown once; each "
                   "must be changed at first sign-in:")
        for username, password in holder["plan"].passwords.items():
            click.echo(f"{username}\t{password}")
    click.get_current_context().exit(code)
