"""CSRF for session-authenticated requests: a per-session token, sent back as a header/field.

The token lives in the (signed) session and is mirrored in a readable cookie, because
Dash's renderer already sends the ``_csrf_token`` cookie as the ``X-CSRFToken`` header on
every callback. Requests with a bearer token carry no ambient credential and are exempt.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session

from api.errors import error_response
from data.settings import Settings

SESSION_KEY = "csrf_token"
COOKIE = "_csrf_token"
HEADER = "X-CSRFToken"
FORM_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Endpoints with their own credentials (device ids, Open311 api keys), never session-based.
EXEMPT_PREFIXES = ("/osmand", "/open311/")


def new_token() -> str:
    """Put a fresh token in the session (at sign-in, against fixation) and return it."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def session_token() -> str:
    """The session's token, made on first use."""
    return session.get(SESSION_KEY) or new_token()


def token_matches(sent: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    # As bytes: compare_digest refuses non-ASCII str (a forged header must be a 403, not a 500).
    return bool(sent and expected) and hmac.compare_digest(str(sent).encode(),
                                                           str(expected).encode())


def sent_token() -> str | None:
    return request.headers.get(HEADER) or request.form.get(FORM_FIELD)


def init_csrf(server: Flask, settings: Settings) -> None:
    """Refuse state-changing requests of signed-in sessions without the token (403)."""

    @server.before_request
    def check_csrf():
        if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
            return None
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        if "_user_id" not in session:
            return None     # nothing to forge: the request carries no signed-in identity
        if token_matches(sent_token()):
            return None
        return error_response(403, "csrf_failed", "缺少或错误的 CSRF 令牌，请刷新页面 / "
                              "missing or wrong CSRF token, reload the page")

    @server.after_request
    def mirror_token(response):
        token = session.get(SESSION_KEY) if "_user_id" in session else None
        if token and request.cookies.get(COOKIE) != token:
            response.set_cookie(COOKIE, token, secure=settings.production, httponly=False,
                                samesite="Lax", path="/")
        return response
