"""The analyst map: grids as a choropleth, heat, outlines, hot spots, incidents, cameras."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.basemap import fit_view, label_annotations
from dashboard.theme import FONT, STATUS

SIZE = (900, 620)
COUNT_SCALE = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.55, "#fdae6b"], [0.8, "#f16913"],
               [1.0, "#a63603"]]
HEAT_SCALE = [[0, "rgba(255,237,160,0)"], [0.3, "rgba(254,178,76,0.55)"],
              [0.7, "rgba(240,59,32,0.75)"], [1, "rgba(189,0,38,0.9)"]]
HOT = {("hot", 99): "#b2182b", ("hot", 95): "#ef3b2c", ("hot", 90): "#fc9272",
       ("cold", 99): "#2166ac", ("cold", 95): "#4393c3", ("cold", 90): "#92c5de"}
# Hot spots by trend, in colours that read over the orange choropleth and the points: a new
# one this period must stand out (the legend beside the map uses the same).
TREND_COLOURS = {"emerging": "#7b2cbf", "persistent": "#67000d", "hot": "#e7298a",
                 "diminishing": "#fcbba1", "cold": "#2166ac"}
CONFIDENCE_SIZE = {99: 22, 95: 18, 90: 14}
# Trace order is fixed: callbacks patch these by index.
CHORO, HEAT, OUTLINE, HOTSPOTS, POINTS, PICKED = range(6)


def base_map(grids: dict, bounds: tuple, style: dict) -> go.Figure:
    """The map with every layer empty; its grid polygons are sent once, with this figure."""
    center, zoom = fit_view(bounds, *SIZE)
    fig = go.Figure([
        go.Choroplethmap(geojson=grids, locations=[], z=[], colorscale=COUNT_SCALE,
                         marker=dict(line=dict(width=0.5, color="#8aa0b8"), opacity=0.8),
                         colorbar=dict(thickness=10, len=0.6, x=0.99, outlinewidth=0),
                         hovertemplate="%{text}<br>%{z:,.1f}<extra></extra>", name="grids"),
        go.Densitymap(lat=[], lon=[], z=[], radius=22, colorscale=HEAT_SCALE, showscale=False,
                      hoverinfo="skip", name="heat"),
        go.Scattermap(lon=[], lat=[], mode="lines", line=dict(width=2.6, color="#0b2149"),
                      hoverinfo="skip", name="outline"),
        go.Scattermap(lon=[], lat=[], mode="markers", marker=dict(size=11, opacity=0.9),
                      hovertemplate="%{text}<extra></extra>", name="hot"),
        go.Scattermap(lon=[], lat=[], mode="markers",
                      marker=dict(size=8, color=STATUS["progress"], opacity=0.9),
                      hovertemplate="%{text}<extra></extra>", name="incidents"),
        go.Scattermap(lon=[], lat=[], mode="markers", marker=dict(size=[], color=[]),
                      hovertemplate="%{text}<extra></extra>", name="picked"),
    ])
    fig.update_layout(map=dict(style=style, center=center, zoom=zoom),
                      margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", font=dict(family=FONT),
                      clickmode="event", uirevision="district")
    return fig


def view_of(bounds: tuple, labels: list[tuple[float, float, str]]) -> dict:
    """Centre, zoom and labels (as annotations, no glyph server) for a selection's bounds."""
    center, zoom = fit_view(bounds, *SIZE)
    notes = label_annotations(labels, center, zoom, *SIZE,
                              font=dict(family=FONT, size=13, color="#1d2b3a"))
    return {"center": center, "zoom": zoom, "annotations": notes}


def choropleth_values(codes: list[str], values: list[float], names: list[str]) -> dict:
    """Grid values from zero (so one grid alone is not coloured as the maximum)."""
    top = max([v for v in values if v == v] or [0]) or 1
    return {"locations": codes, "z": values, "text": names, "zmin": 0, "zmax": top,
            "zauto": False, "showscale": len(codes) > 1}


def heat_values(lons: list, lats: list, counts: list, show: bool) -> dict:
    return {"lon": lons if show else [], "lat": lats if show else [],
            "z": counts if show else []}


def hot_values(rows: list[dict], show: bool, words: dict) -> dict:
    """Markers on hot and cold grids, coloured by confidence; hover says the trend."""
    rows = [r for r in rows if r["kind"]] if show else []
    text = [f"{r['name']}<br>{words[r['kind']]} {r['confidence']}%"
            + (f" · {words[r['trend']]}" if r["trend"] else "") for r in rows]
    return {"lon": [r["lon"] for r in rows], "lat": [r["lat"] for r in rows], "text": text,
            "customdata": [r["code"] for r in rows],
            "marker": {"size": [CONFIDENCE_SIZE.get(r["confidence"], 14) for r in rows],
                       "opacity": 1.0, "color": [trend_colour(r) for r in rows],
                       "symbol": "circle"}}


def trend_colour(row: dict) -> str:
    """A hot spot's colour by its trend (new, persistent, fading), a cold spot's blue."""
    if row["kind"] == "cold":
        return TREND_COLOURS["cold"]
    return TREND_COLOURS.get(row.get("trend") or "hot", TREND_COLOURS["hot"])


def point_values(points, status_colour: dict) -> dict:
    if points is None or points.empty:
        return {"lon": [], "lat": [], "customdata": [], "text": [], "marker.color": []}
    return {"lon": points["lon"].round(6).tolist(), "lat": points["lat"].round(6).tolist(),
            "customdata": points["id"].tolist(), "text": points["code"].tolist(),
            "marker.color": [status_colour.get(s, STATUS["progress"]) for s in points["status"]]}


def picked_values(incident: dict | None, cameras) -> dict:
    """The chosen incident (large, red ring) and its nearby cameras (dark squares)."""
    if incident is None:
        return {"lon": [], "lat": [], "text": [], "marker": {"size": [], "color": []}}
    lons, lats = [incident["lon"]], [incident["lat"]]
    text, size, colour = [incident["code"]], [18], [STATUS["overdue"]]
    for cam in cameras:
        lons.append(cam["lon"])
        lats.append(cam["lat"])
        text.append(f"{cam['name_zh']} · {cam['owner']} · {cam['metres']:.0f} m")
        size.append(10)
        colour.append("#1d2b3a")
    return {"lon": lons, "lat": lats, "text": text, "marker": {"size": size, "color": colour}}
