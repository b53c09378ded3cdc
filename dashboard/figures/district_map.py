"""The district map: basic grids coloured by a value, street outlines and street names."""
from __future__ import annotations

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
