"""The analyst page's layout: breadcrumb, filters, map with detail, charts, table."""
from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.analyst.map_figure import TREND_COLOURS
from dashboard.analyst.state import LAYERS, RANGES
from dashboard.components import desk_page, dropdown
from dashboard.i18n import t

F = ids.ANALYST_FILTER
GRAPH_CONFIG = {"displayModeBar": False}
TABLE_COLUMNS = ("code", "reported_at", "status", "category", "street", "community", "grid",
                 "source", "department", "deadline", "closed_at", "address")
COLUMN_KEYS = {"code": "an_col_code", "reported_at": "an_col_reported", "status": "an_col_status",
               "category": "an_col_category", "street": "an_col_street",
               "community": "an_col_community", "grid": "an_col_grid", "source": "an_col_source",
               "department": "an_col_department", "deadline": "an_col_deadline",
               "closed_at": "an_col_closed", "address": "an_col_address",
               "source_code": "an_col_source_ref"}


def crumbs(lang: str) -> html.Nav:
    """District > street > community > grid; callbacks fill the names and hide the rest."""
    buttons = [html.Button(t("an_district", lang), id=ids.ANALYST_CRUMB[lvl], n_clicks=0,
                           className="an-crumb" + ("" if lvl == "district" else " hidden"))
               for lvl in ids.ANALYST_CRUMB]
    return html.Nav(buttons, id=ids.ANALYST_CRUMBS, className="an-crumbs")


def _dropdown(key: str, options: list, value, placeholder: str, multi: bool = False,
              wide: bool = False, lang: str = "zh") -> dcc.Dropdown:
    return dropdown(lang, id=F[key], options=options, value=value, multi=multi,
                    placeholder=placeholder, className="an-filter" + (" wide" if wide else ""))


def filters(lang: str, state: dict, opts: dict) -> html.Div:
    """Every filter, showing the state the URL describes."""
    ranges = [{"label": t(f"an_{r}", lang), "value": r} for r in RANGES]
    return html.Div(className="an-filters", children=[
        html.Div(className="an-row", children=[
            _dropdown("street", opts["street"], state["street"], t("an_all_streets", lang), lang=lang),
            _dropdown("community", opts["community"], state["community"],
                      t("an_all_communities", lang), lang=lang),
            _dropdown("grid", opts["grid"], state["grid"], t("an_all_grids", lang), lang=lang),
            dcc.RadioItems(id=F["range"], options=ranges, value=state["range"],
                           className="an-seg", inputClassName="an-seg-input",
                           labelClassName="an-seg-label"),
            dcc.DatePickerRange(id=F["dates"], start_date=state["from"], end_date=state["to"],
                                display_format="YYYY-MM-DD",
                                month_format="YYYY年M月" if lang != "en" else "MMMM YYYY",
                                first_day_of_week=1 if lang != "en" else 0,
                                start_date_placeholder_text=t("date_start", lang),
                                end_date_placeholder_text=t("date_end", lang),
                                className="an-dates"
                                + ("" if state["range"] == "custom" else " hidden")),
        ]),
        html.Div(className="an-row", children=[
            _dropdown("subject", opts["subject"], state["subject"], t("an_subject", lang), lang=lang),
            _dropdown("category", opts["category"], state["category"], t("an_category", lang), lang=lang),
            _dropdown("sources", opts["sources"], state["sources"], t("an_source", lang), True, True,
                      lang),
            _dropdown("statuses", opts["statuses"], state["statuses"], t("an_status", lang), True,
                      True, lang),
            _dropdown("department", opts["department"], state["department"],
                      t("an_department", lang), lang=lang),
            dcc.Checklist(id=F["overdue"], options=[{"label": t("an_overdue", lang),
                                                     "value": "1"}],
                          value=["1"] if state["overdue"] else [], className="an-check"),
        ]),
    ])


def hot_legend(lang: str) -> html.Div:
    """What each hot-spot mark means: the same colours the map draws (map_figure.TREND)."""
    items = [html.Span([html.Span(className="an-swatch", style={"background": colour}),
                        t(f"an_legend_{kind}", lang)], className="an-legend-item")
             for kind, colour in TREND_COLOURS.items()]
    return html.Div([*items, html.Span(t("an_legend_size", lang), className="an-legend-note")],
                    id=ids.ANALYST_HOT_LEGEND, className="an-legend")


def map_card(lang: str, state: dict, figure) -> html.Section:
    metrics = [{"label": t(f"an_metric_{m}", lang), "value": m} for m in ("count", "rate")]
    layers = [{"label": t(f"an_layer_{k}", lang), "value": k} for k in LAYERS]
    return html.Section(className="an-card an-map-card", children=[
        html.Div(className="an-map-tools", children=[
            dcc.RadioItems(id=F["metric"], options=metrics, value=state["metric"],
                           className="an-seg", inputClassName="an-seg-input",
                           labelClassName="an-seg-label"),
            dcc.Checklist(id=F["layers"], options=layers, value=state["layers"],
                          className="an-check", inputClassName="an-check-input"),
        ]),
        dcc.Graph(id=ids.ANALYST_MAP, figure=figure, config={**GRAPH_CONFIG, "scrollZoom": True},
                  className="an-map"),
        html.Div(className="an-hot", children=[
            html.Div(t("an_hot_title", lang), className="an-hot-title"),
            hot_legend(lang),
            html.P(t("an_hot_explain", lang), className="an-hot-explain"),
            html.Div(id=ids.ANALYST_HOT, className="an-hot-counts"),
        ]),
    ])


def charts(lang: str, state: dict) -> html.Div:
    def graph(key):
        return dcc.Graph(id=ids.ANALYST_CHART[key], config=GRAPH_CONFIG, className="an-graph")

    buckets = [{"label": t(f"an_{b}", lang), "value": b} for b in ("day", "week", "month")]
    series_by = [{"label": t(f"an_by_{b}", lang), "value": b} for b in ("subject", "source")]
    return html.Div(className="an-charts", children=[
        html.Section(className="an-card an-wide", children=[
            html.Div(className="an-card-head", children=[
                html.H3(t("an_series", lang)),
                dcc.RadioItems(id=F["bucket"], options=buckets, value=state["bucket"],
                               className="an-seg", inputClassName="an-seg-input",
                               labelClassName="an-seg-label"),
                dcc.RadioItems(id=F["by"], options=series_by, value=state["by"],
                               className="an-seg", inputClassName="an-seg-input",
                               labelClassName="an-seg-label"),
            ]),
            graph("series"),
        ]),
        *[html.Section(graph(k), className="an-card") for k in
          ("subject", "source", "place", "department")],
        html.Section(graph("close"), className="an-card an-wide"),
    ])


def table(lang: str) -> html.Section:
    return html.Section(className="an-card an-table-card", children=[
        html.Div(className="an-card-head", children=[
            html.H3(t("an_table", lang)),
            html.Button(t("an_export_csv", lang), id=ids.ANALYST_EXPORT["csv"], n_clicks=0,
                        className="an-button"),
            html.Button(t("an_export_xlsx", lang), id=ids.ANALYST_EXPORT["xlsx"], n_clicks=0,
                        className="an-button"),
            html.Span(id=ids.ANALYST_EXPORT_NOTE, className="an-note", role="status"),
        ]),
        html.Div(incident_table(lang), id=ids.ANALYST_TABLE_BOX),
        dcc.Download(id=ids.ANALYST_DOWNLOAD),
    ])


# Wide enough that the id people paste, the grid and the deadline are never cut; the table
# scrolls sideways instead. The id stays pinned on the left.
MIN_WIDTHS = {"code": 190, "reported_at": 150, "grid": 170, "deadline": 150, "closed_at": 150,
              "address": 180, "community": 130, "department": 180, "category": 110}


def incident_table(lang: str) -> dag.AgGrid:
    """The grid in infinite mode: it asks for rows as it scrolls (getRowsRequest)."""
    columns = [{"field": c, "headerName": t(COLUMN_KEYS[c], lang), "sortable": True,
                "minWidth": MIN_WIDTHS.get(c, 100), **({"pinned": "left"} if c == "code" else {})}
               for c in TABLE_COLUMNS]
    return dag.AgGrid(id=ids.ANALYST_TABLE, columnDefs=columns, rowModelType="infinite",
                      defaultColDef={"resizable": True, "flex": 1},
                      dashGridOptions={"cacheBlockSize": 100, "maxBlocksInCache": 10,
                                       "rowBuffer": 0, "infiniteInitialRowCount": 100},
                      style={"height": "420px"}, className="ag-theme-alpine")


def layout(lang: str, state: dict, opts: dict, figure, hint=None) -> html.Div:
    """The page; ``hint`` (no data yet) goes above everything else when given."""
    body = html.Div(className="an", children=[
        hint,
        dcc.Location(id=ids.ANALYST_URL, refresh=False),
        dcc.Store(id=ids.ANALYST_STATE, data=None),
        crumbs(lang),
        filters(lang, state, opts),
        html.Div(id=ids.ANALYST_SUMMARY, className="an-summary"),
        html.Div(className="an-main", children=[
            map_card(lang, state, figure),
            html.Section(t("an_detail_pick", lang), id=ids.ANALYST_DETAIL,
                         className="an-card an-detail"),
        ]),
        charts(lang, state),
        table(lang),
    ])
    return desk_page("/analyst", lang, "analyst_title", "analyst_intro", body, ids.ANALYST_ROOT)
