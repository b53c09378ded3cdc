"""Who is on the phone: the long-lived session cookie, its CSRF header token, the actor."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request

from api.context import request_now
from api.errors import ApiError
from data.settings import Settings
from workflow.mobile.work import SESSION_DAYS, session_actor
from workflow.roles import Actor

COOKIE = "hq_m"
LOGIN_COOKIE = "hq_m_login"
CSRF_HEADER = "X-Mobile-CSRF"
PATH = "/m"


def csrf_for(secret: str, token: str) -> str:
    """The header token bound to one phone session (derived, so nothing more is stored)."""
    return hmac.new(secret.encode(), b"m-csrf:" + token.encode(), hashlib.sha256).hexdigest()


def phone() -> tuple[Actor, int] | None:
    """(actor, session id) of this request's phone cookie, or None; cached per request."""
    if "hq_mobile" not in g:
        token = request.cookies.get(COOKIE)
        found = None
        if token:
            with current_app.extensions["hq_db"].begin() as conn:
                found = session_actor(conn, token, request_now())
        g.hq_mobile = found
    return g.hq_mobile


def phone_actor() -> Actor:
    """The signed-in grid worker of this phone; 401 (the page then shows the sign-in)."""
    found = phone()
    if found is None:
        raise ApiError(401, "unauthorized", "请先登录 / sign in first")
    return found[0]


def check_csrf(settings: Settings) -> None:
    """403 unless a state change from a phone session carries its header token."""
    token = request.cookies.get(COOKIE)
    if not token or phone() is None:
        return      # not a phone session: nothing ambient to forge with this cookie
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_for(settings.secret_key, token).encode()):
        raise ApiError(403, "csrf_failed", "缺少或错误的 CSRF 令牌，请刷新页面 / missing or wrong "
                       "CSRF token, reload the page", CSRF_HEADER)


def set_session_cookie(response, token: str, settings: Settings) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_DAYS * 86400, path=PATH, httponly=True,
                        samesite="Lax", secure=settings.production)


def clear_session_cookie(response) -> None:
    response.delete_cookie(COOKIE, path=PATH)
