"""Assemble the workbench from the rules: its page, the list for filters, one item's detail."""
from __future__ import annotations

from datetime import datetime, timedelta

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.cases import layout as page
from dashboard.cases.map_figure import DESK_GROUND, case_map
from dashboard.components import desk_page
from dashboard.context import AppContext
from dashboard.failures import readable
from dashboard.figures.basemap import offline_style
from dashboard.i18n import t
from dashboard.incident_detail import (
    TONE,
    incident_detail,
    list_label,
    party_name,
    queue_label,
    timeline,
    whistle_detail,
)
from dashboard.session import session_actor
from data import directory
from workflow.clock import BEIJING
from workflow.errors import WorkflowError
from workflow.escalation.supervision import supervision_queue
from workflow.incidents.read import incident_view, list_incidents
from workflow.roles import Actor, can
from workflow.whistles.read import awaiting_report_in, list_whistles, rateable, whistle_view

LIST_SIZE = 50
NOT_FOR_DESK = ("wall",)


def kinds_for(actor: Actor | None) -> list[str]:
    kinds = ["incidents", "whistles"]
    if actor is not None and can(actor, "supervision.queue"):
        kinds.append("queue")
    return kinds


TITLE_KEYS = {"party_secretary": "title_party_secretary", "director": "title_director"}


def who_text(actor: Actor, lang: str, streets: list[dict], departments: list[dict]) -> str:
    """Name, then the unit they act for: 王建国 · 丁字沽街道 书记."""
    unit = t("role_" + actor.role, lang)
    name_key = "name_en" if lang == "en" else "name_zh"
    if actor.role in ("street_chief", "operator") and actor.street_id:
        unit = next((s[name_key] for s in streets if s["id"] == actor.street_id), unit)
    elif actor.role == "dept_officer":
        unit = next((d[name_key] for d in departments if d["id"] == actor.department_id), unit)
    title = t(TITLE_KEYS[actor.title], lang) if actor.title in TITLE_KEYS else ""
    return " · ".join(x for x in (actor.display_name, f"{unit} {title}".strip()) if x)


def first_kind(search: str, kinds: list[str]) -> str | None:
    """The tab a link opens on: ?whistle=N opens the whistles, else the first kind."""
    from urllib.parse import parse_qs

    asked = parse_qs((search or "").lstrip("?"))
    if "whistle" in asked and "whistles" in kinds:
        return "whistles"
    return kinds[0] if kinds else None


def cases_page(ctx: AppContext, lang: str, search: str = ""):
    """The workbench for whoever is signed in (a sign-in hint for nobody); a summoned officer
    sees how many whistles wait for their report-in.
    """
    actor = session_actor()
    awaiting = 0
    try:
        with ctx.db.connect() as conn:
            streets, departments = directory.streets(conn), directory.departments(conn)
            if actor is not None and actor.role not in NOT_FOR_DESK:
                awaiting = awaiting_report_in(conn, actor, ctx.settings.now())
    except (SQLAlchemyError, WorkflowError):
        streets, departments = [], []
    who = who_text(actor, lang, streets, departments) if actor else None
    kinds = kinds_for(actor)
    return page.layout(lang, who, actor is not None and actor.role not in NOT_FOR_DESK,
                       kinds, streets, departments, first_kind(search, kinds), awaiting)


def linked_option(ctx: AppContext, actor: Actor, value: str, lang: str,
                  now: datetime) -> dict | None:
    """The list row of an item a link names, read under the rules; None when it does not
    exist or is not this person's to see (no made-up card).
    """
    kind, _, raw = value.partition(":")
    try:
        with ctx.db.connect() as conn:
            if kind == "w":
                view = whistle_view(conn, actor, int(raw), now)
                row = dict(view, parties=t("cases_list_sep", "zh").join(
                    party_name(s, "zh") for s in view["summons"]),
                    parties_en=", ".join(party_name(s, "en") for s in view["summons"]),
                    party_count=len(view["summons"]),
                    parties_done=sum(s["completed_at"] is not None for s in view["summons"]))
            else:
                row = incident_view(conn, actor, int(raw), now, events=False)
    except (WorkflowError, SQLAlchemyError):
        return None
    return {"label": list_label(row, kind, lang), "value": value}


def list_items(ctx: AppContext, actor: Actor, kind: str, filters: dict, lang: str,
               now: datetime) -> tuple[list[dict], str]:
    """The options of the list and the count line, for one kind of work."""
    with ctx.db.connect() as conn:
        if kind == "queue":
            queue = supervision_queue(conn, actor, now, LIST_SIZE)
            options = [{"label": queue_label(r, "i", lang), "value": f"i:{r['id']}"}
                       for r in queue["incidents"]]
            options += [{"label": queue_label(r, "w", lang), "value": f"w:{r['id']}"}
                        for r in queue["whistles"]]
            return options, t("cases_count", lang).format(total=len(options))
        if kind == "whistles":
            result = list_whistles(conn, actor, filters, now, 1, LIST_SIZE)
            prefix = "w"
        else:
            result = list_incidents(conn, actor, filters, now, 1, LIST_SIZE)
            prefix = "i"
    options = [{"label": list_label(r, prefix, lang), "value": f"{prefix}:{r['id']}"}
               for r in result["items"]]
    key = "cases_count_more" if result["total"] > len(options) else "cases_count"
    return options, t(key, lang).format(total=result["total"], shown=len(options))


def _figure(ctx: AppContext, view: dict, grid_code: str | None):
    grid = None
    if grid_code:
        grids = ctx.boundaries.get("grid")["features"]
        grid = next((f for f in grids if f["id"] == grid_code), None)
    style = offline_style(DESK_GROUND, ctx.settings.basemap, ctx.settings.tianditu_key,
                          ctx.settings.xyz_url)
    return case_map(view["lon"], view["lat"], grid, TONE.get(view["urgency"], "progress"), style,
                    view["code"])


def detail(ctx: AppContext, actor: Actor, value: str, lang: str, now: datetime) -> dict:
    """Everything the detail side shows for one list value ("i:12" or "w:3")."""
    kind, _, raw = value.partition(":")
    with ctx.db.connect() as conn:
        if kind == "w":
            view = whistle_view(conn, actor, int(raw), now)
            actions = [("verify_whistle" if a == "verify" else a) for a in view["actions"]]
            if view["can_comment"]:
                actions.append("comment_whistle")
            first = view["incidents"][0]["grid_code"] if view["incidents"] else None
            body = whistle_detail(view, lang, _figure(ctx, view, first))
            return {"body": body, "timeline": timeline(view["events"], lang), "actions": actions,
                    "prefill": whistle_prefill(view, now, lang)}
        view = incident_view(conn, actor, int(raw), now)
    actions = list(view["actions"]) + (["whistle"] if view["can_whistle"] else []) + (
        ["comment"] if view["can_comment"] else [])
    body = incident_detail(view, lang, _figure(ctx, view, view["grid_code"]))
    return {"body": body, "timeline": timeline(view["events"], lang), "actions": actions,
            "prefill": incident_prefill(view, now)}


def tomorrow_morning(now: datetime) -> str:
    """09:00 Beijing time the next day, as a datetime-local value."""
    local = (now.astimezone(BEIJING) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                   microsecond=0)
    return local.strftime("%Y-%m-%dT%H:%M")


def incident_prefill(view: dict, now: datetime) -> dict:
    """A whistle about this incident as the street would most often blow it."""
    department = view["department_code"] or view["category_department_code"]
    return {"departments": [department] if department else [],
            "matter": f"{view['category_name']}：{view['address'] or view['grid_name']}"[:200],
            "meeting": tomorrow_morning(now),
            "place": f"{view['address'] or view['grid_name']}现场"[:200],
            "dispatch_department": department, "rate_options": []}


def whistle_prefill(view: dict, now: datetime, lang: str = "zh") -> dict:
    departments = [s["department_code"] for s in view["summons"] if s["department_code"]]
    rate_options = [{"label": party_name(s, lang), "value": s["department_code"]}
                    for s in rateable(view, view["summons"], now)]
    return {"departments": departments, "matter": f"{view['matter']}（二次哨）"[:200],
            "meeting": tomorrow_morning(now), "place": view["meeting_place"],
            "dispatch_department": None, "rate_options": rate_options}


def error_text(err: Exception, lang: str) -> str:
    """What the workbench shows for a refusal or a failure (logged by dashboard.failures)."""
    return readable(err, lang, "cases_db_error", "/cases")


def login_hint(lang: str):
    """/login reached inside the app (a client-side link): send the browser to the real form."""
    link = html.A(t("cases_signin_link", lang), href="/login", className="cases-link")
    return desk_page("/login", lang, "cases_signin_link", "cases_signin", link, "login-hint-root")
