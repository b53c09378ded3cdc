"""Whistles: who may blow, reporting in, completion, verification, ratings, second whistles."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.models import IncidentEvent, Whistle, WhistleEvent
from tests.workflow_world import NOW, build_world, make_incident
from workflow.errors import WorkflowError
from workflow.whistles import steps
from workflow.whistles.service import NewWhistle, blow_whistle, second_whistle

DAY = timedelta(days=1)


def plan(incident_ids, departments=("CGW-DL", "CGW-YL"), days=30, **extra) -> NewWhistle:
    return NewWhistle(matter=extra.pop("matter", "废弃地块整治"), meeting_at=NOW + DAY,
                      meeting_place="光荣道现场", deadline=NOW + timedelta(days=days),
                      incident_ids=tuple(incident_ids), department_codes=tuple(departments),
                      **extra)


def blown(conn, world, departments=("CGW-DL", "CGW-YL"), by="chief_a", status="accepted",
          days=30, key=None) -> dict:
    incident = make_incident(conn, world, status)
    view, _ = blow_whistle(conn, world.actor(by), plan([incident], departments, days), NOW, key)
    return view


def refused(call, status, code=None):
    with pytest.raises(WorkflowError) as err:
        call()
    assert err.value.status == status, err.value.message
    if code:
        assert err.value.code == code
    return err.value


@pytest.fixture
def world(conn):
    return build_world(conn)


@pytest.mark.parametrize("who", ["chief_a", "director_a"])
def test_the_party_secretary_and_the_director_may_whistle(conn, world, who):
    view = blown(conn, world, by=who)
    assert view["status"] == "summoned" and view["level"] == 1
    assert [s["department_code"] for s in view["summons"]] == ["CGW-DL", "CGW-YL"]
    assert [e["action"] for e in view["events"]] == ["blow"]


@pytest.mark.parametrize("who", ["deputy_a", "chief_b", "operator", "admin", "leader",
                                 "officer_road", "community_a", "worker_a", "supervisor"])
def test_nobody_else_may_whistle_for_street_a(conn, world, who):
    incident = make_incident(conn, world, "accepted")
    refused(lambda: blow_whistle(conn, world.actor(who), plan([incident]), NOW), 403)


def test_a_street_whistles_only_for_its_own_incidents(conn, world):
    other = make_incident(conn, world, "accepted", street="B", reporter="worker_b")
    refused(lambda: blow_whistle(conn, world.actor("chief_a"), plan([other]), NOW), 403)


@pytest.mark.parametrize("change,status,field", [
    (dict(departments=("NOPE",)), 422, "department_codes"),
    (dict(departments=("DCS",)), 422, "department_codes"),      # oversight is not summoned
    (dict(departments=()), 422, "department_codes"),
    (dict(departments=("GA", "GA")), 422, "department_codes"),
    (dict(days=0), 422, "deadline"),
    (dict(days=400), 422, "deadline"),
    (dict(matter=""), 422, "matter"),
])
def test_a_whistle_must_be_complete_and_sensible(conn, world, change, status, field):
    incident = make_incident(conn, world, "accepted")
    departments = change.pop("departments", ("CGW-DL",))
    new = plan([incident], departments, **change)
    err = refused(lambda: blow_whistle(conn, world.actor("chief_a"), new, NOW), status)
    assert err.field == field


def test_no_whistle_without_an_open_incident(conn, world):
    refused(lambda: blow_whistle(conn, world.actor("chief_a"), plan([]), NOW), 422)
    refused(lambda: blow_whistle(conn, world.actor("chief_a"), plan([10**9]), NOW), 404)
    closed = make_incident(conn, world, "closed")
    refused(lambda: blow_whistle(conn, world.actor("chief_a"), plan([closed]), NOW), 409,
            "incident_closed")


def test_an_unowned_incident_becomes_the_streets_with_the_whistles_deadline(conn, world):
    view = blown(conn, world, status="reported")
    incident = conn.execute(select(IncidentEvent).where(
        IncidentEvent.incident_id == view["incidents"][0]["id"]).order_by(IncidentEvent.id)).all()
    assert [(e.action, e.from_status, e.to_status) for e in incident] == [
        ("whistle", "reported", "dispatched")]
    assert view["incidents"][0]["status"] == "dispatched"


def test_a_worked_incident_only_notes_the_whistle(conn, world):
    incident = make_incident(conn, world, "in_progress", handled_by="department",
                             department="CGW-DL", deadline=NOW + DAY)
    view, _ = blow_whistle(conn, world.actor("chief_a"), plan([incident]), NOW)
    assert view["incidents"][0]["status"] == "in_progress"
    event = conn.execute(select(IncidentEvent).where(IncidentEvent.incident_id == incident)).one()
    assert (event.action, event.to_status) == ("whistle", "commented")


def test_report_in_is_acknowledge_then_arrive_then_complete(conn, world):
    view = blown(conn, world)
    wid, road, parks = view["id"], world.actor("officer_road"), world.actor("officer_parks")
    refused(lambda: steps.report_in(conn, road, wid, NOW, stage="arrived"), 409, "out_of_order")
    refused(lambda: steps.complete(conn, road, wid, NOW), 409, "not_arrived")
    view = steps.report_in(conn, road, wid, NOW + timedelta(minutes=30))
    mine = view["summons"][0]
    assert mine["acknowledged_at"] == NOW + timedelta(minutes=30) and mine["arrived_at"] is None
    assert view["actions"] == ["arrive"]     # what the officer may do next
    view = steps.report_in(conn, road, wid, NOW + DAY)
    assert view["summons"][0]["arrived_at"] == NOW + DAY and view["status"] == "summoned"
    refused(lambda: steps.report_in(conn, road, wid, NOW + DAY), 409, "already_reported_in")
    steps.report_in(conn, parks, wid, NOW + DAY)
    view = steps.report_in(conn, parks, wid, NOW + DAY)
    assert view["status"] == "reported_in"
    steps.complete(conn, road, wid, NOW + 5 * DAY)
    refused(lambda: steps.complete(conn, road, wid, NOW + 5 * DAY), 409, "already_completed")
    view = steps.complete(conn, parks, wid, NOW + 6 * DAY)
    assert view["status"] == "completed" and view["completed_at"] == NOW + 6 * DAY
    assert [e["action"] for e in view["events"]] == [
        "blow", "report_in", "arrive", "report_in", "arrive", "complete", "complete"]


@pytest.mark.parametrize("who", ["officer_police", "chief_a", "operator", "leader", "worker_a"])
def test_only_a_summoned_party_reports_in(conn, world, who):
    view = blown(conn, world)
    refused(lambda: steps.report_in(conn, world.actor(who), view["id"], NOW), 403)


def test_an_administrator_reports_in_for_a_named_party(conn, world):
    view = blown(conn, world)
    refused(lambda: steps.report_in(conn, world.actor("admin"), view["id"], NOW), 400)
    refused(lambda: steps.report_in(conn, world.actor("admin"), view["id"], NOW,
                                    department_code="GA"), 404)
    view = steps.report_in(conn, world.actor("admin"), view["id"], NOW, department_code="CGW-YL")
    assert view["summons"][1]["acknowledged_at"] == NOW


def finished(conn, world, view, at=NOW + 5 * DAY):
    for name in ("officer_road", "officer_parks"):
        actor = world.actor(name)
        steps.report_in(conn, actor, view["id"], NOW)
        steps.report_in(conn, actor, view["id"], NOW + DAY)     # on site at the meeting
        view = steps.complete(conn, actor, view["id"], at)
    return view


def test_the_street_verifies_and_the_result_goes_back_to_the_incident(conn, world):
    view = blown(conn, world)
    refused(lambda: steps.verify(conn, world.actor("chief_a"), view["id"], NOW), 409,
            "not_completed")
    view = finished(conn, world, view)
    for who in ("officer_road", "chief_b", "operator", "deputy_a"):
        refused(lambda who=who: steps.verify(conn, world.actor(who), view["id"], NOW + 6 * DAY),
                403)
    view = steps.verify(conn, world.actor("director_a"), view["id"], NOW + 6 * DAY, "已建成口袋公园")
    assert (view["status"], view["feedback"]) == ("closed", "已建成口袋公园")
    feedback = conn.execute(select(IncidentEvent.note).where(
        IncidentEvent.incident_id == view["incidents"][0]["id"],
        IncidentEvent.action == "feedback")).scalar_one()
    assert "已建成口袋公园" in feedback
    refused(lambda: steps.report_in(conn, world.actor("officer_road"), view["id"], NOW), 409,
            "whistle_not_open")


def test_ratings_once_per_department_after_it_finished(conn, world):
    view = blown(conn, world)
    scores = {"timeliness": 90, "quality": 85, "attitude": 95}
    chief = world.actor("chief_a")
    refused(lambda: steps.rate(conn, chief, view["id"], "CGW-DL", scores, NOW), 409,
            "not_completed")
    view = finished(conn, world, view)
    refused(lambda: steps.rate(conn, world.actor("chief_b"), view["id"], "CGW-DL", scores, NOW), 403)
    refused(lambda: steps.rate(conn, chief, view["id"], "GA", scores, NOW), 404)
    refused(lambda: steps.rate(conn, chief, view["id"], "CGW-DL", {**scores, "quality": 101},
                               NOW), 422)
    refused(lambda: steps.rate(conn, chief, view["id"], "CGW-DL", {**scores, "quality": True},
                               NOW), 422)
    view = steps.rate(conn, chief, view["id"], "CGW-DL", scores, NOW + 6 * DAY)
    road = view["summons"][0]
    assert (road["rating_timeliness"], road["rating_quality"], road["rating_attitude"]) == (90, 85, 95)
    assert road["rated_by_id"] == chief.id
    refused(lambda: steps.rate(conn, chief, view["id"], "CGW-DL", scores, NOW), 409,
            "already_rated")
    assert view["events"][-1]["action"] == "rate"


def second(conn, world, parent_id, at, by="chief_a", key=None, **extra):
    new = NewWhistle(matter=extra.pop("matter", ""), meeting_at=at + DAY, meeting_place="区政府",
                     deadline=at + timedelta(days=15), **extra)
    return second_whistle(conn, world.actor(by), parent_id, new, at, key)


def test_second_whistle_only_when_the_first_failed(conn, world):
    first = blown(conn, world, days=10)
    refused(lambda: second(conn, world, first["id"], NOW + DAY), 409, "not_yet_failed")
    refused(lambda: second(conn, world, first["id"], NOW + 11 * DAY, by="chief_b"), 403)
    refused(lambda: second(conn, world, first["id"], NOW + 11 * DAY, by="deputy_a"), 403)
    view, created = second(conn, world, first["id"], NOW + 11 * DAY)
    assert created and view["level"] == 2 and view["parent_id"] == first["id"]
    parties = [(s["department_code"], s["leader_id"]) for s in view["summons"]]
    assert parties == [("CGW-DL", None), ("CGW-YL", None), (None, world.users["leader"])]
    assert view["matter"] == "废弃地块整治（二次哨）"
    parent = conn.execute(select(Whistle.status).where(Whistle.id == first["id"])).scalar_one()
    assert parent == "escalated"
    assert conn.execute(select(WhistleEvent.action).where(
        WhistleEvent.whistle_id == first["id"]).order_by(WhistleEvent.id)).scalars().all() == [
        "blow", "escalate"]
    refused(lambda: second(conn, world, first["id"], NOW + 12 * DAY), 409, "already_escalated")
    refused(lambda: second(conn, world, view["id"], NOW + 30 * DAY), 409, "no_third_whistle")


def test_second_whistle_after_an_unsatisfying_completion_and_the_leader_reports_in(conn, world):
    first = finished(conn, world, blown(conn, world))
    view, _ = second(conn, world, first["id"], NOW + 6 * DAY, department_codes=("CGW",),
                     leader_ids=(world.users["leader2"],))
    assert [(s["department_code"], s["leader_id"]) for s in view["summons"]] == [
        ("CGW", None), (None, world.users["leader2"])]
    refused(lambda: steps.report_in(conn, world.actor("leader"), view["id"], NOW + 6 * DAY), 403)
    leader = world.actor("leader2")
    steps.report_in(conn, leader, view["id"], NOW + 6 * DAY)
    view = steps.report_in(conn, leader, view["id"], NOW + 7 * DAY)
    assert view["summons"][1]["arrived_at"] == NOW + 7 * DAY
    view = steps.complete(conn, leader, view["id"], NOW + 8 * DAY)
    assert view["status"] == "summoned"          # the department has still to finish
    # The leader is summoned, not rated: 下考上 is about departments.
    refused(lambda: steps.rate(conn, world.actor("chief_a"), view["id"], "QZF",
                               {"timeliness": 1, "quality": 1, "attitude": 1}, NOW), 404)


def test_second_whistle_refuses_strangers_as_leaders_and_closed_whistles(conn, world):
    first = finished(conn, world, blown(conn, world))
    refused(lambda: second(conn, world, first["id"], NOW + 6 * DAY,
                           leader_ids=(world.users["operator"],)), 422)
    steps.verify(conn, world.actor("chief_a"), first["id"], NOW + 6 * DAY)
    refused(lambda: second(conn, world, first["id"], NOW + 7 * DAY), 409, "whistle_closed")


def test_the_failed_first_round_can_still_be_rated(conn, world):
    first = blown(conn, world, days=10)
    second(conn, world, first["id"], NOW + 11 * DAY)
    view = steps.rate(conn, world.actor("chief_a"), first["id"], "CGW-DL",
                      {"timeliness": 20, "quality": 40, "attitude": 50}, NOW + 11 * DAY)
    assert view["summons"][0]["rating_timeliness"] == 20


def test_a_retried_blow_with_the_same_key_summons_once(conn, world):
    incident = make_incident(conn, world, "accepted")
    chief = world.actor("chief_a")
    first, created = blow_whistle(conn, chief, plan([incident]), NOW, "whistle-key-0001")
    again, created_again = blow_whistle(conn, chief, plan([incident]), NOW, "whistle-key-0001")
    assert created and not created_again and again["id"] == first["id"]
    assert conn.execute(select(func.count()).select_from(Whistle)).scalar_one() == 1
    refused(lambda: blow_whistle(conn, chief, plan([incident], matter="别的事"), NOW,
                                 "whistle-key-0001"), 409, "idempotency_key_reused")
    refused(lambda: blow_whistle(conn, world.actor("director_a"), plan([incident]), NOW,
                                 "whistle-key-0001"), 409, "idempotency_key_reused")
    refused(lambda: blow_whistle(conn, chief, plan([incident]), NOW, "short"), 400)


def test_the_supervision_office_comments_on_a_late_whistle(conn, world):
    view = blown(conn, world, days=10)
    view = steps.comment(conn, world.actor("supervisor"), view["id"], "请于三日内办结",
                         NOW + 11 * DAY)
    assert (view["events"][-1]["action"], view["events"][-1]["note"]) == ("comment", "请于三日内办结")
    refused(lambda: steps.comment(conn, world.actor("officer_police"), view["id"], "x", NOW), 403)
    refused(lambda: steps.comment(conn, world.actor("supervisor"), view["id"], "  ", NOW), 422)
