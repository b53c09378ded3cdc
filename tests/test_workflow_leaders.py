"""The leaders' figures against a world computed by hand: completion, timeliness, late work,
whistles, 下考上, periods and scope, and the empty world.
"""
from datetime import UTC, date, datetime, timezone

import pytest

from data.queries.supervision import department_closures
from tests.leaders_world import NOW, bj, build_leaders_world
from tests.workflow_world import build_world
from workflow.errors import WorkflowError
from workflow.escalation.supervision import scores
from workflow.leaders.figures import (
    LEADER_ROLES,
    completion,
    default_month,
    late_work,
    leaders_scope,
    month_period,
    range_period,
    recent_months,
    timeliness,
)
from workflow.leaders.whistles import ranking, ratings_behind, trend, whistle_summary

NOV = month_period("2026-11")
TARGET = 0.99


@pytest.fixture
def lw(conn):
    return build_leaders_world(conn)


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_periods_are_beijing_months_and_ranges():
    assert NOV.start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert NOV.end == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert NOV.prev_start == datetime(2026, 9, 30, 16, tzinfo=UTC)
    jan = month_period("2026-01")
    assert jan.prev_start == datetime(2025, 11, 30, 16, tzinfo=UTC)
    week = range_period(date(2026, 11, 16), date(2026, 11, 22))
    assert (week.end - week.start).days == 7 and (week.start - week.prev_start).days == 7
    assert recent_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    with pytest.raises(WorkflowError):
        month_period("2026-13")
    with pytest.raises(WorkflowError):
        range_period(date(2026, 11, 2), date(2026, 11, 1))


def test_a_running_month_is_compared_with_the_same_days_before():
    # 26 November 10:00 Beijing: 1-26 November to date against 1 October to 26 October 10:00.
    nov = month_period("2026-11", NOW)
    assert nov.to_date and nov.end == NOW and nov.start == NOV.start
    assert nov.prev_start == NOV.prev_start
    assert nov.prev_end == nov.prev_asof == datetime(2026, 10, 26, 2, tzinfo=UTC)
    assert (nov.label, nov.prev_label) == ("2026年11月1日至26日（本月至今）", "2026年10月1日至26日（同期）")
    # A month already over is whole, against the whole month before, judged as of now.
    assert month_period("2026-10", NOW).prev_end is None
    assert month_period("2026-10", NOW).prev_label == "2026年9月"
    # 31 March against February: the span is capped at February's end, never into March.
    march = month_period("2026-03", datetime(2026, 3, 31, 4, tzinfo=UTC))
    assert march.prev_end == march.start and march.prev_label == "2026年2月1日至28日（同期）"
    # New Year's morning against 1 December.
    jan = month_period("2027-01", datetime(2026, 12, 31, 16, 0, 30, tzinfo=UTC))
    assert (jan.label, jan.prev_label) == ("2027年1月1日（本月至今）", "2026年12月1日（同期）")


def test_the_page_opens_on_the_last_full_month_while_the_month_is_young():
    assert default_month(NOW, 10) == "2026-11"                       # the 26th
    assert default_month(datetime(2026, 12, 3, 2, tzinfo=UTC), 10) == "2026-11"
    assert default_month(datetime(2026, 12, 31, 16, 0, 30, tzinfo=UTC), 10) == "2026-12"
    assert default_month(datetime(2027, 1, 1, 3, tzinfo=UTC), 10) == "2026-12"   # year wrap


def test_month_to_date_counts_the_same_days_before_as_they_stood(lw):
    """October 1-26 10:00 as it stood then: b2 (done 12 Oct) and a5 (closed 2 Nov, not yet):
    1 of 2 done; b2 closed on time: 1 of 1. November to date is the whole hand count.
    """
    leader = lw.world.actor("leader")
    total = completion(lw.world.conn, leader, month_period("2026-11", NOW), "street", NOW,
                       TARGET)["total"]
    assert (total["reported"], total["done"], total["closed"], total["on_time"]) == (6, 4, 4, 3)
    assert (total["reported_prev"], total["done_prev"]) == (2, 1)
    assert (total["closed_prev"], total["on_time_prev"]) == (1, 1)
    assert total["closure_delta"] == pytest.approx(4 / 6 - 0.5)
    assert total["on_time_delta"] == pytest.approx(0.75 - 1)


def test_completion_by_street_against_the_hand_count(lw):
    leader = lw.world.actor("leader")
    result = completion(lw.world.conn, leader, NOV, "street", NOW, TARGET)
    a, b = by_code(result["rows"])["120106001"], by_code(result["rows"])["120106002"]
    assert (a["reported"], a["done"], a["closed"], a["on_time"]) == (4, 3, 3, 2)
    assert a["closure_rate"] == pytest.approx(0.75)
    assert a["on_time_rate"] == pytest.approx(2 / 3)
    assert (a["reported_prev"], a["done_prev"], a["closed_prev"]) == (1, 1, 0)
    assert a["on_time_rate_prev"] is None and a["on_time_delta"] is None
    assert a["closure_delta"] == pytest.approx(-0.25)
    assert (b["reported"], b["done"], b["closed"], b["on_time"]) == (2, 1, 1, 1)
    total = result["total"]
    assert (total["reported"], total["done"], total["closed"], total["on_time"]) == (6, 4, 4, 3)
    assert total["closure_rate"] == pytest.approx(4 / 6)
    assert total["on_time_rate"] == pytest.approx(0.75)
    assert total["closure_rate_prev"] == pytest.approx(1.0)
    assert total["closure_delta"] == pytest.approx(4 / 6 - 1)
    assert a["below_target"] and b["below_target"]


def test_a_reopened_incident_is_not_done(lw):
    leader = lw.world.actor("leader")
    rows = completion(lw.world.conn, leader, NOV, "street", NOW, TARGET)["rows"]
    # a3 was closed once, then reopened: closed_at is cleared, so it is not done.
    assert by_code(rows)["120106001"]["done"] == 3


def test_completion_by_department_uses_the_same_counts_as_the_score(lw):
    conn, leader = lw.world.conn, lw.world.actor("leader")
    rows = by_code(completion(conn, leader, NOV, "department", NOW, TARGET)["rows"])
    road = rows["CGW-DL"]
    assert (road["reported"], road["done"], road["closed"], road["on_time"]) == (3, 2, 3, 2)
    dl = lw.world.departments["CGW-DL"]
    assert department_closures(conn, NOV.start, NOV.end)[dl] == (3, 2)
    score = next(s for s in scores(conn, leader, NOV.start, NOV.end) if s["code"] == "CGW-DL")
    assert score["on_time_rate"] == pytest.approx(road["on_time_rate"])
    assert rows["GA"]["reported"] == 0 and rows["GA"]["closure_rate"] is None


def test_completion_by_category_and_by_community(lw):
    conn, leader = lw.world.conn, lw.world.actor("leader")
    cats = by_code(completion(conn, leader, NOV, "category", NOW, TARGET)["rows"])
    assert (cats["01"]["reported"], cats["01"]["done"]) == (5, 3)
    assert (cats["02"]["reported"], cats["02"]["done"], cats["02"]["on_time"]) == (1, 1, 1)
    street_b = lw.world.ids["street_b"]
    communities = completion(conn, leader, NOV, "community", NOW, TARGET, street_b)["rows"]
    assert [c["code"] for c in communities] == ["120106002001"]
    assert (communities[0]["reported"], communities[0]["done"]) == (2, 1)


def test_timeliness_medians_and_p90_by_department(lw):
    conn, leader = lw.world.conn, lw.world.actor("leader")
    result = timeliness(conn, leader, NOV)
    road = by_code(result["rows"])["CGW-DL"]
    assert road["reported"] == 3
    assert road["accept_p50"] == pytest.approx(2.0) and road["accept_p90"] == pytest.approx(2.8)
    assert road["dispatch_p50"] == pytest.approx(2.0)
    assert road["close_p50"] == pytest.approx(48.0) and road["close_p90"] == pytest.approx(67.2)
    kept = next(r for r in result["rows"] if r["id"] is None)
    assert kept["reported"] == 3        # a4 (rejected), b1 (street), b3 (not yet accepted)
    assert result["total"]["reported"] == 6


def test_late_work_lists(lw):
    conn = lw.world.conn
    late = late_work(conn, lw.world.actor("leader"), NOV, NOW)
    assert [r["code"] for r in late["closed_late"]] == ["L-a2"] and late["closed_late_total"] == 1
    assert late["closed_late"][0]["hours_late"] == pytest.approx(12.0)
    assert [r["code"] for r in late["overdue"]] == ["L-a3"]
    assert late["overdue"][0]["hours_overdue"] == pytest.approx((NOW - bj(11, 22)).total_seconds() / 3600)
    assert late_work(conn, lw.world.actor("chief_b"), NOV, NOW)["overdue"] == []


def test_whistles_against_the_hand_count(lw):
    conn, leader = lw.world.conn, lw.world.actor("leader")
    w = whistle_summary(conn, leader, NOV, NOW)
    assert (w["total"]["blown"], w["total"]["second"], w["total"]["closed"],
            w["total"]["overdue"]) == (3, 1, 1, 1)
    assert w["total"]["report_in_p50"] == pytest.approx(5.5)
    assert w["total"]["completion_p50"] == pytest.approx(144.0)
    items = by_code(w["items"])
    assert items["WS-L1"]["outcome"] == "escalated" and items["WS-L1"]["report_in_hours"] == 6
    assert items["WS-L2"]["outcome"] == "closed" and items["WS-L3"]["outcome"] == "overdue"
    assert items["WS-L2"]["rating"] == pytest.approx(75.0)
    assert items["WS-L1"]["rating"] == pytest.approx(75.0)      # mean of 90 and 60
    assert [(s["code"], s["trigger"], s["second_note"]) for s in w["seconds"]] == [
        ("WS-L2", "overdue", "超期未办结，再次吹哨")]
    depts = by_code(w["by_department"])
    assert [d["code"] for d in w["by_department"]] == ["CGW-DL", "CGW-YL", "GA"]
    assert (depts["CGW-DL"]["summoned"], depts["CGW-DL"]["completed"], depts["CGW-DL"]["late"]) == (2, 2, 0)
    assert depts["CGW-DL"]["report_in_p50"] == pytest.approx(3.5)
    assert depts["CGW-DL"]["completion_p50"] == pytest.approx(132.0)
    assert (depts["CGW-YL"]["late"], depts["GA"]["arrived"], depts["GA"]["late"]) == (1, 0, 1)
    assert [q["code"] for q in w["queue"]] == ["WS-L3"]
    streets = by_code(w["by_street"])
    assert (streets["120106001"]["blown"], streets["120106001"]["second"]) == (2, 1)
    assert streets["120106002"]["overdue"] == 1


def test_the_score_ranking_trend_and_ratings(lw):
    conn, leader = lw.world.conn, lw.world.actor("leader")
    ranked = ranking(conn, leader, NOV)
    assert [(r["code"], r["rank"]) for r in ranked[:2]] == [("CGW-DL", 1), ("CGW-YL", 2)]
    assert ranked[0]["street_score"] == pytest.approx(82.5)
    assert ranked[0]["performance"] == pytest.approx(0.5 * 82.5 + 50 * 2 / 3)
    assert (ranked[1]["performance"], ranked[1]["basis"]) == (pytest.approx(60.0), "street_only")
    months = {(r["month"], r["code"]): r["performance"] for r in trend(conn, leader, "2026-11", 2)}
    assert months[("2026-10", "CGW-DL")] == pytest.approx(100.0)
    assert months[("2026-11", "CGW-DL")] == pytest.approx(ranked[0]["performance"])
    rows = ratings_behind(conn, leader, NOV, lw.world.departments["CGW-DL"])
    assert sorted(r["score"] for r in rows) == [pytest.approx(75.0), pytest.approx(90.0)]
    assert ratings_behind(conn, lw.world.actor("chief_b"), NOV) == []


def test_a_street_chief_sees_their_street_and_the_district_totals(lw):
    conn, chief = lw.world.conn, lw.world.actor("chief_a")
    result = completion(conn, chief, NOV, "street", NOW, TARGET)
    assert [r["code"] for r in result["rows"]] == ["120106001"]
    assert result["total"]["reported"] == 6
    other = completion(conn, chief, NOV, "community", NOW, TARGET, lw.world.ids["street_b"])
    assert [r["code"] for r in other["rows"]] == ["120106001001"]
    w = whistle_summary(conn, chief, NOV, NOW)
    assert sorted(i["code"] for i in w["items"]) == ["WS-L1", "WS-L2"]
    assert [s["code"] for s in w["by_street"]] == ["120106001"]
    assert w["total"]["blown"] == 3 and w["queue"] == []
    assert [r["code"] for r in late_work(conn, chief, NOV, NOW)["closed_late"]] == ["L-a2"]


@pytest.mark.parametrize("username,allowed", [
    ("leader", True), ("supervisor", True), ("analyst", True), ("operator", True),
    ("admin", True), ("chief_a", True), ("deputy_a", True), ("officer_road", False),
    ("community_a", False), ("worker_a", False), ("wall", False)])
def test_who_may_read_the_leaders_figures(conn, username, allowed):
    world = build_world(conn)
    actor = world.actor(username)
    if allowed:
        leaders_scope(actor)
    else:
        with pytest.raises(WorkflowError):
            leaders_scope(actor)


def test_the_page_guard_and_the_rules_agree():
    from api.auth import PAGE_ROLES

    assert set(PAGE_ROLES["/leaders"]) == set(LEADER_ROLES)


def test_an_empty_district_gives_zeros_and_no_rates(conn):
    world = build_world(conn)
    leader = world.actor("leader")
    result = completion(conn, leader, NOV, "street", NOW, TARGET)
    assert all(r["reported"] == 0 and r["closure_rate"] is None for r in result["rows"])
    assert result["total"]["closure_rate"] is None and not result["total"]["below_target"]
    assert timeliness(conn, leader, NOV)["total"]["accept_p50"] is None
    w = whistle_summary(conn, leader, NOV, NOW)
    assert w["total"]["blown"] == 0 and w["items"] == [] and w["total"]["report_in_p50"] is None
    assert all(r["rank"] is None for r in ranking(conn, leader, NOV))


def test_a_handful_of_closures_is_not_enough_to_rank(lw):
    # CGW-DL: 3 closures and 2 ratings in November, under a minimum of 30: listed, not ranked.
    rows = ranking(lw.world.conn, lw.world.actor("leader"), NOV, min_volume=30)
    dl = next(r for r in rows if r["code"] == "CGW-DL")
    assert dl["rank"] is None and dl["basis"] == "too_little"
    assert dl["performance"] == pytest.approx(0.5 * 82.5 + 50 * 2 / 3)
    assert all(r["rank"] is None for r in rows)
