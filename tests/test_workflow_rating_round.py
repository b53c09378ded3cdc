"""下考上 rating rounds on the hand-made leaders world: who rates whom, what is refused (and
leaves the database unchanged), and how a round moves the street evaluation.
"""
import pytest
from sqlalchemy import func, select

from data.models import StreetRating
from tests.leaders_world import NOW, build_leaders_world
from workflow.errors import WorkflowError
from workflow.escalation.supervision import scores
from workflow.leaders.figures import month_period
from workflow.leaders.rating_round import departments_to_rate, submit_round
from workflow.leaders.whistles import ratings_behind

NOV = month_period("2026-11")


@pytest.fixture
def lw(conn):
    return build_leaders_world(conn)


def stored(conn) -> int:
    return conn.execute(select(func.count()).select_from(StreetRating)).scalar_one()


def test_a_chief_rates_the_departments_the_street_worked_with(lw):
    conn, chief = lw.world.conn, lw.world.actor("chief_a")
    # Street A in November: CGW-DL got a1-a3 dispatched and was summoned twice; CGW-YL once.
    listed = {d["code"]: d for d in departments_to_rate(conn, chief, NOV)}
    assert set(listed) == {"CGW-DL", "CGW-YL"}
    assert (listed["CGW-DL"]["dispatched"], listed["CGW-DL"]["summoned"]) == (3, 2)
    dl, yl = listed["CGW-DL"]["id"], listed["CGW-YL"]["id"]
    before = {s["code"]: s for s in scores(conn, chief, NOV.start, NOV.end)}
    assert before["CGW-YL"]["street_score"] == pytest.approx(60)      # one whistle rating
    n = submit_round(conn, chief, NOV, [
        {"department_id": dl, "timeliness": 80, "quality": 85, "attitude": 90, "note": "配合好"},
        {"department_id": yl, "timeliness": 90, "quality": 90, "attitude": 90}], NOW)
    assert n == 2 and stored(conn) == 2
    after = {s["code"]: s for s in scores(conn, chief, NOV.start, NOV.end)}
    # CGW-YL: whistle 60 and round 90 -> 75; CGW-DL: 90, 75 and 85 -> 83.33.
    assert after["CGW-YL"]["street_score"] == pytest.approx(75)
    assert after["CGW-YL"]["ratings"] == 2
    assert after["CGW-DL"]["street_score"] == pytest.approx((90 + 75 + 85) / 3)
    behind = ratings_behind(conn, chief, NOV, yl)
    assert [(r["whistle_code"], r["matter"], r["score"]) for r in behind][-1] == (None, None, 90)
    # A second round replaces the first.
    submit_round(conn, chief, NOV, [{"department_id": yl, "timeliness": 70, "quality": 70,
                                     "attitude": 70}], NOW)
    assert stored(conn) == 2
    again = {s["code"]: s for s in scores(conn, chief, NOV.start, NOV.end)}
    assert again["CGW-YL"]["street_score"] == pytest.approx(65)


@pytest.mark.parametrize("bad,field", [
    ({"timeliness": 101}, "ratings[1].timeliness"),
    ({"quality": "90"}, "ratings[1].quality"),
    ({"attitude": True}, "ratings[1].attitude"),
    ({"note": "很" * 501}, "ratings[1].note"),
    ({"department_id": 999999}, "ratings[1].department_id"),
])
def test_bad_input_names_its_field_and_writes_nothing(lw, bad, field):
    conn, chief = lw.world.conn, lw.world.actor("chief_a")
    dl = lw.world.departments["CGW-DL"]
    yl = lw.world.departments["CGW-YL"]
    good = {"department_id": dl, "timeliness": 80, "quality": 80, "attitude": 80}
    with pytest.raises(WorkflowError) as err:
        submit_round(conn, chief, NOV, [good, {**good, "department_id": yl, **bad}], NOW)
    assert err.value.status == 422 and err.value.field == field
    assert stored(conn) == 0


def test_only_a_chief_rates_and_only_departments_of_their_street(lw):
    conn = lw.world.conn
    ga = lw.world.departments["GA"]
    with pytest.raises(WorkflowError) as err:
        departments_to_rate(conn, lw.world.actor("leader"), NOV)
    assert err.value.status == 403
    # GA was summoned by street B, not A.
    with pytest.raises(WorkflowError) as err:
        submit_round(conn, lw.world.actor("chief_a"), NOV, [
            {"department_id": ga, "timeliness": 80, "quality": 80, "attitude": 80}], NOW)
    assert err.value.field == "ratings[0].department_id" and stored(conn) == 0
    future = month_period("2027-03")
    with pytest.raises(WorkflowError):
        submit_round(conn, lw.world.actor("chief_a"), future, [], NOW)


def test_a_month_to_date_is_rated_as_the_whole_month(lw):
    conn, chief = lw.world.conn, lw.world.actor("chief_a")
    running = month_period("2026-11", NOW)            # 1-26 November to date
    submit_round(conn, chief, running, [{"department_id": lw.world.departments["CGW-DL"],
                                         "timeliness": 80, "quality": 80, "attitude": 80}], NOW)
    row = conn.execute(select(StreetRating.period_from, StreetRating.period_to)).one()
    assert (str(row.period_from), str(row.period_to)) == ("2026-11-01", "2026-12-01")
