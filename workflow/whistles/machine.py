"""The whistle's rules, pure: report-in steps, the whistle's status, second whistles, ratings."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from geo.track import haversine_m
from workflow.clock import BEIJING
from workflow.deadlines import WHISTLE_OPEN, is_overdue
from workflow.errors import conflict, invalid

STATUS_ZH = {"summoned": "已吹哨", "reported_in": "已报到", "completed": "已办结",
             "closed": "已验收", "escalated": "已二次吹哨"}
STAGES = ("acknowledged", "arrived")
RATING_FIELDS = ("timeliness", "quality", "attitude")
MAX_DEADLINE_DAYS = 180
MAX_PARTIES = 10


def next_stage(summons: Mapping) -> str:
    """The report-in stage a summoned party has still to take: acknowledge, then arrive."""
    if summons["acknowledged_at"] is None:
        return "acknowledged"
    if summons["arrived_at"] is None:
        return "arrived"
    raise conflict("already_reported_in", "已到场报到 / already reported in")


def check_report_in(status: str, summons: Mapping, stage: str | None) -> str:
    """The stage to record now; 409 when out of order or the whistle is no longer open."""
    _require_open(status)
    expected = next_stage(summons)
    stage = stage or expected
    if stage not in STAGES:
        raise invalid("stage 应为 acknowledged 或 arrived / stage must be acknowledged or "
                      "arrived", "stage")
    if stage != expected:
        raise conflict("out_of_order", "请先确认接收再到场 / acknowledge before arriving"
                       if expected == "acknowledged" else "已确认接收 / already acknowledged",
                       "stage")
    return stage


@dataclass(frozen=True)
class ArrivalRules:
    """When and where 到场报到 means the party is really there (settings arrive_*)."""

    before: timedelta = timedelta(hours=2)      # how early before the meeting
    radius_m: float = 500.0                     # how far from the place, when a position is sent


def check_arrival(whistle: Mapping, now: datetime, rules: ArrivalRules | None = None,
                  position: tuple[float, float] | None = None) -> None:
    """Arrival counts only near the meeting's time (from ``rules.before`` ahead of it to the
    deadline) and, when the phone sends where it is, near the meeting's place: a desk far
    away or a day early is not on site. 409 naming why.
    """
    rules = rules or ArrivalRules()
    opens = whistle["meeting_at"] - rules.before
    meeting = whistle["meeting_at"].astimezone(BEIJING).strftime("%m-%d %H:%M")
    hours = f"{rules.before.total_seconds() / 3600:g}"
    if now < opens:
        raise conflict("too_early_to_arrive",
                       f"到场报到须在会商时间（{meeting}）前 {hours} 小时内进行 / arrival opens "
                       f"{hours} h before the meeting at {meeting}", "at")
    if now > whistle["deadline"]:
        raise conflict("too_late_to_arrive", "已过期限，不能到场报到 / the deadline has passed",
                       "at")
    if position is None or whistle.get("lon") is None:
        return
    away = float(haversine_m(position[0], position[1], whistle["lon"], whistle["lat"]))
    if away > rules.radius_m:
        raise conflict("too_far_to_arrive",
                       f"您距会商地点约 {away:,.0f} 米，须在 {rules.radius_m:,.0f} 米内到场报到 / "
                       f"you are about {away:,.0f} m from the meeting place; arrival counts "
                       f"within {rules.radius_m:,.0f} m", "location")


def check_complete(status: str, summons: Mapping) -> None:
    """A party completes only after arriving, and only once."""
    _require_open(status)
    if summons["arrived_at"] is None:
        raise conflict("not_arrived", "须先到场报到 / report in on site first")
    if summons["completed_at"] is not None:
        raise conflict("already_completed", "已办结 / already completed")


def _require_open(status: str) -> None:
    if status not in WHISTLE_OPEN:
        raise conflict("whistle_not_open", f"吹哨状态为“{STATUS_ZH.get(status, status)}”，"
                       f"不能报到或办结 / the whistle is {status}", "status")


def derive_status(current: str, summons: Sequence[Mapping]) -> str:
    """The whistle's status from its parties: all arrived = reported in; all done = completed.

    Closed and escalated are decisions of the street and are never undone here.
    """
    if current in ("closed", "escalated") or not summons:
        return current
    if all(s["completed_at"] is not None for s in summons):
        return "completed"
    if all(s["arrived_at"] is not None for s in summons):
        return "reported_in"
    return "summoned"


def check_verify(status: str) -> None:
    """The street accepts the result only when every party has completed."""
    if status != "completed":
        raise conflict("not_completed", "各部门办结后方可验收 / every party must complete "
                       "before the street verifies", "status")


def check_second_whistle(parent: Mapping, now: datetime, has_child: bool) -> None:
    """A second whistle: once, on a first whistle, when it did not solve the matter.

    "Did not solve" is either done-but-unsatisfactory (completed) or past its deadline
    while still open; while the departments are within their time they get it.
    """
    if parent["level"] != 1:
        raise conflict("no_third_whistle", "二次哨不能再次吹哨 / a second whistle cannot be "
                       "escalated again")
    if has_child or parent["status"] == "escalated":
        raise conflict("already_escalated", "已吹过二次哨 / already escalated")
    if parent["status"] == "closed":
        raise conflict("whistle_closed", "已验收的吹哨不能再吹二次哨 / the whistle is closed")
    overdue = is_overdue(parent["status"], parent["deadline"], now, WHISTLE_OPEN)
    if parent["status"] != "completed" and not overdue:
        raise conflict("not_yet_failed", "首次吹哨尚在期限内且未办结 / the first whistle is "
                       "still within its deadline")


def check_rate(whistle: Mapping, summons: Mapping, now: datetime) -> None:
    """Ratings go to departments (下考上), once, after they finished or failed."""
    if summons["department_id"] is None:
        raise invalid("区领导不参与下考上评价 / district leaders are not rated", "department_code")
    if summons["rated_at"] is not None:
        raise conflict("already_rated", "已评价 / already rated")
    failed = whistle["status"] == "escalated" or is_overdue(
        whistle["status"], whistle["deadline"], now, WHISTLE_OPEN)
    if summons["completed_at"] is None and not failed:
        raise conflict("not_completed", "部门办结后方可评价 / rate after the department "
                       "completes")


def validate_ratings(values: Mapping) -> dict[str, int]:
    """Three whole-number ratings 0-100: timeliness, quality, attitude."""
    out = {}
    for name in RATING_FIELDS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise invalid(f"{name} 应为 0-100 的整数 / {name} must be a whole number 0-100", name)
        out[name] = value
    return out


def validate_schedule(meeting_at: datetime, deadline: datetime, now: datetime) -> None:
    """The meeting is in the deadline's window and the deadline is ahead but not absurdly far."""
    if deadline <= now:
        raise invalid("期限须晚于现在 / the deadline must be in the future", "deadline")
    if deadline > now + timedelta(days=MAX_DEADLINE_DAYS):
        raise invalid(f"期限不能超过 {MAX_DEADLINE_DAYS} 天 / the deadline is more than "
                      f"{MAX_DEADLINE_DAYS} days away", "deadline")
    if meeting_at < now - timedelta(hours=1) or meeting_at > deadline:
        raise invalid("会商时间须在现在与期限之间 / the meeting must be between now and the "
                      "deadline", "meeting_at")


def validate_parties(department_ids: Sequence[int], leader_ids: Sequence[int]) -> None:
    """At least one department, no one twice, a sensible number."""
    if not department_ids:
        raise invalid("至少召集一个部门 / summon at least one department", "department_codes")
    if len(set(department_ids)) != len(department_ids) or len(set(leader_ids)) != len(leader_ids):
        raise invalid("召集对象重复 / a party is named twice", "department_codes")
    if len(department_ids) + len(leader_ids) > MAX_PARTIES:
        raise invalid(f"一次最多召集 {MAX_PARTIES} 方 / at most {MAX_PARTIES} parties",
                      "department_codes")
