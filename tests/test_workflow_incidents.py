"""Reporting incidents: the location decides the place, idempotency, validation, reading rules."""
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from data.models import Incident, IncidentEvent
from geo.crs import wgs84_to_gcj02
from tests.workflow_world import IN_A, IN_B, NOW, OUTSIDE, build_world, make_incident
from workflow.clock import beijing_day
from workflow.errors import WorkflowError
from workflow.incidents.read import incident_view, list_incidents
from workflow.incidents.service import NewIncident, comment_incident, create_incident, to_wgs84


@pytest.fixture
def world(conn):
    return build_world(conn)


def report(conn, world, who="worker_a", where=IN_A, key=None, **extra):
    new = NewIncident(extra.pop("category_code", "0101"), *where, **extra)
    return create_incident(conn, world.actor(who), new, NOW, key)


def refused(call, status, field=None):
    with pytest.raises(WorkflowError) as err:
        call()
    assert err.value.status == status, err.value.message
    if field:
        assert err.value.field == field


def test_the_location_decides_grid_community_and_street(conn, world):
    view, created = report(conn, world, description="井盖破损", address="光荣道")
    assert created and view["status"] == "reported" and view["source"] == "patrol"
    assert (view["grid_id"], view["community_id"], view["street_id"]) == (
        world.ids["grid"], world.ids["community"], world.ids["street"])
    assert view["code"].startswith(f"HQ{beijing_day(NOW)}-")
    assert view["reporter_id"] == world.users["worker_a"]
    view_b, _ = report(conn, world, who="worker_a", where=IN_B)
    assert view_b["street_id"] == world.ids["street_b"]
    assert [e["action"] for e in view["events"]] == ["report"]


def test_gcj02_coordinates_are_converted(conn, world):
    lon, lat = wgs84_to_gcj02(*IN_A)
    assert to_wgs84(lon, lat, "gcj02") == pytest.approx(IN_A, abs=1e-7)


@pytest.mark.parametrize("extra,field", [
    ({"where": OUTSIDE}, "location"), ({"where": (200.0, 39.0)}, "location"),
    ({"where": (float("nan"), 39.0)}, "location"),
    ({"category_code": "01"}, "category_code"), ({"category_code": "9999"}, "category_code"),
    ({"description": "长" * 4001}, "description"), ({"source": "twitter"}, "source"),
    ({"reported_at": NOW + timedelta(hours=1)}, "reported_at"),
    ({"reported_at": NOW - timedelta(days=8)}, "reported_at"),
])
def test_bad_reports_are_refused_and_write_nothing(conn, world, extra, field):
    refused(lambda: report(conn, world, **extra), 422, field)
    assert conn.execute(select(func.count()).select_from(Incident)).scalar_one() == 0


def test_a_phone_queued_report_keeps_its_time(conn, world):
    view, _ = report(conn, world, reported_at=NOW - timedelta(hours=5))
    assert view["reported_at"] == NOW - timedelta(hours=5)


@pytest.mark.parametrize("who", ["analyst", "wall", "officer_road", "supervisor", "leader"])
def test_only_reporting_roles_create(conn, world, who):
    refused(lambda: report(conn, world, who=who), 403)


def test_a_community_chief_reports_only_in_their_community(conn, world):
    assert report(conn, world, who="community_a")[0]["source"] == "hotline"
    refused(lambda: report(conn, world, who="community_a", where=IN_B), 403)


def test_the_same_key_creates_once_and_replays(conn, world):
    first, created = report(conn, world, key="phone-0001-abc", description="路灯不亮")
    again, created_again = report(conn, world, key="phone-0001-abc", description="路灯不亮")
    assert created and not created_again and again["id"] == first["id"]
    assert conn.execute(select(func.count()).select_from(Incident)).scalar_one() == 1
    assert conn.execute(select(func.count()).select_from(IncidentEvent)).scalar_one() == 1
    refused(lambda: report(conn, world, key="phone-0001-abc", description="别的"), 409)
    refused(lambda: report(conn, world, who="operator", key="phone-0001-abc",
                           description="路灯不亮"), 409)
    refused(lambda: report(conn, world, key="bad key!"), 400)


def test_reading_follows_scope_and_hides_personal_data(conn, world):
    view, _ = report(conn, world, reporter_contact="139****0000")
    incident = view["id"]
    assert incident_view(conn, world.actor("operator"), incident, NOW)["reporter_contact"] == "139****0000"
    assert incident_view(conn, world.actor("analyst"), incident, NOW)["reporter_contact"] is None
    assert incident_view(conn, world.actor("worker_a"), incident, NOW)["reporter_contact"] == "139****0000"
    for who in ("chief_b", "community_b", "worker_b", "officer_road", "wall"):
        refused(lambda who=who: incident_view(conn, world.actor(who), incident, NOW), 403)
    refused(lambda: incident_view(conn, world.actor("operator"), 10**9, NOW), 404)


def test_lists_filter_and_page_within_scope(conn, world):
    for _ in range(3):
        make_incident(conn, world, "reported")
    late = make_incident(conn, world, "dispatched", handled_by="department", department="GA",
                         deadline=NOW - timedelta(hours=1))
    make_incident(conn, world, "reported", street="B", reporter="worker_b")
    operator = world.actor("operator")
    assert list_incidents(conn, operator, {}, NOW)["total"] == 5
    assert list_incidents(conn, world.actor("chief_a"), {}, NOW)["total"] == 4
    assert list_incidents(conn, world.actor("chief_b"), {}, NOW)["total"] == 1
    assert [r["id"] for r in list_incidents(conn, world.actor("officer_police"), {}, NOW)["items"]] == [late]
    overdue = list_incidents(conn, operator, {"overdue": True}, NOW)
    assert [r["id"] for r in overdue["items"]] == [late] and overdue["items"][0]["overdue"]
    page = list_incidents(conn, operator, {"statuses": ["reported"]}, NOW, page=2, per_page=3)
    assert (page["total"], len(page["items"]), page["page"]) == (4, 1, 2)
    assert list_incidents(conn, operator, {"category": "01"}, NOW)["total"] == 5
    assert list_incidents(conn, operator, {"q": "%' or 1=1 --"}, NOW)["total"] == 0
    refused(lambda: list_incidents(conn, world.actor("wall"), {}, NOW), 403)


def test_comments_are_for_the_supervision_office_and_the_people_involved(conn, world):
    incident = make_incident(conn, world, "dispatched", handled_by="department",
                             department="CGW-DL", deadline=NOW)
    view = comment_incident(conn, world.actor("supervisor"), incident, "请加快办理", NOW)
    assert (view["events"][-1]["action"], view["events"][-1]["to_status"]) == ("comment", "commented")
    assert view["status"] == "dispatched"
    refused(lambda: comment_incident(conn, world.actor("analyst"), incident, "x", NOW), 403)
    refused(lambda: comment_incident(conn, world.actor("supervisor"), incident, " ", NOW), 422)


def test_the_world_and_the_api_write_one_incident_code_format():
    import numpy as np

    from etl.world.incidents import incident_codes
    from workflow.incidents.codes import PATTERN, incident_code

    at = np.array(["2026-12-02T16:30:00", "2026-12-03T01:00:00"], dtype="datetime64[ns]")
    world = list(incident_codes(at, np.array([41, 290141])))
    assert world == ["HQ20261203-41", "HQ20261203-290141"]     # Beijing days, ids
    from datetime import datetime
    api = incident_code(datetime(2026, 12, 3, 1, tzinfo=UTC), 290141)
    assert api == world[1] and all(PATTERN.match(c) for c in world)
