"""Assemble the analyst page: options from data, the base map, and each update's content."""
from __future__ import annotations

import threading
import time

from dash import html

from dashboard.analyst import layout_parts as parts
from dashboard.analyst import map_figure
from dashboard.analyst.state import parse_search
from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.figures.basemap import offline_style
from dashboard.figures.district_map import geojson_bounds, outline_lines
from dashboard.i18n import t
from data import directory
from data.models.base import INCIDENT_STATUSES, SOURCES
from data.queries import analyst as analyst_queries
from data.queries import analyst_raw as raw
from geo import hotspots

DESK_GROUND = "#eef2f7"


class AnalystCache:
    """Places, categories, departments and the grids' contiguity: read once, kept a while."""

    def __init__(self, ctx: AppContext, ttl_s: float = 600.0) -> None:
        self._ctx, self._ttl, self._lock = ctx, ttl_s, threading.Lock()
        self._items: dict[str, tuple[float, object]] = {}
        self._weights: tuple[str, object] | None = None

    def _get(self, key: str, load):
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        with self._ctx.reads.connect() as conn:
            value = load(conn)
        with self._lock:
            self._items[key] = (now, value)
        return value

    def places(self) -> dict:
        return self._get("places", analyst_queries.places)

    def lookups(self) -> dict:
        def load(conn):
            return {"categories": directory.categories(conn),
                    "departments": directory.departments(conn)}
        return self._get("lookups", load)

    def weights(self):
        """The grids' queen contiguity, built once per set of grids (a new world rebuilds it):
        only the grids' digest is read again when the cache's time runs out.
        """
        signature = self._get("grid_signature", raw.grid_signature)
        with self._lock:
            kept = self._weights
        if kept is not None and kept[0] == signature:
            return kept[1]
        with self._ctx.reads.connect() as conn:
            signature, shapes = raw.grid_signature(conn), raw.grid_shapes(conn)
        w = hotspots.queen_weights(shapes)
        with self._lock:
            self._weights = (signature, w)
        return w

    def parents(self) -> dict[str, str | None]:
        return {c["code"]: c["parent_code"] for c in self.lookups()["categories"]}


def _name(row, lang: str) -> str:
    return row["name_en"] if lang == "en" and row.get("name_en") else row["name_zh"]


def options(cache: AnalystCache, state: dict, lang: str) -> dict:
    """Dropdown options for a state: communities of its street, grids of its community."""
    places, lookups = cache.places(), cache.lookups()
    streets = places["street"].to_dict("records")
    communities = places["community"]
    if state["street"] is not None:
        communities = communities[communities["street_id"] == state["street"]]
    grids = places["grid"]
    grids = grids[grids["community_id"] == state["community"]] if state["community"] else grids[:0]
    cats = lookups["categories"]
    return {
        "street": [{"label": _name(r, lang), "value": int(r["id"])} for r in streets],
        "community": [{"label": _name(r, lang), "value": int(r["id"])}
                      for r in communities.to_dict("records")],
        "grid": [{"label": f"{r['name_zh']} {r['code'][-3:]}", "value": int(r["id"])}
                 for r in grids.to_dict("records")],
        "subject": [{"label": _name(c, lang), "value": c["code"]} for c in cats if c["level"] == 1],
        "category": [{"label": _name(c, lang), "value": c["code"]} for c in cats
                     if c["level"] == 2 and (not state["subject"] or c["parent_code"] == state["subject"])],
        "sources": [{"label": t(f"src_{s}", lang), "value": s} for s in SOURCES],
        "statuses": [{"label": t(f"st_{s}", lang), "value": s} for s in INCIDENT_STATUSES],
        "department": [{"label": _name(d, lang), "value": int(d["id"])}
                       for d in lookups["departments"]],
    }


def map_style(ctx: AppContext) -> dict:
    s = ctx.settings
    return offline_style(DESK_GROUND, s.basemap, s.tianditu_key, s.xyz_url)


# Roughly Hongqiao, for the empty map of an empty database.
FALLBACK_BOUNDS = (117.10, 39.14, 117.20, 39.21)
NO_OPTIONS = {k: [] for k in ("street", "community", "grid", "subject", "category", "sources",
                              "statuses", "department")}


def analyst_page(ctx: AppContext, lang: str, search: str):
    """The whole page for a query string; the callbacks fill in its data."""
    state = parse_search(search, lang)
    cache = AnalystCache(ctx)
    hint = None
    empty = {"type": "FeatureCollection", "features": []}
    try:
        opts = options(cache, state, lang)
        grids, streets = ctx.boundaries.get("grid"), ctx.boundaries.get("street")
    except Exception as err:  # noqa: BLE001 - no database: say so, keep the page whole
        opts, grids, streets = NO_OPTIONS, empty, empty
        hint = html.Div(readable(err, lang, "no_data", "/analyst page"), className="empty-hint")
    bounds = None
    if streets["features"]:
        bounds = geojson_bounds(streets)
    elif hint is None:      # an empty database (no world loaded yet) is not an error
        hint = html.Div(t("no_data", lang), className="empty-hint")
    figure = map_figure.base_map(grids, bounds or FALLBACK_BOUNDS, map_style(ctx))
    return parts.layout(lang, state, opts, figure, hint)


def crumb_labels(cache: AnalystCache, state: dict, lang: str) -> dict[str, str | None]:
    """The breadcrumb's names: district always, then each chosen level."""
    places = cache.places()
    out = {"district": t("an_district", lang), "street": None, "community": None, "grid": None}
    for level in ("street", "community", "grid"):
        if state[level] is not None:
            hit = places[level][places[level]["id"] == state[level]]
            if not hit.empty:
                row = hit.iloc[0].to_dict()
                out[level] = (f"{row['name_zh']} {row['code'][-3:]}" if level == "grid"
                              else _name(row, lang))
    return out


def selection_view(ctx: AppContext, cache: AnalystCache, state: dict) -> tuple[dict, list, list]:
    """The map's view of a selection: bounds and labels, and the next level's outlines."""
    places = cache.places()
    level, child = "street", "street"
    chosen_code = None
    for lvl, nxt in (("street", "community"), ("community", "grid"), ("grid", "grid")):
        if state[lvl] is not None:
            hit = places[lvl][places[lvl]["id"] == state[lvl]]
            if not hit.empty:
                level, child, chosen_code = lvl, nxt, hit.iloc[0]["code"]
    features = ctx.boundaries.get(child)["features"]
    if chosen_code:
        features = [f for f in features if f["id"].startswith(chosen_code)]
        frame = ctx.boundaries.get(level)["features"]
        bounds = geojson_bounds({"features": [f for f in frame if f["id"] == chosen_code]})
    else:
        bounds = geojson_bounds(ctx.boundaries.get("street"))
    english = state.get("lang") == "en"
    labels = [(f["properties"]["lon"], f["properties"]["lat"],
               (english and f["properties"].get("name_en")) or f["properties"]["name"])
              for f in features] if child != "grid" or state["grid"] is None else []
    lons, lats = outline_lines({"features": features})
    return map_figure.view_of(bounds, labels if len(labels) <= 40 else []), lons, lats
