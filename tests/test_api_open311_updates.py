"""Open311 servicerequestupdates (mySociety's extension): public updates, the window, errors."""
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from data import incident_store
from data.models import Incident
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.open311_helpers import BASE, open311_world, post
from tests.open311_schemas import POST_RESPONSE, check
from tests.workflow_world import PASSWORD, make_incident

FORMATS = ("json", "xml")
SECRET = "内部：维修队下午才有空"


@pytest.fixture(scope="module")
def o311(server_settings):
    for world in open311_world(server_settings, "open311_updates"):
        with world["engine"].begin() as conn:
            world["world"].conn = conn
            make_incident(conn, world["world"], code="HQPATROL-9")    # not filed via Open311
        yield world


def iso(moment):
    return quote(moment.isoformat(timespec="seconds"))


def updates(client, fmt="json", **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"{BASE}/servicerequestupdates.{fmt}?{args}")


@pytest.fixture(scope="module")
def worked(o311):
    """One request accepted with a public note, remarked on internally, escalated, dispatched."""
    client = o311["app"].server.test_client()
    code = check(post(client, o311["key"], description="路灯不亮 updates"),
                 "service_requests", 201, POST_RESPONSE)[0]["service_request_id"]
    with o311["engine"].connect() as conn:
        incident_id = conn.execute(select(Incident.id).where(Incident.code == code)).scalar_one()
    operator = o311["app"].server.test_client()
    login_client(operator, "operator", PASSWORD)
    assert operator.post(f"/api/v1/incidents/{incident_id}/accept",
                         json={"note": "已受理，将派人查看", "public": True}).status_code == 200
    assert operator.post(f"/api/v1/incidents/{incident_id}/comment",
                         json={"note": SECRET}).status_code == 200
    with o311["engine"].begin() as conn:
        incident_store.add_incident_event(conn, incident_id, SESSION_NOW, None, "escalate",
                                          "accepted", "escalated", note="超期 督办")
    assert operator.post(f"/api/v1/incidents/{incident_id}/dispatch",
                         json={"handled_by": "street", "note": "派街道"}).status_code == 200
    return code


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list_each_step_with_public_notes_only(o311, worked, fmt):
    client = o311["app"].server.test_client()
    items = check(updates(client, fmt), "service_request_updates")
    mine = [u for u in items if u["service_request_id"] == worked]
    assert [u["status"] for u in mine] == ["investigating", "action_scheduled"]
    assert mine[0]["description"] == "已受理，将派人查看"
    assert mine[1]["description"] == ""          # the dispatch note was internal
    body = updates(client, fmt).get_data(as_text=True)
    assert SECRET not in body and "督办" not in body and "HQPATROL-9" not in body
    ids = [int(u["update_id"]) for u in items]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_updates_filter_by_window_and_request(o311, worked):
    client = o311["app"].server.test_client()
    later = check(updates(client, start_date=iso(SESSION_NOW + timedelta(days=1)),
                          end_date=iso(SESSION_NOW + timedelta(days=2))),
                  "service_request_updates")
    assert later == []
    one = check(updates(client, service_request_id=worked), "service_request_updates")
    assert {u["service_request_id"] for u in one} == {worked}
    assert check(updates(client, service_request_id="HQNONE-1"), "service_request_updates") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_refuse_bad_dates_in_the_spec_error_format(o311, fmt):
    client = o311["app"].server.test_client()
    for query in ({"start_date": "yesterday"},
                  {"start_date": iso(SESSION_NOW), "end_date": iso(SESSION_NOW - timedelta(1))},
                  {"start_date": iso(SESSION_NOW - timedelta(days=200)),
                   "end_date": iso(SESSION_NOW)}):
        errors = check(updates(client, fmt, **query), "errors", 400)
        assert errors[0]["code"] in (400, "400")
    assert updates(client, jurisdiction_id="elsewhere").status_code == 404


def test_a_request_near_an_open_one_of_its_kind_is_told_in_its_notice(o311):
    client = o311["app"].server.test_client()
    first = check(post(client, o311["key"], service_code="0107", description="井盖 a"),
                  "service_requests", 201, POST_RESPONSE)[0]
    second = check(post(client, o311["key"], service_code="0107", description="井盖 b"),
                   "service_requests", 201, POST_RESPONSE)[0]
    assert first["service_request_id"] in second["service_notice"]
    assert "nearby" not in first["service_notice"]
