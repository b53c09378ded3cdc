"""What the wall shows, fetched through data/ and shaped for the figure and panel builders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.context import AppContext
from dashboard.i18n import pick_lang, t
from dashboard.wall.map_figure import METRICS, MapBase
from data.positions.queries import track_arrays
from data.queries import wall as wall_queries
from data.queries import wall_city as city_queries
from data.queries import wall_map as map_queries
from data.queries import wall_whistles as whistle_queries
from data.settings import Settings
from workflow.clock import in_calendar
from workflow.deadlines import WHISTLE_OPEN, urgency

TRACK_MINUTES = 15
# 12 m is two pixels at the district zoom: finer detail would only cost bytes.
TRACK_TOLERANCE_M = 12.0
HEAT_DAYS, HEAT_CELL_M = 7, 200.0
COVERAGE_SLOT_S, PAST_SLOT_S = 60.0, 120.0
DISTRICTS_SLOT_S = 600.0
TICKER_ROWS = 6
CLOSED_WHISTLES = 6
URGENCY_TONE = {"overdue": "overdue", "due_soon": "due-soon", "done": "done"}


@dataclass(frozen=True)
class WallOptions:
    """What the wall's query string asks for: language, tour, cameras, a frozen moment."""

    lang: str = "zh"
    tour: bool = False
    cameras: bool = False
    at: datetime | None = None
    # The district asked for (``?district=120105``), not yet checked against the viewer:
    # workflow.pages.wall_district decides which district's wall they see.
    district: str | None = None


def wall_options(search: str | None, default_lang: str = "zh") -> WallOptions:
    """Read ``?lang=en&tour=1&cameras=1&at=2026-11-26T15:30+08:00&district=120105``
    (all optional).
    """
    search = search if isinstance(search, str) else ""     # a forged call may send anything
    query = parse_qs(search.lstrip("?"))

    def flag(name):
        return query.get(name, ["0"])[0].lower() in ("1", "true", "yes", "on")

    at = None
    if query.get("at"):
        try:
            at = datetime.fromisoformat(query["at"][0].replace(" ", "+"))
        except ValueError:
            at = None
        if at is not None and (at.tzinfo is None or not in_calendar(at)):
            at = None
    district = query.get("district", [None])[0]
    return WallOptions(pick_lang(search, default_lang), flag("tour"), flag("cameras"), at,
                       district)


def wall_now(options: WallOptions, settings: Settings) -> datetime:
    """The moment the wall describes: the frozen one when asked (replay, tests), else now."""
    return options.at or settings.now()


def local(moment: datetime, ctx: AppContext) -> datetime:
    return moment.astimezone(ZoneInfo(ctx.settings.timezone))


def home(ctx: AppContext, district: str | None) -> str:
    """The district a wall question is about: the one asked, else the deployment's own."""
    return district or ctx.settings.district_code


def districts(ctx: AppContext) -> list[dict]:
    """The loaded districts (code, name_zh, name_en); they change only on a world load."""
    def compute():
        with ctx.reads.connect() as conn:
            return city_queries.district_names(conn)
    return ctx.answers.get(("districts",), ctx.settings.now(), compute, DISTRICTS_SLOT_S)


def wall_title(ctx: AppContext, district: str, lang: str) -> tuple[str, str]:
    """The wall's title and subtitle: Hongqiao's own, or "智慧河北指挥中心" and
    "河北区网格化管理…" for another district's wall.
    """
    if district == ctx.settings.district_code:
        return t("wall_title", lang), t("platform_sub", lang)
    found = next((d for d in districts(ctx) if d["code"] == district), None)
    full = district if found is None else found["name_en" if lang == "en" else "name_zh"]
    short = full.removesuffix(" District") if lang == "en" else \
        full.removesuffix("区") if len(full) > 2 else full
    return (t("wall_title_of", lang).format(name=short),
            t("platform_sub_of", lang).format(name=full))


def map_base(ctx: AppContext, lang: str, district: str | None = None) -> MapBase:
    """The district's polygons (cached) and labelled places with their boxes."""
    district = home(ctx, district)
    with ctx.reads.connect() as conn:
        places = map_queries.place_labels(conn, district)
    labels = [{"level": r.level, "code": r.code, "street_code": r.street_code,
               "name": r.name_en if lang == "en" and r.level == "street" else r.name_zh,
               "lon": r.lon, "lat": r.lat, "bbox": (r.minx, r.miny, r.maxx, r.maxy)}
              for r in places.itertuples()]
    return MapBase(light_grids(ctx.boundaries.get("grid", district)),
                   ctx.boundaries.get("community", district),
                   ctx.boundaries.get("street", district), labels)


def light_grids(grids: dict) -> dict:
    """The grids as the wall's map needs them: geometry and a short id, nothing else.

    Names, label points and 15-digit codes were 60% of the first map's bytes; the wall
    shows no grid names and its patches address grids by position (the features' order).
    """
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": str(i), "geometry": f["geometry"]}
        for i, f in enumerate(grids["features"])]}


def grid_codes(ctx: AppContext, district: str | None = None) -> list[str]:
    return [f["id"] for f in ctx.boundaries.get("grid", home(ctx, district))["features"]]


def metric_values(ctx: AppContext, metric: str, now: datetime,
                  district: str | None = None) -> list[float]:
    """The metric's value for every grid, in the order of the cached grid features.

    Coverage counts the whole day's fixes (two million by evening, ~0.4 s): it is read once
    a minute (``COVERAGE_SLOT_S``) for every screen and for the grids-patrolled figure.
    """
    district = home(ctx, district)
    if metric == "coverage":
        return ctx.answers.get(("coverage", district), now,
                               lambda: _metric_values(ctx, metric, now, district),
                               COVERAGE_SLOT_S)
    return _metric_values(ctx, metric, now, district)


def _metric_values(ctx: AppContext, metric: str, now: datetime, district: str) -> list[float]:
    with ctx.reads.connect() as conn:
        df = map_queries.grid_values(conn, metric, now, ctx.settings.timezone, district)
    by_code = dict(zip(df["code"], df["value"]))
    return [int(by_code.get(code, 0)) for code in grid_codes(ctx, district)]


def worker_dots(ctx: AppContext, now: datetime, past: bool = False,
                district: str | None = None) -> tuple[tuple, tuple]:
    """((lons, lats) online, (lons, lats) offline but on duty today); ``past`` for a replay."""
    with ctx.reads.connect() as conn:
        df = map_queries.worker_positions(conn, now, ctx.settings.timezone, past=past,
                                          district=home(ctx, district))
    layers = {True: ([], []), False: ([], [])}
    for lon, lat, online in zip(df["lon"], df["lat"], df["online"]):
        layers[bool(online)][0].append(lon)
        layers[bool(online)][1].append(lat)
    return layers[True], layers[False]


def cameras(ctx: AppContext, district: str | None = None) -> tuple[list, list]:
    with ctx.reads.connect() as conn:
        df = map_queries.camera_points(conn, home(ctx, district))
    return df["lon"].tolist(), df["lat"].tolist()


def open_whistles(ctx: AppContext, now: datetime, lang: str, street: str | None = None,
                  district: str | None = None):
    """Open whistles with their parties' report-in state and their urgency."""
    with ctx.reads.connect() as conn:
        ws = whistle_queries.open_whistles(conn, now, WHISTLE_OPEN, street, home(ctx, district))
        parties = whistle_queries.whistle_parties(conn, ws["id"].tolist()) if len(ws) else None
    out = []
    for w in ws.itertuples():
        mine = parties[parties["whistle_id"] == w.id] if parties is not None else []
        out.append({
            "street": w.street_en if lang == "en" else w.street_zh, "matter": w.matter,
            "level": int(w.level), "deadline": w.deadline, "lon": w.lon, "lat": w.lat,
            "urgency": urgency(w.status, w.blown_at, w.deadline, now, WHISTLE_OPEN),
            "parties": [_party(p, lang) for p in getattr(mine, "itertuples", list)()]})
    return out


def _party(p, lang: str) -> dict:
    state = ("arrived" if pd.notna(p.arrived_at) else
             "acknowledged" if pd.notna(p.acknowledged_at) else "waiting")
    name = p.name_en if lang == "en" else p.name_zh
    if p.leader:
        name = f"{t('wall_leader', lang)}{name}"
    elif lang != "en" and name.startswith("区") and len(name) > 4:
        name = name[1:]   # "区城市管理委员会" reads as "城市管理委员会" on a chip
    return {"name": name, "state": state}


def closed_whistles(ctx: AppContext, now: datetime, lang: str, street: str | None = None,
                    district: str | None = None):
    with ctx.reads.connect() as conn:
        df = whistle_queries.closed_whistles(conn, now, CLOSED_WHISTLES, street,
                                             home(ctx, district))
    return [{"street": r.street_en if lang == "en" else r.street_zh, "matter": r.matter,
             "closed_at": local(r.closed_at, ctx),
             "days": max(1, (r.closed_at - r.blown_at).days)} for r in df.itertuples()]


def whistle_year(ctx: AppContext, now: datetime, street: str | None = None,
                 district: str | None = None) -> dict:
    with ctx.reads.connect() as conn:
        return whistle_queries.whistle_year(conn, now, ctx.settings.timezone, street,
                                            home(ctx, district))


def map_layers_data(ctx: AppContext, now: datetime, district: str | None = None) -> dict:
    """Everything on the map that changes by the half-minute: every metric's values, heat,
    tracks and whistles.

    The map cycles through the metrics tick by tick, so a per-metric answer comes round only
    every few minutes and is never ready; one answer for all of them is asked every tick,
    so it can be kept fresh for every screen.
    """
    district = home(ctx, district)
    with ctx.reads.connect() as conn:
        heat = map_queries.incident_heat(conn, now, HEAT_DAYS, HEAT_CELL_M, district)
        lines = map_queries.track_lines(conn, now, TRACK_MINUTES, TRACK_TOLERANCE_M, district)
        ws = whistle_queries.open_whistles(conn, now, WHISTLE_OPEN, district=district)
    urg = [urgency(w.status, w.blown_at, w.deadline, now, WHISTLE_OPEN) for w in ws.itertuples()]
    return {"values": {metric: metric_values(ctx, metric, now, district) for metric in METRICS},
            "heat": (heat["lon"].tolist(), heat["lat"].tolist(), heat["n"].astype(int).tolist()),
            "tracks": track_arrays(lines),
            "whistles": (ws["lon"].tolist(), ws["lat"].tolist(), urg)}


def headline(ctx: AppContext, now: datetime, district: str | None = None) -> dict:
    """A district's headline figures now and 1 and 7 days back, as {k: {name: value}}
    (shared by every screen of that district within a time slot).
    """
    district = home(ctx, district)
    return ctx.answers.get(("headline", district), now, lambda: _headline(ctx, now, district))


def _headline(ctx: AppContext, now: datetime, district: str) -> dict:
    with ctx.reads.connect() as conn:
        current = _figures(wall_queries.headline(conn, now, ctx.settings.timezone, days=(0,),
                                                 patrolled=False, district=district))
    # The same moment yesterday and last week reads those days' fixes; a comparison can be
    # up to PAST_SLOT_S late, so it is read that often rather than every slot.
    past = ctx.answers.get(("headline_past", district), now,
                           lambda: _past_headline(ctx, now, district), PAST_SLOT_S)
    # Grids patrolled today are the grids whose coverage (today's fixes) is above zero.
    current[0]["grids_patrolled"] = sum(
        1 for v in metric_values(ctx, "coverage", now, district) if v > 0)
    return {**current, **past}


def _past_headline(ctx: AppContext, now: datetime, district: str) -> dict:
    past = tuple(k for k in wall_queries.COMPARE_DAYS if k)
    with ctx.reads.connect() as conn:
        return _figures(wall_queries.headline(conn, now, ctx.settings.timezone, days=past,
                                              district=district))


def _figures(df) -> dict:
    return {int(k): {c: int(v) for c, v in row.items()} for k, row in df.iterrows()}
