"""Phone health as the page shows it: tiles of issues and one row per phone (data in, HTML out)."""
from __future__ import annotations

from datetime import datetime

from dash import html

from dashboard.components import stat_tile
from dashboard.i18n import t
from dashboard.theme import thousands
from workflow.clock import BEIJING
from workflow.devices.health import ISSUES

COLUMNS = ("attention", "worker", "grid", "last", "battery", "today", "aside", "clock", "gaps")
TONE = {"dark": "red", "not_started": "amber", "low_battery": "amber", "clock": "amber",
        "set_aside": "amber", "gaps": "grey"}


def tiles(health: dict, lang: str) -> list:
    """The number of phones, then how many have each issue."""
    out = [stat_tile(t("devices_phones", lang), thousands(len(health["devices"])))]
    out += [stat_tile(t(f"issue_{k}", lang), thousands(health["counts"][k]),
                      TONE[k] if health["counts"][k] else "") for k in ISSUES]
    if not health["on_shift"]:
        out.append(html.Div(t("devices_off_shift", lang), className="devices-note"))
    return out


def _last(row: dict, now: datetime, lang: str) -> str:
    if row["last_fix"] is None:
        return t("devices_never", lang)
    minutes = max(0, int((now - row["last_fix"]).total_seconds() // 60))
    return f"{row['last_fix'].astimezone(BEIJING):%H:%M:%S} · " + t("devices_ago", lang).format(n=minutes)


def _aside(row: dict, lang: str) -> str:
    parts = sorted(row["set_aside"].items(), key=lambda kv: -kv[1])
    return "，".join(f"{t('reason_' + k, lang)} {n}" for k, n in parts) or "0"


def _clock(row: dict, lang: str) -> str:
    offset = row["clock_offset_s"]
    if offset is None:
        return t("devices_unknown", lang)
    return f"{offset:+.0f} s" if abs(offset) < 120 else f"{offset / 60:+.0f} min"


def _cells(row: dict, now: datetime, lang: str) -> list:
    badges = [html.Span(t(f"issue_{k}", lang), className=f"devices-badge {TONE[k]}")
              for k in row["issues"]] or [html.Span(t("devices_ok", lang), className="devices-badge green")]
    worker = f"{row['display_name']}（{row['username']}）"
    gaps = t("devices_gaps", lang).format(n=row["gaps"], m=round(row["gap_s"] / 60))
    battery = "—" if row["battery"] is None else f"{row['battery']}%"
    return [badges, worker, row["grid_code"] or "—", _last(row, now, lang), battery,
            thousands(row["fixes_today"]), _aside(row, lang), _clock(row, lang), gaps]


def table(health: dict, lang: str) -> html.Table | html.Div:
    """Every phone, those needing attention first (the order ``phone_health`` gives)."""
    if not health["devices"]:
        return html.Div(t("devices_none", lang), className="empty-hint")
    head = html.Thead(html.Tr([html.Th(t(f"devices_col_{c}", lang)) for c in COLUMNS]))
    rows = [html.Tr([html.Td(cell, className=f"devices-{c}") for c, cell in
                     zip(COLUMNS, _cells(row, health["now"], lang))],
                    className="devices-row " + ("attention" if row["issues"] else "well"))
            for row in health["devices"]]
    return html.Table([head, html.Tbody(rows)], className="devices-table")
