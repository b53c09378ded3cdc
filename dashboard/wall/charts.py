"""The wall's charts: 30 days by category, closure rate by street, today's sources."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.theme import FONT, STATUS, WALL_BG

INK = "#cfe3ff"
MUTED = "#8fb8e8"
GRID = "rgba(143,184,232,0.14)"
# Categorical colours, kept clear of the status colours (green, amber, red) that mean states.
PALETTE = ("#1fd1f9", "#4c7dff", "#a66bff", "#ffd166", "#ff8fc7", "#7fe0c4", "#b8c7e0")
CHART_CONFIG = {"displayModeBar": False, "staticPlot": True, "responsive": True}


def dark_layout(fig: go.Figure, margin: dict, **extra) -> go.Figure:
    """The wall's chart frame: transparent, large type, quiet grid lines."""
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", margin=margin,
        font=dict(family=FONT, size=20, color=INK), **{"showlegend": False, **extra})
    return fig


def category_trend(days: list[str], series: list[tuple[str, list[int]]],
                   tick_every: int = 7, legend_columns: int = 3) -> go.Figure:
    """Reports per day stacked by category subject.

    Parameters
    ----------
    days : list of str
        Day labels (e.g. "11-26"), oldest first.
    series : list of (name, counts)
        One per subject, counts aligned with ``days``; the largest first.
    tick_every : int
        Label every n-th day, counted back from the last.
    legend_columns : int
        Legend entries per row (long English names need fewer).
    """
    fig = go.Figure([
        go.Bar(x=days, y=list(counts), name=name, marker=dict(color=PALETTE[i % len(PALETTE)],
               line=dict(width=0)), hoverinfo="skip")
        for i, (name, counts) in enumerate(series)
    ])
    ticks = days[::-1][::tick_every][::-1]
    dark_layout(fig, dict(l=48, r=8, t=38, b=30), barmode="stack", bargap=0.28,
                showlegend=True,
                legend=dict(orientation="h", x=0, y=1.02, xanchor="left", yanchor="bottom",
                            font=dict(size=20, color=INK), itemwidth=30,
                            entrywidth=1 / legend_columns, entrywidthmode="fraction",
                            bgcolor="rgba(0,0,0,0)"))
    fig.update_xaxes(type="category", tickvals=ticks, tickfont=dict(size=20, color=MUTED),
                     showgrid=False, linecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, tickfont=dict(size=20, color=MUTED),
                     nticks=4)
    fig.update_layout(xaxis_visible=bool(series), yaxis_visible=bool(series))
    return fig


def _rate_tone(rate: float | None, target: float) -> str:
    if rate is None:
        return STATUS["closed"]
    if rate >= target:
        return STATUS["done"]
    return STATUS["due_soon"] if rate >= target - 0.01 else STATUS["overdue"]


def axis_floor(rates: list[float | None], target: float) -> float:
    """Where the rate axis starts: a whole percent under the lowest rate and the target, so
    that differences of tenths of a percent show (from 0 every bar would look full).
    """
    known = [r for r in rates if r is not None] or [target]
    return max(0.0, math.floor((min(min(known), target) - 0.004) * 100) / 100)


def street_closure(names: list[str], rates: list[float | None], target: float,
                   focus: str | None = None, target_label: str = "") -> go.Figure:
    """Horizontal bars of closure rate by street, best on top, with the target line.

    Parameters
    ----------
    names : list of str
    rates : list of float or None
        Share closed or rejected, 0-1.
    target : float
        The district's closure target (0-1); bars are green at or above it.
    focus : str, optional
        A street name to highlight (tour mode); the others are dimmed.
    target_label : str
        Text beside the target line.
    """
    # Plotly draws the first bar at the bottom: streets without reports, then worst to best.
    rows = sorted(zip(names, rates), key=lambda r: (r[1] is not None, r[1] or 0))
    names_sorted = [n for n, _ in rows]
    values = [r if r is not None else 0 for _, r in rows]
    low = axis_floor(rates, target)
    colours = [_rate_tone(r, target) for _, r in rows]
    opacity = [1.0 if focus in (None, n) else 0.35 for n in names_sorted]
    fig = go.Figure(go.Bar(
        x=values, y=names_sorted, orientation="h", hoverinfo="skip",
        marker=dict(color=colours, opacity=opacity, line=dict(width=0)),
        text=[f"{r * 100:.2f}%" if r is not None else "—" for _, r in rows],
        textposition="outside", cliponaxis=False, constraintext="none",
        textfont=dict(size=20, color="#ffffff")))
    dark_layout(fig, dict(l=112, r=78, t=26, b=26), bargap=0.32)
    fig.update_xaxes(range=[low, 1.0], tickformat=".0%", gridcolor=GRID, zeroline=False,
                     tickfont=dict(size=20, color=MUTED), nticks=4)
    fig.update_yaxes(tickfont=dict(size=20, color=INK), ticksuffix="  ")
    fig.update_layout(xaxis_visible=bool(rows), yaxis_visible=bool(rows))
    if rows:
        fig.add_shape(type="line", x0=target, x1=target, y0=-0.5, y1=len(rows) - 0.5,
                      line=dict(color=STATUS["due_soon"], width=1.5, dash="dot"))
        fig.add_annotation(x=target, y=1, yref="paper", xanchor="center", yanchor="bottom",
                           showarrow=False, text=target_label,
                           font=dict(size=20, color=STATUS["due_soon"]))
    if rows and low > 0:
        # The axis does not start at 0: a break mark on it says so, so a 0.2-point gap is
        # not read as a third of the district.
        fig.add_annotation(x=low, y=0, yref="paper", xanchor="center", yanchor="bottom",
                           showarrow=False, text="≈", name="axis-break",
                           font=dict(size=24, color=STATUS["due_soon"]), bgcolor=WALL_BG)
    return fig


def sources_donut(labels: list[str], values: list[int], centre: tuple[str, str]) -> go.Figure:
    """Today's reports by source as a ring, with the total in the middle.

    Parameters
    ----------
    labels : list of str
        Source names, already with their counts if wanted in the legend.
    values : list of int
    centre : (str, str)
        The big figure and its caption in the ring's hole.
    """
    fig = go.Figure(go.Pie(
        labels=labels, values=values, hole=0.64, sort=False, direction="clockwise",
        textinfo="none", hoverinfo="skip",
        marker=dict(colors=list(PALETTE[:len(labels)]), line=dict(color="#04122b", width=2))))
    dark_layout(fig, dict(l=4, r=4, t=6, b=6), showlegend=True,
                legend=dict(x=0.5, y=0.5, xanchor="left", yanchor="middle",
                            font=dict(size=20, color=INK), itemwidth=30,
                            bgcolor="rgba(0,0,0,0)"))
    fig.update_traces(domain=dict(x=[0, 0.46], y=[0, 1]))
    for text, shift, font in ((centre[0], 10, dict(size=30, color="#ffffff")),
                              (centre[1], -20, dict(size=20, color=MUTED))):
        fig.add_annotation(x=0.23, y=0.5, xref="paper", yref="paper", showarrow=False,
                           xanchor="center", yshift=shift, text=text, font=font)
    return fig
