"""`python app.py org ...`: departments and categories from the shell (the shipped defaults,
create, rename, merge; a category's deadline, department and Open311 visibility).
"""
from __future__ import annotations

import getpass

import click

from data import org_store
from data.db import Database
from data.settings import Settings
from workflow.admin import organisation
from workflow.admin.audit import Who
from workflow.errors import WorkflowError


def _run(settings: Settings, action, commit: bool = True):
    db = Database(settings)
    try:
        with db.begin() as conn:
            result = action(conn, Who.command_line(getpass.getuser()), settings.now())
            if not commit:
                conn.rollback()
            return result
    except WorkflowError as err:
        field = f" [{err.field}]" if err.field else ""
        raise click.ClickException(f"{err.code}{field}: {err.message}（未写入 nothing written）"
                                   ) from err
    finally:
        db.dispose()


@click.group("org")
def org_cli() -> None:
    """组织机构与事件分类 Departments and categories."""


@org_cli.command("defaults")
@click.option("--commit", is_flag=True, help="Write them. Without it: a dry run.")
@click.pass_obj
def defaults(settings: Settings, commit: bool) -> None:
    """The shipped 54 departments and the incident categories (data/reference/) that are
    missing; existing ones are kept as they are.
    """
    added = _run(settings, organisation.load_defaults, commit)
    verb = "已写入 written" if commit else "试运行 dry run (add --commit)"
    click.echo(f"{verb}: departments {added['departments']}, categories {added['categories']}")


@org_cli.command("department")
@click.argument("code")
@click.option("--name-zh", default=None)
@click.option("--name-en", default=None)
@click.option("--kind", default=None, help="functional (default), oversight or leadership.")
@click.option("--merge-into", default=None, help="Merge CODE into this department.")
@click.pass_obj
def department(settings: Settings, code: str, name_zh, name_en, kind, merge_into) -> None:
    """Create department CODE, rename it, or merge it into another."""
    def action(conn, who, now):
        if merge_into:
            return organisation.merge_department(conn, who, code, merge_into, now)
        if org_store.department(conn, code.strip().upper()) is None:
            return organisation.create_department(
                conn, who, {"code": code, "name_zh": name_zh, "name_en": name_en,
                            "kind": kind}, now)
        return organisation.rename_department(conn, who, code,
                                              {"name_zh": name_zh, "name_en": name_en}, now)

    row = _run(settings, action)
    click.echo(f"{row['code']} {row['name_zh']} / {row['name_en']}"
               + ("" if row["active"] else f"  (merged: {row.get('moved')})"))


@org_cli.command("category")
@click.argument("code")
@click.option("--name-zh", default=None)
@click.option("--name-en", default=None)
@click.option("--deadline-hours", type=int, default=None)
@click.option("--department", "department_code", default=None)
@click.option("--public/--not-public", default=None, help="Offered on Open311 or not.")
@click.pass_obj
def category(settings: Settings, code: str, name_zh, name_en, deadline_hours, department_code,
             public) -> None:
    """Create or change category CODE (2 digits: a subject; 4: a category under it)."""
    values = {"name_zh": name_zh, "name_en": name_en, "deadline_hours": deadline_hours,
              "public": public}
    if department_code is not None:
        values["department_code"] = department_code
    row = _run(settings, lambda conn, who, now: organisation.save_category(
        conn, who, code, values, now))
    click.echo(f"{row['code']} {row['name_zh']} {row['deadline_hours']} h "
               f"{row['department_code'] or '-'} public={row['public']}")
