"""Notices: who is told what, written in the event's own transaction, once per key."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.models import Notice
from tests.test_workflow_whistles import DAY, blown, finished, second
from tests.workflow_world import NOW, build_world, make_incident
from workflow.errors import WorkflowError
from workflow.escalation.tick import tick
from workflow.incidents.service import transition_incident
from workflow.notices import events
from workflow.notices.routes import add_route
from workflow.notices.scan import scan
from workflow.whistles import steps


@pytest.fixture
def world(conn):
    return build_world(conn)


def told(conn, kind, channel="inbox"):
    """Who got notices of this kind on this channel: usernames via user ids, sorted."""
    rows = conn.execute(select(Notice.user_id, Notice.address).where(
        Notice.kind == kind, Notice.channel == channel)).all()
    return rows


def names(world, rows):
    by_id = {v: k for k, v in world.users.items()}
    return sorted(by_id[r.user_id] for r in rows if r.user_id)


def test_a_dispatch_tells_the_departments_officer_in_the_same_transaction(conn, world):
    incident = make_incident(conn, world, "accepted")
    with conn.begin_nested() as step:
        transition_incident(conn, world.actor("operator"), incident, "dispatch", NOW,
                            department_code="CGW-DL")
        assert names(world, told(conn, "dispatched")) == ["officer_road"]
        step.rollback()          # the step undone: so is its notice
    assert told(conn, "dispatched") == []
    view = transition_incident(conn, world.actor("operator"), incident, "dispatch", NOW,
                               department_code="CGW-DL")
    notice = conn.execute(select(Notice).where(Notice.kind == "dispatched")).one()
    assert notice.incident_id == incident and view["code"] in notice.title
    assert notice.status == "sent" and notice.read_at is None and not notice.urgent


def test_a_refused_step_tells_nobody(conn, world):
    incident = make_incident(conn, world, "reported")
    with pytest.raises(WorkflowError):
        transition_incident(conn, world.actor("worker_a"), incident, "dispatch", NOW)
    assert conn.execute(select(func.count()).select_from(Notice)).scalar_one() == 0


def test_a_fix_asks_the_reporting_worker_to_verify(conn, world):
    incident = make_incident(conn, world, "in_progress", handled_by="department",
                             department="CGW-DL", deadline=NOW + DAY)
    transition_incident(conn, world.actor("officer_road"), incident, "resolve", NOW)
    assert names(world, told(conn, "verify_fix")) == ["worker_a"]


def test_a_whistle_summons_each_departments_officer_with_meeting_time_and_place(conn, world):
    view = blown(conn, world)
    rows = conn.execute(select(Notice).where(Notice.kind == "whistle_blown")).all()
    assert names(world, rows) == ["officer_parks", "officer_road"]
    assert all("光荣道现场" in r.body and "会商时间" in r.body and r.urgent for r in rows)
    assert all(r.whistle_id == view["id"] for r in rows)


def test_completion_asks_the_street_chiefs_to_rate_and_the_second_whistle_calls_leaders(
        conn, world):
    view = finished(conn, world, blown(conn, world))
    assert view["status"] == "completed"
    assert names(world, told(conn, "whistle_completed")) == ["chief_a", "director_a"]
    second(conn, world, view["id"], NOW + 6 * DAY)
    got = names(world, told(conn, "second_whistle"))
    assert "leader" in got and "officer_road" in got and "leader2" not in got


def test_overdue_work_tells_the_department_and_the_supervision_office_once(conn, world):
    make_incident(conn, world, "dispatched", handled_by="department", department="CGW-DL",
                  deadline=NOW - timedelta(hours=2))
    tick(conn, NOW)
    tick(conn, NOW)
    assert names(world, told(conn, "overdue")) == ["officer_road", "supervisor"]


def test_due_within_a_day_and_the_meeting_reminder_are_written_once(conn, world):
    make_incident(conn, world, "dispatched", handled_by="department", department="CGW-YL",
                  deadline=NOW + timedelta(hours=20))
    view = blown(conn, world)          # meeting tomorrow at NOW + 1 day
    assert scan(conn, NOW)["due_soon"] == 1
    assert scan(conn, NOW) == {"due_soon": 0, "meeting_reminder": 0}
    steps.report_in(conn, world.actor("officer_road"), view["id"], NOW)
    # Arrived already (arrival counts from 2 h before the meeting).
    steps.report_in(conn, world.actor("officer_road"), view["id"],
                    NOW + DAY - timedelta(hours=1, minutes=30))
    assert scan(conn, NOW + DAY - timedelta(hours=1))["meeting_reminder"] == 1
    assert names(world, told(conn, "meeting_reminder")) == ["officer_parks"]
    assert names(world, told(conn, "due_soon")) == ["officer_parks"]


def test_a_department_route_adds_its_robot_and_the_open311_reporter_gets_mail(conn, world):
    route = add_route(conn, "wecom", "http://127.0.0.1:9/robot", department_code="CGW-DL")
    incident = make_incident(conn, world, "accepted")
    conn.exec_driver_sql(
        "insert into open311_clients (name, key_hash, key_hint) values ('fms', repeat('a', 64), 'aaaa')")
    conn.exec_driver_sql(
        "insert into open311_requests (incident_id, client_id, token, request_hash, contact) "
        "select %s, id, 'tok-1', repeat('b', 64), '{\"email\": \"li@example.org\"}' "
        "from open311_clients where name = 'fms'", (incident,))
    transition_incident(conn, world.actor("operator"), incident, "dispatch", NOW,
                        department_code="CGW-DL")
    robot = conn.execute(select(Notice).where(Notice.channel == "wecom")).one()
    assert (robot.route_id, robot.status, robot.kind) == (route, "pending", "dispatched")
    mail = conn.execute(select(Notice).where(Notice.channel == "email")).one()
    assert (mail.address, mail.kind) == ("li@example.org", "open311_status")


def test_the_same_event_twice_writes_nothing_new(conn, world):
    view = blown(conn, world)
    assert events.whistle_blown(conn, view["id"], NOW) == 0
