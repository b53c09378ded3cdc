"""How a value of a leaders' table reads: labels of outcomes and bases, percent, hours, times."""
from __future__ import annotations

from datetime import datetime

from workflow.clock import BEIJING

# Values that are codes in the data and words on screen and paper (Chinese, English).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "outcome": {"closed": ("已验收", "Accepted"), "escalated": ("转二次哨", "Escalated"),
                "completed": ("待验收", "Awaiting check"), "overdue": ("超期督办", "Overdue"),
                "open": ("办理中", "Open")},
    "trigger": {"unsatisfied": ("办结但街道不满意", "Done, not satisfactory"),
                "overdue": ("超期未办结", "Past the deadline")},
    "basis": {"both": ("评价+按期", "Both parts"), "street_only": ("仅街道评价", "Rating only"),
              "on_time_only": ("仅按期率", "On-time only"), "none": ("无", "None"),
              "too_little": ("工作量不足，不参与排名", "Not enough work to rank")},
    "status": {"dispatched": ("已派遣", "Dispatched"), "in_progress": ("处置中", "In progress"),
               "reopened": ("退回重办", "Reopened"), "closed": ("已结案", "Closed"),
               "summoned": ("已吹哨", "Summoned"), "reported_in": ("已报到", "Reported in")},
}


def label(kind: str, value, lang: str = "zh") -> str:
    """The word for a coded value (the code itself when unknown)."""
    pair = VALUE_LABELS.get(kind, {}).get(value)
    if pair is None:
        return "" if value is None else str(value)
    return pair[1] if lang == "en" else pair[0]


def when(moment: datetime | None) -> str:
    """A moment in Beijing time, to the minute ("" when missing)."""
    return "" if moment is None else moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def text(value, kind: str, lang: str = "zh") -> str:
    """A value as it is printed (PDF, screen tooltips): 99.1%, +0.4 个百分点, 22.5, 10:00."""
    if value is None or value == "":
        return "—" if kind not in ("text",) else ""
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "pts":
        return f"{value * 100:+.1f}{' pts' if lang == 'en' else '个百分点'}"
    if kind in ("hours", "score"):
        return f"{value:.1f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "time":
        return when(value)
    if kind in VALUE_LABELS:
        return label(kind, value, lang)
    return str(value)


def cell(value, kind: str, lang: str = "zh"):
    """A value as it goes into a spreadsheet cell: numbers stay numbers (rounded), the rest
    becomes text.
    """
    if value is None:
        return None
    if kind == "pct":
        return round(float(value), 4)
    if kind == "pts":       # percentage points, as a number of points (0.6, not 0.006)
        return round(float(value) * 100, 2)
    if kind in ("hours", "score"):
        return round(float(value), 1)
    if kind == "int":
        return int(value)
    return text(value, kind, lang)
