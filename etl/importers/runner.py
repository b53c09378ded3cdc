"""Running an import: print the dry run's report, then write all of it or nothing."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from data.db import Database
from data.settings import Settings
from etl.importers.problems import ImportRefused


class ImportFailed(Exception):
    """The import could not run; nothing was written (the message says why)."""


def run_import(settings: Settings, plan: Callable, write: Callable, commit: bool,
               echo: Callable[[str], None] = print) -> int:
    """Plan (read and check everything), report, and with ``commit`` write in one transaction.

    Parameters
    ----------
    settings : Settings
        Where the database is.
    plan : callable
        ``plan(conn)`` returning an object with a ``report`` (a problems.Report).
    write : callable
        ``write(conn, plan)`` returning counts of what it wrote.
    commit : bool
        False for a dry run.
    echo : callable
        Where the lines of the report go.

    Returns
    -------
    int
        The exit code: 0 when clean, 1 when the file has problems (nothing is written).
    """
    database = Database(settings)
    try:
        with database.begin() as conn:
            planned = plan(conn)
            for line in planned.report.render():
                echo(line)
            if planned.report.errors:
                echo("未写入任何数据 nothing written: 请修正以上问题 fix the problems above")
                return 1
            if not commit:
                echo("试运行，未写入 dry run, nothing written: 加 --commit 导入 add --commit to load")
                return 0
            counts = write(conn, planned)
        echo("已写入 written (一个事务 one transaction): "
             + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    except ImportRefused as exc:
        raise ImportFailed(f"{exc}（未写入任何数据 nothing written）") from exc
    except DBAPIError as exc:
        raise ImportFailed(
            f"数据库拒绝导入，未写入任何数据 the database refused the import, nothing written: "
            f"{getattr(exc, 'orig', exc)}") from exc
    finally:
        database.dispose()
