"""Carry out one workbench action through the rules, in one transaction, and say how it went."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.cases.view import error_text
from dashboard.context import AppContext
from dashboard.i18n import t
from dashboard.incident_detail import party_name
from workflow.clock import BEIJING, in_calendar
from workflow.errors import WorkflowError, invalid
from workflow.incidents.machine import ACTIONS as INCIDENT_ACTIONS
from workflow.incidents.service import comment_incident, transition_incident
from workflow.roles import Actor
from workflow.whistles import steps
from workflow.whistles.machine import ArrivalRules
from workflow.whistles.service import NewWhistle, blow_whistle, second_whistle


@dataclass(frozen=True)
class Form:
    """What the workbench's fields held when the action was confirmed."""

    note: str = ""
    handled_by: str | None = None
    dispatch_department: str | None = None
    departments: tuple[str, ...] = ()
    matter: str = ""
    meeting: str | None = None
    place: str = ""
    days: int | None = None
    rate_department: str | None = None
    ratings: tuple = (None, None, None)
    key: str | None = None


def meeting_time(value: str | None) -> datetime:
    """A datetime-local value, read as Beijing time."""
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=BEIJING)
    except (TypeError, ValueError):
        moment = None
    if moment is None or not in_calendar(moment):
        raise invalid("请填写会商时间 / give the meeting time", "meeting_at")
    return moment


def new_whistle(form: Form, now: datetime, incident_ids=()) -> NewWhistle:
    if not form.days:
        raise invalid("请填写期限天数 / give the deadline in days", "deadline")
    return NewWhistle(matter=form.matter, meeting_at=meeting_time(form.meeting),
                      meeting_place=form.place, deadline=now + timedelta(days=int(form.days)),
                      incident_ids=tuple(incident_ids), department_codes=form.departments)


def arrival_rules(settings) -> ArrivalRules:
    """The settings' window and distance for 到场报到."""
    return ArrivalRules(before=timedelta(hours=settings.arrive_before_h),
                        radius_m=settings.arrive_radius_m)


def _incident(conn, actor, action, item, form, now, rules=None):
    if action in INCIDENT_ACTIONS:
        return transition_incident(conn, actor, item, action, now, note=form.note,
                                   handled_by=form.handled_by,
                                   department_code=form.dispatch_department)
    if action == "comment":
        return comment_incident(conn, actor, item, form.note, now)
    if action == "whistle":
        view, _ = blow_whistle(conn, actor, new_whistle(form, now, [item]), now, form.key)
        return view
    raise ValueError(action)


def _whistle(conn, actor, action, item, form, now, rules=None):
    if action in ("acknowledge", "arrive"):
        stage = "acknowledged" if action == "acknowledge" else "arrived"
        # A desk sends no position: only the time is checked.
        return steps.report_in(conn, actor, item, now, stage=stage, note=form.note, rules=rules)
    if action == "complete":
        return steps.complete(conn, actor, item, now, note=form.note)
    if action == "verify_whistle":
        return steps.verify(conn, actor, item, now, form.note)
    if action == "rate":
        ratings = dict(zip(("timeliness", "quality", "attitude"), form.ratings))
        return steps.rate(conn, actor, item, form.rate_department, ratings, now, form.note)
    if action == "second":
        view, _ = second_whistle(conn, actor, item, new_whistle(form, now), now, form.key)
        return view
    if action == "comment_whistle":
        return steps.comment(conn, actor, item, form.note, now)
    raise ValueError(action)


def run_action(ctx: AppContext, actor: Actor, action: str, value: str, form: Form,
               lang: str, now: datetime) -> tuple[bool, str]:
    """Do ``action`` on the selected item; (succeeded, message for the person)."""
    kind, _, raw = (value or "").partition(":")
    if not raw.isdigit():
        return False, t("cases_pick", lang)
    try:
        with ctx.db.begin() as conn:
            run = _whistle if kind == "w" else _incident
            view = run(conn, actor, action, int(raw), form, now, arrival_rules(ctx.settings))
    except (WorkflowError, SQLAlchemyError) as err:
        return False, error_text(err, lang)
    if action in ("whistle", "second"):
        return True, blown_message(view, lang)
    return True, t("cases_done", lang).format(what=t(f"act_{action}", lang))


def blown_message(view: dict, lang: str) -> list:
    """Says the whistle went out (not "done"), whom it summoned, and links to it."""
    parties = t("cases_list_sep", lang).join(party_name(s, lang) for s in view["summons"])
    href = f"/cases?whistle={view['id']}" + ("&lang=en" if lang == "en" else "")
    return [t("cases_whistle_blown", lang).format(code=view["code"], parties=parties), " ",
            html.A(t("cases_open_whistle", lang), href=href, className="cases-link",
                   id=ids.CASES_WHISTLE_LINK)]
