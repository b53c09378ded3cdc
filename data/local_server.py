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
                          capture_output=action in ("status", "url"), text=True)


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
