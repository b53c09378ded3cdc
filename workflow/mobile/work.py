"""The phone page's rules: who may sign in on a phone, its long-lived session, what it shows."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from data import directory, mobile_queries, mobile_sessions
from workflow.accounts import load_actor, token_hash
from workflow.clock import BEIJING
from workflow.errors import WorkflowError, forbidden, not_found
from workflow.incidents.machine import OPEN_STATUSES
from workflow.roles import Actor
from workflow.sign_in import admit

SESSION_DAYS = 90
USAGE_DAYS = 90
SESSION_ADMINS = ("admin", "supervisor")
MOBILE_ROLES = ("grid_worker",)


def sign_in(conn: Connection, username: str, password: str, user_agent: str,
            now: datetime, new_password: str | None = None,
            refused: tuple[str, ...] = ()) -> tuple[Actor, str]:
    """Check the password, then open a 90-day phone session; returns (actor, cookie token).

    401 for a wrong name or password, 403 for accounts that are not grid workers, and the
    sign-in rules' 403s (a demo password in production, a temporary password to replace
    with ``new_password``: workflow.sign_in.admit).
    """
    actor = admit(conn, username, password, new_password, refused, now)
    if actor is None:
        raise WorkflowError(401, "bad_credentials", "用户名或密码错误 / wrong username or password",
                            "password")
    if actor.role not in MOBILE_ROLES:
        raise WorkflowError(403, "not_a_grid_worker",
                            "手机端仅供网格员使用，请在电脑上登录指挥平台 / the phone page is for "
                            "grid workers; please use the desk pages", "username")
    token = secrets.token_urlsafe(32)
    mobile_sessions.create_session(conn, actor.id, token_hash(token), user_agent, now,
                                   now + timedelta(days=SESSION_DAYS))
    return actor, token


def session_actor(conn: Connection, token: str | None, now: datetime) -> tuple[Actor, int] | None:
    """The grid worker a phone's cookie token stands for, and the session id; or None when
    the token is unknown, revoked, expired, or its account is deactivated.
    """
    if not token or len(token) > 200:
        return None
    found = mobile_sessions.live_session(conn, token_hash(token), now)
    if found is None:
        return None
    actor = load_actor(conn, found["user_id"])
    if actor is None or actor.role not in MOBILE_ROLES:
        return None
    if (now - found["last_seen_at"]).total_seconds() > mobile_sessions.TOUCH_EVERY_S:
        mobile_sessions.touch_session(conn, found["id"], now)
    return actor, found["id"]


def sessions_for(conn: Connection, actor: Actor, user_id: int | None = None) -> list[dict]:
    """Phone sessions an administrator or the supervision office may see (all), or a worker's
    own.
    """
    if actor.role in SESSION_ADMINS:
        return mobile_sessions.list_sessions(conn, user_id)
    if actor.role in MOBILE_ROLES:
        return mobile_sessions.list_sessions(conn, actor.id)
    raise forbidden()


def revoke(conn: Connection, actor: Actor | None, session_id: int, now: datetime) -> None:
    """Revoke a phone session (administrators and supervisors: any; a worker: their own;
    ``actor`` None: the command line).
    """
    if actor is not None and actor.role not in SESSION_ADMINS:
        own = {s["id"] for s in mobile_sessions.list_sessions(conn, actor.id)}
        if session_id not in own:
            raise forbidden()
    if not mobile_sessions.revoke_session(conn, session_id, now,
                                          actor.id if actor is not None else None):
        raise not_found("登录会话", "session", "id")


def local_starts(now: datetime) -> tuple[datetime, datetime]:
    """The start of today and of this month in Beijing, as aware datetimes."""
    local = now.astimezone(BEIJING)
    day0 = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day0, day0.replace(day=1)


def ordered_categories(conn: Connection, actor: Actor, now: datetime) -> list[dict]:
    """Level-2 categories under their subjects, most used by this worker first, then most
    used in their grids, then by code; each with ``subject`` names.
    """
    usage = mobile_queries.category_usage(conn, actor.id, sorted(actor.grid_ids),
                                          now - timedelta(days=USAGE_DAYS))
    everything = directory.categories(conn)
    subjects = {c["code"]: c for c in everything if c["level"] == 1}
    items = []
    for c in everything:
        if c["level"] != 2:
            continue
        mine, grid = usage.get(c["code"], (0, 0))
        parent = subjects.get(c["parent_code"], {})
        items.append({"code": c["code"], "name_zh": c["name_zh"], "name_en": c["name_en"],
                      "subject": c["parent_code"], "subject_zh": parent.get("name_zh", ""),
                      "subject_en": parent.get("name_en", ""), "mine": mine, "grid": grid})
    items.sort(key=lambda c: (-c["mine"], -c["grid"], c["code"]))
    return items


def home(conn: Connection, actor: Actor, now: datetime) -> dict:
    """Everything the page needs once: who, their grids' outlines, categories, counts."""
    day0, month0 = local_starts(now)
    return {"user": {"id": actor.id, "name": actor.display_name or actor.username},
            "grids": mobile_queries.worker_grids(conn, sorted(actor.grid_ids)),
            "landmarks": mobile_queries.beat_landmarks(conn, sorted(actor.grid_ids)),
            "categories": ordered_categories(conn, actor, now),
            "counts": mobile_queries.report_counts(conn, actor.id, day0, month0)}


def my_work(conn: Connection, actor: Actor, now: datetime) -> dict:
    """Open items in my grids, what waits for my check, my reports this month, and counts."""
    day0, month0 = local_starts(now)
    grids = sorted(actor.grid_ids)
    return {
        "open": mobile_queries.work_list(conn, "open", actor.id, grids, OPEN_STATUSES),
        "verify": mobile_queries.work_list(conn, "verify", actor.id, grids),
        "mine": mobile_queries.work_list(conn, "mine", actor.id, grids, since=month0),
        "counts": mobile_queries.report_counts(conn, actor.id, day0, month0),
    }
