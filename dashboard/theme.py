"""The one theme: colours that mean the same everywhere, fonts, number formats."""
from __future__ import annotations

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"

WALL_BG = "#04122b"
WALL_BG_2 = "#0b2149"
WALL_EDGE = "rgba(31, 209, 249, 0.35)"
CYAN = "#1fd1f9"
TEXT_ON_DARK = "#dcecff"

STATUS = {
    "done": "#2ecc71",       # green: done
    "progress": "#1fd1f9",   # cyan: in progress
    "due_soon": "#f5a623",   # amber: due soon
    "overdue": "#ff4d4f",    # red: overdue or hot
    "closed": "#8c9bb0",     # grey: closed
}


def wan(n: float) -> str:
    """A count the Chinese way for the wall: 32.0万 for 320,000; plain below 10,000."""
    if abs(n) >= 10_000:
        return f"{n / 10_000:.1f}万"
    return f"{n:,.0f}"


def thousands(n: float) -> str:
    """A count with thousands separators, for desk pages."""
    return f"{n:,.0f}"


def percent(x: float | None, digits: int = 1) -> str:
    """A ratio as a percentage, or a dash when undefined."""
    return "—" if x is None else f"{x * 100:.{digits}f}%"
