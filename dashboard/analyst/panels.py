"""The analyst page's content for one state: the map's layers, the charts, one incident."""
from __future__ import annotations

from dataclasses import replace

from dash import html

from dashboard.analyst import charts, map_figure
from dashboard.analyst.view import AnalystCache, crumb_labels, selection_view
from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.incident_detail import facts, timeline, when
from dashboard.theme import STATUS, percent, thousands
from data.queries import analyst as analyst_queries
from data.queries import analyst_raw as raw
from data.queries.analyst_filter import AnalystFilter
from geo import hotspots
from workflow.incidents.read import incident_view

POINT_LIMIT = 2000
STATUS_COLOUR = {"closed": STATUS["closed"], "rejected": STATUS["closed"],
                 "resolved": STATUS["done"], "verified": STATUS["done"]}


def _hot_rows(ctx: AppContext, cache: AnalystCache, conn, f: AnalystFilter) -> list[dict]:
    """Gi* over the whole district (the selection's place does not bias it), this period and
    the previous one of the same length.
    """
    unplaced = replace(f, street_id=None, community_id=None, grid_id=None)
    now = analyst_queries.grid_counts_pair(conn, unplaced, unplaced.shifted(f.days))
    result = hotspots.hot_spots(now["n"].to_numpy(), now["n_before"].to_numpy(),
                                cache.weights())
    where = {feat["id"]: feat["properties"] for feat in ctx.boundaries.get("grid")["features"]}
    rows = []
    for code, name, inside, r in zip(now["code"], now["name"], _inside(now, f),
                                     result.to_dict("records")):
        if inside and code in where:
            rows.append({**r, "code": code, "name": name, "lon": where[code]["lon"],
                         "lat": where[code]["lat"]})
    return rows


def _inside(frame, f: AnalystFilter):
    keep = frame["grid_id"].notna()
    for col, value in (("street_id", f.street_id), ("community_id", f.community_id),
                       ("grid_id", f.grid_id), ("street_id", f.scope_street_id),
                       ("community_id", f.scope_community_id)):
        if value is not None:
            keep &= frame[col] == value
    return keep.tolist()


def map_content(ctx: AppContext, cache: AnalystCache, state: dict, f: AnalystFilter,
                lang: str) -> dict:
    """Everything the map and its side texts show for a state."""
    layers = set(state["layers"])
    with ctx.reads.connect() as conn:
        counts = analyst_queries.grid_counts(conn, f)
        total = analyst_queries.totals(conn, f)
        heat = raw.heat_bins(conn, f) if "heat" in layers else None
        points = raw.incident_points(conn, f, POINT_LIMIT) if "points" in layers else None
        hot = _hot_rows(ctx, cache, conn, f) if "hot" in layers else []
    inside = counts[_inside(counts, f)]
    value = inside["per_1000"].round(2) if state["metric"] == "rate" else inside["n"]
    view, lons, lats = selection_view(ctx, cache, state)
    words = {k: t(f"an_{k}", lang) for k in ("hot", "cold", "emerging", "persistent",
                                              "diminishing")}
    return {
        "choropleth": map_figure.choropleth_values(inside["code"].tolist(),
                                             value.fillna(0).tolist(), inside["name"].tolist()),
        "heat": map_figure.heat_values(*([heat["lon"].tolist(), heat["lat"].tolist(),
                                    heat["n"].tolist()] if heat is not None else [[], [], []]),
                                 heat is not None),
        "outline": {"lon": lons, "lat": lats},
        "hot": map_figure.hot_values(hot, "hot" in layers, words),
        "points": map_figure.point_values(points, STATUS_COLOUR),
        "view": view,
        "summary": summary(total, lang, "points" in layers and points is None),
        "hot_text": hot_text(hot, lang) if "hot" in layers else "",
        "crumbs": crumb_labels(cache, state, lang),
    }


def summary(total: dict, lang: str, too_many: bool) -> list:
    closed = total["closed"] / total["n"] if total["n"] else None
    parts = [html.Strong(t("an_total", lang).format(n=thousands(total["n"])))]
    if total["n"]:
        parts.append(html.Span(t("an_closed", lang).format(p=percent(closed))))
    if total["close_hours_mean"] is not None:
        parts.append(html.Span(t("an_close_mean", lang).format(
            h=f"{total['close_hours_mean']:.1f}")))
    if too_many:
        parts.append(html.Span(t("an_points_off", lang).format(n=thousands(POINT_LIMIT)),
                               className="an-note"))
    return parts


def hot_text(rows: list[dict], lang: str) -> str:
    hot = [r for r in rows if r["kind"] == "hot"]
    counts = {k: sum(1 for r in rows if r["trend"] == k)
              for k in ("emerging", "persistent", "diminishing")}
    first = t("an_hot_counts", lang).format(
        hot=len(hot), hot99=sum(1 for r in hot if r["confidence"] == 99),
        cold=sum(1 for r in rows if r["kind"] == "cold"))
    return first + t("sep_clause", lang) + t("an_hot_trend", lang).format(**counts)


def _names(frame, lang: str) -> list[str]:
    col = "name_en" if lang == "en" else "name_zh"
    return [str(n) if n is not None else str(k) for n, k in zip(frame[col], frame["key"])]


def chart_content(ctx: AppContext, state: dict, f: AnalystFilter, lang: str) -> dict:
    """The figures of the charts row for a state."""
    place_by = "street" if f.street_id is None else "community" if f.community_id is None else "grid"
    subject_by = "category" if (state["subject"] or state["category"]) else "subject"
    with ctx.reads.connect() as conn:
        series = analyst_queries.time_series(conn, f, state["bucket"], state["by"])
        by = {k: analyst_queries.breakdown(conn, f, k) for k in (subject_by, "source", place_by, "department")}
        close = raw.close_times(conn, f)
    if state["by"] == "source":
        names = {s: t(f"src_{s}", lang) for s in series["key"].unique()}
    else:
        col = "name_en" if lang == "en" else "name_zh"
        names = dict(zip(series["key"], series[col]))
    src = by["source"]
    dept = by["department"]
    dept_names = [t("an_self", lang) if k == "0" else n for k, n in zip(dept["key"], _names(dept, lang))]
    close_labels = close["name_en" if lang == "en" else "name_zh"].tolist()
    return {
        "series": charts.series(series, names),
        "subject": charts.bars(by[subject_by]["key"].tolist(), _names(by[subject_by], lang),
                               by[subject_by]["n"].tolist(), t("an_by_subject", lang),
                               state["category"]),
        "source": charts.bars(src["key"].tolist(), [t(f"src_{k}", lang) for k in src["key"]],
                              src["n"].tolist(), t("an_by_source", lang),
                              state["sources"][0] if len(state["sources"]) == 1 else None),
        "place": charts.bars(by[place_by]["key"].tolist(), _names(by[place_by], lang),
                             by[place_by]["n"].tolist(), t("an_by_place", lang)),
        "department": charts.bars(dept["key"].tolist(), dept_names, dept["n"].tolist(),
                                  t("an_by_department", lang),
                                  str(state["department"]) if state["department"] else None),
        "close": charts.close_times(close_labels[:15], close["median_h"].round(1).tolist()[:15],
                                    close["p90_h"].round(1).tolist()[:15],
                                    (t("an_median", lang), t("an_p90", lang)),
                                    t("an_close_times", lang)),
    }


def incident_panel(ctx: AppContext, actor, incident_id: int, lang: str, now) -> tuple[list, dict]:
    """The detail of one incident with its timeline and nearby cameras; and the map marks."""
    with ctx.reads.connect() as conn:
        view = incident_view(conn, actor, incident_id, now)
        cams = raw.nearest_cameras(conn, incident_id, 200.0).to_dict("records")
    category = view["category_name_en"] if lang == "en" else view["category_name"]
    place = " / ".join(x for x in (view["street_name"], view["community_name"],
                                   view["grid_name"]) if x)
    camera_list = html.Ul([html.Li(f"{c['name_zh']} · {c['owner']} · {c['metres']:.0f} "
                                   f"{t('an_metres', lang)}") for c in cams], className="an-cams")
    body = [
        html.H3([html.Span(category), html.Span(view["code"], className="an-code")]),
        facts([(t("cases_place", lang), place), (t("cases_address", lang), view["address"]),
               (t("cases_reported", lang), when(view["reported_at"], True)),
               (t("an_status", lang), t(f"st_{view['status']}", lang)),
               (t("cases_source", lang), t(f"src_{view['source']}", lang)),
               (t("cases_description", lang), view["description"])]),
        html.H4(t("an_cameras", lang) if cams else t("an_no_cameras", lang)),
        camera_list,
        html.Div(timeline(view["events"], lang), className="an-timeline"),
    ]
    return body, map_figure.picked_values({"lon": view["lon"], "lat": view["lat"],
                                     "code": view["code"]}, cams)
