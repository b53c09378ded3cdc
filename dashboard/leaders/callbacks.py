"""Callback wiring of the leaders page: period to headline and tab, row clicks to drill-downs."""
from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash import ctx as trigger

from dashboard import ids
from dashboard.context import AppContext
from dashboard.i18n import pick_lang
from dashboard.inputs import count, optional_text, record, text, whole
from dashboard.leaders.period import from_search, pick_period, report_links, to_search
from dashboard.leaders.rating import rating_view, submit
from dashboard.leaders.view import drill_view, error_view, headline_view, shown_district, tab_view

DRILLS = {ids.LEADERS_WHISTLE_GRID: "whistle", ids.LEADERS_RANKING_GRID: "ranking"}
CLICKABLE_OUTPUTS = [
    Output(ids.LEADERS_RANKING_BOX, "className"), Output(ids.LEADERS_RANKING_GRID, "columnDefs"),
    Output(ids.LEADERS_RANKING_GRID, "rowData"), Output(ids.LEADERS_WHISTLE_BOX, "className"),
    Output(ids.LEADERS_WHISTLE_GRID, "columnDefs"), Output(ids.LEADERS_WHISTLE_GRID, "rowData"),
    Output(ids.LEADERS_WHISTLE_COUNT, "children")]
PERIOD = [Input(ids.LEADERS_MONTH, "value"), Input(ids.LEADERS_RANGE, "start_date"),
          Input(ids.LEADERS_RANGE, "end_date")]


def register(app: Dash, ctx: AppContext) -> None:
    """Hook the leaders page's callbacks onto the app."""

    @app.callback(Output(ids.LEADERS_HEADLINE, "children"), Output(ids.LEADERS_XLSX, "href"),
                  Output(ids.LEADERS_PDF, "href"), *PERIOD, State(ids.URL, "search"))
    def show_headline(month, first, last, search):
        month, first, last = period_inputs(month, first, last)
        lang, now = pick_lang(search, ctx.settings.language), ctx.settings.now()
        young = ctx.settings.leaders_young_days
        xlsx, pdf = report_links(month, first, last, now, young, from_search(search)["district"])
        try:
            period = pick_period(month, first, last, now, young)
            return headline_view(ctx, period, lang, now, shown_district(ctx, search)), xlsx, pdf
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return error_view(err, lang), xlsx, pdf

    @app.callback(Output(ids.LEADERS_CONTENT, "children"), Output(ids.LEADERS_DIM_BAR, "className"),
                  Output(ids.LEADERS_STREET, "className"), *CLICKABLE_OUTPUTS,
                  *PERIOD, Input(ids.LEADERS_TABS, "value"), Input(ids.LEADERS_DIMENSION, "value"),
                  Input(ids.LEADERS_STREET, "value"), State(ids.URL, "search"))
    def show_tab(month, first, last, tab, dimension, street, search):
        month, first, last = period_inputs(month, first, last)
        tab, dimension, street = text(tab), text(dimension), whole(street)
        lang, now = pick_lang(search, ctx.settings.language), ctx.settings.now()
        bar = "leaders-dim-bar" + ("" if tab == "completion" else " hidden")
        street_class = "leaders-street" + ("" if dimension == "community" else " hidden")
        try:
            period = pick_period(month, first, last, now, ctx.settings.leaders_young_days)
            shown = tab_view(ctx, tab, period, dimension, street, lang, now,
                             shown_district(ctx, search))
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            shown = {"content": error_view(err, lang), "ranking": None, "whistles": None}
        return (shown["content"], bar, street_class, *_clickable(shown["ranking"]),
                *_clickable(shown["whistles"], count=True))

    # The 下考上 rating round: shown to a street chief on its tab, for the chosen month.
    @app.callback(Output(ids.LEADERS_RATE_BOX, "className"),
                  Output(ids.LEADERS_RATE_TITLE, "children"),
                  Output(ids.LEADERS_RATE_GRID, "columnDefs"),
                  Output(ids.LEADERS_RATE_GRID, "rowData"),
                  Output(ids.LEADERS_RATE_MSG, "children"),
                  *PERIOD, Input(ids.LEADERS_TABS, "value"), State(ids.URL, "search"))
    def show_round(month, first, last, tab, search):
        month, first, last = period_inputs(month, first, last)
        lang, now = pick_lang(search, ctx.settings.language), ctx.settings.now()
        try:
            period = pick_period(month, first, last, now, ctx.settings.leaders_young_days)
            return (*rating_view(ctx, period, text(tab), lang), "")
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return "leaders-content", error_view(err, lang), [], [], ""

    @app.callback(Output(ids.LEADERS_RATE_MSG, "children", allow_duplicate=True),
                  Input(ids.LEADERS_RATE_SUBMIT, "n_clicks"),
                  State(ids.LEADERS_RATE_GRID, "rowData"), *[State(i.component_id,
                  i.component_property) for i in PERIOD], State(ids.URL, "search"),
                  prevent_initial_call=True)
    def save_round(clicks, grid_rows, month, first, last, search):
        month, first, last = period_inputs(month, first, last)
        lang, now = pick_lang(search, ctx.settings.language), ctx.settings.now()
        if not count(clicks):
            return no_update
        try:
            period = pick_period(month, first, last, now, ctx.settings.leaders_young_days)
            return submit(ctx, period, grid_rows, lang, now)
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return error_view(err, lang)

    # The chosen period goes into the page's own URL (no reload), so a copied link opens
    # the same view; the language stays as it was asked for.
    @app.callback(Output(ids.LEADERS_URL, "search"), *PERIOD, State(ids.URL, "search"),
                  prevent_initial_call=True)
    def keep_period(month, first, last, search):
        month, first, last = period_inputs(month, first, last)
        asked = from_search(search)
        wanted = to_search(month, first, last, asked["lang"], asked["district"])
        return wanted

    # A drill-down opens below the tables: bring it into view (in the browser, no round trip).
    app.clientside_callback(
        """function(children) {
            if (children && children.length) {
                const box = document.getElementById('%s');
                if (box) { box.scrollIntoView({behavior: 'smooth', block: 'start'}); }
            }
            return window.dash_clientside.no_update;
        }""".replace("%s", ids.LEADERS_DRILL),
        Output(ids.LEADERS_DRILL, "className"), Input(ids.LEADERS_DRILL, "children"),
        prevent_initial_call=True)

    # A new period or tab closes the drill-down; a click on a row opens one.
    @app.callback(Output(ids.LEADERS_DRILL, "children"),
                  Input(ids.LEADERS_WHISTLE_GRID, "cellClicked"),
                  Input(ids.LEADERS_RANKING_GRID, "cellClicked"),
                  *PERIOD, Input(ids.LEADERS_TABS, "value"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def open_row(whistle, department, month, first, last, _tab, search):
        key = DRILLS.get(trigger.triggered_id)
        if key is None:
            return []
        value = record(whistle if key == "whistle" else department)
        row_id = whole(value.get("rowId"))
        if row_id is None:
            return no_update
        month, first, last = period_inputs(month, first, last)
        lang, now = pick_lang(search, ctx.settings.language), ctx.settings.now()
        try:
            period = pick_period(month, first, last, now, ctx.settings.leaders_young_days)
            return drill_view(ctx, key, str(row_id), period, lang, now,
                              shown_district(ctx, search))
        except Exception as err:  # noqa: BLE001 - shown to the person, never a stack trace
            return error_view(err, lang)


def period_inputs(month, first, last) -> tuple[str | None, str | None, str | None]:
    """The period controls' values, each a string or None (a forged call sends anything)."""
    return optional_text(month), optional_text(first), optional_text(last)


def _clickable(shown: tuple | None, count: bool = False) -> tuple:
    """className, columnDefs and rowData of a clickable table (and its count line)."""
    box = "leaders-content" + ("" if shown else " hidden")
    cols, rows = shown or (no_update, no_update)
    extra = (str(len(rows)) if shown else "",) if count else ()
    return (box, cols, rows, *extra)
