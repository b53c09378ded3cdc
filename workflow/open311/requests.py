"""Open311 over the incident lifecycle: clients' keys, filing a request, following it."""
from __future__ import annotations

import hashlib
import json
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import open311_store
from data.devices import demo_token
from workflow.errors import bad_request, forbidden, not_found
from workflow.idempotency import check_key
from workflow.incidents.machine import FINAL_STATUSES, OPEN_STATUSES
from workflow.incidents.service import MAX_DESCRIPTION, NewIncident, create_incident
from workflow.open311.services import (
    NOT_PUBLIC,
    attributes_by_service,
    check_attributes,
    hidden_codes,
    service,
)
from workflow.open311.status import to_open311
from workflow.roles import Actor

SPAN = timedelta(days=90)               # the spec's longest start_date..end_date range
REPLAY_WINDOW = timedelta(hours=24)     # an identical POST within this is a retry
OPEN311_STATUSES = {"open": OPEN_STATUSES, "closed": FINAL_STATUSES}
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")
DEMO_CLIENT = "demo"


def key_hash(api_key: str) -> str:
    """How api keys are stored: the sha256 hex digest."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def demo_api_key(secret: str) -> str:
    """The demo client's key, derived from the deployment's demo secret (Settings.demo_secret)
    like the demo devices' tokens.
    """
    return demo_token("open311-demo", secret)


def new_api_key() -> str:
    return secrets.token_urlsafe(24)


def client_for_key(conn: Connection, api_key: str | None) -> dict:
    """The enabled client owning ``api_key``; 403 when it is missing, unknown or revoked."""
    if not api_key or len(api_key) > 200:
        raise forbidden("缺少或无效的 api_key / api_key was not provided or is invalid")
    client = open311_store.client_by_key_hash(conn, key_hash(api_key))
    if client is None:
        raise forbidden("缺少或无效的 api_key / api_key was not provided or is invalid")
    return client


def client_actor(client: dict) -> Actor:
    # The key is the credential: it may report anywhere in the district, as the hotline
    # desk does, and nothing else (Open311 has no other writes). No user row: the incident
    # has no reporter account, its open311_requests row names the client.
    return Actor(id=None, role="operator", username=f"open311:{client['name']}",  # type: ignore[arg-type]
                 display_name=client["name"])


@dataclass(frozen=True)
class Open311Post:
    """A POST requests as the spec names its fields (types already checked by api/)."""

    service_code: str
    lat: float | None = None
    lon: float | None = None
    address_string: str = ""
    description: str = ""
    media_url: str | None = None
    attributes: dict = field(default_factory=dict)
    contact: dict = field(default_factory=dict)


def request_hash(post: Open311Post) -> str:
    """The identity of a request's content: an identical retry hashes the same."""
    body = {"service_code": post.service_code, "address": post.address_string,
            "lat": None if post.lat is None else round(post.lat, 7),
            "lon": None if post.lon is None else round(post.lon, 7),
            "description": post.description, "media_url": post.media_url,
            "attributes": {k: sorted(v) for k, v in sorted(post.attributes.items())},
            "contact": dict(sorted(post.contact.items()))}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()


def _check_post(conn: Connection, post: Open311Post) -> dict:
    if not post.service_code:
        raise bad_request("缺少 service_code / service_code was not provided", "service_code")
    if post.service_code in NOT_PUBLIC:
        raise bad_request("此类事项不通过 Open311 受理，请拨打为民服务热线或联系所在社区 / this "
                          "service is not offered through Open311: call the citizen service "
                          "hotline or the community", "service_code")
    if service(conn, post.service_code) is None:
        raise bad_request(f"未知的 service_code {post.service_code[:20]} / service_code not "
                          "found", "service_code")
    if post.lat is None or post.lon is None:
        # A street or community name is an area, not a point on one basic grid: routing
        # needs coordinates, and guessing one would send the work to the wrong grid worker.
        raise bad_request("请提供 lat 和 long（WGS84）；仅有 address_string 无法定位到网格 / lat "
                          "and long (WGS84) are required: address_string alone cannot be "
                          "placed on a grid", "lat")
    if not (math.isfinite(post.lat) and math.isfinite(post.lon)):
        raise bad_request("坐标无效 / invalid coordinates", "lat")
    if len(post.description) > MAX_DESCRIPTION:
        raise bad_request("description 最多 4000 字 / description longer than 4000 "
                          "characters", "description")
    attrs = attributes_by_service().get(post.service_code, [])
    return check_attributes(post.attributes, attrs)


def _contact_line(contact: dict) -> str | None:
    name = " ".join(p for p in (contact.get("last_name"), contact.get("first_name")) if p)
    reach = contact.get("phone") or contact.get("email") or ""
    line = " ".join(p for p in (name, reach) if p)
    return line[:80] or None


def submit_request(conn: Connection, client: dict, post: Open311Post, now: datetime,
                   idempotency_key: str | None = None) -> tuple[dict, bool]:
    """File a request as an incident (source "app") where it lies; returns (row, created).

    The Idempotency-Key (per client), or else identical content within 24 hours, makes a
    retry answer with the first request instead of filing twice.
    """
    key = check_key(idempotency_key)
    attributes = _check_post(conn, post)
    digest = request_hash(post)
    identity = f"key:{client['id']}:{key}" if key else f"hash:{client['id']}:{digest}"
    open311_store.lock_identity(conn, identity)
    found = (open311_store.request_by_key(conn, client["id"], key) if key else
             open311_store.request_by_hash(conn, client["id"], digest, now - REPLAY_WINDOW))
    if found is not None:
        if found["request_hash"] != digest:
            raise bad_request("该 Idempotency-Key 已用于另一请求 / this Idempotency-Key was used "
                              "for a different request", "Idempotency-Key")
        return get_request_by_id(conn, found["incident_id"]), False
    # The client's photo link stays with the request: an incident's photo_url only ever
    # names a photo this server stored.
    assert post.lon is not None and post.lat is not None  # _check_post refused a request without
    new = NewIncident(category_code=post.service_code, lon=post.lon, lat=post.lat,
                      description=post.description, address=post.address_string[:200] or None,
                      source="app", reporter_contact=_contact_line(post.contact))
    view, _ = create_incident(conn, client_actor(client), new, now)
    open311_store.insert_request(conn, {
        "incident_id": view["id"], "client_id": client["id"], "token": secrets.token_hex(16),
        "idempotency_key": key, "request_hash": digest, "attributes": attributes,
        "contact": post.contact, "media_url": post.media_url, "created_at": now})
    return get_request_by_id(conn, view["id"]), True


def date_range(start: datetime | None, end: datetime | None,
               now: datetime) -> tuple[datetime, datetime]:
    """The spec's window: the last 90 days by default; one bound gives the other 90 days
    away; both may not span more than 90 days (400), nor end before they start.
    """
    if start is None and end is None:
        return now - SPAN, now
    if start is None:
        assert end is not None  # both None returned above
        return end - SPAN, end
    if end is None:
        return start, start + SPAN
    if end < start:
        raise bad_request("end_date 早于 start_date / end_date is before start_date", "end_date")
    if end - start > SPAN:
        raise bad_request("start_date 与 end_date 相隔不得超过 90 天 / start_date and end_date "
                          "may not span more than 90 days", "start_date")
    return start, end


def list_requests(conn: Connection, ids: list[str], service_codes: list[str],
                  statuses: list[str], start: datetime | None, end: datetime | None,
                  now: datetime) -> list[dict]:
    """GET requests: by service_request_id (which overrides every other filter), else by
    service code, open/closed and the date window.
    """
    hidden = hidden_codes(conn)
    if ids:
        return [to_open311(r) for r in open311_store.service_requests(
            conn, {"codes": ids, "hidden_services": hidden})]
    start, end = date_range(start, end, now)
    ours = [s for name in statuses for s in OPEN311_STATUSES[name]] or None
    rows = open311_store.service_requests(conn, {
        "service_codes": service_codes or None, "statuses": ours, "start": start, "end": end,
        "hidden_services": hidden})
    return [to_open311(r) for r in rows]


def get_request(conn: Connection, code: str) -> dict:
    """One request by its service_request_id (the incident code); 404 when not ours."""
    rows = open311_store.service_requests(
        conn, {"codes": [code], "hidden_services": hidden_codes(conn)}, limit=1)
    if not rows:
        raise not_found("服务请求", "service_request_id")
    return to_open311(rows[0])


def get_request_by_id(conn: Connection, incident_id: int) -> dict:
    rows = open311_store.service_requests(conn, {"incident_ids": [incident_id]}, limit=1)
    if not rows:
        raise not_found("服务请求", "service_request_id")
    return {**to_open311(rows[0]), "token": rows[0]["token"]}


def token_request(conn: Connection, token: str) -> dict:
    """tokens/{token}: the service_request_id a POST's token stands for; 404 if unknown."""
    incident_id = open311_store.incident_id_by_token(conn, token) if len(token) <= 40 else None
    if incident_id is None:
        raise not_found("令牌", "token")
    row = get_request_by_id(conn, incident_id)
    return {"service_request_id": row["service_request_id"], "token": token}


def ensure_demo_client(conn: Connection, secret: str) -> str:
    """The demo's Open311 client with the key derived from ``secret`` (Settings.demo_secret),
    re-keyed when it was made from another secret; returns the key.
    """
    key = demo_api_key(secret)
    open311_store.ensure_client(conn, DEMO_CLIENT, key_hash(key), key[:6])
    return key
