"""Reports and checks from the phone: an incident with its photo, the verify step, photo reads."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from data import incident_store, mobile_queries, photo_store
from data.devices import DeviceRef, create_device
from workflow.devices.identifiers import new_identifier
from workflow.errors import forbidden, invalid, not_found
from workflow.incidents.read import incident_target
from workflow.incidents.service import NewIncident, create_incident, transition_incident
from workflow.mobile.photo import PHOTO_URL, Photo, check_photo_url, photo_id_of, process_photo
from workflow.roles import Actor, can


def _photo(data: bytes | None) -> tuple[Photo | None, str | None]:
    if not data:
        return None, None
    photo_id = uuid.uuid4().hex
    return process_photo(data), photo_id


def report(conn: Connection, actor: Actor, new: NewIncident, photo_data: bytes | None,
           key: str | None, now: datetime, where: tuple[float, float] | None = None,
           ) -> tuple[dict, bool]:
    """Report an incident from the phone, with its photo, in the caller's transaction.

    ``where`` is the phone's (lon, lat) or None; without it the photo's EXIF location is
    used, and without that the report is refused (422, field ``location``). The reporter is
    always ``actor``. A retried Idempotency-Key replays the first report and stores nothing.
    """
    photo, photo_id = _photo(photo_data)
    if where is None and photo is not None and photo.lon is not None and photo.lat is not None:
        where = (photo.lon, photo.lat)
    if where is None:
        raise invalid("请定位或在网格图上点选位置 / locate the phone or tap the place on the map",
                      "location")
    new = replace(new, lon=where[0], lat=where[1], source="patrol",
                  photo_url=PHOTO_URL.format(photo_id) if photo_id else None)
    view, created = create_incident(conn, actor, new, now, key)
    if created and photo is not None and photo_id is not None:
        photo_store.insert_photo(conn, photo_id, actor.id, view["id"], "report", photo.content,
                                 photo.width, photo.height, photo.lon, photo.lat)
    return view, created


def check(conn: Connection, actor: Actor, incident_id: int, fixed: bool, note: str,
          photo_data: bytes | None, now: datetime) -> dict:
    """The worker's answer to "is it fixed?": verify (yes) or reopen (no, with a reason),
    with an optional photo; permission and lifecycle are the state machine's.
    """
    photo, photo_id = _photo(photo_data)
    url = PHOTO_URL.format(photo_id) if photo_id else None
    view = transition_incident(conn, actor, incident_id, "verify" if fixed else "reopen", now,
                               note=note, photo_url=url)
    if photo is not None and photo_id is not None:
        photo_store.insert_photo(conn, photo_id, actor.id, incident_id, "verify", photo.content,
                                 photo.width, photo.height, photo.lon, photo.lat)
    return view


def photo_for(conn: Connection, actor: Actor, photo_id: str) -> bytes:
    """A stored photo's JPEG bytes if ``actor`` may read its incident (or sent it); else 404."""
    found = photo_store.photo(conn, photo_id)
    if found is None:
        raise not_found("照片", "photo")
    if found["user_id"] == actor.id:
        return found["content"]
    row = incident_store.incident_detail(conn, found["incident_id"]) if found["incident_id"] else None
    if row is None:
        raise not_found("照片", "photo")
    parties = incident_store.incident_whistle_parties(conn, row["id"])
    if not can(actor, "incident.read", incident_target(row, parties)):
        raise not_found("照片", "photo")     # no hint that it exists
    return found["content"]


def require_stored_photo(conn: Connection, url: str | None) -> None:
    """422 unless ``url`` is empty or names a photo this server stored (API callers may
    attach a phone's photo to an incident or a step, nothing else).
    """
    photo_id = photo_id_of(check_photo_url(url))
    if photo_id is not None and photo_store.photo(conn, photo_id) is None:
        raise invalid("照片不存在 / no such photo", "photo_url", "invalid_photo_url")


def patrol_device(conn: Connection, actor: Actor) -> DeviceRef:
    """The worker's phone as a device for positions; registered on first use when the worker
    has none (its token is random and discarded: the page authenticates with its session).
    """
    if actor.role != "grid_worker":
        raise forbidden()
    device = mobile_queries.device_of_user(conn, actor.id)
    if device is None:
        # Random like every identifier: the page never sends it, but OsmAnd would accept it.
        identifier = new_identifier()
        pk, _ = create_device(conn, actor.id, identifier, label="手机网页 / phone page")
        device = DeviceRef(pk, identifier, actor.id, True, None, actor.district_code)
    return device
