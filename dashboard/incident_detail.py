"""The detail of one case or whistle (shared by /cases, /analyst and /leaders): header,
facts, small map, and the timeline.
"""
from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.system_notes import note_text
from workflow.clock import BEIJING

TONE = {"overdue": "overdue", "due_soon": "due_soon", "on_track": "progress", "done": "done",
        "waiting": "closed"}
MAP_CONFIG = {"displayModeBar": False, "scrollZoom": False}


def when(moment: datetime | None, with_year: bool = False) -> str:
    """A time in Beijing, short: 11-26 10:00 (or with the year)."""
    if moment is None:
        return "—"
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M" if with_year else "%m-%d %H:%M")


def chip(text: str, tone: str) -> html.Span:
    return html.Span(text, className=f"chip tone-{tone}")


def status_chips(status: str, urgency: str, lang: str) -> list:
    chips = [chip(t(f"st_{status}", lang), "status")]
    if urgency in ("overdue", "due_soon"):
        chips.append(chip(t(f"urg_{urgency}", lang), TONE[urgency]))
    return chips


def facts(rows: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in rows:
        items += [html.Dt(label), html.Dd(value if value not in (None, "") else "—")]
    return html.Dl(items, className="cases-facts")


def small_map(figure) -> dcc.Graph:
    return dcc.Graph(figure=figure, config=MAP_CONFIG, className="cases-map",
                     style={"height": "240px"})


def named(row: dict, key: str, lang: str) -> str | None:
    """A reference name (street, department, category...) in the reader's language."""
    return (row.get(f"{key}_en") or row.get(key)) if lang == "en" else row.get(key)


def source_ref(view: dict, lang: str) -> list[tuple[str, str]]:
    """An imported case's code in its old system (and which system), else nothing."""
    if not view.get("source_code"):
        return []
    return [(t("cases_source_ref", lang), f"{view['source_code']} · {view['source_system']}")]


def incident_detail(view: dict, lang: str, figure) -> list:
    place = " / ".join(x for x in (named(view, "street_name", lang),
                                   named(view, "community_name", lang),
                                   named(view, "grid_name", lang)) if x)
    handler = handler_text(view, lang)
    category = view["category_name"] if lang != "en" else view["category_name_en"]
    reporter = " · ".join(x for x in (when(view["reported_at"], True), view["reporter_name"]) if x)
    return [
        html.Div(className="cases-head", children=[
            html.H2([html.Span(category, className="cases-title"),
                     html.Span(view["code"], className="cases-code")]),
            html.Div(([chip(t("cases_under_whistle", lang), "whistle")]
                      if view.get("under_whistle") else [])
                     + status_chips(view["status"], view["urgency"], lang), className="chips"),
        ]),
        html.Div(className="cases-body", children=[
            facts([(t("cases_place", lang), place), (t("cases_address", lang), view["address"]),
                   (t("cases_reported", lang), reporter),
                   (t("cases_source", lang), t(f"src_{view['source']}", lang)),
                   *source_ref(view, lang),
                   (t("cases_handler", lang), handler),
                   (t("cases_deadline", lang), when(view["deadline"], True) if view["deadline"] else None),
                   (t("cases_description", lang), view["description"])]),
            small_map(figure),
        ]),
        incident_whistles(view, lang),
    ]


def party_name(summons: dict, lang: str) -> str:
    """A summoned department in the reader's language, or a leader with their role."""
    if summons.get("department_code"):
        english = lang == "en" and summons.get("department_name_en")
        return summons["department_name_en"] if english else summons["department_name"]
    return f"{summons.get('leader_name') or ''} ({t('role_district_leader', lang)})" \
        if lang == "en" else f"{summons.get('leader_name') or ''}（{t('role_district_leader', lang)}）"


def report_in_state(summons: dict, lang: str) -> str:
    """Where one party stands: not reported in, acknowledged, on site, completed."""
    for column, key in (("completed_at", "cases_completed"), ("arrived_at", "cases_arrived"),
                        ("acknowledged_at", "cases_acknowledged")):
        if summons.get(column):
            return f"{t(key, lang)} {when(summons[column])}"
    return t("cases_not_reported_in", lang)


def whistle_link(whistle: dict, lang: str) -> html.A:
    href = f"/cases?whistle={whistle['id']}" + ("&lang=en" if lang == "en" else "")
    return html.A(whistle["code"], href=href, className="cases-link whistle-link")


def incident_whistles(view: dict, lang: str) -> html.Div | None:
    """The whistles on an incident: each linked, with its summoned parties' report-in state."""
    if not view.get("whistles"):
        return None
    blocks = []
    for w in view["whistles"]:
        level = [chip(t("cases_level2", lang), "overdue")] if w["level"] == 2 else []
        rows = [html.Tr([html.Td(party_name(p, lang)), html.Td(report_in_state(p, lang))],
                        className="" if p.get("acknowledged_at") else "late")
                for p in w["parties"]]
        blocks.append(html.Div(className="incident-whistle", children=[
            html.Div([whistle_link(w, lang), *level, chip(t(f"st_{w['status']}", lang), "status"),
                      html.Span(f"{t('cases_deadline', lang)} {when(w['deadline'], True)}",
                                className="case-meta")], className="case-line"),
            html.Table(html.Tbody(rows), className="cases-parties"),
        ]))
    return html.Div([html.H3(t("cases_whistles_of", lang)), *blocks], id=ids.CASES_INCIDENT_WHISTLES)


def handler_text(view: dict, lang: str) -> str | None:
    """Who handles it; under an open whistle, the whistle and the departments it summoned."""
    open_ones = [w for w in view.get("whistles", []) if w["status"] not in ("closed", "escalated")]
    if open_ones:
        names = t("cases_list_sep", lang).join(party_name(p, lang) for p in open_ones[0]["parties"])
        return f"{t('cases_whistle_handler', lang).format(parties=names)} · {open_ones[0]['code']}"
    if view["department_name"]:
        english = lang == "en" and view.get("department_name_en")
        return view["department_name_en"] if english else view["department_name"]
    return t(f"cases_handler_{view['handled_by']}", lang) if view["handled_by"] else None


def parties_table(view: dict, lang: str) -> html.Table:
    head = html.Tr([html.Th(t(k, lang)) for k in ("cases_party", "cases_acknowledged",
                                                  "cases_arrived", "cases_completed",
                                                  "cases_rating")])
    rows = []
    for s in view["summons"]:
        rating = "—" if s["rated_at"] is None else (
            f"{s['rating_timeliness']} / {s['rating_quality']} / {s['rating_attitude']}")
        name = party_name(s, lang)
        rows.append(html.Tr(className="late" if s["overdue"] else "", children=[
            html.Td(name), html.Td(when(s["acknowledged_at"])), html.Td(when(s["arrived_at"])),
            html.Td(when(s["completed_at"])), html.Td(rating)]))
    return html.Table([html.Thead(head), html.Tbody(rows)], className="cases-parties")


def whistle_detail(view: dict, lang: str, figure) -> list:
    title = view["matter"]
    level = [chip(t("cases_level2", lang), "overdue")] if view["level"] == 2 else []
    incidents = t("cases_list_sep", lang).join(
        f"{i['code']} {named(i, 'category_name', lang)}" for i in view["incidents"])
    return [
        html.Div(className="cases-head", children=[
            html.H2([html.Span(title, className="cases-title"),
                     html.Span(view["code"], className="cases-code")]),
            html.Div(level + status_chips(view["status"], view["urgency"], lang), className="chips"),
        ]),
        html.Div(className="cases-body", children=[
            facts([(t("cases_street", lang), named(view, "street_name", lang)),
                   (t("cases_blown_by", lang),
                    f"{view['blown_by_name']} · {when(view['blown_at'], True)}"),
                   (t("cases_meeting", lang),
                    f"{when(view['meeting_at'], True)} · {view['meeting_place']}"),
                   (t("cases_deadline", lang), when(view["deadline"], True)),
                   (t("cases_incidents", lang), incidents)]),
            small_map(figure),
        ]),
        html.H3(t("cases_parties", lang)),
        parties_table(view, lang),
    ]


def timeline(events: list[dict], lang: str) -> list:
    """The event log, newest first, each with who, when, what and the note."""
    items = []
    for e in reversed(events):
        who = named(e, "department_name", lang) if e["action"] in (
            "report_in", "arrive", "complete") and e.get("department_name") else e.get("actor_name")
        role = t(f"role_{e.get('actor_role') or 'system'}", lang)
        items.append(html.Li(className=f"ev ev-{e['action']}", children=[
            html.Span(when(e["at"]), className="ev-time"),
            html.Span(t(f"ev_{e['action']}", lang), className="ev-action"),
            html.Span(f"{who or t('ev_hidden' if e.get('actor_role') else 'role_system', lang)}"
                      f" · {role}", className="ev-who"),
            html.Div(note_text(e["note"], lang), className="ev-note") if e.get("note") else None,
        ]))
    return [html.H3(t("cases_timeline", lang)), html.Ol(items, className="ev-list")]


def list_label(row: dict, kind: str, lang: str) -> html.Div:
    """One row of the list: what, where, status and urgency at a glance."""
    if kind == "w":
        title = row["matter"]
        sub = f"{named(row, 'street_name', lang)} · {named(row, 'parties', lang) or ''}"
        meta = f"{row['parties_done']}/{row['party_count']} {t('cases_completed', lang)}"
    else:
        title = row["category_name"] if lang != "en" else row["category_name_en"]
        sub = " · ".join(x for x in (named(row, "street_name", lang), row["address"]) if x)
        meta = when(row["reported_at"])
    return html.Div(className=f"case-row tone-{TONE.get(row['urgency'], 'closed')}", children=[
        html.Div([html.Span(title, className="case-title"),
                  html.Span(row["code"], className="case-code")], className="case-line"),
        html.Div(sub, className="case-sub"),
        html.Div([chip(t(f"st_{row['status']}", lang), "status"),
                  chip(t(f"urg_{row['urgency']}", lang), TONE.get(row["urgency"], "closed"))
                  if row["urgency"] in ("overdue", "due_soon") else None,
                  html.Span(meta, className="case-meta")], className="case-line"),
    ])


def queue_label(row: dict, kind: str, lang: str) -> html.Div:
    """One row of the supervision queue: what is late, whose, and by how long."""
    title = row["matter"] if kind == "w" else row["category_name"]
    whose = row.get("late_parties") if kind == "w" else (row.get("department_name") or "")
    late = f"{t('urg_overdue', lang)} {row['hours_overdue']:.0f} h"
    return html.Div(className="case-row tone-overdue", children=[
        html.Div([html.Span(title, className="case-title"),
                  html.Span(row["code"], className="case-code")], className="case-line"),
        html.Div(" · ".join(x for x in (row["street_name"], whose) if x), className="case-sub"),
        html.Div([chip(t(f"st_{row['status']}", lang), "status"), chip(late, "overdue")],
                 className="case-line"),
    ])
