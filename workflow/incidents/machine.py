"""The incident lifecycle as a table: each action, the states it may start from, where it goes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.models.base import INCIDENT_STATUSES  # noqa: F401 - re-exported for api/
from workflow.errors import conflict

STATUS_ZH = {"reported": "已上报", "accepted": "已受理", "dispatched": "已派遣",
             "in_progress": "处置中", "resolved": "已处置", "verified": "已核查",
             "closed": "已结案", "rejected": "不予受理", "reopened": "已退回重办"}
OPEN_STATUSES = ("reported", "accepted", "dispatched", "in_progress", "resolved", "verified",
                 "reopened")
FINAL_STATUSES = ("closed", "rejected")
HANDLERS = ("department", "street", "community")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    stamp: str | None          # the lifecycle column set to "now"


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(("reported",), "accepted", "accepted_at"),
    "reject": Transition(("reported", "accepted"), "rejected", "rejected_at"),
    # Re-dispatch from "dispatched" sends work a department refused to the right one.
    "dispatch": Transition(("accepted", "dispatched", "reopened"), "dispatched", "dispatched_at"),
    # A reopened incident may go straight back to its handler, as the field practice is.
    "start": Transition(("dispatched", "reopened"), "in_progress", "started_at"),
    "resolve": Transition(("in_progress",), "resolved", "resolved_at"),
    "verify": Transition(("resolved",), "verified", "verified_at"),
    "close": Transition(("verified",), "closed", "closed_at"),
    "reopen": Transition(("resolved", "verified", "closed"), "reopened", None),
}
ACTIONS = tuple(TRANSITIONS)
# While a whistle is open the summoned departments carry the work: taking it in, handing it
# to someone else or starting it apart from them would split the one loop in two.
WITHHELD_UNDER_WHISTLE = ("accept", "reject", "dispatch", "start")
# After a reopen the work is done again, so the later stamps of the failed round go; the
# event log keeps them.
CLEARED_ON_REOPEN = ("started_at", "resolved_at", "verified_at", "closed_at")


def allowed_actions(status: str) -> tuple[str, ...]:
    """Every action the lifecycle allows from ``status`` (roles not considered)."""
    return tuple(a for a, t in TRANSITIONS.items() if status in t.sources)


def check_not_under_whistle(action: str, open_whistles: list) -> None:
    """409 when ``action`` would bypass an open whistle on the incident."""
    if open_whistles and action in WITHHELD_UNDER_WHISTLE:
        raise conflict("under_whistle", "事件正在吹哨处置中，由被召集部门报到办理 / the incident is "
                       "under a whistle: the summoned departments handle it", "status")


def check_transition(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``; 409 when the lifecycle forbids it."""
    rule = TRANSITIONS[action]
    if status not in rule.sources:
        raise conflict("invalid_transition",
                       f"当前状态“{STATUS_ZH.get(status, status)}”不能执行该操作 / "
                       f"cannot {action} an incident that is {status}", "status")
    return rule.target


def transition_values(action: str, status: str, now: datetime, reopen_count: int = 0) -> dict:
    """The column values an allowed transition writes (status and timestamps)."""
    target = check_transition(action, status)
    values: dict = {"status": target, "updated_at": now}
    stamp = TRANSITIONS[action].stamp
    if stamp:
        values[stamp] = now
    if action == "reopen":
        values.update({column: None for column in CLEARED_ON_REOPEN})
        values["reopen_count"] = reopen_count + 1
    return values
