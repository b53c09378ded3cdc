"""A small light map of one case: its grid's outline and the spot, offline (no tiles needed)."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.basemap import fit_view, offline_style
from dashboard.figures.district_map import geojson_bounds, outline_lines
from dashboard.theme import FONT, STATUS

DESK_GROUND = "#eef2f7"
ZOOM = 15.2
MAX_ZOOM = 17.0
SIZE = (320, 240)       # the map's box on the workbench, to fit the grid into it


def case_map(lon: float, lat: float, grid: dict | None = None, tone: str = "progress",
             basemap: dict | None = None, label: str = "") -> go.Figure:
    """The case's point (coloured by its urgency) over the outline of its basic grid.

    Parameters
    ----------
    lon, lat : float
        WGS84 position of the case.
    grid : dict, optional
        A GeoJSON Feature of the basic grid (from the boundary cache).
    tone : str
        A key of theme.STATUS: "overdue", "due_soon", "progress", "done", "closed".
    basemap : dict, optional
        A MapLibre style; the light offline style when omitted.
    label : str
        Hover text of the point.
    """
    fig = go.Figure()
    center, zoom = {"lon": lon, "lat": lat}, ZOOM
    if grid is not None:
        center, zoom = fit_view(geojson_bounds({"features": [grid]}), *SIZE, padding=0.12)
        zoom = min(zoom, MAX_ZOOM)
        lons, lats = outline_lines({"features": [grid]})
        fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", fill="toself",
                                    fillcolor="rgba(27,111,179,0.08)", hoverinfo="skip",
                                    line=dict(width=2, color="#1b6fb3"), name="grid"))
    colour = STATUS.get(tone, STATUS["progress"])
    fig.add_trace(go.Scattermap(lon=[lon], lat=[lat], mode="markers", name="case",
                                marker=dict(size=22, color="#ffffff"), hoverinfo="skip"))
    fig.add_trace(go.Scattermap(lon=[lon], lat=[lat], mode="markers", name="case",
                                marker=dict(size=15, color=colour), text=[label],
                                hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(
        map=dict(style=basemap or offline_style(DESK_GROUND), center=center, zoom=zoom),
        margin=dict(l=0, r=0, t=0, b=0), showlegend=False, paper_bgcolor="rgba(0,0,0,0)",
        font=dict(family=FONT), uirevision=f"{lon:.5f},{lat:.5f}")
    return fig
