"""The district map: basic grids coloured by a value, street outlines and street names."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.basemap import fit_view, label_annotations, offline_style
from dashboard.theme import CYAN, FONT, TEXT_ON_DARK, WALL_BG

GRID_SCALE = [[0.0, "#0b2a5b"], [0.5, "#1b6fb3"], [1.0, "#1fd1f9"]]


def geojson_bounds(geojson: dict) -> tuple[float, float, float, float]:
    """The (minx, miny, maxx, maxy) of every coordinate in a FeatureCollection."""
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
            return
        for c in coords:
            walk(c)

    for feature in geojson["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def outline_lines(geojson: dict) -> tuple[list, list]:
    """Every ring of every feature as one line set with None gaps (one trace per layer)."""
    lons: list = []
    lats: list = []
    for feature in geojson["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                lons.extend([p[0] for p in ring] + [None])
                lats.extend([p[1] for p in ring] + [None])
    return lons, lats


def district_map(grids: dict, streets: dict, values: dict[str, float] | None = None,
                 size: tuple[int, int] = (1100, 760), basemap: dict | None = None,
                 dark: bool = True) -> go.Figure:
    """The grids as a choropleth (values by grid code), street lines and labels over them.

    Parameters
    ----------
    grids, streets : dict
        FeatureCollections with ``id`` = code (see data.queries.world.boundaries_geojson).
    values : dict, optional
        Value per grid code; missing grids get 0.
    size : (int, int)
        The map's size in pixels, used to fit the view and to place labels.
    basemap : dict, optional
        A MapLibre style; the offline style when omitted.
    """
    values = values or {}
    codes = [f["id"] for f in grids["features"]]
    z = [values.get(code, 0) for code in codes]
    center, zoom = fit_view(geojson_bounds(streets), *size)
    fig = go.Figure(go.Choroplethmap(
        geojson=grids, locations=codes, z=z, colorscale=GRID_SCALE, showscale=False,
        marker=dict(line=dict(width=0.4, color="rgba(31,209,249,0.35)"), opacity=0.85),
        hoverinfo="skip", name="grids"))
    lons, lats = outline_lines(streets)
    fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                line=dict(width=2.2, color=CYAN), name="streets"))
    labels = [(f["properties"]["lon"], f["properties"]["lat"], f["properties"]["name"])
              for f in streets["features"]]
    font = dict(family=FONT, size=18, color=TEXT_ON_DARK if dark else "#1d2b3a")
    fig.update_layout(
        map=dict(style=basemap or offline_style(WALL_BG if dark else "#eef2f7"),
                 center=center, zoom=zoom),
        margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)", width=None, height=None,
        annotations=label_annotations(labels, center, zoom, *size, font=font),
        uirevision="district")
    return fig


def empty_map(message: str, dark: bool = True) -> go.Figure:
    """A map-sized placeholder that says why there is nothing to draw."""
    fig = go.Figure()
    fig.update_layout(
        xaxis=dict(visible=False), yaxis=dict(visible=False),
        paper_bgcolor=WALL_BG if dark else "#ffffff", plot_bgcolor="rgba(0,0,0,0)",
        annotations=[dict(text=message, showarrow=False, font=dict(family=FONT, size=24,
                          color=TEXT_ON_DARK if dark else "#333"))],
        margin=dict(l=0, r=0, t=0, b=0))
    return fig
