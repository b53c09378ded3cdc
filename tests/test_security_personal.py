"""Personal data: residents only masked, only for staff in scope, every view audited; reporter
contacts only for the roles allowed them; no export carries residents.
"""
import re

import pytest
from sqlalchemy import inspect, select

from data.models import AccessAudit, Resident
from data.resident_store import resident_record
from etl.importers.export import KINDS
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import ACCOUNTS
from workflow.residents import RESIDENT_READ
from workflow.roles import PERSONAL_DATA_ROLES, SCOPES, Target

MASKED = re.compile(r"^.\*+.?$")


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_personal")
    yield world
    drop_security_world(server_settings, world)


def audit_rows(sw):
    with sw.engine.connect() as conn:
        return conn.execute(select(AccessAudit).order_by(AccessAudit.id)).all()


def test_the_schema_has_no_column_for_a_clear_identifier(engine):
    columns = {c["name"] for c in inspect(engine).get_columns("residents")}
    assert "id_hash" in columns and "name_masked" in columns
    assert not columns & {"name", "full_name", "id_number", "id_card", "phone", "sfz"}


def test_a_community_chief_reads_a_masked_record_and_the_view_is_audited(sw):
    client = sw.client("community_a")
    before = len(audit_rows(sw))
    response = client.get(f"/api/v1/residents/{sw.residents['A']}")
    assert response.status_code == 200
    body = response.get_json()
    assert MASKED.match(body["name_masked"]) and "id_hash" not in body
    assert not any(isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) for v in body.values())
    assert response.headers["Cache-Control"] == "no-store"
    rows = audit_rows(sw)
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.actor_id, last.action, last.subject_type, last.subject_id) == (
        sw.world.users["community_a"], "resident.read", "resident", sw.residents["A"])
    assert last.ip and last.path == f"/api/v1/residents/{sw.residents['A']}" and last.at


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_every_role_sees_residents_only_in_its_scope(sw, username):
    client, actor = sw.client(username), sw.actor(username)
    for street, resident_id in sw.residents.items():
        before = len(audit_rows(sw))
        response = client.get(f"/api/v1/residents/{resident_id}")
        scope = RESIDENT_READ.get(actor.role)
        with sw.engine.connect() as conn:
            row = resident_record(conn, resident_id)
        inside = scope is not None and SCOPES[scope](actor, Target(
            street_id=row["street_id"], community_ids=frozenset([row["community_id"]]),
            grid_id=row["grid_id"]))
        if scope is None:
            assert response.status_code == 403, (username, street)
        elif not inside:
            assert response.status_code == 404, (username, street)
        else:
            assert response.status_code == 200, (username, street)
        assert len(audit_rows(sw)) == before + (1 if inside else 0)


def test_the_resident_roles_are_the_personal_data_roles():
    assert set(RESIDENT_READ) == set(PERSONAL_DATA_ROLES)


def test_unknown_residents_are_404_and_not_audited(sw):
    before = len(audit_rows(sw))
    assert sw.client("admin").get("/api/v1/residents/999999").status_code == 404
    assert len(audit_rows(sw)) == before


def test_reporter_contacts_only_for_roles_with_the_right(sw):
    reporter = sw.client("worker_a")
    made = reporter.post("/api/v1/incidents", json={
        "category_code": "0101", "lon": 117.105, "lat": 39.155, "description": "路灯不亮",
        "reporter_contact": "13800001234"})
    assert made.status_code == 201
    incident_id = made.get_json()["id"]
    for username in ("analyst", "leader", "supervisor", "wall", "officer_road", "worker_b"):
        client = sw.client(username)
        for url in (f"/api/v1/incidents/{incident_id}", "/api/v1/incidents?per_page=200"):
            response = client.get(url)
            assert "13800001234" not in response.get_data(as_text=True), (username, url)
    assert "13800001234" in sw.client("operator").get(
        f"/api/v1/incidents/{incident_id}").get_data(as_text=True)


def test_no_export_kind_carries_residents_or_contacts():
    from data.export_store import INCIDENTS_SQL

    assert not any("resident" in kind for kind in KINDS)
    assert "reporter_contact" not in str(INCIDENTS_SQL) and "id_hash" not in str(INCIDENTS_SQL)


def test_world_residents_are_stored_masked(world_conn):
    rows = world_conn.execute(select(Resident.name_masked, Resident.id_hash).limit(500)).all()
    assert rows
    for name, digest in rows:
        assert "*" in name and len(name) <= 4
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
