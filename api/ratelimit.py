"""In-process sliding-window rate limits: sign-in failures per IP+username, ingest per device."""
from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict, deque
from typing import Callable
from urllib.parse import parse_qs

from flask import Flask, Response, jsonify, request

from data.settings import Settings

LOGIN_PATHS = ("/login", "/api/v1/login", "/m/login")
FORM_LOGIN_PATHS = ("/login", "/m/login")
INGEST_PATHS = ("/osmand", "/api/v1/positions", "/m/api/positions")
# The phone page's own session cookie (api/mobile) names the device there.
PHONE_COOKIE = "hq_m"
# The OsmAnd-only port also serves the protocol at its root.
PORT_INGEST_PATHS = ("/", "/osmand")
MAX_KEYS = 50_000
# Set in the WSGI environ by api/osmand_fast when it has already counted the request.
INGEST_COUNTED = "hq.ingest_counted"


class SlidingWindow:
    """At most ``limit`` events per ``window_s`` seconds per key; thread-safe, bounded memory.

    Each worker process keeps its own counters (several gunicorn workers multiply the limit
    by their number; SECURITY.md says so). The least recently used keys are dropped beyond
    ``max_keys`` so a flood of made-up keys cannot exhaust memory.
    """

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._events: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        self._events.move_to_end(key)
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until one more event is allowed (0: allowed now)."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            if len(events) < self.limit:
                return 0
            return max(1, math.ceil(events[0] + self.window_s - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(key, now).append(now)

    def take(self, key: str) -> int:
        """Count one event if allowed and return 0; otherwise the seconds to wait."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window_s - now))
            events.append(now)
            return 0

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


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


def _login_key() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return f"{request.remote_addr}|{str(name or '').strip().lower()[:80]}"


def query_device_key(args) -> str | None:
    """The rate-limit key of an OsmAnd query (``id``, else ``deviceid``; first values)."""
    def first(name: str):
        values = args.get(name)
        return values[0] if values else None

    key = first("id") or first("deviceid")
    return None if key is None else "d:" + str(key).strip()[:64]


def device_key() -> str | None:
    """The device a request speaks for: its bearer token (hashed) or its OsmAnd id."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    if request.cookies.get(PHONE_COOKIE):
        return "m:" + hashlib.sha256(request.cookies[PHONE_COOKIE].encode()).hexdigest()
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


def init_login_limit(server: Flask, settings: Settings) -> SlidingWindow:
    """Refuse sign-in (429) after too many failures from one IP for one username."""
    failures = SlidingWindow(settings.login_max_failures, settings.login_window_s)

    @server.before_request
    def login_gate():
        if request.method != "POST" or request.path not in LOGIN_PATHS:
            return None
        wait = failures.retry_after(_login_key())
        if wait:
            return too_many(wait, f"登录失败次数过多，请 {wait} 秒后再试 / too many failed "
                                  f"sign-ins, try again in {wait} s")
        return None

    @server.after_request
    def login_count(response):
        if request.method == "POST" and request.path in LOGIN_PATHS:
            if response.status_code == 401:
                failures.hit(_login_key())
            elif response.status_code in (200, 302):
                failures.reset(_login_key())
        return response

    return failures


def init_ingest_limit(app: Flask, settings: Settings,
                      paths: tuple[str, ...] = INGEST_PATHS) -> SlidingWindow:
    """Refuse ingest requests (429) beyond the per-device budget; bursts fit in the window."""
    window = SlidingWindow(settings.ingest_max_requests, settings.ingest_window_s)

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
