"""A hand-made world for the leaders' view, every figure computed by hand in the comments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, update

from data.clock import frozen_clock
from data.models import Incident, Whistle, WhistleEvent, WhistleSummons
from tests.workflow_world import World, build_world, make_incident

# A hand-made November with its own frozen clock: every app built on this world reads
# LEADERS_CLOCK, never the session's or the machine's.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)     # 10:00 Beijing, 26 November
LEADERS_CLOCK = frozen_clock(NOW)
H = timedelta(hours=1)


def bj(month: int, day: int, hour: int = 10) -> datetime:
    """A Beijing wall-clock time in 2026 as an aware UTC datetime."""
    return datetime(2026, month, day, hour, tzinfo=UTC) - 8 * H


@dataclass
class LeadersWorld:
    world: World
    incidents: dict[str, int]
    whistles: dict[str, int]


def _incident(conn, world, key, *, street="A", category="0101", department="CGW-DL",
              reported, accept_h=1.0, dispatch_h=2.0, deadline_h=48.0, resolve_h=None,
              close_h=None, status="closed", reopen=False, rejected=False) -> int:
    handled = "department" if department else "street"
    iid = make_incident(conn, world, status, street=street, category=category,
                        handled_by=handled, department=department, reported_at=reported,
                        code=f"L-{key}", reporter="worker_a" if street == "A" else "worker_b")
    values = dict(accepted_at=reported + accept_h * H, dispatched_at=reported + dispatch_h * H,
                  deadline=reported + deadline_h * H,
                  resolved_at=reported + resolve_h * H if resolve_h else None,
                  verified_at=reported + close_h * H if close_h else None,
                  closed_at=reported + close_h * H if close_h else None,
                  reopen_count=1 if reopen else 0)
    if rejected:
        values.update(dispatched_at=None, deadline=None, handled_by=None, department_id=None,
                      rejected_at=reported + 2 * H)
    conn.execute(update(Incident).where(Incident.id == iid).values(**values))
    return iid


def build_leaders_world(conn) -> LeadersWorld:
    """Streets A (丁字沽) and B (西沽); November 2026 against October.

    November (reported in Nov / closed in Nov):
      A: a1 closed on time, a2 closed late, a3 reopened (was closed; overdue now), a4 rejected;
         a5 reported in October, closed on time in November.
         -> reported 4, done 3 (75%); closed 3 (a1, a2, a5), on time 2 (66.7%).
      B: b1 kept by the street, closed on time (category 0202); b3 just reported.
         -> reported 2, done 1 (50%); closed 1, on time 1 (100%).
      District: reported 6, done 4 (66.7%); closed 4, on time 3 (75%).
    October: b2 (B, CGW-DL) reported, closed on time; a5 reported (done by now).
      -> district reported 2, done 2 (100%); closed 1, on time 1 (100%).
    CGW-DL in November: reported 3 (a1-a3), done 2; closed 3, on time 2 (as 下考上 counts).
    """
    world = build_world(conn)
    i = {
        "a1": _incident(conn, world, "a1", reported=bj(11, 10), accept_h=1, resolve_h=20, close_h=24),
        "a2": _incident(conn, world, "a2", reported=bj(11, 12), accept_h=2, resolve_h=60, close_h=48 + 24),
        "a3": _incident(conn, world, "a3", reported=bj(11, 20), accept_h=3, status="reopened",
                        reopen=True),
        "a4": _incident(conn, world, "a4", reported=bj(11, 21), department=None, status="rejected",
                        rejected=True),
        "a5": _incident(conn, world, "a5", reported=bj(10, 20), resolve_h=24 * 12, close_h=24 * 13,
                        deadline_h=24 * 14),
        "b1": _incident(conn, world, "b1", street="B", category="0202", department=None,
                        reported=bj(11, 5), resolve_h=10, close_h=24),
        "b2": _incident(conn, world, "b2", street="B", reported=bj(10, 10), resolve_h=10, close_h=48),
        "b3": _incident(conn, world, "b3", street="B", department=None, status="reported",
                        reported=bj(11, 25)),
    }
    conn.execute(update(Incident).where(Incident.id == i["b3"]).values(
        accepted_at=None, dispatched_at=None, deadline=None, handled_by=None))
    return LeadersWorld(world, i, whistles(conn, world, i))


def _whistle(conn, world, code, street, level, blown, deadline, status, parent=None,
             completed=None, closed=None) -> int:
    street_id = world.ids["street" if street == "A" else "street_b"]
    return conn.execute(insert(Whistle).values(
        code=code, street_id=street_id, blown_by_id=world.users[f"chief_{street.lower()}"],
        level=level, parent_id=parent, matter=f"事项{code}", meeting_at=blown + H,
        meeting_place="现场", blown_at=blown, deadline=deadline, status=status,
        completed_at=completed, closed_at=closed, geom="SRID=4326;POINT(117.105 39.155)",
    ).returning(Whistle.id)).scalar_one()


def _summons(conn, whistle, department=None, leader=None, ack=None, arrive=None, done=None,
             rating=None, rated=None, by=None) -> None:
    t, q, a = rating or (None, None, None)
    conn.execute(insert(WhistleSummons).values(
        whistle_id=whistle, department_id=department, leader_id=leader, acknowledged_at=ack,
        arrived_at=arrive, completed_at=done, rating_timeliness=t, rating_quality=q,
        rating_attitude=a, rated_at=rated, rated_by_id=by))


def whistles(conn, world: World, incidents: dict) -> dict[str, int]:
    """W1 (A, 3 Nov, deadline 13 Nov): CGW-DL arrives +4h, completes 8 Nov; CGW-YL arrives +6h,
    never completes -> overdue -> second whistle W2 on 14 Nov (trigger: overdue), W1 escalated.
    W2 (A, level 2): CGW-DL arrives +3h, the leader +5h; completed 20 Nov, closed 21 Nov.
    W3 (B, 20 Nov, deadline 25 Nov): GA summoned, nobody came -> overdue now, in the queue.
    Ratings (21 Nov): W1 CGW-DL (90, 80, 100) = 90, W1 CGW-YL (60, 60, 60) = 60,
    W2 CGW-DL (70, 75, 80) = 75. CGW-DL street evaluation 82.5, on time 2/3:
    performance 0.5 * 82.5 + 50 * 2/3 = 74.583; CGW-YL 60 (rating only).
    """
    d, chief = world.departments, world.users["chief_a"]
    w1 = _whistle(conn, world, "WS-L1", "A", 1, bj(11, 3), bj(11, 13), "escalated")
    w2 = _whistle(conn, world, "WS-L2", "A", 2, bj(11, 14), bj(11, 24), "closed", parent=w1,
                  completed=bj(11, 20), closed=bj(11, 21))
    w3 = _whistle(conn, world, "WS-L3", "B", 1, bj(11, 20), bj(11, 25), "summoned")
    rated = bj(11, 21, 12)
    _summons(conn, w1, d["CGW-DL"], ack=bj(11, 3) + 2 * H, arrive=bj(11, 3) + 4 * H,
             done=bj(11, 8), rating=(90, 80, 100), rated=rated, by=chief)
    _summons(conn, w1, d["CGW-YL"], ack=bj(11, 3) + H, arrive=bj(11, 3) + 6 * H,
             rating=(60, 60, 60), rated=rated, by=chief)
    _summons(conn, w2, d["CGW-DL"], ack=bj(11, 14) + H, arrive=bj(11, 14) + 3 * H,
             done=bj(11, 20), rating=(70, 75, 80), rated=rated, by=chief)
    _summons(conn, w2, leader=world.users["leader"], ack=bj(11, 14) + 2 * H,
             arrive=bj(11, 14) + 5 * H, done=bj(11, 19))
    _summons(conn, w3, d["GA"])
    conn.execute(insert(WhistleEvent).values(whistle_id=w1, at=bj(11, 14), actor_id=chief,
                                             action="second_whistle", note="超期未办结，再次吹哨"))
    return {"w1": w1, "w2": w2, "w3": w3}
