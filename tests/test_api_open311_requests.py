"""Open311 following requests: GET requests and its filters, the 90-day rule, tokens,
idempotency, the round trip through the workflow API, every view, and the key CLI.
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select

from data.models import Incident, Open311Request
from data.queries.wall import newest_incidents
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.open311_helpers import BASE, open311_world, post
from tests.open311_schemas import POST_RESPONSE, TOKEN_RESPONSE, check
from tests.workflow_world import PASSWORD, make_incident

FORMATS = ("json", "xml")
OLD = SESSION_NOW - timedelta(days=120)


@pytest.fixture(scope="module")
def o311(server_settings):
    for world in open311_world(server_settings, "open311_requests"):
        with world["engine"].begin() as conn:
            world["world"].conn = conn
            old_id = make_incident(conn, world["world"], status="closed", reported_at=OLD,
                                   code="HQOLD-1")
            client_id = conn.execute(select(func.min(Open311Request.client_id))).scalar()
            conn.execute(insert(Open311Request).values(
                incident_id=old_id, client_id=client_id or _first_client(conn),
                token="old-token", request_hash="0" * 64, created_at=OLD))
            make_incident(conn, world["world"], code="HQPATROL-1")    # not filed via Open311
        yield world


def _first_client(conn):
    from data.models import Open311Client
    return conn.execute(select(func.min(Open311Client.id))).scalar_one()


@pytest.fixture
def client(o311):
    return o311["app"].server.test_client()


def iso(moment):
    return quote(moment.isoformat(timespec="seconds"))


def filed(o311, client, **fields):
    response = post(client, o311["key"], **fields)
    return check(response, "service_requests", 201, POST_RESPONSE)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_reports_every_spec_field(o311, client, fmt):
    item = filed(o311, client, description=f"show {fmt}", address_string="光荣道 3 号",
                 media_url="https://example.cn/a.jpg")
    code = item["service_request_id"]
    data = check(client.get(f"{BASE}/requests/{code}.{fmt}"), "service_requests")
    request = data[0]
    assert request["service_request_id"] == code and request["status"] == "open"
    assert request["service_code"] == "0106" and request["service_name"] == "市政照明"
    assert request["agency_responsible"] == "红桥区网格化管理指挥中心"
    assert request["requested_datetime"].endswith("+08:00")
    assert request["address"] == "光荣道 3 号" and request["media_url"].endswith("a.jpg")
    assert request["zipcode"] == "" and request["expected_datetime"] == ""
    assert "已上报" in request["status_notes"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_give_the_request_id(o311, client, fmt):
    item = filed(o311, client, description=f"token {fmt}")
    data = check(client.get(f"{BASE}/tokens/{item['token']}.{fmt}"), "service_requests",
                 schema=TOKEN_RESPONSE)
    assert data[0]["service_request_id"] == item["service_request_id"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters(o311, client, fmt):
    lights = filed(o311, client, description=f"list {fmt}")
    listed = check(client.get(f"{BASE}/requests.{fmt}"), "service_requests")
    codes = [r["service_request_id"] for r in listed]
    assert lights["service_request_id"] in codes
    assert "HQOLD-1" not in codes, "older than the default 90 days"
    assert "HQPATROL-1" not in codes, "only requests filed through Open311 are public"
    by_id = check(client.get(f"{BASE}/requests.{fmt}?service_request_id=HQOLD-1,"
                             f"{lights['service_request_id']}&status=open"), "service_requests")
    assert {r["service_request_id"] for r in by_id} == {"HQOLD-1", lights["service_request_id"]}
    closed = check(client.get(f"{BASE}/requests.{fmt}?status=closed"), "service_requests")
    assert all(r["status"] == "closed" for r in closed)
    other = check(client.get(f"{BASE}/requests.{fmt}?service_code=0102"), "service_requests")
    assert lights["service_request_id"] not in [r["service_request_id"] for r in other]
    start = OLD - timedelta(days=1)
    window = check(client.get(f"{BASE}/requests.{fmt}?start_date={iso(start)}"),
                   "service_requests")
    assert [r["service_request_id"] for r in window] == ["HQOLD-1"]
    assert window[0]["status"] == "closed"
    ending = check(client.get(f"{BASE}/requests.{fmt}?end_date={iso(OLD + timedelta(days=1))}"),
                   "service_requests")
    assert [r["service_request_id"] for r in ending] == ["HQOLD-1"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_filters_and_the_90_day_rule_are_400(client, fmt):
    now = SESSION_NOW
    for query in (f"start_date={iso(now - timedelta(days=91))}&end_date={iso(now)}",
                  f"start_date={iso(now)}&end_date={iso(now - timedelta(days=1))}",
                  "start_date=2026-11-01", "start_date=2026-11-01T10:00:00",
                  "end_date=yesterday", "status=pending", "status=open,reported",
                  "start_date=9999-12-31T00:00:00Z", "end_date=0001-01-01T00:00:00%2B08:00",
                  "service_request_id=" + "x" * 41):
        data = check(client.get(f"{BASE}/requests.{fmt}?{query}"), "errors", 400)
        assert str(data[0]["code"]) == "400", query
    ok = f"start_date={iso(now - timedelta(days=90))}&end_date={iso(now)}"
    check(client.get(f"{BASE}/requests.{fmt}?{ok}"), "service_requests")
    check(client.get(f"{BASE}/requests.{fmt}?start_date=2026-11-01T00:00:00Z"), "service_requests")


def count_incidents(o311):
    with o311["engine"].connect() as conn:
        return conn.execute(select(func.count()).select_from(Incident)).scalar_one()


def test_retries_do_not_file_twice(o311, client):
    key = {"Idempotency-Key": "fms-retry-000001"}
    first = post(client, o311["key"], description="retry", headers=key)
    before = count_incidents(o311)
    again = post(client, o311["key"], "xml", description="retry", headers=key)
    check(again, "service_requests", 200, POST_RESPONSE)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()[0]["service_request_id"] in again.get_data(as_text=True)
    reused = post(client, o311["key"], description="something else", headers=key)
    check(reused, "errors", 400)
    # Without a key, the identical request is a retry too; another client's is its own.
    plain = post(client, o311["key"], description="identical")
    replay = post(client, o311["key"], description="identical")
    assert replay.status_code == 200
    assert replay.get_json()[0]["service_request_id"] == plain.get_json()[0]["service_request_id"]
    other = post(client, o311["other_key"], description="identical")
    assert other.status_code == 201
    assert count_incidents(o311) == before + 2
    assert check(post(client, o311["key"], headers={"Idempotency-Key": "bad key!"}),
                 "errors", 400)


def test_round_trip_through_the_workflow_api(o311, client):
    item = filed(o311, client, service_code="0101", description="井盖缺失",
                 **{"attribute[facility]": "manhole_cover"})
    code = item["service_request_id"]
    with o311["engine"].connect() as conn:
        incident_id = conn.execute(select(Incident.id).where(Incident.code == code)).scalar_one()
    operator = o311["app"].server.test_client()
    login_client(operator, "operator", PASSWORD)
    officer = o311["app"].server.test_client()
    login_client(officer, "officer_road", PASSWORD)
    steps = ((operator, "accept", {}), (operator, "dispatch", {"handled_by": "department"}))
    for who, action, body in steps:
        response = who.post(f"/api/v1/incidents/{incident_id}/{action}", json=body)
        assert response.status_code == 200, response.get_json()
    dispatched = client.get(f"{BASE}/requests/{code}.json").get_json()[0]
    assert dispatched["status"] == "open" and dispatched["agency_responsible"] == "区道路管理所"
    assert dispatched["expected_datetime"].endswith("+08:00")
    for who, action, body in ((officer, "start", {}),
                              (officer, "resolve", {"note": "已更换井盖"}),
                              (operator, "verify", {}),
                              (operator, "close", {"note": "已修复并回访 / fixed, resident told",
                                                   "public": True})):
        response = who.post(f"/api/v1/incidents/{incident_id}/{action}", json=body)
        assert response.status_code == 200, (action, response.get_json())
    for fmt in FORMATS:
        closed = check(client.get(f"{BASE}/requests/{code}.{fmt}"), "service_requests")[0]
        assert closed["status"] == "closed"
        assert closed["status_notes"] == "已结案 / closed: 已修复并回访 / fixed, resident told"
        assert closed["agency_responsible"] == "区道路管理所"
    listed = client.get(f"{BASE}/requests.json?status=closed&service_code=0101").get_json()
    assert code in [r["service_request_id"] for r in listed]


def test_open311_requests_show_up_on_every_view(o311, client):
    code = filed(o311, client, description="各处可见")["service_request_id"]
    with o311["engine"].connect() as conn:
        ticker = newest_incidents(conn, SESSION_NOW + timedelta(seconds=5), limit=50)
    assert "app" in set(ticker[ticker["code"] == code]["source"])
    analyst = o311["app"].server.test_client()
    login_client(analyst, "analyst", PASSWORD)
    page = analyst.get("/api/v1/incidents?source=app&per_page=200").get_json()
    mine = [i for i in page["items"] if i["code"] == code]
    assert mine and mine[0]["source"] == "app" and mine[0]["status"] == "reported"


def test_rejected_requests_are_closed_with_the_reason(o311, client):
    code = filed(o311, client, description="重复上报")["service_request_id"]
    with o311["engine"].connect() as conn:
        incident_id = conn.execute(select(Incident.id).where(Incident.code == code)).scalar_one()
    operator = o311["app"].server.test_client()
    login_client(operator, "operator", PASSWORD)
    assert operator.post(f"/api/v1/incidents/{incident_id}/reject",
                         json={"note": "重复事件 / duplicate", "public": True}).status_code == 200
    request = client.get(f"{BASE}/requests/{code}.json").get_json()[0]
    assert request["status"] == "closed" and "duplicate" in request["status_notes"]


def test_key_cli_adds_lists_and_revokes(o311):
    from cli.open311 import open311_cli as cli

    settings = o311["app"].server.extensions["hq_settings"]
    runner = CliRunner()
    added = runner.invoke(cli, ["keys", "add", "cli-app"], obj=settings,
                          catch_exceptions=False)
    assert added.exit_code == 0, added.output
    key = added.output.split(": ", 1)[1].split()[0]
    listed = runner.invoke(cli, ["keys", "list"], obj=settings)
    assert "cli-app" in listed.output and key not in listed.output
    client = o311["app"].server.test_client()
    assert post(client, key, description="cli").status_code == 201
    assert runner.invoke(cli, ["keys", "add", "cli-app"], obj=settings).exit_code == 1
    assert runner.invoke(cli, ["keys", "revoke", "cli-app"], obj=settings).exit_code == 0
    assert post(client, key, description="cli 2").status_code == 403
    assert runner.invoke(cli, ["keys", "revoke", "cli-app"], obj=settings).exit_code == 1
