"""The incident lifecycle: every action from every status, allowed or refused, and what it writes."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from data.models.base import INCIDENT_STATUSES
from workflow.errors import WorkflowError
from workflow.incidents.machine import (
    ACTIONS,
    CLEARED_ON_REOPEN,
    TRANSITIONS,
    allowed_actions,
    check_transition,
    transition_values,
)

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)

# The lifecycle written out by hand (DOMAIN.md), independently of the table under test.
EXPECTED = {
    ("accept", "reported"): "accepted",
    ("reject", "reported"): "rejected",
    ("reject", "accepted"): "rejected",
    ("dispatch", "accepted"): "dispatched",
    ("dispatch", "dispatched"): "dispatched",
    ("dispatch", "reopened"): "dispatched",
    ("start", "dispatched"): "in_progress",
    ("start", "reopened"): "in_progress",
    ("resolve", "in_progress"): "resolved",
    ("verify", "resolved"): "verified",
    ("close", "verified"): "closed",
    ("reopen", "resolved"): "reopened",
    ("reopen", "verified"): "reopened",
    ("reopen", "closed"): "reopened",
}
PAIRS = [(a, s) for a in ACTIONS for s in INCIDENT_STATUSES]


def test_the_table_names_every_action_of_the_issue():
    assert set(ACTIONS) == {"accept", "dispatch", "start", "resolve", "verify", "close",
                            "reject", "reopen"}


@pytest.mark.parametrize("action,status", [p for p in PAIRS if p in EXPECTED])
def test_every_allowed_transition_goes_where_the_lifecycle_says(action, status):
    assert check_transition(action, status) == EXPECTED[(action, status)]
    assert action in allowed_actions(status)


@pytest.mark.parametrize("action,status", [p for p in PAIRS if p not in EXPECTED])
def test_every_other_transition_is_refused_with_409(action, status):
    with pytest.raises(WorkflowError) as err:
        check_transition(action, status)
    assert err.value.status == 409 and err.value.code == "invalid_transition"
    assert action not in allowed_actions(status)


def test_final_states_allow_only_reopening_a_closed_case():
    assert allowed_actions("rejected") == ()
    assert allowed_actions("closed") == ("reopen",)


@pytest.mark.parametrize("action", ACTIONS)
def test_each_transition_stamps_its_lifecycle_column(action):
    source = TRANSITIONS[action].sources[0]
    values = transition_values(action, source, NOW, reopen_count=2)
    assert values["status"] == TRANSITIONS[action].target
    assert values["updated_at"] == NOW
    stamp = TRANSITIONS[action].stamp
    if stamp:
        assert values[stamp] == NOW


def test_reopen_counts_and_clears_the_failed_round():
    values = transition_values("reopen", "closed", NOW + timedelta(days=1), reopen_count=1)
    assert values["reopen_count"] == 2
    assert all(values[column] is None for column in CLEARED_ON_REOPEN)
