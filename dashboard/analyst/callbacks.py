"""Callback wiring of the analyst page: URL <-> filters <-> state, then every panel."""
from __future__ import annotations

from datetime import timedelta

from dash import Dash, Input, Output, no_update
from dash import ctx as trigger
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.analyst import content_callbacks as analyst_content
from dashboard.analyst.map_figure import CHORO, HOTSPOTS
from dashboard.analyst.state import (
    cascade,
    clean_state,
    climb,
    drill,
    parse_search,
    to_search,
)
from dashboard.analyst.view import AnalystCache, options
from dashboard.context import AppContext
from workflow.clock import BEIJING

F = ids.ANALYST_FILTER
# Filter controls and the state key each one sets, in one fixed order.
CONTROLS = [("street", "value"), ("community", "value"), ("grid", "value"), ("range", "value"),
            ("subject", "value"), ("category", "value"), ("sources", "value"),
            ("statuses", "value"), ("department", "value"), ("overdue", "value"),
            ("metric", "value"), ("layers", "value"), ("bucket", "value"), ("by", "value")]
CHARTS = ("subject", "source", "place", "department")


def today_and_now(settings):
    now = settings.now()
    return now.astimezone(BEIJING).date(), now


def state_from_controls(values: list, dates: tuple, lang: str) -> dict:
    """The state the controls show (values from the browser, so each is checked)."""
    state = dict(zip([k for k, _ in CONTROLS], values))
    state["overdue"] = bool(state["overdue"])
    state["from"], state["to"] = dates
    state["lang"] = lang
    return clean_state(state)


def _first_point(click) -> dict:
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    return point if isinstance(point, dict) else {}


def chart_click(state: dict, chart: str, click: dict | None, places: dict, parents: dict) -> dict:
    """A click on a bar filters the rest (cross-filtering)."""
    raw = _first_point(click).get("customdata")
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        return state
    key = str(raw)
    s = dict(state)
    if chart == "subject":
        changed = "category" if key in parents and parents[key] else "subject"
        s[changed] = key
        return cascade(s, changed, places, parents)
    if chart == "source":
        s["sources"] = [key]
    elif chart == "department" and key != "0" and key.isdigit():
        s["department"] = int(key)
    elif chart == "place" and key.isdigit():
        level = "street" if s["street"] is None else "community" if s["community"] is None else "grid"
        s[level] = int(key)
        return cascade(s, level, places, parents)
    return clean_state(s)


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the analyst page's callbacks onto the app."""
    cache = AnalystCache(ctx)
    _register_state(app, ctx, cache)
    analyst_content.register(app, ctx, cache)


def _register_state(app: Dash, ctx: AppContext, cache: AnalystCache) -> None:
    # Named inputs and outputs (Dash's flexible signatures): adding a control cannot shift
    # anything else, as positions in *args did.
    inputs = {
        "search": Input(ids.ANALYST_URL, "search"),
        "controls": {k: Input(F[k], p) for k, p in CONTROLS},
        "start": Input(F["dates"], "start_date"), "end": Input(F["dates"], "end_date"),
        "map_click": Input(ids.ANALYST_MAP, "clickData"),
        "crumbs": {lvl: Input(b, "n_clicks") for lvl, b in ids.ANALYST_CRUMB.items()},
        "chart_clicks": {c: Input(ids.ANALYST_CHART[c], "clickData") for c in CHARTS},
    }
    outputs = {
        "search": Output(ids.ANALYST_URL, "search"), "state": Output(ids.ANALYST_STATE, "data"),
        "community": Output(F["community"], "options"), "grid": Output(F["grid"], "options"),
        "category": Output(F["category"], "options"),
        "dates_class": Output(F["dates"], "className"),
        "start": Output(F["dates"], "start_date"), "end": Output(F["dates"], "end_date"),
        "controls": {k: Output(F[k], p) for k, p in CONTROLS},
    }

    @app.callback(output=outputs, inputs=inputs, prevent_initial_call=False)
    def sync(search, controls, start, end, map_click, crumbs, chart_clicks):
        # ``crumbs`` only trigger: which one was clicked is trigger.triggered_id.
        values = [controls.get(k) for k, _ in CONTROLS] if isinstance(controls, dict) else []
        chart_clicks = chart_clicks if isinstance(chart_clicks, dict) else {}
        search = search if isinstance(search, str) else ""
        lang = parse_search(search)["lang"]
        places, parents = cache.places(), cache.parents()
        trig = trigger.triggered_id
        if trig is None or trig == ids.ANALYST_URL or len(values) != len(CONTROLS):
            state = parse_search(search, lang)
        else:
            state = state_from_controls(values, (start, end), lang)
            key = next((k for k, _ in CONTROLS if F[k] == trig), None)
            crumb = next((lvl for lvl, b in ids.ANALYST_CRUMB.items() if b == trig), None)
            chart = next((c for c in CHARTS if ids.ANALYST_CHART[c] == trig), None)
            if key:
                state = cascade(state, key, places, parents)
            elif crumb:
                state = climb(state, crumb)
            elif chart:
                state = chart_click(state, chart, chart_clicks.get(chart), places, parents)
            elif trig == ids.ANALYST_MAP:
                # A grid (or the hot-spot mark on it) drills down; incidents open their detail.
                point = _first_point(map_click)
                curve = point.get("curveNumber")
                code = {CHORO: point.get("location"), HOTSPOTS: point.get("customdata")}.get(
                    curve) if isinstance(curve, int) else None
                if not isinstance(code, str) or not code:
                    raise PreventUpdate
                state = drill(state, code, places)
            state = clean_state(state) or parse_search("", lang)
            if state["range"] == "custom" and not (state["from"] and state["to"]):
                today = today_and_now(ctx.settings)[0]
                state["from"] = (today - timedelta(days=29)).isoformat()
                state["to"] = today.isoformat()
        new_search = to_search(state)
        opts = options(cache, state, lang)
        return {
            "search": no_update if new_search == (search or "") else new_search,
            "state": state, "community": opts["community"], "grid": opts["grid"],
            "category": opts["category"],
            "dates_class": "an-dates" + ("" if state["range"] == "custom" else " hidden"),
            "start": state["from"], "end": state["to"],
            "controls": {k: (["1"] if state["overdue"] else []) if k == "overdue" else state[k]
                         for k, _ in CONTROLS},
        }
