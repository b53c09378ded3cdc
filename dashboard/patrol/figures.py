"""The replay map's frame (pure): beats as outlines, then empty layers the player fills."""
from __future__ import annotations

import json

import plotly.graph_objects as go

from dashboard.figures.basemap import fit_view, offline_style

# Trace order is the player's contract (dashboard/assets/patrol.js): do not reorder.
LAYERS = ("beats", "trail_old", "trail_new", "stops", "reports", "dots")
BEAT_COLOUR, TRAIL_OLD, TRAIL_NEW = "#1b6fb3", "rgba(31,160,220,0.25)", "rgba(31,160,220,0.9)"
STOP_COLOUR, REPORT_COLOUR, DOT_COLOUR = "#f0a020", "#d9363e", "#0b8f5a"


def _outline(beats: list[dict]) -> tuple[list, list, tuple]:
    lons, lats = [], []
    for beat in beats:
        geometry = json.loads(beat["geojson"])
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
            geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                lons += [c[0] for c in ring] + [None]
                lats += [c[1] for c in ring] + [None]
    xs, ys = [v for v in lons if v is not None], [v for v in lats if v is not None]
    bounds = (min(xs), min(ys), max(xs), max(ys)) if xs else (117.10, 39.14, 117.19, 39.20)
    return lons, lats, bounds


def replay_map(beats: list[dict], basemap: str = "none", labels: dict | None = None,
               height_px: int = 560, width_px: int = 900) -> go.Figure:
    """The map before playing: the beats outlined and fitted; trails, stops, reports and dots
    empty (the player fills them in the browser).
    """
    labels = labels or {}
    lons, lats, bounds = _outline(beats)
    center, zoom = fit_view(bounds, width_px, height_px)
    fig = go.Figure()
    fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                line={"color": BEAT_COLOUR, "width": 2}, name=labels.get("beats")))
    for name, colour, width in (("trail_old", TRAIL_OLD, 3), ("trail_new", TRAIL_NEW, 4)):
        fig.add_trace(go.Scattermap(lon=[], lat=[], mode="lines", hoverinfo="skip",
                                    line={"color": colour, "width": width}, name=labels.get(name)))
    fig.add_trace(go.Scattermap(lon=[], lat=[], mode="markers", name=labels.get("stops"),
                                marker={"size": 14, "color": STOP_COLOUR, "opacity": 0.8}))
    fig.add_trace(go.Scattermap(lon=[], lat=[], mode="markers", name=labels.get("reports"),
                                marker={"size": 16, "color": REPORT_COLOUR}))
    fig.add_trace(go.Scattermap(lon=[], lat=[], mode="markers+text", name=labels.get("dots"),
                                textposition="top right", textfont={"size": 14},
                                marker={"size": 14, "color": DOT_COLOUR}))
    fig.update_layout(map={"style": offline_style("#f4f6f9", basemap), "center": center,
                           "zoom": zoom}, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      height=height_px, showlegend=True, uirevision="patrol",
                      legend={"orientation": "h", "y": 0.01, "x": 0.01,
                              "bgcolor": "rgba(255,255,255,0.8)", "font": {"size": 14}})
    return fig
