"""The deployment's own random secret, made on first run and kept beside the local cluster.

Without ``SECRET_KEY`` in the environment (development, ``make demo``), the session key and
everything derived from it come from ``.pgdata/secrets.json``: 32 random bytes generated
the first time any process needs them, readable by the file's owner only, never in git
(``.pgdata/`` is ignored). Every process of one checkout reads the same file, so gunicorn
workers, the CLI and the simulator agree; nothing is computable from the public demo
password.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / ".pgdata" / "secrets.json"


def new_secret() -> str:
    """32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def _read(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def local_secret(path: Path | None = None, name: str = "secret_key") -> str:
    """The secret ``name`` from the file at ``path``, generating and saving it if absent.

    Parameters
    ----------
    path : Path, optional
        Default ``.pgdata/secrets.json`` in the checkout.
    name : str
        The key inside the file.

    Returns
    -------
    str
    """
    path = Path(path or DEFAULT_PATH)
    found = _read(path).get(name)
    if isinstance(found, str) and len(found) >= 32:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {**_read(path), name: new_secret()}
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    try:
        if path.exists():
            os.replace(temp, path)      # the file lacked this key: add it
        else:
            # Two processes starting together: the first link wins, the other reads it.
            os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
    return str(_read(path)[name])
