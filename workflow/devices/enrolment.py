"""Phones under the rules: enrol one for a worker, revoke it, replace it, and its set-up link.

Enrolment gives the phone a random identifier (workflow.devices.identifiers): Traccar Client's only
credential. The set-up link carries the server URL and the identifier in the form Traccar
Client reads from a QR code or a tapped link, so nobody types 22 random characters.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import Connection

from data import auth_store
from data.devices import (
    create_device,
    device_row,
    find_device_row,
    list_devices,
    revoke_device,
    worker_place,
)
from workflow.devices.identifiers import is_strong, new_identifier
from workflow.errors import bad_request, conflict, forbidden, not_found, present
from workflow.roles import Actor, Target, can, list_filter

# What Traccar Client should do: a fix every 10 s, whatever the distance, the best accuracy,
# offline buffering on (the server acknowledges every fix it can read).
CLIENT_SETTINGS = {"interval": "10", "distance": "0", "angle": "0", "accuracy": "highest",
                   "buffer": "true"}


def setup_links(server_url: str, identifier: str) -> dict:
    """How a phone gets its settings: a QR code's text, a link to tap, and both values.

    Traccar Client scans a QR code holding an http(s) URL (the URL without its query is
    the server, the query its settings) and opens ``org.traccar.client://`` links with
    the server in ``url``; older versions need the two values typed in.

    Parameters
    ----------
    server_url : str
        Where the phone sends fixes, e.g. ``http://10.1.2.3:5055``.
    identifier : str

    Returns
    -------
    dict
        qr (text to encode), link (to tap on the phone), server_url, identifier.
    """
    query = urlencode({"id": identifier, **CLIENT_SETTINGS})
    return {"qr": f"{server_url}?{query}",
            "link": f"org.traccar.client://setup?{urlencode({'url': server_url})}&{query}",
            "server_url": server_url, "identifier": identifier}


def device_target(row: dict) -> Target:
    """Where a phone sits for the scope rules: its worker's street, community and grid."""
    return Target(street_id=row.get("street_id"),
                  community_ids=frozenset({row["community_id"]} if row.get("community_id") else ()),
                  reporter_id=row.get("user_id"))


def _allowed(actor: Actor | None, action: str, row: dict) -> None:
    # None is the shell (python app.py devices ...): whoever runs it runs the server.
    if actor is not None and not can(actor, action, device_target(row)):
        raise forbidden()


def _worker(conn: Connection, username: str) -> dict:
    row = auth_store.user_by_username(conn, username.strip().lower())
    if row is None or not row["active"]:
        raise not_found("用户", "user", "user")
    if row["role"] != "grid_worker":
        raise bad_request(f"{username} 不是网格员 / {username} is not a grid worker", "user",
                          "not_a_worker")
    return dict(row)


def _scoped_row(conn: Connection, device: dict) -> dict:
    rows = list_devices(conn, user_id=device["user_id"])
    return next(r for r in rows if r["id"] == device["id"])


def enrol(conn: Connection, actor: Actor | None, username: str, now: datetime,
          label: str = "") -> dict:
    """A new phone for a grid worker: a random identifier and token (the token shown once).

    Returns
    -------
    dict
        id, device_id (the identifier), token, user_id, username.
    """
    worker = _worker(conn, username)
    rows = list_devices(conn, user_id=worker["id"])
    target = rows[0] if rows else {"user_id": worker["id"], **worker_place(conn, worker["id"])}
    _allowed(actor, "devices.manage", target)
    identifier = new_identifier()
    pk, token = create_device(conn, worker["id"], identifier, label=label[:60])
    return {"id": pk, "device_id": identifier, "token": token, "user_id": worker["id"],
            "username": worker["username"], "enrolled_at": now}


def register(conn: Connection, user_id: int, identifier: str, production: bool,
             label: str = "") -> tuple[int, str]:
    """Register a phone under an identifier chosen elsewhere (an import, a test).

    Production refuses identifiers that could be guessed: the identifier is the phone's
    only credential on OsmAnd.
    """
    if production and not is_strong(identifier):
        raise bad_request("设备标识过短或有规律 / the device identifier is short or sequential: "
                          "use python app.py devices enrol", "device_id", "weak_identifier")
    return create_device(conn, user_id, identifier, label=label)


def _device(conn: Connection, key: str | int) -> dict:
    row = device_row(conn, key) if isinstance(key, int) else find_device_row(conn, key)
    if row is None:
        raise not_found("设备", "device", "device")
    return row


def revoke(conn: Connection, actor: Actor | None, key: str | int, now: datetime) -> dict:
    """Stop a phone (lost, stolen, or its identifier seen where it should not be)."""
    device = _device(conn, key)
    _allowed(actor, "devices.manage", _scoped_row(conn, device))
    if not revoke_device(conn, device["id"], now):
        raise conflict("already_revoked", "设备已停用 / the device is already revoked", "device")
    return present(device_row(conn, device["id"]), "设备", "device", "device")


def replace(conn: Connection, actor: Actor | None, key: str | int, now: datetime) -> dict:
    """A new identifier for the same worker's phone; the old one stops at once."""
    device = _device(conn, key)
    _allowed(actor, "devices.manage", _scoped_row(conn, device))
    if not device["active"]:
        raise conflict("already_revoked", "设备已停用 / the device is already revoked", "device")
    identifier = new_identifier()
    pk, token = create_device(conn, device["user_id"], identifier, label=device["label"])
    revoke_device(conn, device["id"], now, replaced_by=pk)
    return {"id": pk, "device_id": identifier, "token": token, "user_id": device["user_id"],
            "replaces": device["id"]}


def devices_for(conn: Connection, actor: Actor | None, active: bool | None = True) -> list[dict]:
    """The phones an actor may see (all for the shell), each marked weak or not."""
    scope = {} if actor is None else list_filter(actor, "devices.read")
    if scope is None:
        raise forbidden()
    rows = list_devices(conn, active=active, street_id=scope.get("street_id"),
                        community_id=scope.get("community_id"),
                        district_code=scope.get("district_code"))
    for row in rows:
        row["weak"] = not is_strong(row["device_id"])
    return rows
