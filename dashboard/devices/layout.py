"""The phone health page (/devices): tiles of what needs attention, then every phone, worst first."""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components import desk_page

REFRESH_MS = 30_000


def layout(lang: str) -> html.Div:
    """The page frame; the tiles and the table come from the interval's callback."""
    body = html.Div(className="devices", children=[
        dcc.Interval(id=ids.DEVICES_TICK, interval=REFRESH_MS, n_intervals=0),
        html.Div(id=ids.DEVICES_SUMMARY, className="stat-row devices-tiles"),
        html.Div(id=ids.DEVICES_TABLE, className="devices-table-box"),
    ])
    return desk_page("/devices", lang, "devices_title", "devices_intro", body, ids.DEVICES_ROOT)
