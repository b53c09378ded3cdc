"""The leaders' whistle and 下考上 figures: outcomes, report-in times, ranking, trend, ratings."""
from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy import Connection

from data import directory
from data.queries import leaders_whistles as queries
from data.queries.supervision import overdue_whistles
from workflow.deadlines import WHISTLE_OPEN, hours_overdue, is_overdue
from workflow.escalation.supervision import scores
from workflow.leaders.figures import (
    Period,
    leaders_district,
    leaders_scope,
    month_period,
    recent_months,
)
from workflow.leaders.scoring import STREET_WEIGHT, street_evaluation, summons_score
from workflow.roles import Actor

TREND_MONTHS = 6


def _hours(later: datetime | None, earlier: datetime | None) -> float | None:
    return None if later is None or earlier is None else (later - earlier).total_seconds() / 3600


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return median(values) if values else None


def outcome(whistle: dict, now: datetime) -> str:
    """closed (accepted by the street), escalated (second whistle), completed (awaiting the
    street), overdue (in the supervision queue) or open.
    """
    if whistle["status"] in ("closed", "escalated", "completed"):
        return whistle["status"]
    return "overdue" if is_overdue(whistle["status"], whistle["deadline"], now,
                                   WHISTLE_OPEN) else "open"


def trigger(whistle: dict) -> str | None:
    """Why a second whistle was blown: the first was done but unsatisfying, or overdue."""
    if whistle["level"] != 2:
        return None
    done = whistle["parent_completed_at"]
    return "unsatisfied" if done is not None and done <= whistle["blown_at"] else "overdue"


def whistle_items(whistles: list[dict], parties: list[dict], now: datetime) -> list[dict]:
    """Each whistle with its parties, hours to report in and to complete, outcome, rating."""
    by_whistle: dict[int, list[dict]] = {}
    for p in parties:
        by_whistle.setdefault(p["whistle_id"], []).append(p)
    items = []
    for w in whistles:
        mine = by_whistle.get(w["id"], [])
        arrived = [p["arrived_at"] for p in mine]
        rated = [(p["timeliness"], p["quality"], p["attitude"]) for p in mine
                 if p["rated_at"] is not None and p["timeliness"] is not None]
        items.append({**w, "parties": "、".join(p["name_zh"] or "" for p in mine),
                      "party_count": len(mine),
                      "report_in_hours": _hours(max(arrived), w["blown_at"])
                      if arrived and None not in arrived else None,
                      "completion_hours": _hours(w["completed_at"], w["blown_at"]),
                      "outcome": outcome(w, now), "trigger": trigger(w),
                      "rating": street_evaluation(rated)})
    return items


def by_street(items: list[dict], streets: list[dict]) -> list[dict]:
    """Per street: whistles blown, second whistles, closed, overdue now, median hours."""
    rows = []
    for s in streets:
        mine = [i for i in items if i["street_id"] == s["id"]]
        rows.append({"id": s["id"], "code": s["code"], "name_zh": s["name_zh"],
                     "name_en": s["name_en"], **whistle_counts(mine)})
    return rows


def whistle_counts(items: list[dict]) -> dict:
    return {"blown": len(items), "second": sum(i["level"] == 2 for i in items),
            "closed": sum(i["outcome"] == "closed" for i in items),
            "overdue": sum(i["outcome"] == "overdue" for i in items),
            "report_in_p50": _median(i["report_in_hours"] for i in items),
            "completion_p50": _median(i["completion_hours"] for i in items)}


def by_department(whistles: list[dict], parties: list[dict], now: datetime) -> list[dict]:
    """Per summoned department: summonses, reported in, completed, late, median hours."""
    blown = {w["id"]: w for w in whistles}
    rows: dict[int, dict] = {}
    for p in parties:
        if p["department_id"] is None:
            continue
        w = blown[p["whistle_id"]]
        row = rows.setdefault(p["department_id"], {
            "id": p["department_id"], "code": p["department_code"], "name_zh": p["name_zh"],
            "name_en": p["name_en"], "summoned": 0, "arrived": 0, "completed": 0, "late": 0,
            "_arrive": [], "_complete": []})
        row["summoned"] += 1
        row["arrived"] += p["arrived_at"] is not None
        row["completed"] += p["completed_at"] is not None
        finished = p["completed_at"] or now
        row["late"] += finished > w["deadline"]
        row["_arrive"].append(_hours(p["arrived_at"], w["blown_at"]))
        row["_complete"].append(_hours(p["completed_at"], w["blown_at"]))
    out = []
    for row in sorted(rows.values(), key=lambda r: (-r["summoned"], r["code"])):
        out.append({**{k: v for k, v in row.items() if not k.startswith("_")},
                    "report_in_p50": _median(row["_arrive"]),
                    "completion_p50": _median(row["_complete"])})
    return out


def whistle_summary(conn: Connection, actor: Actor, period: Period, now: datetime,
                    district: str | None = None) -> dict:
    """Everything the whistle section shows: counts by street and department, every whistle
    with its outcome, second whistles and their triggers, and the supervision queue.

    A street chief gets their street's rows and whistles; totals stay district-wide.
    """
    scope, district = leaders_scope(actor), leaders_district(actor, district)
    whistles = queries.period_whistles(conn, period.start, period.end, district=district)
    parties = queries.parties(conn, [w["id"] for w in whistles])
    items = whistle_items(whistles, parties, now)
    # A street's code begins with its district's (streets carry no district column).
    streets = [s for s in directory.streets(conn) if (scope is None or s["id"] == scope)
               and (district is None or s["code"].startswith(district))]
    mine = [i for i in items if scope is None or i["street_id"] == scope]
    queue = overdue_whistles(conn, {"street_id": scope, "district_code": district}, now)
    for row in queue:
        row["hours_overdue"] = round(hours_overdue(row["deadline"], now), 1)
    return {"total": whistle_counts(items), "by_street": by_street(items, streets),
            "by_department": by_department(whistles, parties, now), "items": mine[::-1],
            "seconds": [i for i in mine if i["level"] == 2][::-1], "queue": queue}


def ranking(conn: Connection, actor: Actor, period: Period,
            weight: float = STREET_WEIGHT, min_volume: int = 0,
            district: str | None = None) -> list[dict]:
    """The 下考上 ranking of the period: workflow.escalation.supervision.scores, nothing recomputed."""
    return scores(conn, actor, period.start, period.end, weight, min_volume,
                  leaders_district(actor, district))


def trend(conn: Connection, actor: Actor, last_month: str, months: int = TREND_MONTHS,
          weight: float = STREET_WEIGHT, min_volume: int = 0,
          district: str | None = None) -> list[dict]:
    """Each department's performance score month by month (rows: month, code, name, score, rank)."""
    district = leaders_district(actor, district)
    rows = []
    for month in recent_months(last_month, months):
        period = month_period(month)
        for s in scores(conn, actor, period.start, period.end, weight, min_volume, district):
            if s["performance"] is not None:
                rows.append({"month": month, "code": s["code"], "name_zh": s["name_zh"],
                             "name_en": s["name_en"], "performance": s["performance"],
                             "rank": s["rank"]})
    return rows


def ratings_behind(conn: Connection, actor: Actor, period: Period,
                   department_id: int | None = None, district: str | None = None) -> list[dict]:
    """The ratings behind the street evaluations, each with its summons score.

    A street chief sees the ratings their own street gave.
    """
    scope, district = leaders_scope(actor), leaders_district(actor, district)
    rows = queries.rating_rows(conn, period.start, period.end, department_id, scope, district)
    for row in rows:
        row["score"] = summons_score(row["timeliness"], row["quality"], row["attitude"])
    return rows
