"""Analyst wiring, second half: the state drives the map, charts, table, detail, export."""
from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, dcc, html, no_update
from dash import ctx as trigger

from dashboard import ids
from dashboard.analyst.export import EXPORT_MAX_ROWS, about_rows, in_language, to_csv, to_xlsx
from dashboard.analyst.map_figure import CHORO, HEAT, HOTSPOTS, OUTLINE, PICKED, POINTS
from dashboard.analyst.panels import chart_content, incident_panel, map_content
from dashboard.analyst.state import clean_state, range_cut, to_filter, to_search
from dashboard.analyst.view import AnalystCache, options
from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.i18n import t
from dashboard.session import session_actor
from data.queries import analyst_raw as raw
from workflow.analyst_scope import analyst_scope
from workflow.clock import BEIJING
from workflow.errors import WorkflowError

CHARTS = ("series", "subject", "source", "place", "department", "close")
# The table's infinite model asks for blocks of 100 rows; no request may ask for more.
MAX_BLOCK = 200
MAX_OFFSET = 10_000_000


def current_filter(state: dict, settings, actor=None):
    """The filter for a state now, within the signed-in reader's scope (None: no reader, or
    one whose scope the analyst cannot show).
    """
    try:
        scope = analyst_scope(actor if actor is not None else session_actor())
    except WorkflowError:
        return None
    now = settings.now()
    return to_filter(state, now.astimezone(BEIJING).date(), now, scope)


def block(request) -> tuple[int, int] | None:
    """The rows [start, end) an AG Grid getRowsRequest asks for, at most MAX_BLOCK of them."""
    if not isinstance(request, dict):
        return None
    start, end = request.get("startRow", 0), request.get("endRow", 100)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return None
    if not 0 <= start <= MAX_OFFSET or end <= start:
        return None
    return start, min(end, start + MAX_BLOCK)


def sort_model(request: dict) -> list[dict]:
    model = request.get("sortModel")
    return [m for m in model if isinstance(m, dict)][:5] if isinstance(model, list) else []


def _set(patch, index: int, values: dict) -> None:
    for key, value in values.items():
        target = patch["data"][index]
        for part in key.split(".")[:-1]:
            target = target[part]
        target[key.split(".")[-1]] = value


def map_patch(content: dict, state: dict) -> Patch:
    """Only values and the view go out; the polygons stay in the browser."""
    patch = Patch()
    _set(patch, CHORO, content["choropleth"])
    _set(patch, HEAT, content["heat"])
    _set(patch, OUTLINE, content["outline"])
    _set(patch, HOTSPOTS, content["hot"])
    _set(patch, POINTS, content["points"])
    _set(patch, PICKED, {"lon": [], "lat": [], "text": []})
    view = content["view"]
    patch["layout"]["map"]["center"] = view["center"]
    patch["layout"]["map"]["zoom"] = view["zoom"]
    patch["layout"]["annotations"] = view["annotations"]
    patch["layout"]["uirevision"] = f"{state['street']}-{state['community']}-{state['grid']}"
    return patch


def register(app: Dash, ctx: AppContext, cache: AnalystCache) -> None:
    crumb_outputs = ([Output(b, "children") for b in ids.ANALYST_CRUMB.values()]
                     + [Output(b, "className") for b in ids.ANALYST_CRUMB.values()])

    @app.callback([Output(ids.ANALYST_MAP, "figure"), Output(ids.ANALYST_SUMMARY, "children"),
                   Output(ids.ANALYST_HOT, "children")] + crumb_outputs,
                  Input(ids.ANALYST_STATE, "data"), prevent_initial_call=True)
    def update_map(state):
        state = clean_state(state)
        f = current_filter(state, ctx.settings) if state else None
        if f is None:
            return [no_update] * 11
        lang = state["lang"]
        try:
            content = map_content(ctx, cache, state, f, lang)
        except Exception as err:  # noqa: BLE001 - said on the page, logged with its stack
            return [no_update, readable(err, lang, "an_error", "/analyst map"), ""] + [no_update] * 8
        if range_cut(state):
            content["summary"] = content["summary"] + [html.Span(t("an_range_cut", lang).format(
                start=f.date_from.isoformat()), className="an-note")]
        names = content["crumbs"]
        labels = [names[lvl] or "" for lvl in ids.ANALYST_CRUMB]
        last = max(i for i, lvl in enumerate(ids.ANALYST_CRUMB) if names[lvl])
        classes = ["an-crumb" + (" current" if i == last else "") + ("" if names[lvl] else " hidden")
                   for i, lvl in enumerate(ids.ANALYST_CRUMB)]
        return [map_patch(content, state), content["summary"], content["hot_text"]] + labels + classes

    @app.callback([Output(ids.ANALYST_CHART[c], "figure") for c in CHARTS],
                  Input(ids.ANALYST_STATE, "data"), prevent_initial_call=True)
    def update_charts(state):
        state = clean_state(state)
        f = current_filter(state, ctx.settings) if state else None
        if f is None:
            return [no_update] * len(CHARTS)
        figures = chart_content(ctx, state, f, state["lang"])
        return [figures[c] for c in CHARTS]

    # The infinite grid keeps the blocks it has read; a new state must drop them, so the grid
    # asks again (AG Grid's purgeInfiniteCache, reached through dash-ag-grid's getApi).
    app.clientside_callback(
        """function(state) {
            if (state && window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
                window.dash_ag_grid.getApiAsync('""" + ids.ANALYST_TABLE + """')
                    .then(function(api) { api.purgeInfiniteCache(); });
            }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.ANALYST_TABLE_BOX, "title"), Input(ids.ANALYST_STATE, "data"),
        prevent_initial_call=True)

    @app.callback(Output(ids.ANALYST_TABLE, "getRowsResponse"),
                  Input(ids.ANALYST_TABLE, "getRowsRequest"), State(ids.ANALYST_STATE, "data"),
                  prevent_initial_call=True)
    def rows(request, state):
        state, asked = clean_state(state), block(request)
        f = current_filter(state, ctx.settings) if state and asked else None
        if f is None:
            return no_update
        start, end = asked
        with ctx.reads.connect() as conn:
            count = raw.incident_count(conn, f)  # from the rollups: cheap, and it picks the plan
            page = raw.incident_page(conn, f, start, end, sort_model(request), count)
            total = count if start == 0 or len(page) < end - start else -1
        lang = state["lang"]
        page = in_language(page, lang).assign(
            reported_at=page["reported_at"].map(_local), deadline=page["deadline"].map(_local),
            closed_at=page["closed_at"].map(_local),
            status=[t(f"st_{s}", lang) for s in page["status"]],
            source=[t(f"src_{s}", lang) for s in page["source"]])
        rows_out = page.drop(columns=["description"]).to_dict("records")
        if total == -1:
            return {"rowData": rows_out}
        return {"rowData": rows_out, "rowCount": total}

    @app.callback(Output(ids.ANALYST_DETAIL, "children"),
                  Output(ids.ANALYST_MAP, "figure", allow_duplicate=True),
                  Input(ids.ANALYST_MAP, "clickData"), State(ids.ANALYST_STATE, "data"),
                  prevent_initial_call=True)
    def detail(click, state):
        state, point = clean_state(state), first_point(click)
        ident = point.get("customdata")
        if (point.get("curveNumber") != POINTS or not isinstance(ident, int)
                or isinstance(ident, bool) or not 0 < ident < 2**63 or not state):
            return no_update, no_update
        actor = session_actor()
        if actor is None:
            return t("an_signin", state["lang"]), no_update
        try:
            body, marks = incident_panel(ctx, actor, ident, state["lang"], ctx.settings.now())
        except WorkflowError as err:        # not in the reader's scope, or gone
            return html.Div(err.text(state["lang"]), className="empty-hint"), no_update
        patch = Patch()
        _set(patch, PICKED, marks)
        return body, patch

    @app.callback(Output(ids.ANALYST_DOWNLOAD, "data"), Output(ids.ANALYST_EXPORT_NOTE, "children"),
                  Input(ids.ANALYST_EXPORT["csv"], "n_clicks"),
                  Input(ids.ANALYST_EXPORT["xlsx"], "n_clicks"), State(ids.ANALYST_STATE, "data"),
                  prevent_initial_call=True)
    def export(_csv, _xlsx, state):
        state = clean_state(state)
        f = current_filter(state, ctx.settings) if state and (_csv or _xlsx) else None
        if f is None:
            return no_update, no_update
        with ctx.reads.connect() as conn:
            # One more than the cap tells "there were more" without counting them all.
            frame = raw.export_frame(conn, f, EXPORT_MAX_ROWS + 1)
        note = ""
        if len(frame) > EXPORT_MAX_ROWS:
            frame = frame.iloc[:EXPORT_MAX_ROWS]
            note = t("an_export_cut", state["lang"]).format(n=f"{EXPORT_MAX_ROWS:,}")
        stem = f"incidents_{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}"
        if trigger.triggered_id == ids.ANALYST_EXPORT["xlsx"]:
            lang = state["lang"]
            about = about_rows(state, options(cache, state, lang), (f.date_from, f.date_to),
                               "/analyst" + to_search(state), _local(ctx.settings.now()),
                               len(frame), lang)
            return dcc.send_bytes(to_xlsx(frame, lang, about), stem + ".xlsx"), note
        return dcc.send_bytes(to_csv(frame, state["lang"]), stem + ".csv"), note


def first_point(click) -> dict:
    """The first point of a plotly clickData (a forged one may be anything): {} if none."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    return point if isinstance(point, dict) else {}


def _local(moment) -> str:
    if moment is None or moment != moment:
        return ""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


