"""The leaders' charts (pure): rates against the target, hours to close, the score trend."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.theme import FONT, STATUS

INK = "#1d2b3a"
MUTED = "#5a6b7d"
GRID = "#e3e8ef"
BLUE = "#1b6fb3"
# Categorical colours for the trend, clear of the status colours that mean states.
PALETTE = ("#1b6fb3", "#4c7dff", "#a66bff", "#13a8a8", "#d46b08", "#8c6d1f", "#5b8c00",
           "#c41d7f", "#2f54eb", "#7f8c8d")
CONFIG = {"displayModeBar": False, "responsive": True}


def light_layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    """The desk chart frame: white, large type for a projector, quiet grid lines."""
    fig.update_layout(paper_bgcolor="#fff", plot_bgcolor="#fff", height=height,
                      font=dict(family=FONT, size=16, color=INK),
                      margin=dict(l=60, r=20, t=50, b=40),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"), **extra)
    fig.update_yaxes(gridcolor=GRID, zeroline=False)
    fig.update_xaxes(showgrid=False)
    return fig


def rates_against_target(names: list[str], closure: list[float | None],
                         on_time: list[float | None], target: float, labels: dict) -> go.Figure:
    """Closure and on-time rates per row as bars, the district target as a dashed line.

    Rows whose closure rate is below the target have their name in red, so the eye finds
    them from the back of the room. ``labels``: closure, on_time, target.
    """
    ticks = [f"<span style='color:{STATUS['overdue']}'>{n}</span>"
             if c is not None and c < target else n for n, c in zip(names, closure)]
    fig = go.Figure([
        go.Bar(x=names, y=closure, name=labels["closure"], marker_color=BLUE,
               hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"),
        go.Bar(x=names, y=on_time, name=labels["on_time"], marker_color="#9cc3e6",
               hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"),
    ])
    fig.add_hline(y=target, line=dict(color=STATUS["overdue"], dash="dash", width=2),
                  annotation_text=f"{labels['target']} {target * 100:g}%",
                  annotation_position="top right", annotation_font_color=STATUS["overdue"])
    light_layout(fig, 440, barmode="group", bargap=0.25)
    # Rates start at 0: a cut axis makes a 0.2-point gap look like a third of the chart.
    fig.update_yaxes(tickformat=".0%", range=[0, 1.005], rangemode="tozero")
    fig.update_xaxes(tickvals=names, ticktext=ticks, tickangle=0 if len(names) <= 12 else -40,
                     automargin=True)
    return fig


def hours_bars(names: list[str], p50: list[float | None], p90: list[float | None],
               labels: dict) -> go.Figure:
    """Median and 90th-percentile hours per department (``labels``: p50, p90, title)."""
    fig = go.Figure([
        go.Bar(y=names, x=p50, name=labels["p50"], orientation="h", marker_color=BLUE),
        go.Bar(y=names, x=p90, name=labels["p90"], orientation="h", marker_color="#9cc3e6"),
    ])
    light_layout(fig, max(320, 26 * len(names) + 120), barmode="group",
                 title=dict(text=labels["title"], x=0, font=dict(size=18)))
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False)
    fig.update_xaxes(showgrid=True, gridcolor=GRID)
    return fig


def score_trend(months: list[str], series: list[tuple[str, list[float | None]]]) -> go.Figure:
    """Performance scores month by month, one line per department."""
    fig = go.Figure([
        go.Scatter(x=months, y=values, name=name, mode="lines+markers", connectgaps=False,
                   line=dict(color=PALETTE[i % len(PALETTE)], width=3),
                   hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}}<extra></extra>")
        for i, (name, values) in enumerate(series)
    ])
    light_layout(fig, 420)
    fig.update_xaxes(type="category")
    return fig
