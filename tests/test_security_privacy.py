"""Issue 18, items 2, 3 and 13 (photo_url): vulnerable residents' matters never public on
Open311, status_notes only notes meant for the public, reporters hidden in the timeline
too, and an incident's photo only ever one of our stored photos.
"""
import pytest
from sqlalchemy import func, insert, select

from cli.open311 import add_client
from data.models import Incident, IncidentEvent, Open311Client, Open311Request
from tests.open311_helpers import BASE, post
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import NAMES, make_incident

VULNERABLE = ("0501", "0502", "0503")


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_privacy")
    with world.engine.begin() as conn:
        world.open311_key = add_client(conn, "privacy-app")
        world.world.conn = conn
        # A matter about an elderly resident living alone, filed through Open311 by an
        # older version (before the service was withdrawn): it must not be published.
        hidden = make_incident(conn, world.world, "reported", category="0501",
                               code="HQ-ELDERLY-1")
        client_id = conn.execute(select(Open311Client.id)
                                 .where(Open311Client.name == "privacy-app")).scalar_one()
        conn.execute(insert(Open311Request).values(
            incident_id=hidden, client_id=client_id, token="elderly-token",
            request_hash="1" * 64))
        world.world.conn = None
    yield world
    drop_security_world(server_settings, world)


def rows(sw, table) -> int:
    with sw.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_vulnerable_residents_services_are_not_offered(sw, fmt):
    client = sw.client()
    listed = client.get(f"{BASE}/services.{fmt}").get_data(as_text=True)
    assert not any(f"0{n}" in listed for n in ("501", "502", "503"))
    assert "0504" in listed
    for code in VULNERABLE:
        assert client.get(f"{BASE}/services/{code}.{fmt}").status_code == 404


def test_filing_a_vulnerable_residents_matter_is_refused_and_writes_nothing(sw):
    client = sw.client()
    before = (rows(sw, Incident), rows(sw, Open311Request))
    for code in VULNERABLE:
        response = post(client, sw.open311_key, service_code=code,
                        description="王奶奶独居，行动不便")
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "service_code" in response.get_data(as_text=True) or \
            "Open311" in response.get_json()[0]["description"]
    assert (rows(sw, Incident), rows(sw, Open311Request)) == before


def test_such_a_matter_filed_before_is_never_listed_or_shown(sw):
    client = sw.client()
    everything = client.get(f"{BASE}/requests.json").get_json()
    assert "HQ-ELDERLY-1" not in {r["service_request_id"] for r in everything}
    assert "HQ-ELDERLY-1" not in client.get(
        f"{BASE}/requests.json?service_request_id=HQ-ELDERLY-1").get_data(as_text=True)
    assert client.get(f"{BASE}/requests/HQ-ELDERLY-1.json").status_code == 404
    assert "HQ-ELDERLY-1" not in client.get(
        f"{BASE}/requests.json?service_code=0501").get_data(as_text=True)


def test_status_notes_carry_only_notes_marked_public(sw):
    client = sw.client()
    code = post(client, sw.open311_key, description="路灯坏了").get_json()[0]["service_request_id"]
    with sw.engine.connect() as conn:
        incident_id = conn.execute(select(Incident.id).where(Incident.code == code)).scalar_one()
    operator = sw.client("operator")
    assert operator.post(f"/api/v1/incidents/{incident_id}/accept",
                         json={"note": "内部：疑似与 HQ123 重复，联系人 138xxxx"}).status_code == 200
    notes = client.get(f"{BASE}/requests/{code}.json").get_json()[0]["status_notes"]
    assert "内部" not in notes and "138" not in notes and notes.startswith("已受理")
    assert operator.post(f"/api/v1/incidents/{incident_id}/dispatch",
                         json={"handled_by": "street", "note": "已派街道处理 / sent to the street",
                               "public": True}).status_code == 200
    notes = client.get(f"{BASE}/requests/{code}.json").get_json()[0]["status_notes"]
    assert notes.endswith("已派街道处理 / sent to the street")
    with sw.engine.connect() as conn:
        flags = conn.execute(select(IncidentEvent.action, IncidentEvent.public)
                             .where(IncidentEvent.incident_id == incident_id)
                             .order_by(IncidentEvent.id)).all()
    assert [tuple(f) for f in flags] == [("report", False), ("accept", False),
                                         ("dispatch", True)]


def test_a_clients_media_url_stays_with_the_request(sw):
    client = sw.client()
    code = post(client, sw.open311_key, description="有照片",
                media_url="https://partner.example.cn/p/1.jpg").get_json()[0]["service_request_id"]
    with sw.engine.connect() as conn:
        photo = conn.execute(select(Incident.photo_url).where(Incident.code == code)).scalar_one()
    assert photo is None
    shown = client.get(f"{BASE}/requests/{code}.json").get_json()[0]
    assert shown["media_url"] == "https://partner.example.cn/p/1.jpg"


def test_the_reporter_is_hidden_in_the_timeline_as_in_the_fields(sw):
    reporter = NAMES["worker_a"]
    made = sw.client("worker_a").post("/api/v1/incidents", json={
        "category_code": "0102", "lon": 117.105, "lat": 39.155, "description": "垃圾满溢"})
    assert made.status_code == 201, made.get_json()
    incident_id = made.get_json()["id"]
    analyst = sw.client("analyst").get(f"/api/v1/incidents/{incident_id}").get_json()
    assert analyst["reporter_name"] is None
    report = next(e for e in analyst["events"] if e["action"] == "report")
    assert report["actor_name"] is None and report["actor_id"] is None
    assert report["actor_role"] == "grid_worker"
    assert reporter not in str(analyst)
    events = sw.client("analyst").get(f"/api/v1/incidents/{incident_id}/events").get_json()
    assert events["items"] and reporter not in str(events)
    operator = sw.client("operator").get(f"/api/v1/incidents/{incident_id}").get_json()
    assert operator["reporter_name"] == reporter
    assert any(e["actor_name"] == reporter for e in operator["events"])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/x.jpg",
                                 "//evil.example/x.jpg", "/m/photos/../../etc/passwd",
                                 "/m/photos/0123456789abcdef0123456789abcdef.jpg"])
def test_photo_url_accepts_only_our_own_stored_photos(sw, url):
    client = sw.client("operator")
    before = rows(sw, Incident)
    response = client.post("/api/v1/incidents", json={
        "category_code": "0101", "lon": 117.105, "lat": 39.155, "photo_url": url})
    assert response.status_code == 422 and response.get_json()["field"] == "photo_url"
    step = client.post(f"/api/v1/incidents/{sw.incident_b}/accept", json={"photo_url": url})
    assert step.status_code == 422 and step.get_json()["field"] == "photo_url"
    assert rows(sw, Incident) == before


def test_a_stored_photo_may_be_attached(sw):
    from tests.mobile_helpers import jpeg, phone_client, report_form

    phone = phone_client(sw.app.server, "worker_a")
    sent = phone.post("/m/api/reports", data=report_form(jpeg()),
                      content_type="multipart/form-data")
    assert sent.status_code == 201, sent.get_data(as_text=True)
    url = sent.get_json()["photo_url"]
    response = sw.client("operator").post("/api/v1/incidents", json={
        "category_code": "0101", "lon": 117.105, "lat": 39.155, "photo_url": url})
    assert response.status_code == 201 and response.get_json()["photo_url"] == url
