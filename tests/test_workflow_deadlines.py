"""Deadlines, lateness and escalation with a frozen clock: right at any moment, recorded once."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.models import IncidentEvent, WhistleEvent
from tests.test_workflow_whistles import blown
from tests.workflow_world import NOW, build_world, make_incident
from workflow.deadlines import incident_deadline, is_overdue, urgency
from workflow.escalation.supervision import supervision_queue
from workflow.escalation.tick import tick
from workflow.incidents.read import incident_view
from workflow.incidents.service import transition_incident

H = timedelta(hours=1)


@pytest.fixture
def world(conn):
    return build_world(conn)


def test_urgency_over_a_48_hour_window():
    start = NOW
    deadline = incident_deadline(start, 48)
    assert deadline == NOW + 48 * H
    assert urgency("dispatched", start, deadline, NOW) == "on_track"
    assert urgency("in_progress", start, deadline, NOW + 38 * H) == "on_track"
    assert urgency("in_progress", start, deadline, NOW + 39 * H) == "due_soon"   # last 20%
    assert urgency("in_progress", start, deadline, NOW + 48 * H) == "due_soon"
    assert urgency("in_progress", start, deadline, NOW + 48 * H + timedelta(seconds=1)) == "overdue"
    assert urgency("resolved", start, deadline, NOW + 60 * H) == "done"
    assert urgency("accepted", None, None, NOW) == "waiting"
    assert not is_overdue("resolved", deadline, NOW + 60 * H)
    assert is_overdue("reopened", deadline, NOW + 60 * H)


@pytest.mark.parametrize("category,hours,department", [("0101", 48, "CGW-DL"), ("0102", 24, "CGW-HW"),
                                                        ("0402", 12, "RQ"), ("0104", 168, "CGZF")])
def test_dispatch_sets_the_categorys_deadline_and_department(conn, world, category, hours, department):
    incident = make_incident(conn, world, "accepted", category=category)
    view = transition_incident(conn, world.actor("operator"), incident, "dispatch", NOW)
    assert view["deadline"] == NOW + hours * H
    assert view["department_code"] == department and view["handled_by"] == "department"
    assert view["events"][-1]["department_code"] == department


def test_dispatch_to_the_street_or_another_department(conn, world):
    incident = make_incident(conn, world, "accepted")
    view = transition_incident(conn, world.actor("chief_a"), incident, "dispatch", NOW,
                               handled_by="street")
    assert (view["handled_by"], view["department_id"]) == ("street", None)
    view = transition_incident(conn, world.actor("chief_a"), incident, "dispatch", NOW + H,
                               department_code="GA")
    assert view["department_code"] == "GA" and view["deadline"] == NOW + 49 * H


def test_lateness_is_computed_at_any_moment_without_the_ticker(conn, world):
    incident = make_incident(conn, world, "accepted")
    operator, supervisor = world.actor("operator"), world.actor("supervisor")
    transition_incident(conn, operator, incident, "dispatch", NOW)
    assert incident_view(conn, operator, incident, NOW + 47 * H)["overdue"] is False
    late = incident_view(conn, operator, incident, NOW + 49 * H)
    assert late["overdue"] is True and late["urgency"] == "overdue"
    queue = supervision_queue(conn, supervisor, NOW + 50 * H)
    assert [(r["id"], r["hours_overdue"], r["escalated"]) for r in queue["incidents"]] == [
        (incident, 2.0, False)]
    assert supervision_queue(conn, supervisor, NOW + 47 * H)["incidents"] == []


def escalations(conn, incident):
    return conn.execute(select(func.count()).select_from(IncidentEvent).where(
        IncidentEvent.incident_id == incident, IncidentEvent.action == "escalate")).scalar_one()


def test_tick_escalates_once_and_again_after_a_new_deadline(conn, world):
    incident = make_incident(conn, world, "accepted")
    operator = world.actor("operator")
    transition_incident(conn, operator, incident, "dispatch", NOW)
    assert tick(conn, NOW + 47 * H)["incidents"] == 0
    assert tick(conn, NOW + 49 * H) == {"incidents": 1, "whistles": 0, "skipped": False}
    assert tick(conn, NOW + 50 * H)["incidents"] == 0
    assert escalations(conn, incident) == 1
    event = conn.execute(select(IncidentEvent).where(IncidentEvent.action == "escalate")).one()
    assert (event.from_status, event.to_status, event.actor_id) == ("dispatched", "escalated", None)
    assert "督办" in event.note
    queue = supervision_queue(conn, world.actor("supervisor"), NOW + 50 * H)
    assert queue["incidents"][0]["escalated"] is True
    # Re-dispatched with a fresh deadline, it may escalate again once that one passes.
    transition_incident(conn, operator, incident, "dispatch", NOW + 50 * H, department_code="GA")
    assert tick(conn, NOW + 60 * H)["incidents"] == 0
    assert tick(conn, NOW + 99 * H)["incidents"] == 1
    assert escalations(conn, incident) == 2


def test_resolved_work_is_not_escalated(conn, world):
    make_incident(conn, world, "resolved", handled_by="department", department="CGW-DL",
                  deadline=NOW - H)
    assert tick(conn, NOW)["incidents"] == 0


def test_an_overdue_whistle_goes_to_the_supervision_queue_and_is_escalated_once(conn, world):
    view = blown(conn, world, days=10)
    supervisor = world.actor("supervisor")
    assert supervision_queue(conn, supervisor, NOW + 9 * 24 * H)["whistles"] == []
    queue = supervision_queue(conn, supervisor, NOW + 11 * 24 * H)
    row = queue["whistles"][0]
    assert (row["id"], row["hours_overdue"]) == (view["id"], 24.0)
    assert row["late_parties"] == "区道路管理所、区城管委园林所"
    assert tick(conn, NOW + 11 * 24 * H)["whistles"] == 1
    assert tick(conn, NOW + 12 * 24 * H)["whistles"] == 0
    actions = conn.execute(select(WhistleEvent.action).where(
        WhistleEvent.whistle_id == view["id"]).order_by(WhistleEvent.id)).scalars().all()
    assert actions == ["blow", "overdue"]


def test_the_queue_is_scoped(conn, world):
    incident_a = make_incident(conn, world, "dispatched", handled_by="department",
                               department="CGW-DL", deadline=NOW - H)
    make_incident(conn, world, "dispatched", street="B", reporter="worker_b",
                  handled_by="department", department="GA", deadline=NOW - H)
    assert len(supervision_queue(conn, world.actor("supervisor"), NOW)["incidents"]) == 2
    chief = supervision_queue(conn, world.actor("chief_a"), NOW)
    assert [r["id"] for r in chief["incidents"]] == [incident_a]
    from workflow.errors import WorkflowError
    with pytest.raises(WorkflowError) as err:
        supervision_queue(conn, world.actor("officer_road"), NOW)
    assert err.value.status == 403
