"""Partial updates of the wall's figures: only values and positions travel after the first."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from dash import Patch

from dashboard.wall.map_figure import (
    LAYER,
    MAP_SIZE,
    METRIC_SCALES,
    heat_top,
    place_labels,
    scale_max,
    view_for,
    whistle_colours,
)


def rounded(values, digits: int = 5) -> np.ndarray:
    """Coordinates rounded (1e-5 degrees is about a metre) with gaps (None, NaN) as NaN.

    A float array, not a list: plotly's JSON encoder walks a list element by element in
    Python (34 ms for one tracks patch) but hands an array to orjson whole, which writes
    NaN as null, the gap a line needs.
    """
    return np.round(np.asarray([np.nan if v is None else v for v in values], dtype=float),
                    digits)


def positions_patch(online: tuple[list, list], offline: tuple[list, list]) -> Patch:
    """The live worker dots: lon/lat of the online and the offline layers, nothing else."""
    patch = Patch()
    for layer, (lons, lats) in (("online", online), ("offline", offline)):
        patch["data"][LAYER[layer]]["lon"] = rounded(lons)
        patch["data"][LAYER[layer]]["lat"] = rounded(lats)
    return patch


def layers_patch(metric: str, values: list[float] | None = None, heat=None, tracks=None,
                 whistles=None) -> Patch:
    """The slower map layers; each argument left as None is not sent.

    Parameters
    ----------
    metric : str
        The grid metric now shown (its colour scale travels with its values).
    values : list of float, optional
        One value per grid feature, in feature order.
    heat : (lons, lats, counts), optional
    tracks : (lons, lats), optional
        All tracks as one line set with None gaps.
    whistles : (lons, lats, urgencies), optional
    """
    patch = Patch()
    if values is not None:
        grids = patch["data"][LAYER["grids"]]
        grids["z"] = np.asarray(values, dtype=float)
        grids["zmax"] = scale_max(values)
        grids["colorscale"] = METRIC_SCALES[metric]
    if heat is not None:
        lons, lats, counts = heat
        layer = patch["data"][LAYER["heat"]]
        layer["lon"], layer["lat"], layer["z"] = rounded(lons), rounded(lats), np.asarray(counts)
        layer["zmax"] = heat_top(counts)
    if tracks is not None:
        patch["data"][LAYER["tracks"]]["lon"] = rounded(tracks[0])
        patch["data"][LAYER["tracks"]]["lat"] = rounded(tracks[1])
    if whistles is not None:
        lons, lats, urgencies = whistles
        for name in ("halo", "whistles"):
            layer = patch["data"][LAYER[name]]
            layer["lon"], layer["lat"] = rounded(lons), rounded(lats)
            layer["marker"]["color"] = whistle_colours(urgencies)
    return patch


def view_patch(labels: list[dict], bounds, focus: str | None, size=MAP_SIZE) -> Patch:
    """Move the map to a street (or back to the district) and relabel it."""
    center, zoom = view_for(bounds, size)
    patch = Patch()
    patch["layout"]["map"]["center"] = center
    patch["layout"]["map"]["zoom"] = zoom
    patch["layout"]["annotations"] = place_labels(labels, center, zoom, focus, size)
    return patch


def chart_patch(figure: go.Figure) -> Patch:
    """A freshly built chart's traces and data-driven layout, for one already on screen.

    The charts hold a few kilobytes of data; their fonts, margins and legends stay put.
    """
    built = figure.to_plotly_json()
    layout = built["layout"]
    patch = Patch()
    patch["data"] = built["data"]
    for key in ("annotations", "shapes"):
        patch["layout"][key] = layout.get(key, [])
    for axis in ("xaxis", "yaxis"):
        for key in ("range", "tickvals", "visible"):
            if key in layout.get(axis, {}):
                patch["layout"][axis][key] = layout[axis][key]
    return patch
