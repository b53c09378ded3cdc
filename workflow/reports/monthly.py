"""The leaders' tables for a period, shared by the screen and the monthly report files."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from workflow.leaders.figures import (
    Period,
    completion,
    district_counts,
    last_month_of,
    late_work,
    leaders_district,
    leaders_scope,
    timeliness,
)
from workflow.leaders.whistles import ranking, ratings_behind, trend, whistle_summary
from workflow.roles import Actor

# Column kinds tell the screen and the files how to show a value.
RATE = ("reported", "done", "closure_rate", "closure_rate_prev", "closure_delta", "closed",
        "on_time", "on_time_rate", "on_time_delta")
COLUMNS: dict[str, tuple[str, str, str]] = {
    "name_zh": ("名称", "Name", "text"), "reported": ("上报", "Reported", "int"),
    "done": ("办结", "Done", "int"), "closure_rate": ("办结率", "Closure", "pct"),
    "closure_rate_prev": ("上期办结率", "Closure before", "pct"),
    "closure_delta": ("办结率变化", "Change", "pts"), "closed": ("期内结案", "Closed", "int"),
    "on_time": ("按期", "On time", "int"), "on_time_rate": ("按期率", "On-time", "pct"),
    "on_time_delta": ("按期率变化", "Change", "pts"),
    "accept_p50": ("受理中位(时)", "Accept p50 (h)", "hours"),
    "accept_p90": ("受理P90(时)", "Accept p90 (h)", "hours"),
    "dispatch_p50": ("派遣中位(时)", "Dispatch p50 (h)", "hours"),
    "dispatch_p90": ("派遣P90(时)", "Dispatch p90 (h)", "hours"),
    "close_p50": ("结案中位(时)", "Close p50 (h)", "hours"),
    "close_p90": ("结案P90(时)", "Close p90 (h)", "hours"),
    "code": ("编号", "Code", "text"), "category_name": ("类别", "Category", "text"),
    "street_name": ("街道", "Street", "text"), "community_name": ("社区", "Community", "text"),
    "department_name": ("部门", "Department", "text"), "deadline": ("期限", "Deadline", "time"),
    "resolved_at": ("处置完成", "Resolved", "time"), "closed_at": ("结案", "Closed", "time"),
    "hours_late": ("超期(时)", "Hours late", "hours"),
    "hours_overdue": ("已超期(时)", "Hours overdue", "hours"), "status": ("状态", "Status", "status"),
    "blown": ("吹哨", "Whistles", "int"), "second": ("二次哨", "Second", "int"),
    "overdue": ("超期", "Overdue", "int"),
    "report_in_p50": ("报到中位(时)", "Report-in p50 (h)", "hours"),
    "completion_p50": ("办结中位(时)", "Completion p50 (h)", "hours"),
    "summoned": ("被召集", "Summoned", "int"), "arrived": ("已报到", "Reported in", "int"),
    "completed": ("已完成", "Completed", "int"), "late": ("超期", "Late", "int"),
    "level": ("级别", "Level", "int"), "matter": ("事项", "Matter", "text"),
    "parties": ("报到单位", "Parties", "text"), "blown_at": ("吹哨时间", "Blown", "time"),
    "report_in_hours": ("报到用时(时)", "Report-in (h)", "hours"),
    "completion_hours": ("办结用时(时)", "Completion (h)", "hours"),
    "outcome": ("结果", "Outcome", "outcome"), "rating": ("街道评价", "Street rating", "score"),
    "parent_code": ("首次吹哨", "First whistle", "text"), "trigger": ("触发原因", "Trigger", "trigger"),
    "second_note": ("说明", "Note", "text"), "late_parties": ("未完成单位", "Not done", "text"),
    "rank": ("排名", "Rank", "int"), "street_score": ("街道评价分", "Street evaluation", "score"),
    "ratings": ("评价次数", "Ratings", "int"), "performance": ("综合绩效", "Performance", "score"),
    "basis": ("计分依据", "Basis", "basis"), "whistle_code": ("吹哨编号", "Whistle", "text"),
    "timeliness": ("及时性", "Timeliness", "int"), "quality": ("质量", "Quality", "int"),
    "attitude": ("态度", "Attitude", "int"), "score": ("单次得分", "Score", "score"),
    "rated_at": ("评价时间", "Rated", "time"), "month": ("月份", "Month", "text"),
}


@dataclass
class Table:
    """One table of the view: a sheet in the XLSX, a table on the screen."""

    key: str
    title: str
    columns: list[str]
    rows: list[dict]
    total: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


COMPLETION_TITLES = {"street": "街道办结", "community": "社区办结", "department": "部门办结",
                     "category": "类别办结"}


def completion_table(conn: Connection, actor: Actor, period: Period, dimension: str,
                     now: datetime, target: float, street_id: int | None = None,
                     total: dict | None = None, district: str | None = None) -> Table:
    """Closure and on-time rates by one dimension, with the district total."""
    data = completion(conn, actor, period, dimension, now, target, street_id, total, district)
    return Table(dimension, COMPLETION_TITLES[dimension], ["name_zh", *RATE], data["rows"],
                 data["total"])


def timeliness_tables(conn: Connection, actor: Actor, period: Period, now: datetime,
                      district: str | None = None) -> list[Table]:
    """Hours to accept, dispatch and close by department; work closed late; overdue now."""
    times = timeliness(conn, actor, period, district)
    late = late_work(conn, actor, period, now, district=district)
    total = {**times["total"], "name_zh": "全区"} if times["total"] else None
    return [
        Table("timeliness", "部门时效", ["name_zh", "reported", "accept_p50", "accept_p90",
              "dispatch_p50", "dispatch_p90", "close_p50", "close_p90"],
              [{**r, "name_zh": r["name_zh"] or "街道社区自办/未派遣",
                "name_en": r["name_en"] or "Kept by the street or community, or not dispatched"}
               for r in times["rows"]],
              total),
        Table("closed_late", "超期办结清单", ["code", "category_name", "street_name",
              "community_name", "department_name", "deadline", "resolved_at", "closed_at",
              "hours_late"], late["closed_late"], extra={"total": late["closed_late_total"]}),
        Table("overdue", "当前超期清单", ["code", "category_name", "street_name",
              "department_name", "status", "deadline", "hours_overdue"], late["overdue"]),
    ]


def whistle_tables(conn: Connection, actor: Actor, period: Period, now: datetime,
                   district: str | None = None) -> list[Table]:
    """Whistles by street and department, every whistle's outcome, second whistles, queue."""
    w = whistle_summary(conn, actor, period, now, district)
    return [
        Table("w_street", "吹哨·街道", ["name_zh", "blown", "second", "closed", "overdue",
              "report_in_p50", "completion_p50"], w["by_street"], {"name_zh": "全区", **w["total"]}),
        Table("w_department", "吹哨·部门", ["name_zh", "summoned", "arrived", "completed",
              "late", "report_in_p50", "completion_p50"], w["by_department"]),
        Table("w_items", "吹哨结果", ["code", "level", "street_name", "matter", "parties",
              "blown_at", "report_in_hours", "completion_hours", "outcome", "rating"], w["items"]),
        Table("w_second", "二次哨", ["code", "parent_code", "street_name", "matter", "blown_at",
              "trigger", "second_note", "outcome"], w["seconds"]),
        Table("w_queue", "督办队列", ["code", "level", "street_name", "matter", "late_parties",
              "deadline", "hours_overdue"], w["queue"]),
    ]


def score_tables(conn: Connection, actor: Actor, period: Period, trend_month: str,
                 min_volume: int = 0, district: str | None = None) -> list[Table]:
    """The 下考上 ranking, the ratings behind it, and the months before."""
    return [
        Table("ranking", "下考上排名", ["rank", "name_zh", "street_score", "ratings",
              "on_time_rate", "closed", "performance", "basis"],
              ranking(conn, actor, period, min_volume=min_volume, district=district)),
        Table("ratings", "下考上评分明细", ["department_name", "whistle_code", "street_name",
              "timeliness", "quality", "attitude", "score", "rated_at"],
              ratings_behind(conn, actor, period, district=district)),
        Table("trend", "下考上趋势", ["month", "name_zh", "performance", "rank"],
              trend(conn, actor, trend_month, min_volume=min_volume, district=district)),
    ]


def report_tables(conn: Connection, actor: Actor, period: Period, now: datetime,
                  target: float, trend_month: str, min_volume: int = 0,
                  district: str | None = None) -> list[Table]:
    """Every table of the leaders' view for ``period``, in the order of the report."""
    district = leaders_district(actor, district)
    total = district_counts(conn, period, now, district)
    return ([completion_table(conn, actor, period, d, now, target, total=total,
                              district=district)
             for d in COMPLETION_TITLES]
            + timeliness_tables(conn, actor, period, now, district)
            + whistle_tables(conn, actor, period, now, district)
            + score_tables(conn, actor, period, trend_month, min_volume, district))


def headline(tables: list[Table], target: float) -> dict:
    """The figures at the top: district closure and on-time rates, departments below the
    target, whistles and second whistles, items overdue now.
    """
    by_key = {t.key: t for t in tables}
    # Both tables always carry the district's total (department_table, whistle tables).
    total, w_total = by_key["department"].total or {}, by_key["w_street"].total or {}
    below = [r for r in by_key["department"].rows if r["below_target"] and r["reported"]]
    return {"closure_rate": total["closure_rate"], "closure_delta": total["closure_delta"],
            "on_time_rate": total["on_time_rate"], "on_time_delta": total["on_time_delta"],
            "reported": total["reported"], "below_target": len(below), "target": target,
            "whistles": w_total["blown"], "second": w_total["second"],
            "overdue": len(by_key["overdue"].rows), "district": total}


def monthly_report(conn: Connection, actor: Actor, period: Period, now: datetime,
                   target: float, min_volume: int = 0, district: str | None = None) -> dict:
    """Everything the report files print: title, period, as-of moment, scope, figures, tables.

    ``district`` is the one asked for (a city leader's pick; leaders_district decides).
    """
    scope = leaders_scope(actor)
    tables = report_tables(conn, actor, period, now, target, last_month_of(period), min_volume,
                           district)
    street = None
    if scope is not None:
        street = next((r for r in tables[0].rows if r["id"] == scope), None)
    figures = headline(tables, target)
    # A street chief's own street's rates beside the district's, as on the page.
    figures["street"], figures["street_name"] = street, street["name_zh"] if street else None
    # The district's own name (the "district" row of the first table's total).
    name = tables[0].total["name_zh"] if tables[0].total else "红桥区"
    return {"title": f"{name}网格化管理月报", "period": period.label,
            "compared": period.prev_label, "asof": now,
            "scope": f"{street['name_zh']}（本街道数据与全区合计）" if street else "全区",
            "headline": figures, "tables": tables}
