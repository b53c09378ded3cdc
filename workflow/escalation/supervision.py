"""The supervision office's view (督办) and the 下考上 department scores, under the rules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import directory
from data.queries import supervision as queries
from workflow.deadlines import hours_overdue
from workflow.errors import forbidden, invalid
from workflow.leaders.scoring import STREET_WEIGHT, department_scores
from workflow.roles import Actor, list_filter, require


def supervision_queue(conn: Connection, actor: Actor, now: datetime, limit: int = 200) -> dict:
    """Overdue incidents and whistles in the actor's scope, most overdue first.

    Computed from ``now``, so the queue is right at any moment whether or not the ticker
    has run; ``escalated`` says whether the escalation has been recorded in the log.
    """
    scope = list_filter(actor, "supervision.queue")
    if scope is None:
        raise forbidden()
    incidents = queries.overdue_incidents(conn, scope, now, limit)
    whistles = queries.overdue_whistles(conn, scope, now, limit)
    for row in incidents + whistles:
        row["hours_overdue"] = round(hours_overdue(row["deadline"], now), 1)
    return {"as_of": now, "incidents": incidents, "whistles": whistles,
            "counts": {"incidents": len(incidents), "whistles": len(whistles)}}


def scores(conn: Connection, actor: Actor, start: datetime, end: datetime,
           weight: float = STREET_WEIGHT, min_volume: int = 0,
           district: str | None = None) -> list[dict]:
    """Every functional department's 下考上 score for [start, end), ranked.

    Parameters
    ----------
    conn : Connection
    actor : Actor
    start, end : datetime
        The period: ratings given and incidents closed in it count.
    weight : float
        The street evaluation's share of the performance score (0.5 in the report).
    min_volume : int
        Closures plus ratings a department needs in the period to be ranked.
    district : str, optional
        Count only the ratings given and the incidents closed in this district (None:
        every district's).
    """
    require(actor, "scores.read")
    if end <= start:
        raise invalid("结束时间须晚于开始时间 / the period ends before it starts", "to")
    if not 0.0 <= weight <= 1.0:
        raise invalid("street_weight 应在 0 与 1 之间 / street_weight must be 0-1", "street_weight")
    result = department_scores(directory.departments(conn),
                               queries.department_ratings(conn, start, end, district),
                               queries.department_closures(conn, start, end, district), weight,
                               min_volume)
    return [s.__dict__ for s in result]
