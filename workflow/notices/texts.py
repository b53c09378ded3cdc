"""What a notice says: a Chinese title and body (the offices read Chinese) and an English title."""
from __future__ import annotations

from datetime import datetime

from workflow.clock import BEIJING
from workflow.incidents.machine import STATUS_ZH


def when(moment: datetime | None) -> str:
    """A moment as the offices read it: Beijing time, to the minute."""
    return moment.astimezone(BEIJING).strftime("%m-%d %H:%M") if moment else "—"


def _place(incident: dict) -> str:
    return f"{incident.get('street_name') or ''}{incident.get('address') or ''}".strip() or "—"


def incident_text(kind: str, incident: dict, hours: float | None = None) -> tuple[str, str, str]:
    """(title, title_en, body) of a notice about one incident."""
    code, deadline = incident["code"], when(incident.get("deadline"))
    line = f"{incident.get('category_name') or ''}｜{_place(incident)}"
    if kind == "dispatched":
        return (f"新派遣事件 {code}", f"New case dispatched: {code}",
                f"{line}\n处置时限：{deadline}")
    if kind == "due_soon":
        return (f"事件 {code} 将于 {deadline} 到期", f"Case {code} is due within 24 h",
                f"{line}\n请在时限前办结。")
    if kind == "overdue":
        late = f"已超期 {hours:.0f} 小时" if hours is not None else "已超期"
        return (f"事件 {code} {late}，转区委督查室督办", f"Case {code} is overdue (supervision)",
                f"{line}\n处置时限：{deadline}")
    if kind == "parent_closed":
        return (f"您反映的问题 {code} 已随重复事件办结", f"Your report {code} was solved with "
                "the case it duplicated", f"{line}\n与您反映的问题相同的事件已办结。")
    if kind == "verify_fix":
        return (f"事件 {code} 已处置，请核查", f"Case {code} was fixed: please verify",
                f"{line}\n请到现场核查处置结果。")
    status = incident.get("status") or ""
    return (f"您反映的问题 {code}：{STATUS_ZH.get(status, status)}",
            f"Your report {code}: {status.replace('_', ' ')}",
            f"{line}\n当前状态：{STATUS_ZH.get(status, status)}")


def whistle_text(kind: str, whistle: dict, parties: list[str]) -> tuple[str, str, str]:
    """(title, title_en, body) of a notice about one whistle."""
    code, matter = whistle["code"], whistle["matter"]
    meeting = (f"会商时间：{when(whistle.get('meeting_at'))}\n"
               f"会商地点：{whistle.get('meeting_place') or '—'}")
    summoned = f"召集：{'、'.join(parties) or '—'}"
    deadline = f"办结时限：{when(whistle.get('deadline'))}"
    street = whistle.get("street_name") or ""
    if kind == "whistle_blown":
        return (f"{street}吹哨 {code}：{matter}", f"Whistle {code}: you are summoned",
                f"{summoned}\n{meeting}\n{deadline}\n请按时报到。")
    if kind == "meeting_reminder":
        return (f"吹哨会商提醒 {code}", f"Whistle {code}: meeting soon",
                f"{matter}\n{meeting}")
    if kind == "second_whistle":
        return (f"{street}二次吹哨 {code}：{matter}", f"Second whistle {code}: leaders summoned",
                f"{summoned}\n{meeting}\n{deadline}\n请区领导报到。")
    if kind == "overdue":
        return (f"吹哨 {code} 已超期，区委督查室督办", f"Whistle {code} is overdue (supervision)",
                f"{matter}\n{deadline}")
    return (f"吹哨 {code} 各方已办结，请验收并评价", f"Whistle {code} completed: verify and rate",
            f"{matter}\n{summoned}\n请验收，并对各部门进行下考上评价。")
