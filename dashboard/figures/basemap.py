"""The map's base: an offline style, optional tiles, fitting a view, labels as annotations."""
from __future__ import annotations

import math

from dashboard.theme import WALL_BG

TIANDITU = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"

# MapLibre's world is 512 px wide at zoom 0.
WORLD_PX = 512.0


def offline_style(background: str = WALL_BG, basemap: str = "none", tianditu_key: str = "",
                  xyz_url: str = "", anchors: tuple[str, ...] = ()) -> dict:
    """A MapLibre style that needs no network: a plain background, tiles only if configured.

    Parameters
    ----------
    background : str
        Colour of the ground under our polygons.
    basemap : {"none", "tianditu", "xyz"}
    tianditu_key, xyz_url : str
        The Tianditu key, or a local XYZ tile URL template.
    anchors : tuple of str
        Names of empty marker layers, bottom to top, for traces to sit ``below``: plotly
        inserts the layers of a trace that gains data late wherever it likes otherwise.

    Returns
    -------
    dict
        A style object for ``layout.map.style``.
    """
    # Never an empty "sources": plotly drops empty objects when it re-applies the style on an
    # update, and MapLibre then rejects the style ("missing required property sources").
    sources: dict = {"hq-none": {"type": "geojson",
                                 "data": {"type": "FeatureCollection", "features": []}}}
    layers: list = [{"id": "ground", "type": "background", "paint": {"background-color": background}}]
    tile_sets: list[tuple[str, list[str]]] = []
    if basemap == "tianditu" and tianditu_key:
        for layer in ("vec", "cva"):
            urls = [TIANDITU.format(s=s, layer=layer, key=tianditu_key) for s in range(8)]
            tile_sets.append((f"tdt-{layer}", urls))
    elif basemap == "xyz" and xyz_url:
        tile_sets.append(("xyz", [xyz_url]))
    for name, urls in tile_sets:
        sources[name] = {"type": "raster", "tiles": urls, "tileSize": 256}
        layers.append({"id": name, "type": "raster", "source": name,
                       "paint": {"raster-opacity": 0.55}})
    layers += [{"id": f"hq-{name}", "type": "circle", "source": "hq-none"} for name in anchors]
    return {"version": 8, "sources": sources, "layers": layers}


def _mercator_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = WORLD_PX * 2 ** zoom
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def fit_view(bounds: tuple[float, float, float, float], width_px: float, height_px: float,
             padding: float = 0.06) -> tuple[dict, float]:
    """The centre and zoom that fit ``bounds`` (minx, miny, maxx, maxy) in a map of that size."""
    minx, miny, maxx, maxy = bounds
    x0, y1 = _mercator_px(minx, miny, 0)
    x1, y0 = _mercator_px(maxx, maxy, 0)
    usable_w, usable_h = width_px * (1 - 2 * padding), height_px * (1 - 2 * padding)
    zoom = math.log2(min(usable_w / (x1 - x0), usable_h / (y1 - y0)))
    center = {"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2}
    return center, zoom


def label_annotations(labels: list[tuple[float, float, str]], center: dict, zoom: float,
                      width_px: float, height_px: float, font: dict) -> list[dict]:
    """Map labels as paper-positioned annotations, so no glyph server is needed offline."""
    cx, cy = _mercator_px(center["lon"], center["lat"], zoom)
    notes = []
    for lon, lat, text in labels:
        x, y = _mercator_px(lon, lat, zoom)
        px, py = 0.5 + (x - cx) / width_px, 0.5 - (y - cy) / height_px
        if 0 <= px <= 1 and 0 <= py <= 1:
            # Centred on the point: plotly's "auto" anchor would push labels in the outer
            # thirds of the map off their places.
            notes.append(dict(x=px, y=py, xref="paper", yref="paper", text=text,
                              xanchor="center", yanchor="middle", showarrow=False, font=font))
    return notes
