"""Phones that stream positions: creating them with a token (stored hashed) and finding them."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

from sqlalchemy import Connection, insert, select

from data.models import Device


class DeviceRef(NamedTuple):
    """What ingest needs to know about a device."""

    id: int
    device_id: str
    user_id: int
    active: bool


def hash_token(token: str) -> str:
    """The sha256 hex digest under which a device token is stored.

    Parameters
    ----------
    token : str

    Returns
    -------
    str
        64 hex characters.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def demo_token(device_id: str, secret: str) -> str:
    """The deterministic token of a demo device: HMAC-SHA256(secret, device_id) in hex.

    The world loader and the simulator both derive it from the deployment's demo secret
    (Settings.demo_secret, itself from the random SECRET_KEY), so the simulator can
    authenticate without the database ever holding a plain token, and nobody who only
    knows the public demo password can compute it.

    Parameters
    ----------
    device_id : str
        The identifier the phone sends.
    secret : str
        Settings.demo_secret.

    Returns
    -------
    str
    """
    return hmac.new(secret.encode("utf-8"), device_id.encode("utf-8"), hashlib.sha256).hexdigest()


def create_device(conn: Connection, user_id: int, device_id: str, token: str | None = None,
                  label: str = "") -> tuple[int, str]:
    """Register a phone for a user; returns its row id and the plain token (shown once).

    Parameters
    ----------
    conn : Connection
    user_id : int
        The grid worker who carries it.
    device_id : str
        The identifier configured in the phone app (letters, digits, ``_.:-``).
    token : str, optional
        A chosen token (e.g. :func:`demo_token`); a random one when omitted.
    label : str
        A note for operators.

    Returns
    -------
    tuple of (int, str)
    """
    token = token or secrets.token_urlsafe(32)
    pk = conn.execute(insert(Device).values(
        device_id=device_id, user_id=user_id, token_hash=hash_token(token), label=label,
    ).returning(Device.id)).scalar_one()
    return pk, token


def set_demo_tokens(conn: Connection, secret: str, pattern: str = r"^hq[0-9]{5}$") -> int:
    """Give every device whose id matches ``pattern`` the token :func:`demo_token` derives
    from ``secret``; returns how many (a demo world kept across a change of secret).

    Parameters
    ----------
    conn : Connection
    secret : str
        Settings.demo_secret.
    pattern : str
        A PostgreSQL regular expression over device ids (the demo world's ``hq00001``...).

    Returns
    -------
    int
    """
    ids = [r[0] for r in conn.execute(select(Device.device_id)
                                      .where(Device.device_id.op("~")(pattern)))]
    if not ids:
        return 0
    from sqlalchemy import bindparam, update

    stmt = (update(Device).where(Device.device_id == bindparam("d"))
            .values(token_hash=bindparam("h")).execution_options(synchronize_session=False))
    conn.execute(stmt, [{"d": d, "h": hash_token(demo_token(d, secret))} for d in ids])
    return len(ids)


def _ref(row) -> DeviceRef | None:
    return None if row is None else DeviceRef(row.id, row.device_id, row.user_id, row.active)


_COLUMNS = (Device.id, Device.device_id, Device.user_id, Device.active)


def find_device(conn: Connection, device_id: str) -> DeviceRef | None:
    """The device a phone identifies itself as, or None.

    Parameters
    ----------
    conn : Connection
    device_id : str

    Returns
    -------
    DeviceRef or None
    """
    return _ref(conn.execute(select(*_COLUMNS).where(Device.device_id == device_id)).first())


def find_device_by_token(conn: Connection, token: str) -> DeviceRef | None:
    """The device a bearer token belongs to, or None.

    Parameters
    ----------
    conn : Connection
    token : str
        The plain token from the Authorization header; only its hash is compared.

    Returns
    -------
    DeviceRef or None
    """
    found = conn.execute(select(*_COLUMNS).where(Device.token_hash == hash_token(token))).first()
    return _ref(found)
