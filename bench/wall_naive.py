"""The wall benchmark's helpers: a naive whole-figure wall, a moving fleet, Dash requests."""
from __future__ import annotations

import gzip
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime

from dash import Dash, Input, Output, State, html
from flask import Flask

from dashboard.context import AppContext
from dashboard.wall import assembly, reads
from dashboard.wall.map_figure import LAYER
from dashboard.wall.panel_reads import ticker
from dashboard.wall.panels import ticker_rows, whistle_board
from dashboard.wall.patch import rounded
from data.db import Database
from data.positions import Fix, ensure_partition, local_day, write_fixes
from data.queries.patrol import patrol_roster
from data.settings import Settings
from etl.simulate import SimOptions, build_fleet
from geo.track import KNOT_MPS

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def whole_map(ctx: AppContext, options: reads.WallOptions, now: datetime, n: int):
    """What a first draft sends on every tick: the whole map, polygons and all."""
    fig = assembly.first_map(ctx, options, now)
    layers = reads.map_layers_data(ctx, now)
    online, offline = reads.worker_dots(ctx, now)
    fig.data[LAYER["grids"]].z = layers["values"][assembly.metric_at(n)]
    heat = fig.data[LAYER["heat"]]
    heat.lon, heat.lat, heat.z = layers["heat"]
    fig.data[LAYER["tracks"]].lon, fig.data[LAYER["tracks"]].lat = layers["tracks"]
    for name, (lons, lats) in (("online", online), ("offline", offline)):
        fig.data[LAYER[name]].lon, fig.data[LAYER[name]].lat = rounded(lons), rounded(lats)
    return fig


def naive_app(settings: Settings) -> Dash:
    """The same wall with no patches: every channel returns whole figures."""
    ctx = AppContext(settings=settings, db=Database(settings))
    app = Dash("naive_wall", server=Flask("naive_wall"), suppress_callback_exceptions=True,
               compress=True)

    def options(search):
        opts = reads.wall_options(search)
        return opts, reads.wall_now(opts)

    @app.callback(Output("wall-map", "figure"), Input("naive-go-pos", "data"),
                  State("app-url", "search"))
    def positions(n, search):
        return whole_map(ctx, *options(search), n or 0)

    @app.callback(Output("wall-category", "figure"), Output("wall-closure", "figure"),
                  Output("wall-sources", "figure"), Output("wall-whistles", "children"),
                  Output("wall-ticker", "children"), Input("naive-go-panels", "data"),
                  State("app-url", "search"))
    def panels(n, search):
        opts, now = options(search)
        board = whistle_board(reads.open_whistles(ctx, now, opts.lang),
                                 reads.closed_whistles(ctx, now, opts.lang),
                                 reads.whistle_year(ctx, now), now, opts.lang, n or 0)
        return (assembly.category_chart(ctx, now, opts.lang, None),
                assembly.closure_chart(ctx, now, opts.lang, None),
                assembly.sources_chart(ctx, now, opts.lang, None), board,
                ticker_rows(ticker(ctx, now, opts.lang), opts.lang))

    app.layout = html.Div()
    return app


@dataclass
class Response:
    raw: int
    gz: int
    seconds: float


def post(client, app: Dash, trigger: str, values: dict) -> Response:
    """POST one callback the way Dash's renderer does; the sizes of what came back."""
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if f"{s['inputs'][0]['id']}.{s['inputs'][0]['property']}" == trigger)
    parts = key[2:-2].split("...") if key.startswith("..") else [key]

    def items(deps):
        return [{"id": d["id"], "property": d["property"],
                 "value": values.get(f"{d['id']}.{d['property']}")} for d in deps]

    outputs = [dict(zip(("id", "property"), p.split(".", 1))) for p in parts]
    body = {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": items(spec["inputs"]), "state": items(spec["state"]),
            "changedPropIds": [trigger]}
    start = time.perf_counter()
    response = client.post("/_dash-update-component", json=body,
                           headers={"Accept-Encoding": "identity"})
    seconds = time.perf_counter() - start
    if response.status_code not in (200, 204):
        raise RuntimeError(f"{trigger}: HTTP {response.status_code} {response.data[:200]!r}")
    raw = response.get_data()
    json.loads(raw or b"{}")
    return Response(len(raw), len(gzip.compress(raw, 6)) if raw else 0, seconds)


def sign_in(client, username: str, password: str) -> None:
    """Sign a test client in through /login, as the wall's browser does once a day."""
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"username": username, "password": password,
                                        "csrf_token": token})
    if reply.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {reply.status_code}")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value


class MovingFleet:
    """Simulated phones walking their beats; each step writes their fixes like the ingest."""

    def __init__(self, settings: Settings, db: Database, workers: int):
        self.settings, self.db = settings, db
        self.fleet, _ = build_fleet(db, SimOptions(url="", workers=workers))
        with db.connect() as conn:
            roster = patrol_roster(conn, workers)
        self.keys = {p.device_id: (p.device_pk, p.user_id) for p in roster}

    def step(self, at: datetime, seconds: float) -> int:
        due = self.fleet.tick(at.timestamp(), seconds)
        fixes = [Fix(*self.keys[device], at, float(f["lon"]), float(f["lat"]),
                     speed_mps=float(f["speed"]) * KNOT_MPS, accuracy_m=float(f["accuracy"]))
                 for device, sent in due.items() for f in sent[-1:]]
        with self.db.begin() as conn:
            ensure_partition(conn, local_day(at, self.settings.timezone))
            write_fixes(conn, fixes, self.settings.timezone)
        return len(fixes)
