"""The analyst's charts: counts over time, clickable bars, and hours to close."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.theme import FONT

PALETTE = ["#1b6fb3", "#f16913", "#2ca25f", "#756bb1", "#e7298a", "#8c6d31", "#17becf",
           "#bcbd22", "#7f7f7f", "#d62728"]
ACCENT, MUTED = "#1b6fb3", "#b8c7d9"


def _frame(fig: go.Figure, height: int, title: str = "") -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=8, r=8, t=32 if title else 8, b=8),
                      title=dict(text=title, font=dict(size=14), x=0.01) if title else None,
                      paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
                      font=dict(family=FONT, size=12, color="#1d2b3a"))
    fig.update_xaxes(gridcolor="#eef2f7", zeroline=False)
    fig.update_yaxes(gridcolor="#eef2f7", zeroline=False)
    return fig


def series(frame, names: dict[str, str], height: int = 260) -> go.Figure:
    """One line per key over time (frame: bucket, key, n)."""
    fig = go.Figure()
    for i, (key, part) in enumerate(frame.groupby("key", sort=True)):
        fig.add_trace(go.Scatter(x=part["bucket"], y=part["n"], mode="lines",
                                 name=names.get(key, key), customdata=[key] * len(part),
                                 line=dict(width=2, color=PALETTE[i % len(PALETTE)])))
    fig.update_layout(legend=dict(orientation="h", y=-0.18, x=0), hovermode="x unified")
    return _frame(fig, height)


def bars(keys: list[str], labels: list[str], values: list[float], title: str,
         chosen: str | None = None, height: int = 260, limit: int = 12) -> go.Figure:
    """Horizontal bars, largest on top; the chosen key stands out. Keys ride in customdata."""
    keys, labels, values = keys[:limit], labels[:limit], values[:limit]
    colours = [ACCENT if chosen in (None, k) else MUTED for k in keys]
    fig = go.Figure(go.Bar(x=values[::-1], y=labels[::-1], customdata=keys[::-1],
                           orientation="h", marker_color=colours[::-1],
                           hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.update_yaxes(automargin=True)
    return _frame(fig, height, title)


def close_times(labels: list[str], median: list[float], p90: list[float], words: tuple[str, str],
                title: str, height: int | None = None) -> go.Figure:
    """Median and 90th percentile of hours to close per category (a row for each)."""
    height = height or max(260, 30 * len(labels) + 90)
    fig = go.Figure([
        go.Bar(y=labels[::-1], x=median[::-1], name=words[0], orientation="h",
               marker_color=ACCENT),
        go.Bar(y=labels[::-1], x=p90[::-1], name=words[1], orientation="h",
               marker_color="#f5a623"),
    ])
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.08, x=0))
    fig.update_yaxes(automargin=True, tickmode="linear", dtick=1)
    return _frame(fig, height, title)
