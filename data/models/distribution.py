"""How every table would be laid out on Citus: distributed by district, reference, or local.

Nothing here runs Citus (it is not installable on these machines); the plan is the contract
that tests/test_data_citus_ready.py holds the live schema to, and docs/scaling.md explains.
"""
from __future__ import annotations

from typing import Literal, NamedTuple

Kind = Literal["distributed", "reference", "local"]

# The distribution column of every distributed table; all of them form one colocation group,
# so a join or a foreign key on (district_code, id) stays inside one shard.
DISTRIBUTION_COLUMN = "district_code"


class Placement(NamedTuple):
    kind: Kind
    why: str


def _d(why: str) -> Placement:
    return Placement("distributed", why)


def _r(why: str) -> Placement:
    return Placement("reference", why)


def _l(why: str) -> Placement:
    return Placement("local", why)


PLAN: dict[str, Placement] = {
    # The bulk: what grows with workers, cases and days, always read within one district.
    "positions": _d("~30 M fixes a day at city scale; every read is one district's devices"),
    "set_aside_fixes": _d("the doubtful fixes beside positions, read with them"),
    "latest_positions": _d("one row per device, written with each fix; the wall's dots"),
    "incidents": _d("the cases; a case belongs to the district where it happened"),
    "incident_events": _d("each case's log; colocated with its incident"),
    "incident_rollup": _d("per-district day cube; the analyst reads one district's rows"),
    "incident_rollup_month": _d("per-district month cube, as incident_rollup"),
    "incident_rollup_street_month": _d("per-street month cube; a street lies in one district"),
    "incident_rollup_day_kind": _d("per-day cube without place; see the known key issue"),
    "incident_rollup_grid_month": _d("per-grid month cube; a grid lies in one district"),
    "whistles": _d("a street's whistle belongs to the street's district"),
    "whistle_events": _d("each whistle's log; colocated with its whistle"),
    "whistle_incidents": _d("a whistle's cases; both sides in the same district"),
    "whistle_summons": _d("a whistle's summoned parties and their ratings"),
    "duplicate_suggestions": _d("pairs of cases of one district found by distance and time"),
    "field_tasks": _d("on-site checks of a case, offered to that district's workers"),
    "open311_requests": _d("the Open311 side of an incident, one row per incident"),
    "mobile_photos": _d("case photos (the bulk bytes after positions), with their incident"),
    "notices": _d("the outbox grows with cases and whistles; follows its case or whistle"),
    "notice_deliveries": _d("delivery attempts of a notice; colocated with it"),
    "patrol_sheets": _d("one row per worker and day; read per street and day"),
    "patrol_passes": _d("the discovery rate's pairs kept past retention; follow their incident"),
    "patrol_tracks": _d("closed days' replay tracks, one row per worker, day and step"),
    "patrol_exceptions": _d("shift events of a district's workers, read per street and day"),
    "residents": _d("320,000 a district, personal data kept in its district's shard"),
    "cameras": _d("thousands a district, each owned by a street or department there"),
    # Small, read by every district's joins and pointed at by distributed foreign keys.
    "districts": _r("16 rows for Tianjin; every scope starts here"),
    "streets": _r("~250 streets city-wide; target of distributed foreign keys"),
    "communities": _r("a few thousand; scope joins from every shard"),
    "grids": _r("~16,000 polygons city-wide; point-in-grid joins run on every shard"),
    "buildings": _r("residents point at them; small enough to replicate"),
    "categories": _r("the shared case catalogue and deadlines"),
    "departments": _r("city departments answer whistles from every district"),
    "users": _r("~20,000 accounts; every case, fix and notice points at one"),
    "devices": _r("one per worker's phone; positions point at it"),
    "worker_grids": _r("workers to grids, small; read with grids on every shard"),
    "worker_grid_history": _r("assignment history, small; read with grids"),
    "street_ratings": _r("a few rows per street, department and period"),
    "open311_clients": _r("a handful of api keys; open311_requests point at them"),
    "notice_routes": _r("outside channels per department or person; notices point at them"),
    "leave_days": _r("a few rows per worker a year; attendance joins them to sheets"),
    # Coordinator only: sign-in state, audits and bookkeeping that no shard query joins.
    "web_sessions": _l("checked on every desk request by the coordinator alone"),
    "mobile_sessions": _l("phone sign-ins, checked by the coordinator alone"),
    "access_audit": _l("append-only audit of personal-record views, kept in one place"),
    "admin_audit": _l("append-only audit of administrative changes, kept in one place"),
    "alembic_version": _l("Alembic's bookkeeping of the schema revision"),
}

# Citus requires every primary key and unique constraint of a distributed table to include
# the distribution column. These do not yet: widening them changes the ORM identity and
# the meaning of global codes and idempotency keys (docs/scaling.md says what it takes).
WHY_KEYS_WITHOUT_DISTRICT = (
    "widening a key to (district_code, ...) changes the ORM identity of its rows, and for codes "
    "and idempotency keys makes them unique per district only; done on the day of the move "
    "to Citus (docs/scaling.md, 'What it takes')"
)
KNOWN_KEYS_WITHOUT_DISTRICT: frozenset[str] = frozenset({
    "pk_cameras", "uq_cameras_code",
    "duplicate_pair", "pk_duplicate_suggestions",
    "pk_field_tasks", "uq_field_tasks_live_kind",
    "pk_incident_events",
    "pk_incident_rollup",
    "pk_incident_rollup_day_kind",
    "pk_incident_rollup_grid_month",
    "pk_incident_rollup_month",
    "pk_incident_rollup_street_month",
    "pk_incidents", "uq_incidents_code", "uq_incidents_idempotency_key",
    "pk_latest_positions",
    "pk_mobile_photos",
    "pk_notice_deliveries",
    "pk_notices", "uq_notices_key",
    "pk_open311_requests", "uq_open311_requests_client_key", "uq_open311_requests_token",
    "pk_patrol_exceptions", "uq_patrol_exceptions_event",
    "pk_patrol_sheets",
    "pk_positions",
    "pk_residents", "uq_residents_id_hash",
    "pk_set_aside_fixes",
    "pk_whistle_events",
    "pk_whistle_incidents",
    "party_once", "pk_whistle_summons",
    "pk_whistles", "uq_whistles_code", "uq_whistles_idempotency_key",
})


def tables_of(kind: Kind) -> set[str]:
    """The tables the plan places as ``kind``.

    Parameters
    ----------
    kind : "distributed", "reference" or "local"

    Returns
    -------
    set of table names
    """
    return {name for name, placement in PLAN.items() if placement.kind == kind}
