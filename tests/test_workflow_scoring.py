"""下考上: the score formula against a case computed by hand, and the scores from the database."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from data.models import Incident, WhistleSummons
from tests.workflow_world import NOW, build_world, make_incident
from workflow.errors import WorkflowError
from workflow.escalation.supervision import scores
from workflow.leaders.scoring import (
    department_scores,
    performance,
    street_evaluation,
    summons_score,
)

DEPTS = [{"id": 1, "code": "CGW", "name_zh": "区城管委", "name_en": "CGW"},
         {"id": 2, "code": "GA", "name_zh": "公安", "name_en": "GA"},
         {"id": 3, "code": "MZJ", "name_zh": "民政", "name_en": "MZJ"},
         {"id": 4, "code": "TJJ", "name_zh": "统计", "name_en": "TJJ"}]


def test_hand_computed_case():
    # CGW: two whistles rated (90, 80, 100) -> 90 and (70, 75, 80) -> 75; mean 82.5.
    #      20 incidents closed, 18 on time -> 90%. Performance 0.5*82.5 + 0.5*90 = 86.25.
    # GA: one rating (60, 60, 60) -> 60; 10 closed, 10 on time -> 100%: 0.5*60 + 50 = 80.
    # MZJ: never whistled; 4 closed, 3 on time: scored on on-time alone = 75.
    # TJJ: nothing at all: no score, unranked.
    ratings = [{"department_id": 1, "timeliness": 90, "quality": 80, "attitude": 100},
               {"department_id": 1, "timeliness": 70, "quality": 75, "attitude": 80},
               {"department_id": 2, "timeliness": 60, "quality": 60, "attitude": 60}]
    closures = {1: (20, 18), 2: (10, 10), 3: (4, 3)}
    result = {s.code: s for s in department_scores(DEPTS, ratings, closures)}
    assert result["CGW"].street_score == pytest.approx(82.5)
    assert result["CGW"].on_time_rate == pytest.approx(0.9)
    assert result["CGW"].performance == pytest.approx(86.25)
    assert result["GA"].performance == pytest.approx(80.0)
    assert (result["MZJ"].performance, result["MZJ"].basis) == (pytest.approx(75.0), "on_time_only")
    assert (result["TJJ"].performance, result["TJJ"].rank, result["TJJ"].basis) == (None, None, "none")
    assert [s.code for s in department_scores(DEPTS, ratings, closures)] == ["CGW", "GA", "MZJ", "TJJ"]
    assert [result[c].rank for c in ("CGW", "GA", "MZJ")] == [1, 2, 3]


def test_a_department_below_the_minimum_volume_is_listed_apart_unranked():
    # The hand case with a minimum of 12 closures plus ratings: CGW 22 and GA 11... GA has 10
    # closures and 1 rating = 11 < 12, MZJ 4: both kept with their scores, not ranked, after
    # the ranked, best first; TJJ (nothing) last.
    ratings = [{"department_id": 1, "timeliness": 90, "quality": 80, "attitude": 100},
               {"department_id": 2, "timeliness": 60, "quality": 60, "attitude": 60}]
    result = department_scores(DEPTS, ratings, {1: (20, 18), 2: (10, 10), 3: (4, 3)},
                               min_volume=12)
    assert [(s.code, s.rank, s.basis) for s in result] == [
        ("CGW", 1, "both"), ("GA", None, "too_little"), ("MZJ", None, "too_little"),
        ("TJJ", None, "none")]
    assert result[1].performance == pytest.approx(80.0)


def test_the_weight_is_configurable():
    assert performance(80.0, 0.5, weight=0.7) == (pytest.approx(0.7 * 80 + 0.3 * 50), "both")
    assert performance(80.0, None) == (80.0, "street_only")
    with pytest.raises(ValueError):
        performance(80.0, 0.5, weight=1.5)


def test_parts():
    assert summons_score(90, 80, 100) == 90
    assert street_evaluation([]) is None
    assert street_evaluation([(100, 100, 100), (0, 0, 0)]) == 50


def test_scores_from_the_database_match_the_formula(conn):
    world = build_world(conn)
    cgw = world.departments["CGW-DL"]
    # Three incidents of the road office closed in the period, two resolved on time.
    for hours_late in (-2, -1, 5):
        incident = make_incident(conn, world, "closed", handled_by="department",
                                 department="CGW-DL", deadline=NOW)
        conn.execute(update(Incident).where(Incident.id == incident).values(
            resolved_at=NOW + timedelta(hours=hours_late), closed_at=NOW + timedelta(hours=8)))
    # One rating given in the period (via a whistle made directly in the table).
    from tests.test_workflow_whistles import blown
    whistle = blown(conn, world, ("CGW-DL",))
    conn.execute(update(WhistleSummons).where(WhistleSummons.whistle_id == whistle["id"]).values(
        rating_timeliness=90, rating_quality=60, rating_attitude=90, rated_at=NOW,
        acknowledged_at=NOW, arrived_at=NOW, completed_at=NOW))
    result = {s["code"]: s for s in scores(conn, world.actor("leader"), NOW - timedelta(days=1),
                                           NOW + timedelta(days=1))}
    road = result["CGW-DL"]
    assert road["department_id"] == cgw
    assert road["street_score"] == pytest.approx(80.0)
    assert (road["closed"], road["on_time"]) == (3, 2)
    assert road["performance"] == pytest.approx(0.5 * 80 + 0.5 * 100 * 2 / 3)
    assert road["rank"] == 1
    with pytest.raises(WorkflowError) as err:
        scores(conn, world.actor("worker_a"), NOW, NOW + timedelta(days=1))
    assert err.value.status == 403
