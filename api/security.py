"""Security headers on every response: CSP that Dash runs under, framing, caching, HSTS."""
from __future__ import annotations

import secrets
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Response, g, jsonify, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from api.errors import error_response
from api.open311.formats import error as open311_error
from api.ratelimit import init_ingest_limit, init_limiter
from data.settings import Settings

# Set by dashboard.create_app: the hashes of Dash's inline scripts (renderer, clientside
# callbacks), so script-src needs no 'unsafe-inline'.
CSP_HASHES = "hq_csp_hashes"
# Pages meant to be shown inside a frame (the wall on a video-wall controller's page).
FRAMEABLE = ("/wall",)
# Fingerprinted or public static files: cacheable, everything else is no-store.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/static/")
PERMISSIONS_POLICY = ("geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), "
                      "interest-cohort=()")
HSTS = "max-age=31536000; includeSubDomains"


def tile_origins(settings: Settings) -> list[str]:
    """The origins the map may fetch basemap tiles from (none when offline)."""
    if settings.basemap == "tianditu":
        return ["https://*.tianditu.gov.cn"]
    if settings.basemap == "xyz" and settings.xyz_url:
        parts = urlsplit(settings.xyz_url.replace("{", "").replace("}", ""))
        if parts.scheme and parts.netloc:
            return [f"{parts.scheme}://{parts.netloc}"]
    return []


def csp_nonce() -> str:
    """A per-request nonce for a server-rendered page's own inline <script nonce=...>."""
    if "hq_csp_nonce" not in g:
        g.hq_csp_nonce = secrets.token_urlsafe(16)
    return g.hq_csp_nonce


def content_security_policy(settings: Settings, hashes: list[str], nonce: str | None,
                            frame_ancestors: str) -> str:
    """The policy: only our own scripts (plus Dash's hashed inline ones), no plugins, no
    foreign forms or base URLs; styles inline because plotly and Dash inject <style>.
    """
    tiles = " ".join(tile_origins(settings))
    script = " ".join(["'self'", *hashes] + ([f"'nonce-{nonce}'"] if nonce else []))
    directives = {
        "default-src": "'self'",
        "script-src": script,
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {tiles}".strip(),
        "font-src": "'self' data:",
        "connect-src": f"'self' {tiles}".strip(),
        # MapLibre (plotly's map traces) runs its tile workers from blob: URLs.
        "worker-src": "'self' blob:",
        "media-src": "'self' blob:",
        "child-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _frameable(path: str) -> bool:
    return (path.rstrip("/") or "/") in FRAMEABLE


def set_headers(response: Response, settings: Settings, hashes: list[str]) -> Response:
    """Add the security headers this request's response needs (existing ones are kept)."""
    headers = response.headers
    origins = settings.wall_frame_origins.split()
    if _frameable(request.path):
        ancestors = " ".join(["'self'", *origins])
        if not origins:
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    else:
        ancestors = "'none'"
        headers.setdefault("X-Frame-Options", "DENY")
    nonce = g.get("hq_csp_nonce")
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(settings, hashes, nonce, ancestors))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if settings.production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith(STATIC_PREFIXES):
        # Pages, callbacks and API answers can carry personal data: never stored by browsers
        # or proxies.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_security_headers(server: Flask, settings: Settings) -> None:
    """Register the after_request hook (and ``csp_nonce`` for templates)."""
    server.jinja_env.globals["csp_nonce"] = csp_nonce

    @server.after_request
    def security_headers(response: Response) -> Response:
        return set_headers(response, settings, server.extensions.get(CSP_HASHES, []))


# How a NUL character is written in each kind of text body.
NUL_MARKS = {"application/json": (b"\x00", b"\\u0000"),
             "application/x-www-form-urlencoded": (b"\x00", b"%00"), "text/": (b"\x00",)}


# Open311 answers every error in GeoReport v2's own format (JSON or XML) and checks NULs
# in its parameters itself; a NUL in its URL is refused here, in its format.
OWN_VALIDATION = ("/open311/",)


def _carries_nul() -> bool:
    if request.path.startswith(OWN_VALIDATION):
        return "\x00" in request.path
    if "\x00" in request.path or b"%00" in request.query_string:
        return True
    if request.method in ("GET", "HEAD"):
        return False
    kind = request.mimetype or ""
    marks = next((m for prefix, m in NUL_MARKS.items() if kind.startswith(prefix)), None)
    if marks is None:
        return False        # uploads (photos) may hold any byte
    body = request.get_data(cache=True)
    return any(mark in body for mark in marks)


UTF8_NAMES = ("utf-8", "utf8", "us-ascii", "ascii")
TEXT_KINDS = ("application/x-www-form-urlencoded", "multipart/form-data", "application/json")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def encoding_problem() -> str | None:
    """Which part of the request is not UTF-8 text ("query", "charset" or "body"), or None.

    Werkzeug would otherwise drop an undecodable form silently (Open311 then filed an empty
    description) or keep GBK bytes as literal %XX text; multipart text fields would hold
    U+FFFD. Uploaded files are bytes and are not looked at.
    """
    if not _utf8(unquote_to_bytes(request.query_string)):
        return "query"
    if request.method in ("GET", "HEAD") or not request.mimetype.startswith(TEXT_KINDS):
        return None
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in UTF8_NAMES:
        return "charset"
    if request.mimetype == "multipart/form-data":
        fields = request.form.items(multi=True)
        return "body" if any("\ufffd" in k or "\ufffd" in v for k, v in fields) else None
    body = request.get_data(cache=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body)
    return None if _utf8(body) else "body"


def _refuse(code: str, message: str, field: str | None = None):
    if request.path.startswith(OWN_VALIDATION):
        fmt = "xml" if request.path.endswith(".xml") else "json"
        return open311_error(fmt, 400, message)
    return error_response(400, code, message, field)


def init_input_guard(server: Flask) -> None:
    """Refuse NUL characters anywhere in a request (PostgreSQL text cannot hold them, so
    they would surface as 500s) and text that is not UTF-8, and answer values the database
    rejects (numbers out of range, ...) as 400 instead of 500.
    """

    @server.before_request
    def refuse_bad_text():
        if _carries_nul():
            if request.path.startswith(OWN_VALIDATION):
                return _refuse("invalid_characters", "请求含有非法字符 / NUL character in the URL")
            return error_response(400, "invalid_characters", "请求含有非法字符 / the request "
                                  "contains a NUL character")
        problem = encoding_problem()
        if problem is not None:
            return _refuse("invalid_encoding", f"请求须为 UTF-8 编码（{problem} 不是） / the request "
                           f"must be UTF-8 encoded: its {problem} is not", problem)
        return None

    @server.errorhandler(DataError)
    def data_error(err):
        return error_response(400, "invalid_value", "数值超出范围或格式错误 / a value is out of "
                              "range or malformed")


def init_security(server: Flask, settings: Settings) -> None:
    """Headers on every response, input guard, the rate limiter (sign-in budgets are put on
    their views once they exist: api.ratelimit.limit_sign_in), per-device ingest limits.
    """
    init_security_headers(server, settings)
    init_input_guard(server)
    init_limiter(server, settings)
    server.extensions["hq_ingest_limit"] = init_ingest_limit(server, settings)


def json_errors(app: Flask) -> None:
    """Every HTTP error as JSON (for the OsmAnd-only port, which serves its root too)."""

    @app.errorhandler(HTTPException)
    def as_json(err: HTTPException):
        response = jsonify(error=err.name.lower().replace(" ", "_"),
                           message=err.description or err.name)
        response.status_code = err.code or 500
        return response
