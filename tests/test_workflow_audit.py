"""Audit completeness: every change to an incident or a whistle leaves its event, by whom."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from data.models import Incident, IncidentEvent, Whistle, WhistleEvent, WhistleSummons
from tests.test_workflow_whistles import plan
from tests.workflow_world import IN_A, NOW, build_world
from workflow.incidents.service import NewIncident, create_incident, transition_incident
from workflow.whistles import steps
from workflow.whistles.service import NewWhistle, blow_whistle, second_whistle

D = timedelta(days=1)


def snapshot(conn):
    """Every workflow row (without timestamps of bookkeeping) and every event id."""
    incidents = conn.execute(select(Incident.__table__.c.id, Incident.status, Incident.handled_by,
                                    Incident.department_id, Incident.deadline,
                                    Incident.reopen_count)).all()
    whistles = conn.execute(select(Whistle.id, Whistle.status, Whistle.feedback)).all()
    summons = conn.execute(select(WhistleSummons.__table__)).all()
    return {
        "incidents": {r[0]: tuple(r) for r in incidents},
        "whistles": {r[0]: tuple(r) for r in whistles},
        "summons": {r[0]: tuple(r) for r in summons},
        "incident_events": conn.execute(select(IncidentEvent.id, IncidentEvent.incident_id,
                                               IncidentEvent.action, IncidentEvent.actor_id)).all(),
        "whistle_events": conn.execute(select(WhistleEvent.id, WhistleEvent.whistle_id,
                                              WhistleEvent.action, WhistleEvent.actor_id)).all(),
    }


def changed(before, after, kind):
    return {k for k in after[kind] if before[kind].get(k) != after[kind][k]}


def test_every_change_in_a_whole_journey_has_its_event(conn):
    world = build_world(conn)
    actor = world.actor
    incident = {}

    def report():
        view, _ = create_incident(conn, actor("worker_a"), NewIncident("0103", *IN_A, "废弃地块"), NOW)
        incident["id"] = view["id"]

    wid = {}

    def blow():
        view, _ = blow_whistle(conn, actor("chief_a"), plan([incident["id"]], days=10), NOW + D)
        wid["first"] = view["id"]

    def second():
        new = NewWhistle("", NOW + 12 * D, "区政府", NOW + 30 * D)
        view, _ = second_whistle(conn, actor("chief_a"), wid["first"], new, NOW + 12 * D)
        wid["second"] = view["id"]

    journey = [
        ("worker_a", report),
        ("operator", lambda: transition_incident(conn, actor("operator"), incident["id"], "accept", NOW)),
        ("chief_a", blow),
        ("officer_road", lambda: steps.report_in(conn, actor("officer_road"), wid["first"], NOW + D)),
        ("officer_road", lambda: steps.report_in(conn, actor("officer_road"), wid["first"], NOW + 2 * D)),
        ("chief_a", second),
        ("chief_a", lambda: steps.rate(conn, actor("chief_a"), wid["first"], "CGW-YL",
                                       {"timeliness": 30, "quality": 40, "attitude": 50}, NOW + 12 * D)),
        ("leader", lambda: steps.report_in(conn, actor("leader"), wid["second"], NOW + 12 * D)),
        ("leader", lambda: steps.report_in(conn, actor("leader"), wid["second"], NOW + 13 * D)),
        ("leader", lambda: steps.complete(conn, actor("leader"), wid["second"], NOW + 14 * D)),
        ("officer_road", lambda: steps.report_in(conn, actor("officer_road"), wid["second"], NOW + 13 * D)),
        ("officer_road", lambda: steps.report_in(conn, actor("officer_road"), wid["second"], NOW + 13 * D)),
        ("officer_road", lambda: steps.complete(conn, actor("officer_road"), wid["second"], NOW + 14 * D)),
        ("officer_parks", lambda: steps.report_in(conn, actor("officer_parks"), wid["second"], NOW + 13 * D)),
        ("officer_parks", lambda: steps.report_in(conn, actor("officer_parks"), wid["second"], NOW + 13 * D)),
        ("officer_parks", lambda: steps.complete(conn, actor("officer_parks"), wid["second"], NOW + 15 * D)),
        ("chief_a", lambda: steps.verify(conn, actor("chief_a"), wid["second"], NOW + 16 * D, "口袋公园建成")),
        ("chief_a", lambda: transition_incident(conn, actor("chief_a"), incident["id"], "start", NOW + 16 * D)),
        ("chief_a", lambda: transition_incident(conn, actor("chief_a"), incident["id"], "resolve", NOW + 16 * D)),
        ("worker_a", lambda: transition_incident(conn, actor("worker_a"), incident["id"], "verify", NOW + 17 * D)),
        ("operator", lambda: transition_incident(conn, actor("operator"), incident["id"], "close", NOW + 17 * D)),
    ]
    for who, step in journey:
        before = snapshot(conn)
        step()
        after = snapshot(conn)
        new_incident_events = set(after["incident_events"]) - set(before["incident_events"])
        new_whistle_events = set(after["whistle_events"]) - set(before["whistle_events"])
        for changed_incident in changed(before, after, "incidents"):
            assert any(e.incident_id == changed_incident for e in new_incident_events), who
        for changed_whistle in changed(before, after, "whistles"):
            assert any(e.whistle_id == changed_whistle for e in new_whistle_events), who
        for summons_id in changed(before, after, "summons"):
            whistle_id = after["summons"][summons_id][1]
            assert any(e.whistle_id == whistle_id for e in new_whistle_events), who
        assert new_incident_events | new_whistle_events, f"{who}: a step without an event"
        assert all(e.actor_id == world.users[who]
                   for e in new_incident_events | new_whistle_events), who
    final = conn.execute(select(Incident.status).where(Incident.id == incident["id"])).scalar_one()
    assert final == "closed"


def test_the_logs_are_append_only(conn):
    world = build_world(conn)
    view, _ = create_incident(conn, world.actor("worker_a"), NewIncident("0101", *IN_A), NOW)
    for statement in (update(IncidentEvent).values(note="改写历史"),
                      text("delete from incident_events")):
        savepoint = conn.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(statement)
        savepoint.rollback()
