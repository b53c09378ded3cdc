"""CSRF for session-authenticated requests: Flask-WTF's CSRFProtect, called by our own rule
of which requests carry an ambient credential.

The token (Flask-WTF's: a random value in the signed session, sent back signed) is also
mirrored in a readable cookie, because Dash's renderer already sends the ``_csrf_token``
cookie as the ``X-CSRFToken`` header on every callback. CSRFProtect checks it (constant-time,
the Referer on HTTPS); we decide when: every state-changing request of a signed-in session,
except one whose ``Authorization: Bearer`` token itself authenticates it on an endpoint that
acts as the bearer. A junk bearer, or a bearer on a page or Dash callback (which act as the
session), exempts nothing.
"""
from __future__ import annotations

from flask import Flask, g, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from wtforms import ValidationError

from api.errors import error_response
from data.settings import Settings

SESSION_KEY = "csrf_token"
COOKIE = "_csrf_token"
HEADER = "X-CSRFToken"
FORM_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Endpoints with their own credentials (device ids, Open311 api keys, the phone page's own
# session and header token), never the desk session.
EXEMPT_PREFIXES = ("/osmand", "/open311/")
# Where a valid device bearer token is the request's identity (api.auth.current_actor).
BEARER_PREFIXES = ("/api/", "/m/api/", "/m/photos/")


def new_token() -> str:
    """A fresh token for this session (at sign-in, against fixation); returns it signed."""
    session.pop(SESSION_KEY, None)
    g.pop(SESSION_KEY, None)            # generate_csrf caches the signed token per request
    return generate_csrf()


def session_token() -> str:
    """The session's token (signed), made on first use."""
    return generate_csrf()


def token_matches(sent) -> bool:
    """True when ``sent`` is this session's token (any text: a forged one is just False)."""
    if not isinstance(sent, str) or not sent or len(sent) > 500:
        return False
    try:
        validate_csrf(sent)
    except ValidationError:
        return False
    return True


def _bearer_authenticates() -> bool:
    if not request.path.startswith(BEARER_PREFIXES):
        return False
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        return False
    from api.auth import bearer_actor  # api.auth imports this module

    return bearer_actor() is not None


def needs_check() -> bool:
    """Does this request carry the desk session's ambient credential into a state change?"""
    if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
        return False
    if "_user_id" not in session:
        return False        # nothing to forge: the request carries no signed-in identity
    return not _bearer_authenticates()


def init_csrf(server: Flask, settings: Settings) -> CSRFProtect:
    """Refuse state-changing requests of signed-in sessions without the token (403)."""
    server.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,     # we call protect() for the requests that need it
        WTF_CSRF_FIELD_NAME=FORM_FIELD, WTF_CSRF_HEADERS=[HEADER, "X-CSRF-Token"],
        # Valid as long as the session (which ends at a fixed time, api.auth).
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_METHODS=["POST", "PUT", "PATCH", "DELETE"])
    csrf = CSRFProtect(server)

    @server.before_request
    def check_csrf():
        if needs_check():
            csrf.protect()
        return None

    @server.errorhandler(CSRFError)
    def refused(err):
        return error_response(403, "csrf_failed", "缺少或错误的 CSRF 令牌，请刷新页面 / "
                              "missing or wrong CSRF token, reload the page")

    @server.after_request
    def mirror_token(response):
        if "_user_id" in session and SESSION_KEY in session \
                and not token_matches(request.cookies.get(COOKIE)):
            response.set_cookie(COOKIE, generate_csrf(), secure=settings.production,
                                httponly=False, samesite="Lax", path="/")
        return response

    return csrf
