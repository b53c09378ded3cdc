"""Open311 in PostGIS: api-key clients, the request rows beside incidents, and the reads."""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, text, update

from data.models import Open311Client, Open311Request

ATTRIBUTES_CSV = Path(__file__).resolve().parent / "reference" / "open311_attributes.csv"
MAX_ROWS = 1000


def attribute_rows(path: Path = ATTRIBUTES_CSV) -> list[dict]:
    """The shipped service-attribute definitions, one dict per CSV row.

    Parameters
    ----------
    path : Path
        data/reference/open311_attributes.csv unless a test passes another.

    Returns
    -------
    list of dict
        Columns as strings: service_code, order, code, datatype, required, variable,
        description, datatype_description, values.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def add_client(conn: Connection, name: str, key_hash: str, key_hint: str) -> int:
    """Register a client under the hash of its key; returns its id."""
    stmt = insert(Open311Client).values(name=name, key_hash=key_hash, key_hint=key_hint)
    return conn.execute(stmt.returning(Open311Client.id)).scalar_one()


def ensure_client(conn: Connection, name: str, key_hash: str, key_hint: str) -> None:
    """Register a client, or give the existing one of that name this key (the demo key,
    loaded repeatedly and re-keyed when the deployment's secret changed).
    """
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    stmt = pg_insert(Open311Client).values(name=name, key_hash=key_hash, key_hint=key_hint)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=[Open311Client.name],
        set_={"key_hash": stmt.excluded.key_hash, "key_hint": stmt.excluded.key_hint}))


def client_by_key_hash(conn: Connection, key_hash: str) -> dict | None:
    """The enabled client holding this key hash, or None."""
    row = conn.execute(select(Open311Client.id, Open311Client.name)
                       .where(Open311Client.key_hash == key_hash,
                              Open311Client.enabled.is_(True))).mappings().first()
    return dict(row) if row else None


def clients(conn: Connection) -> list[dict]:
    """Every client with its key hint, state and number of requests, by name."""
    counts = (select(Open311Request.client_id, func.count().label("requests"))
              .group_by(Open311Request.client_id).subquery())
    stmt = (select(Open311Client.id, Open311Client.name, Open311Client.key_hint,
                   Open311Client.enabled, Open311Client.created_at, Open311Client.revoked_at,
                   func.coalesce(counts.c.requests, 0).label("requests"))
            .outerjoin(counts, counts.c.client_id == Open311Client.id)
            .order_by(Open311Client.name))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def revoke_client(conn: Connection, name: str, now: datetime) -> bool:
    """Disable a client's key; False when no enabled client has that name."""
    stmt = (update(Open311Client).where(Open311Client.name == name,
                                        Open311Client.enabled.is_(True))
            .values(enabled=False, revoked_at=now))
    return conn.execute(stmt).rowcount > 0


def lock_identity(conn: Connection, identity: str) -> None:
    """Serialise requests with the same identity until the transaction ends."""
    conn.execute(text("select pg_advisory_xact_lock(hashtextextended(:k, 311))"),
                 {"k": identity})


def request_by_key(conn: Connection, client_id: int, key: str) -> dict | None:
    """The request this client filed under an Idempotency-Key, or None."""
    stmt = select(Open311Request.incident_id, Open311Request.request_hash).where(
        Open311Request.client_id == client_id, Open311Request.idempotency_key == key)
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def request_by_hash(conn: Connection, client_id: int, request_hash: str,
                    since: datetime) -> dict | None:
    """This client's latest request with identical content filed since ``since``, or None."""
    stmt = (select(Open311Request.incident_id, Open311Request.request_hash)
            .where(Open311Request.client_id == client_id,
                   Open311Request.request_hash == request_hash,
                   Open311Request.created_at >= since)
            .order_by(Open311Request.created_at.desc()).limit(1))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def insert_request(conn: Connection, values: dict) -> None:
    """The Open311 row of a newly created incident."""
    conn.execute(insert(Open311Request).values(**values))


def incident_id_by_token(conn: Connection, token: str) -> int | None:
    """The incident a POST's token stands for, or None."""
    return conn.execute(select(Open311Request.incident_id)
                        .where(Open311Request.token == token)).scalar()


REQUESTS_SQL = """
    select i.id, i.code, i.status, i.category_code, c.name_zh as service_name,
           c.name_en as service_name_en, c.deadline_hours, i.description, i.address,
           i.photo_url, i.handled_by, i.reported_at, i.updated_at, i.deadline,
           d.name_zh as department_name, s.name_zh as street_name,
           cm.name_zh as community_name, ST_X(i.geom) as lon, ST_Y(i.geom) as lat,
           r.token, r.media_url, last.action as last_action, public_note.note as last_note
    from open311_requests r
    join incidents i on i.id = r.incident_id
    join categories c on c.code = i.category_code
    join streets s on s.id = i.street_id
    join communities cm on cm.id = i.community_id
    left join departments d on d.id = i.department_id
    left join lateral (
        select e.action, e.note from incident_events e
        where e.incident_id = i.id and e.action not in ('comment', 'escalate')
        order by e.at desc, e.id desc limit 1
    ) last on true
    left join lateral (
        select e.note from incident_events e
        where e.incident_id = i.id and e.public and e.note <> ''
        order by e.at desc, e.id desc limit 1
    ) public_note on true
"""
FILTERS = {
    "incident_ids": "i.id = any(:incident_ids)",
    "codes": "i.code = any(:codes)",
    "service_codes": "i.category_code = any(:service_codes)",
    "statuses": "i.status = any(:statuses)",
    "start": "i.reported_at >= :start",
    "end": "i.reported_at <= :end",
    "hidden_services": "i.category_code <> all(:hidden_services)",
}


def service_requests(conn: Connection, filters: dict, limit: int = MAX_ROWS) -> list[dict]:
    """Incidents filed through Open311 that match ``filters``, newest first.

    Parameters
    ----------
    conn : Connection
    filters : dict
        Any of incident_ids, codes, service_codes, statuses, hidden_services (lists: the
        last one excludes those categories) and start, end (aware datetimes); absent or
        None keys do not filter.
    limit : int
        At most this many rows (the spec suggests 1,000).

    Returns
    -------
    list of dict
        Incident, category, department and place names, WGS84 lon/lat, the request's
        token and media_url, the last lifecycle event's action, and the newest note marked
        public (``last_note``).
    """
    used = {k: v for k, v in filters.items() if k in FILTERS and v is not None}
    where = " and ".join(FILTERS[k] for k in used) or "true"
    sql = text(f"{REQUESTS_SQL} where {where} order by i.reported_at desc, i.id desc "
               "limit :limit")
    rows = conn.execute(sql, {**used, "limit": limit}).mappings()
    return [dict(r) for r in rows]
