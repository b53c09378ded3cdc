"""The permission matrix: every role x every action x in scope and out of scope."""
from dataclasses import replace

import pytest

from data.models.base import ROLES
from tests.workflow_world import NOW, build_world, make_incident
from workflow.errors import WorkflowError
from workflow.incidents.service import transition_incident
from workflow.roles import PERMISSIONS, Actor, Target, can, list_filter

STAFF = {"operator", "street_chief", "community_chief", "admin"}
ALL_BUT_WALL = set(ROLES) - {"wall"}
# Written out by hand from the issue: action -> (roles allowed in scope, roles allowed anywhere).
EXPECTED = {
    "incident.read": (ALL_BUT_WALL, {"district_leader", "analyst", "supervisor", "operator", "admin",
                                     "city_leader"}),
    "incident.create": ({"grid_worker"} | STAFF, {"grid_worker", "operator", "admin"}),
    "incident.accept": (STAFF, {"operator", "admin"}),
    "incident.reject": (STAFF, {"operator", "admin"}),
    "incident.dispatch": (STAFF, {"operator", "admin"}),
    "incident.start": ({"dept_officer", "street_chief", "community_chief", "admin"}, {"admin"}),
    "incident.resolve": ({"dept_officer", "street_chief", "community_chief", "admin"}, {"admin"}),
    "incident.verify": ({"grid_worker"} | STAFF, {"operator", "admin"}),
    "incident.close": (STAFF, {"operator", "admin"}),
    "incident.reopen": ({"grid_worker"} | STAFF, {"operator", "admin"}),
    "incident.comment": ({"supervisor", "district_leader", "dept_officer"} | STAFF,
                         {"supervisor", "district_leader", "operator", "admin"}),
    "whistle.read": (ALL_BUT_WALL - {"grid_worker"},
                     {"district_leader", "analyst", "supervisor", "operator", "admin",
                      "city_leader"}),
    "whistle.blow": ({"street_chief"}, set()),
    "whistle.second": ({"street_chief"}, set()),
    "whistle.report_in": ({"dept_officer", "district_leader", "admin"}, {"admin"}),
    "whistle.complete": ({"dept_officer", "district_leader", "admin"}, {"admin"}),
    "whistle.verify": ({"street_chief"}, set()),
    "whistle.rate": ({"street_chief"}, set()),
    "whistle.comment": ({"supervisor", "district_leader", "operator", "street_chief", "admin"},
                        {"supervisor", "district_leader", "operator", "admin"}),
    "supervision.queue": ({"supervisor", "district_leader", "operator", "street_chief", "admin",
                           "city_leader"},
                          {"supervisor", "district_leader", "operator", "admin", "city_leader"}),
    "devices.read": ({"district_leader", "supervisor", "analyst", "city_leader"} | STAFF,
                     {"district_leader", "supervisor", "analyst", "operator", "admin",
                      "city_leader"}),
    "devices.manage": ({"operator", "admin"}, {"operator", "admin"}),
    "admin.manage": ({"admin"}, {"admin"}),
    # Patrol supervision (issue 20): following patrols, and acknowledging / recording leave.
    "patrol.read": ({"district_leader", "supervisor", "city_leader"} | STAFF,
                    {"district_leader", "supervisor", "operator", "admin", "city_leader"}),
    "patrol.manage": ({"operator", "street_chief", "admin"}, {"operator", "admin"}),
    # Intake (issue 22): merging, and the suggested duplicates.
    "incident.merge": (STAFF, {"operator", "admin"}),
    "duplicates.read": ({"supervisor", "district_leader", "city_leader"} | STAFF,
                        {"supervisor", "district_leader", "operator", "admin", "city_leader"}),
    "duplicates.decide": (STAFF, {"operator", "admin"}),
    "scores.read": (set(ROLES) - {"grid_worker", "community_chief"},
                    set(ROLES) - {"grid_worker", "community_chief"}),
}
HQ = "120106"
IN_HQ = {"district_code": HQ}
HANDLER = {"dept_officer": "department", "street_chief": "street", "community_chief": "community"}


def actor(role: str) -> Actor:
    # The command-centre operator works district-wide (no street of their own).
    title = "party_secretary" if role == "street_chief" else "member"
    street = None if role == "operator" else 1
    district = None if role == "city_leader" else "120106"
    return Actor(id=100, role=role, title=title, street_id=street, community_id=1,
                 department_id=1, grid_ids=frozenset({1}), district_code=district)


def target(role: str, inside: bool) -> Target:
    n, who = (1, 100) if inside else (2, 999)
    return Target(street_id=n, community_ids=frozenset({n}), department_ids=frozenset({n}),
                  grid_id=n, reporter_id=who, handled_by=HANDLER.get(role, "department"),
                  leader_ids=frozenset({who}), assigned_department_id=n)


def test_the_expected_table_covers_every_action():
    assert set(EXPECTED) == set(PERMISSIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("inside", [True, False], ids=["in_scope", "out_of_scope"])
def test_matrix(action, role, inside):
    allowed_in, allowed_anywhere = EXPECTED[action]
    expected = role in (allowed_in if inside else allowed_anywhere)
    assert can(actor(role), action, target(role, inside)) is expected


def test_the_workers_follow_the_incident_not_their_rank():
    street_case = Target(street_id=1, community_ids=frozenset({1}), handled_by="department",
                         assigned_department_id=2)
    assert not can(actor("street_chief"), "incident.start", street_case)
    assert not can(actor("dept_officer"), "incident.start",
                   Target(street_id=1, handled_by="street", assigned_department_id=1))


def test_a_deputy_is_a_street_chief_who_may_not_whistle():
    deputy = Actor(id=1, role="street_chief", title="deputy", street_id=1)
    assert can(deputy, "incident.accept", Target(street_id=1))
    assert not can(deputy, "whistle.blow", Target(street_id=1))


def test_a_street_operator_works_only_in_their_street():
    operator = Actor(id=1, role="operator", street_id=1)
    assert can(operator, "incident.dispatch", Target(street_id=1))
    assert not can(operator, "incident.dispatch", Target(street_id=2))
    assert list_filter(operator, "incident.read") == {"street_id": 1, "district_code": HQ}
    assert list_filter(Actor(id=1, role="operator"), "incident.read") == {"district_code": HQ}


def test_lists_are_scoped_by_role():
    assert list_filter(actor("wall"), "incident.read") is None
    assert list_filter(actor("street_chief"), "incident.read") == {"street_id": 1, **IN_HQ}
    assert list_filter(actor("community_chief"), "incident.read") == {"community_id": 1, **IN_HQ}
    assert list_filter(actor("dept_officer"), "incident.read") == {"department_id": 1, **IN_HQ}
    assert list_filter(actor("grid_worker"), "incident.read") == {"own": (100, (1,)), **IN_HQ}
    assert list_filter(actor("city_leader"), "incident.read") == {}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_another_district_is_out_of_every_district_accounts_scope(action, role):
    # The same street/community/department ids, but the work lies in Hebei (120105).
    elsewhere = replace(target(role, True), district_code="120105")
    allowed_in = EXPECTED[action][0]
    assert can(actor(role), action, elsewhere) is (role == "city_leader" and role in allowed_in)


def test_every_read_scope_of_a_district_account_names_its_district():
    for action in PERMISSIONS:
        for role in ROLES:
            scope = list_filter(actor(role), action)
            if scope is not None:
                expected = None if role == "city_leader" else HQ
                assert scope.get("district_code") == expected, (action, role)


# The same matrix through the service on real rows: who may take each step on an incident
# of street A (reported by worker_a) and of street B (reported by worker_b), both with the
# road maintenance office as the department.
SOURCE = {"accept": "reported", "reject": "reported", "dispatch": "accepted",
          "start": "dispatched", "resolve": "in_progress", "verify": "resolved",
          "close": "verified", "reopen": "closed"}
DISPATCHERS_A = {"operator", "operator_a", "chief_a", "director_a", "deputy_a", "community_a",
                 "admin"}
DISPATCHERS_B = {"operator", "chief_b", "community_b", "admin"}
ALLOWED = {
    "A": {"accept": DISPATCHERS_A, "reject": DISPATCHERS_A, "dispatch": DISPATCHERS_A,
          "close": DISPATCHERS_A, "start": {"officer_road", "admin"},
          "resolve": {"officer_road", "admin"}, "verify": DISPATCHERS_A | {"worker_a"},
          "reopen": DISPATCHERS_A | {"worker_a"}},
    "B": {"accept": DISPATCHERS_B, "reject": DISPATCHERS_B, "dispatch": DISPATCHERS_B,
          "close": DISPATCHERS_B, "start": {"officer_road", "admin"},
          "resolve": {"officer_road", "admin"}, "verify": DISPATCHERS_B | {"worker_b"},
          "reopen": DISPATCHERS_B | {"worker_b"}},
}


@pytest.mark.parametrize("street", ["A", "B"])
@pytest.mark.parametrize("action", sorted(SOURCE))
def test_every_account_on_real_incidents(conn, street, action):
    world = build_world(conn)
    reporter = "worker_a" if street == "A" else "worker_b"
    outcomes = {}
    for username in world.users:
        savepoint = conn.begin_nested()
        incident = make_incident(conn, world, SOURCE[action], street=street, reporter=reporter,
                                 handled_by="department", department="CGW-DL",
                                 deadline=NOW)
        try:
            transition_incident(conn, world.actor(username), incident, action, NOW,
                                note="原因说明")
            outcomes[username] = True
        except WorkflowError as err:
            assert err.status == 403, (username, err.message)
            outcomes[username] = False
        savepoint.rollback()
    assert {u for u, ok in outcomes.items() if ok} == ALLOWED[street][action]
