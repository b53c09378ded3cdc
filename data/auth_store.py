"""Reading accounts for sign-in: users by name or id, a worker's grids, a device token's owner."""
from __future__ import annotations

from sqlalchemy import Connection, select, update
from werkzeug.security import generate_password_hash

from data.models import Device, User, WorkerGrid

USER_COLUMNS = (User.id, User.username, User.password_hash, User.display_name, User.role,
                User.title, User.street_id, User.community_id, User.department_id, User.active,
                User.district_code)


def user_by_username(conn: Connection, username: str) -> dict | None:
    """The account with this username (any state), or None.

    Parameters
    ----------
    conn : Connection
    username : str

    Returns
    -------
    dict or None
    """
    row = conn.execute(select(*USER_COLUMNS).where(User.username == username)).mappings().first()
    return dict(row) if row else None


def user_by_id(conn: Connection, user_id: int) -> dict | None:
    """The account with this id, or None."""
    row = conn.execute(select(*USER_COLUMNS).where(User.id == user_id)).mappings().first()
    return dict(row) if row else None


def worker_grid_ids(conn: Connection, user_id: int) -> list[int]:
    """The basic grids a grid worker covers."""
    rows = conn.execute(select(WorkerGrid.grid_id).where(WorkerGrid.user_id == user_id))
    return sorted(r[0] for r in rows)


def user_by_device_token_hash(conn: Connection, token_hash: str) -> dict | None:
    """The active owner of an active device whose token hashes to ``token_hash``.

    Parameters
    ----------
    conn : Connection
    token_hash : str
        sha256 hex digest of the bearer token.

    Returns
    -------
    dict or None
        The user's row, plus ``device_pk`` and ``device_id``.
    """
    stmt = (select(*USER_COLUMNS, Device.id.label("device_pk"), Device.device_id)
            .join(Device, Device.user_id == User.id)
            .where(Device.token_hash == token_hash, Device.active.is_(True),
                   User.active.is_(True)))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def set_password(conn: Connection, user_id: int, password: str) -> None:
    """Store a new salted hash of ``password`` (werkzeug's default method)."""
    conn.execute(update(User).where(User.id == user_id)
                 .values(password_hash=generate_password_hash(password)))


def must_change_password(conn: Connection, user_id: int) -> bool:
    """True while the account holds a temporary password (new account, reset)."""
    return bool(conn.execute(select(User.must_change_password)
                             .where(User.id == user_id)).scalar())


def password_changed(conn: Connection, user_id: int, password: str) -> None:
    """The person chose their own password: store it, the temporary one is gone."""
    conn.execute(update(User).where(User.id == user_id)
                 .values(password_hash=generate_password_hash(password),
                         must_change_password=False))
