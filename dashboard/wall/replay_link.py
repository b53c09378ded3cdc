"""A click on a worker's dot or track on the wall opens /patrol for that worker and day.

The wall is unattended, so nothing stays on it: an operator at a desktop copy of the wall
clicks, and the replay opens in a new tab (a plain link's behaviour), the wall runs on.
"""
from __future__ import annotations

from urllib.parse import urlencode

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.context import AppContext
from dashboard.inputs import record
from dashboard.wall.reads import wall_now, wall_options
from data.patrol.nearest import nearest_worker
from workflow.clock import BEIJING

OPEN_JS = """function (href) {
    if (href) { window.open(href, "_blank", "noopener"); }
    return window.dash_clientside.no_update;
}"""


def clicked_point(click) -> tuple[float, float] | None:
    """(lon, lat) of the first point in a map's clickData, or None if it holds none."""
    points = record(click).get("points")
    if not isinstance(points, list) or not points:
        return None
    point = record(points[0])
    lon, lat = point.get("lon"), point.get("lat")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat)):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return float(lon), float(lat)


def replay_href(user_id: int, day, lang: str) -> str:
    query = {"worker": user_id, "date": day.isoformat()}
    if lang == "en":
        query["lang"] = "en"
    return "/patrol?" + urlencode(query)


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the map's click to a worker's replay link (server) and open it (browser)."""

    @app.callback(Output(ids.WALL_OPEN, "data"), Input(ids.WALL_MAP, "clickData"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def open_replay(click, search):
        where = clicked_point(click)
        if where is None:
            raise PreventUpdate
        options = wall_options(search, ctx.settings.language)
        now = wall_now(options, ctx.settings)
        try:
            with ctx.db.connect() as conn:
                worker = nearest_worker(conn, where[0], where[1], now)
        except SQLAlchemyError:
            raise PreventUpdate from None
        if worker is None:
            raise PreventUpdate
        return replay_href(worker, now.astimezone(BEIJING).date(), options.lang)

    # Writes nothing (no_update): the output is only there because a callback needs one.
    app.clientside_callback(OPEN_JS, Output(ids.WALL_OPEN, "clear_data"),
                            Input(ids.WALL_OPEN, "data"),
                            prevent_initial_call=True)
