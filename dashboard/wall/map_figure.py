"""The wall's map: grids coloured by a cycling metric, heat, outlines, tracks, whistles, workers."""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from dashboard.figures.basemap import fit_view, label_annotations, offline_style
from dashboard.figures.district_map import geojson_bounds, outline_lines
from dashboard.theme import CYAN, FONT, STATUS, WALL_BG

# Fixed trace order: later Patches address layers by these indices.
# The layers a click on the wall opens a worker's replay from.
CLICKABLE = ("tracks", "offline", "online")
LAYERS = ("grids", "heat", "communities", "streets", "tracks", "cameras", "halo", "whistles",
          "offline", "online")
LAYER = {name: i for i, name in enumerate(LAYERS)}
MAP_SIZE = (938, 846)   # the map's box on the 1920x1080 canvas (inside its border)
METRICS = ("incidents_today", "open_incidents", "coverage")
METRIC_SCALES = {
    # Warm against the cyan worker dots and the navy ground: a busy grid shows through
    # ~1,000 dots at a glance (a blue-to-cyan scale vanished under them).
    "incidents_today": [[0, "#0d2250"], [0.25, "#4b2f83"], [0.6, "#d9822b"], [1, "#ffe14d"]],
    "open_incidents": [[0, "#0a2350"], [0.3, "#3d3f9a"], [0.65, "#c0508a"], [1, "#ff7a6b"]],
    "coverage": [[0, "#0f1f3d"], [0.02, "#0d4a4a"], [0.5, "#1c9a6e"], [1, "#5df2a5"]],
}
# Red to white-hot, strong enough to read under the dots and apart from the grids' gold.
HEAT_SCALE = [[0, "rgba(255,40,80,0)"], [0.1, "rgba(255,40,80,0)"],
              [0.25, "rgba(255,40,80,0.65)"], [0.6, "rgba(255,30,60,0.9)"],
              [1, "rgba(255,225,235,1)"]]
TRACK_COLOUR = "rgba(127,233,255,0.32)"
LABEL_BG = "rgba(4,18,43,0.62)"


@dataclass
class MapBase:
    """What the map is drawn on: polygons (sent once) and the places to label and tour."""

    grids: dict
    communities: dict
    streets: dict
    labels: list[dict] = field(default_factory=list)  # level, code, street_code, name, lon, lat, bbox


def anchor(layer: str) -> str:
    """The style layer a map layer sits below, so the stacking never depends on timing."""
    return f"hq-{layer}"


def wall_style(background: str = WALL_BG, basemap: str = "none", tianditu_key: str = "",
               xyz_url: str = "") -> dict:
    """The offline style with one anchor per wall layer, bottom to top."""
    return offline_style(background, basemap, tianditu_key, xyz_url, anchors=LAYERS)


def _lines(geojson: dict, width: float, colour: str, name: str) -> go.Scattermap:
    lons, lats = outline_lines(geojson) if geojson["features"] else ([], [])
    return go.Scattermap(lon=lons, lat=lats, mode="lines", hoverinfo="skip", name=name,
                         line=dict(width=width, color=colour))


def _dots(lon, lat, size: float, colour: str, name: str, opacity: float = 1.0,
          visible: bool = True) -> go.Scattermap:
    # Workers' dots answer clicks (hoverinfo "none": events, no label); the rest stay inert.
    hover = "none" if name in CLICKABLE else "skip"
    return go.Scattermap(lon=list(lon), lat=list(lat), mode="markers", hoverinfo=hover,
                         name=name, visible=visible,
                         marker=dict(size=size, color=colour, opacity=opacity))


def scale_max(values: list[float]) -> float:
    """The top of the colour scale: the largest value, at least 1 (so zeros stay dark)."""
    return float(max([1.0, *[v for v in values if v is not None]]))


def heat_top(counts: list[int]) -> float:
    """The heat's saturation point: the busiest bin, so only real hot spots glow."""
    return float(max([1, *counts]))


def view_for(bounds: tuple[float, float, float, float], size=MAP_SIZE) -> tuple[dict, float]:
    """The centre and zoom that fit a bounding box into the map box."""
    return fit_view(bounds, *size, padding=0.035)


def place_labels(labels: list[dict], center: dict, zoom: float, focus: str | None = None,
                 size=MAP_SIZE) -> list[dict]:
    """Street names over the district, or the focused street's communities when touring."""
    if focus:
        chosen = [p for p in labels if p["level"] == "community" and p["street_code"] == focus]
        font = dict(family=FONT, size=20, color="#e8f4ff")
    else:
        chosen = [p for p in labels if p["level"] == "street"]
        font = dict(family=FONT, size=22, color="#ffffff")
    notes = label_annotations([(p["lon"], p["lat"], p["name"]) for p in chosen], center, zoom,
                              *size, font=font)
    for note in notes:
        note.update(bgcolor=LABEL_BG, borderpad=3)
    return declutter(notes, font["size"], size)


def _box(note: dict, font_px: float, size) -> tuple[float, float, float, float]:
    # CJK glyphs are about one em wide, Latin letters about half of one.
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in note["text"]) * font_px + 8
    x, y = note["x"] * size[0], (1 - note["y"]) * size[1]
    return x - width / 2, y - font_px * 0.8, x + width / 2, y + font_px * 0.8


def declutter(notes: list[dict], font_px: float, size=MAP_SIZE) -> list[dict]:
    """Nudge labels that would overlap a label already placed up or down, a line at a time
    (long English names collide where the Chinese ones do not).
    """
    placed: list[tuple] = []
    for note in notes:
        for step in (0, 1, -1, 2, -2):
            trial = {**note, "y": note["y"] - step * font_px * 1.2 / size[1]}
            box = _box(trial, font_px, size)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in placed):
                note.update(y=trial["y"])
                break
        placed.append(_box(note, font_px, size))
    return notes


def layer_traces(base: MapBase, values: list[float], metric: str,
                 cameras: tuple[list, list] | None) -> list:
    """One trace per layer, bottom to top, each below its anchor in the style."""
    codes = [f["id"] for f in base.grids["features"]]
    cam_lon, cam_lat = cameras or ([], [])
    traces = [
        go.Choroplethmap(
            geojson=base.grids, locations=codes, z=values, zmin=0, zmax=scale_max(values),
            colorscale=METRIC_SCALES[metric], showscale=False, hoverinfo="skip", name="grids",
            marker=dict(line=dict(width=0.5, color="rgba(31,209,249,0.28)"), opacity=0.92)),
        go.Densitymap(lon=[], lat=[], z=[], radius=30, colorscale=HEAT_SCALE, showscale=False,
                      hoverinfo="skip", name="heat", zmin=0, zmax=1),
        _lines(base.communities, 1.1, "rgba(150,196,240,0.45)", "communities"),
        _lines(base.streets, 2.6, CYAN, "streets"),
        go.Scattermap(lon=[], lat=[], mode="lines", hoverinfo="none", name="tracks",
                      line=dict(width=1.2, color=TRACK_COLOUR)),
        _dots(cam_lon, cam_lat, 4, "#b79cff", "cameras", 0.7, visible=cameras is not None),
        # A whistle is a solid disc in its status colour inside a faint halo of the same.
        _dots([], [], 44, [], "halo", 0.28),
        _dots([], [], 20, [], "whistles", 0.95),
        _dots([], [], 6, STATUS["closed"], "offline", 0.75),
        _dots([], [], 6.5, "#5ff5ff", "online", 0.9),
    ]
    for trace in traces:
        trace.below = anchor(trace.name)
    return traces


def wall_map(base: MapBase, values: list[float], metric: str = METRICS[0],
             basemap: dict | None = None, cameras: tuple[list, list] | None = None,
             size: tuple[int, int] = MAP_SIZE) -> go.Figure:
    """The whole wall map with every layer in :data:`LAYERS` order (empty layers included).

    Parameters
    ----------
    base : MapBase
    values : list of float
        One value per grid feature, in feature order.
    metric : str
        One of :data:`METRICS`; picks the colour scale.
    basemap : dict, optional
        A MapLibre style (offline by default).
    cameras : (lons, lats), optional
        Camera positions; the camera layer is hidden without them.
    size : (int, int)
        The map's box in canvas pixels, to fit the view and place labels.
    """
    traces = layer_traces(base, values, metric, cameras)
    fig = go.Figure(traces)
    bounds = geojson_bounds(base.streets) if base.streets["features"] else (117.1, 39.1, 117.2, 39.2)
    center, zoom = view_for(bounds, size)
    fig.update_layout(
        map=dict(style=basemap or wall_style(), center=center, zoom=zoom),
        margin=dict(l=0, r=0, t=0, b=0), showlegend=False, dragmode=False,
        hovermode="closest", paper_bgcolor="rgba(0,0,0,0)",
        annotations=place_labels(base.labels, center, zoom, size=size), uirevision="wall",
        font=dict(family=FONT))
    return fig


def whistle_colours(urgencies: list[str]) -> list[str]:
    """Status colours of whistle points: red overdue, amber due soon, cyan otherwise."""
    tone = {"overdue": STATUS["overdue"], "due_soon": STATUS["due_soon"]}
    return [tone.get(u, STATUS["progress"]) for u in urgencies]
