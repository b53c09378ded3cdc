"""Bring the database up: the project's own PostGIS (scripts/postgis.sh) unless DATABASE_URL."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from data import migrate
from data.settings import Settings

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgis.sh"


def run_script(action: str, settings: Settings, root: Path | None = None,
               **extra_env: str) -> subprocess.CompletedProcess:
    """Run scripts/postgis.sh with the port and database name from settings.

    With ``root``, the script works on a separate cluster in that folder, on the port and
    database of ``settings`` exactly (the fault tests' throw-away cluster); ``extra_env``
    adds HQ_PG_* variables (e.g. ``HQ_PG_SHARED_BUFFERS="64MB"``).
    """
    url = settings.database_url
    env = dict(os.environ)
    port, name = url.rsplit(":", 1)[-1].split("/")[0], url.rsplit("/", 1)[-1].split("?")[0]
    if root is None:
        env.setdefault("HQ_PG_PORT", port)
        env.setdefault("HQ_PG_DB", name)
    else:
        env.update(HQ_PG_ROOT=str(root), HQ_PG_PORT=port, HQ_PG_DB=name)
    env.update(extra_env)
    return subprocess.run(["bash", str(SCRIPT), action], env=env, check=False,
                          capture_output=action in ("status", "url", "replica-status", "replica-url"), text=True)


def up(settings: Settings, do_migrate: bool = True) -> str:
    """Start the local cluster if we own it, then migrate; returns the URL in use.

    Parameters
    ----------
    settings : Settings
    do_migrate : bool
        Bring the schema to the newest revision afterwards.

    Returns
    -------
    str
    """
    if not settings.database_from_env:
        result = run_script("up", settings)
        if result.returncode != 0:
            raise RuntimeError("could not start the local PostGIS (see the messages above)")
    if do_migrate:
        migrate.upgrade(settings.sqlalchemy_url)
    return settings.database_url


def down(settings: Settings) -> None:
    """Stop the local cluster (does nothing when DATABASE_URL points elsewhere)."""
    if settings.database_from_env:
        return
    run_script("down", settings)


def replica_up(settings: Settings) -> str:
    """Start the hot standby of the local cluster (scripts/postgis.sh replica-up); its URL."""
    if settings.database_from_env:
        raise RuntimeError("DATABASE_URL points elsewhere: a standby of it is made by its "
                           "own administrator (set DATABASE_REPLICA_URL to use one)")
    if run_script("replica-up", settings).returncode != 0:
        raise RuntimeError("could not start the standby (see the messages above)")
    return run_script("replica-url", settings).stdout.strip()


def replica_down(settings: Settings) -> None:
    """Stop the hot standby of the local cluster."""
    if not settings.database_from_env:
        run_script("replica-down", settings)


def replica_status(settings: Settings) -> str:
    """One line: whether the standby runs, its URL and how far behind it is."""
    from data.db import Database

    url = settings.database_replica_url
    if not url and not settings.database_from_env:
        if run_script("replica-status", settings).returncode != 0:
            raise RuntimeError("the standby is not running (python app.py db up --replica)")
        url = run_script("replica-url", settings).stdout.strip()
    if not url:
        raise RuntimeError("no standby: DATABASE_REPLICA_URL is not set")
    reads = Database(settings.with_overrides(database_url=url))
    try:
        lag = reads.staleness_s()
    finally:
        reads.dispose()
    return f"ok {url} lag_s={lag if lag is not None else 'not a standby'}"
