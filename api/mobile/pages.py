"""The phone page's HTML: the sign-in form, and the app shell with its assets pre-gzipped."""
from __future__ import annotations

import gzip
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Response, render_template_string, request

STATIC = Path(__file__).with_name("static")
JS_PARTS = ("core.js", "report.js", "work.js", "notices.js", "tasks.js", "duplicates.js")
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}

TEXT = {
    "zh": {"title": "网格员登录", "app": "红桥采集通", "user": "用户名", "password": "密码",
           "submit": "登录", "other": "English", "keep": "本机将保持登录 90 天",
           "expired": "页面已过期，请重新登录", "desk": "电脑端登录",
           "new_password": "新密码（至少 10 个字符）", "confirm": "再次输入新密码",
           "mismatch": "两次输入的新密码不一致", "change": "设置新密码并登录"},
    "en": {"title": "Grid worker sign-in", "app": "Hongqiao Collect", "user": "Username",
           "password": "Password", "submit": "Sign in", "other": "中文",
           "keep": "This phone stays signed in for 90 days",
           "expired": "The page expired, please sign in again", "desk": "Desk sign-in",
           "new_password": "New password (10 characters or more)",
           "confirm": "New password again", "mismatch": "The two new passwords differ",
           "change": "Set my password and sign in"},
}

LOGIN = """<!doctype html><html lang="{{ 'en' if lang == 'en' else 'zh-CN' }}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0b2149"><title>{{ t.title }} · {{ t.app }}</title>
<link rel="stylesheet" href="/m/static/app.css?v={{ v }}"></head><body class="login">
<header class="bar"><b>{{ t.app }}</b><a class="lang" href="/m/login?lang={{ 'zh' if lang == 'en' else 'en' }}">{{ t.other }}</a></header>
<main class="card"><h1>{{ t.title }}</h1>
{% if error %}<div class="error" role="alert" id="login-error">{{ error }}</div>{% endif %}
<form method="post" action="/m/login{{ '?lang=en' if lang == 'en' }}">
<input type="hidden" name="csrf_token" value="{{ token }}"><input type="hidden" name="next" value="{{ next }}">
<label for="username">{{ t.user }}</label><input type="text" id="username" name="username" value="{{ username }}" autocomplete="username" autocapitalize="none" required>
<label for="password">{{ t.password }}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
{% if change %}<label for="new_password">{{ t.new_password }}</label><input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="10" required>
<label for="confirm_password">{{ t.confirm }}</label><input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" minlength="10" required>{% endif %}
<button type="submit" id="login-submit" class="primary">{{ t.change if change else t.submit }}</button></form>
<p class="hint">{{ t.keep }} · <a href="/login">{{ t.desk }}</a></p></main></body></html>"""


def lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


@dataclass(frozen=True)
class Asset:
    raw: bytes
    gz: bytes
    mimetype: str
    etag: str


def _asset(raw: bytes, suffix: str) -> Asset:
    return Asset(raw, gzip.compress(raw, 9, mtime=0), TYPES[suffix],
                 hashlib.sha256(raw).hexdigest()[:12])


class Bundle:
    """The page's files, read and gzipped once when the blueprint is built; the script
    parts are joined into one app.js (one request on a slow connection).
    """

    def __init__(self, folder: Path = STATIC) -> None:
        self.assets: dict[str, Asset] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix in TYPES and path.name not in JS_PARTS:
                self.assets[path.name] = _asset(path.read_bytes(), path.suffix)
        script = b"\n".join((folder / name).read_bytes() for name in JS_PARTS)
        self.assets["app.js"] = _asset(script, ".js")
        self.version = hashlib.sha256(b"".join(a.etag.encode() for a in self.assets.values())
                                      ).hexdigest()[:10]
        for name in ("index.html", "sw.js"):
            text = self.assets[name].raw.replace(b"{{v}}", self.version.encode())
            self.assets[name] = _asset(text, "." + name.rsplit(".", 1)[1])

    def response(self, name: str, immutable: bool = False) -> Response:
        asset = self.assets.get(name)
        if asset is None or name in ("index.html", "sw.js") and immutable:
            return Response("not found", 404, mimetype="text/plain")
        gz = "gzip" in request.headers.get("Accept-Encoding", "")
        response = Response(asset.gz if gz else asset.raw, mimetype=asset.mimetype)
        if gz:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if immutable
                                             else "no-cache")
        response.set_etag(asset.etag + ("-gz" if gz else ""))
        return response.make_conditional(request)


def login_page(version: str, status: int = 200, error: str = "", username: str = "",
               change: bool = False, next_path: str = ""):
    """The sign-in form with a fresh double-submit token (cookie and hidden field) and the
    address to return to; with ``change`` it also asks for a new password (a temporary one
    must be replaced).
    """
    token = secrets.token_urlsafe(24)
    body = render_template_string(LOGIN, t=TEXT[lang()], lang=lang(), error=error,
                                  username=username, token=token, v=version, change=change,
                                  next=next_path)
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response, token
