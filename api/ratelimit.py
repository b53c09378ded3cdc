"""Rate limits: sign-in attempts per username and per address (Flask-Limiter), ingest requests
per device (the same counters, or a bounded in-process window).
"""
from __future__ import annotations

import hashlib
import logging
import math
import time
from urllib.parse import parse_qs

from flask import Flask, Response, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.rate_windows import SharedWindow, SlidingWindow
from data.settings import Settings

LOGIN_PATHS = ("/login", "/api/v1/login", "/m/login")
# The views behind them (blueprint.endpoint), which the sign-in limits decorate.
LOGIN_ENDPOINTS = ("login.login_submit", "oversight_api.api_login", "mobile.login_post")
FORM_LOGIN_PATHS = ("/login", "/m/login")
INGEST_PATHS = ("/osmand", "/api/v1/positions", "/m/api/positions")
# The phone page's own session cookie (api/mobile) names the device there.
PHONE_COOKIE = "hq_m"
# The OsmAnd-only port also serves the protocol at its root.
PORT_INGEST_PATHS = ("/", "/osmand")
# Set in the WSGI environ by api/osmand_fast when it has already counted the request.
INGEST_COUNTED = "hq.ingest_counted"
USER_SCOPE, ADDRESS_SCOPE = "login-user", "login-address"
LIMITER_PREFIX = "hq"
UNLOCK = "hq_unlock_sign_in"
log = logging.getLogger(__name__)


def too_many(retry_after: int, message: str) -> Response:
    """429 with Retry-After: JSON for programs, a short page for a browser's form post."""
    if request.path in FORM_LOGIN_PATHS and request.accept_mimetypes.accept_html:
        body = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>429</title>'
                f'<p role="alert">{message}</p><p><a href="{request.path}">返回登录 / back to sign-in'
                '</a></p></html>')
        response = Response(body, 429, content_type="text/html; charset=utf-8")
    else:
        response = jsonify(error="too_many_requests", message=message, retry_after=retry_after)
        response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


def sign_in_name() -> str:
    """The username a sign-in request names (lower-cased, as accounts are), '' if none."""
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return str(name or "").strip().lower()[:80] if isinstance(name, (str, int)) else ""


def query_device_key(args) -> str | None:
    """The rate-limit key of an OsmAnd query (``id``, else ``deviceid``; first values)."""
    def first(name: str):
        values = args.get(name)
        return values[0] if values else None

    key = first("id") or first("deviceid")
    return None if key is None else "d:" + str(key).strip()[:64]


def device_key() -> str | None:
    """The device a request speaks for, by what authenticates it on that path: the bearer
    token on /api/v1/positions, the phone's session cookie on /m/api/positions, the OsmAnd
    id elsewhere. A header that does not authenticate the request (a bearer on /osmand or
    on the phone page) does not open a budget of its own.
    """
    path = request.path
    if path == "/api/v1/positions":
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
        return None
    if path.startswith("/m/"):
        cookie = request.cookies.get(PHONE_COOKIE)
        return "m:" + hashlib.sha256(cookie.encode()).hexdigest() if cookie else None
    found = query_device_key(request.args.to_dict(flat=False))
    if found is not None:
        return found
    key = None
    if request.method == "POST":
        if request.is_json:
            body = request.get_json(silent=True)
            key = body.get("device_id") if isinstance(body, dict) else None
        else:
            # Read the raw body (cached for the handler): parsing request.form would
            # consume it and leave the OsmAnd handler an empty body.
            params = parse_qs(request.get_data(cache=True).decode("ascii", errors="replace"))
            key = (params.get("id") or params.get("deviceid") or [None])[-1]
    return None if key is None else "d:" + str(key).strip()[:64]


def init_limiter(server: Flask, settings: Settings) -> Limiter:
    """Flask-Limiter on the server, its counters where HQ_RATELIMIT_STORAGE_URI says
    (memory:// by default; redis://... to share them between processes and hosts).
    """
    shared = not settings.ratelimit_storage_uri.startswith("memory://")
    # Shared counters (Redis) that stop answering: this process counts in its own memory
    # until they answer again (Flask-Limiter checks every 30 s) rather than failing every
    # sign-in; short socket timeouts so a dead Redis costs milliseconds.
    options = dict(storage_options={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
                   in_memory_fallback_enabled=True, swallow_errors=True) if shared else {}
    limiter = Limiter(get_remote_address, app=server, storage_uri=settings.ratelimit_storage_uri,
                      strategy="moving-window", key_prefix=LIMITER_PREFIX,
                      headers_enabled=False, **options)
    server.extensions["hq_limiter"] = limiter

    @server.errorhandler(429)
    def refused(err):
        limit = limiter.current_limit
        wait = max(1, math.ceil(limit.window.reset_time - time.time())) if limit else 60
        if isinstance(err, RateLimitExceeded) and limit and ADDRESS_SCOPE in limit.request_args:
            return too_many(wait, f"该地址登录尝试过多，请 {wait} 秒后再试 / too many sign-in "
                                  f"attempts from this address, try again in {wait} s")
        if isinstance(err, RateLimitExceeded):
            return too_many(wait, f"登录失败次数过多，请 {wait} 秒后再试 / too many failed "
                                  f"sign-ins, try again in {wait} s")
        return too_many(wait, "请求过多 / too many requests")

    return limiter


def limit_sign_in(server: Flask, settings: Settings) -> None:
    """Every sign-in attempt (the three sign-in endpoints share the budgets) is counted
    before the password is checked, atomically: per username (HQ_LOGIN_MAX_FAILURES per
    HQ_LOGIN_WINDOW_S, cleared by a success) and per address (HQ_LOGIN_ADDRESS_MAX).
    """
    limiter: Limiter = server.extensions["hq_limiter"]
    window = settings.login_window_s
    per_user = limiter.shared_limit(f"{settings.login_max_failures} per {window} seconds",
                                    scope=USER_SCOPE, key_func=lambda: "u:" + sign_in_name(),
                                    methods=["POST"])
    per_address = limiter.shared_limit(f"{settings.login_address_max} per {window} seconds",
                                       scope=ADDRESS_SCOPE, key_func=get_remote_address,
                                       methods=["POST"])
    for endpoint in LOGIN_ENDPOINTS:
        server.view_functions[endpoint] = per_address(per_user(server.view_functions[endpoint]))
    # How the admin API and page unlock a username (its counters are this server's).
    server.extensions[UNLOCK] = lambda username: clear_sign_in_budget(limiter.limiter, settings,
                                                                      username)

    @server.after_request
    def success_clears(response):
        # A person who got in is not a guesser: their username's budget starts afresh.
        if request.method == "POST" and request.path in LOGIN_PATHS \
                and response.status_code in (200, 302):
            for used in limiter.current_limits:
                if USER_SCOPE in used.request_args:
                    limiter.limiter.clear(used.limit, *used.request_args)
        return response


def sign_in_budget(settings: Settings):
    """The per-username sign-in limit as a ``limits`` item (what limit_sign_in counts)."""
    return parse(f"{settings.login_max_failures} per {settings.login_window_s} seconds")


def clear_sign_in_budget(strategy, settings: Settings, username: str) -> None:
    """Unlock a username held by the sign-in limiter: its per-username window starts afresh.

    ``strategy`` is a ``limits`` rate limiter over the counters' storage (the server's own
    Flask-Limiter, or one built from HQ_RATELIMIT_STORAGE_URI by the command line).
    """
    key = "u:" + str(username).strip().lower()[:80]
    strategy.clear(sign_in_budget(settings), LIMITER_PREFIX, key, USER_SCOPE)


def shared_sign_in_counters(settings: Settings):
    """The moving-window limiter over HQ_RATELIMIT_STORAGE_URI, for processes other than
    the server (None when the counters live in each server's memory).
    """
    if settings.ratelimit_storage_uri.startswith("memory://"):
        return None
    return MovingWindowRateLimiter(storage_from_string(settings.ratelimit_storage_uri))


def ingest_window(settings: Settings, limiter: Limiter | None) -> SlidingWindow | SharedWindow:
    """The per-device ingest budget: shared counters when the storage is (redis://...),
    else the bounded in-process window.
    """
    if limiter is not None and not settings.ratelimit_storage_uri.startswith("memory://"):
        return SharedWindow(limiter, settings.ingest_max_requests, settings.ingest_window_s,
                            "ingest")
    return SlidingWindow(settings.ingest_max_requests, settings.ingest_window_s)


def init_ingest_limit(app: Flask, settings: Settings,
                      paths: tuple[str, ...] = INGEST_PATHS) -> SlidingWindow | SharedWindow:
    """Refuse ingest requests (429) beyond the per-device budget; bursts fit in the window."""
    window = ingest_window(settings, app.extensions.get("hq_limiter"))

    @app.before_request
    def ingest_gate():
        if request.path not in paths or request.method not in ("GET", "POST"):
            return None
        if request.environ.get(INGEST_COUNTED):
            return None
        key = device_key()
        wait = window.take(key) if key else 0
        if wait:
            return too_many(wait, f"上报过于频繁，请 {wait} 秒后再试 / too many fixes from this "
                                  f"device, retry in {wait} s")
        return None

    return window
