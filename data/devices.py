"""Phones that stream positions: creating them with a token (stored hashed), finding them,
revoking and replacing them, and the clock offset measured for each.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, insert, select, text, update

from data.models import Device, User


class DeviceRef(NamedTuple):
    """What ingest needs to know about a device."""

    id: int
    device_id: str
    user_id: int
    active: bool
    clock_offset_s: float | None = None
    # The district of the device's worker: its fixes are judged against that outline and
    # stored under that code (None: the deployment's home district).
    district_code: str | None = None


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
    return None if row is None else DeviceRef(row.id, row.device_id, row.user_id, row.active,
                                              row.clock_offset_s, row.district_code)


# The worker's district comes with the device, in the same read the ingest cache keeps.
_SELECT = (select(Device.id, Device.device_id, Device.user_id, Device.active,
                  Device.clock_offset_s, User.district_code)
           .join(User, User.id == Device.user_id))


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
    return _ref(conn.execute(_SELECT.where(Device.device_id == device_id)).first())


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
    found = conn.execute(_SELECT.where(Device.token_hash == hash_token(token))).first()
    return _ref(found)


STORE_CLOCK = text("""
update devices d set clock_offset_s = c.offset_s, clock_checked_at = c.checked_at
from unnest(cast(:ids as int[]), cast(:offsets as float8[]), cast(:at as timestamptz[]))
  as c(id, offset_s, checked_at)
where d.id = c.id
""")


def store_clock_offsets(conn: Connection, offsets: Sequence[tuple[int, float, datetime]]) -> None:
    """Record the clock offset measured for devices (phone minus server, seconds).

    Parameters
    ----------
    conn : Connection
    offsets : sequence of (device row id, offset in seconds, measured at)
    """
    conn.execute(STORE_CLOCK, {"ids": [o[0] for o in offsets],
                               "offsets": [float(o[1]) for o in offsets],
                               "at": [o[2] for o in offsets]})


def device_row(conn: Connection, device_pk: int) -> dict | None:
    """One device with its lifecycle columns, or None.

    Parameters
    ----------
    conn : Connection
    device_pk : int

    Returns
    -------
    dict or None
        id, device_id, user_id, active, label, created_at, revoked_at, replaced_by,
        clock_offset_s, clock_checked_at.
    """
    row = conn.execute(select(Device.id, Device.device_id, Device.user_id, Device.active,
                              Device.label, Device.created_at, Device.revoked_at,
                              Device.replaced_by, Device.clock_offset_s, Device.clock_checked_at)
                       .where(Device.id == device_pk)).mappings().first()
    return None if row is None else dict(row)


def find_device_row(conn: Connection, device_id: str) -> dict | None:
    """A device by the identifier its phone sends (active or not), or None."""
    pk = conn.execute(select(Device.id).where(Device.device_id == device_id)).scalar()
    return None if pk is None else device_row(conn, pk)


def revoke_device(conn: Connection, device_pk: int, at: datetime,
                  replaced_by: int | None = None) -> bool:
    """Stop a device: its identifier and token are refused from now on; history stays.

    Parameters
    ----------
    conn : Connection
    device_pk : int
    at : datetime
    replaced_by : int, optional
        The device that takes its place.

    Returns
    -------
    bool
        False when it was already revoked (nothing changed).
    """
    done = conn.execute(update(Device).where(Device.id == device_pk, Device.active.is_(True))
                        .values(active=False, revoked_at=at, replaced_by=replaced_by)
                        .returning(Device.id)).first()
    return done is not None


DEVICES = text("""
select d.id, d.device_id, d.user_id, u.username, u.display_name, d.label, d.active,
       d.created_at, d.revoked_at, d.replaced_by, d.clock_offset_s, d.clock_checked_at,
       g.street_id, g.community_id, g.code as grid_code
from devices d
join users u on u.id = d.user_id
left join lateral (
  select g.street_id, g.community_id, g.code from worker_grids wg join grids g on g.id = wg.grid_id
  where wg.user_id = u.id order by wg.is_primary desc, wg.id limit 1) g on true
where (cast(:user_id as int) is null or d.user_id = :user_id)
  and (cast(:active as boolean) is null or d.active = :active)
  and (cast(:street_id as int) is null or g.street_id = :street_id)
  and (cast(:community_id as int) is null or g.community_id = :community_id)
  and (cast(:district_code as varchar) is null or u.district_code = :district_code)
order by u.username, d.id
""")


def list_devices(conn: Connection, user_id: int | None = None, active: bool | None = None,
                 street_id: int | None = None, community_id: int | None = None,
                 district_code: str | None = None) -> list[dict]:
    """Devices with their worker and the street and community of the worker's grid.

    Parameters
    ----------
    conn : Connection
    user_id : int, optional
    active : bool, optional
        Only active (True) or only revoked (False) devices.
    street_id, community_id : int, optional
        Only devices whose worker's primary grid lies there.
    district_code : str, optional
        Only devices of this district's workers.

    Returns
    -------
    list of dict
    """
    params = {"user_id": user_id, "active": active, "street_id": street_id,
              "community_id": community_id, "district_code": district_code}
    return [dict(r) for r in conn.execute(DEVICES, params).mappings()]


PLACE = text("""
select g.street_id, g.community_id, g.code as grid_code
from worker_grids wg join grids g on g.id = wg.grid_id
where wg.user_id = :user_id order by wg.is_primary desc, wg.id limit 1
""")


def worker_place(conn: Connection, user_id: int) -> dict:
    """The street, community and code of a worker's primary grid (empty when none).

    Parameters
    ----------
    conn : Connection
    user_id : int

    Returns
    -------
    dict
    """
    row = conn.execute(PLACE, {"user_id": user_id}).mappings().first()
    return dict(row) if row else {}
