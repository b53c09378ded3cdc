"""/login and /logout: a plain server-rendered form, Chinese first (?lang=en for English)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template_string, request
from flask_login import current_user

from api.auth import end_session, start_session
from api.csrf import COOKIE, session_token, token_matches
from api.page_guard import home_of
from data.db import Database
from data.settings import Settings
from workflow.errors import WorkflowError
from workflow.sign_in import CHANGE_REQUIRED, admit, refused_passwords

TEXT = {
    "zh": {"title": "登录", "platform": "智慧红桥指挥中心", "user": "用户名", "password": "密码",
           "submit": "登录", "failed": "用户名或密码错误", "expired": "页面已过期，请重新登录",
           "logout": "退出登录", "logout_q": "确定退出登录吗？", "other": "English",
           "hint": "演示环境：账号见 python app.py demo accounts，密码为 DEMO_PASSWORD。",
           "new_password": "新密码（至少 10 个字符）", "confirm": "再次输入新密码",
           "mismatch": "两次输入的新密码不一致", "change": "设置新密码并登录",
           "change_title": "首次登录：请设置您自己的密码"},
    "en": {"title": "Sign in", "platform": "Smart Hongqiao Command Centre", "user": "Username",
           "password": "Password", "submit": "Sign in", "failed": "Wrong username or password",
           "expired": "The page expired, please sign in again", "logout": "Sign out",
           "logout_q": "Sign out now?", "other": "中文",
           "hint": "Demo: accounts from python app.py demo accounts; the password is "
                   "DEMO_PASSWORD.",
           "new_password": "New password (10 characters or more)",
           "confirm": "New password again", "mismatch": "The two new passwords differ",
           "change": "Set my password and sign in",
           "change_title": "First sign-in: choose your own password"},
}

PAGE = """<!doctype html><html lang="{{ 'en' if lang == 'en' else 'zh-CN' }}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }} · {{ t.platform }}</title><style>
body{margin:0;font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC',sans-serif;
background:#f4f6fa;color:#1d2b3a}
header{background:#0b2149;color:#fff;height:56px;display:flex;align-items:center;
padding:0 28px;font-weight:700;font-size:18px;letter-spacing:1px}
header a{margin-left:auto;color:#cfe3ff;font-weight:400;font-size:14px;text-decoration:none}
main{max-width:380px;margin:72px auto;background:#fff;border-radius:10px;padding:32px 36px;
box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 20px}label{display:block;font-size:14px;color:#5a6b7d;margin:14px 0 6px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:10px 12px;
font-size:16px;border:1px solid #c9d3df;border-radius:6px}
button{margin-top:22px;width:100%;padding:11px;font-size:16px;border:0;border-radius:6px;
background:#1b6fb3;color:#fff;cursor:pointer}
.error{background:#fff1f0;color:#a8071a;padding:10px 12px;border-radius:6px;margin-bottom:8px}
.hint{color:#8a97a8;font-size:12px;margin-top:18px}</style></head><body>
<header>{{ t.platform }}<a href="?lang={{ 'zh' if lang == 'en' else 'en' }}{{ '&next=' + (next|urlencode) if next }}">{{ t.other }}</a></header>
<main>{% if mode in ('login', 'change') %}<h1>{{ t.change_title if mode == 'change' else t.title }}</h1>
{% if error %}<div class="error" role="alert">{{ error }}</div>{% endif %}
<form method="post" action="/login{{ '?lang=en' if lang == 'en' }}">
<input type="hidden" name="csrf_token" value="{{ token }}"><input type="hidden" name="next" value="{{ next }}">
<label for="username">{{ t.user }}</label><input type="text" id="username" name="username" value="{{ username }}" autocomplete="username" autofocus required>
<label for="password">{{ t.password }}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
{% if mode == 'change' %}<label for="new_password">{{ t.new_password }}</label><input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="10" required>
<label for="confirm_password">{{ t.confirm }}</label><input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" minlength="10" required>{% endif %}
<button type="submit" id="login-submit">{{ t.change if mode == 'change' else t.submit }}</button></form>
{% if hint %}<p class="hint">{{ t.hint }}</p>{% endif %}
{% else %}<h1>{{ t.logout }}</h1><p>{{ t.logout_q }}</p><form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{{ token }}"><button type="submit" id="logout-submit">{{ t.logout }}</button></form>{% endif %}
</main></body></html>"""


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def safe_next(value: str | None) -> str | None:
    """Only a path on this site: never another host (open redirect) or a scheme."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def _page(mode: str, status: int = 200, error: str = "", username: str = "", settings=None):
    lang = _lang()
    body = render_template_string(
        PAGE, t=TEXT[lang], lang=lang, mode=mode, error=error, username=username,
        token=session_token(), next=safe_next(request.values.get("next")) or "",
        hint=settings is not None and not settings.production)
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def login_blueprint(db: Database, settings: Settings) -> Blueprint:
    bp = Blueprint("login", __name__)

    @bp.get("/login")
    def login_form():
        return _page("login", settings=settings)

    @bp.post("/login")
    def login_submit():
        t = TEXT[_lang()]
        username = (request.form.get("username") or "").strip()
        if not token_matches(request.form.get("csrf_token")):
            return _page("login", 400, t["expired"], username, settings)
        new_password = request.form.get("new_password") or None
        if new_password is not None and new_password != request.form.get("confirm_password"):
            return _page("change", 400, t["mismatch"], username, settings)
        try:
            with db.begin() as conn:
                actor = admit(conn, username, request.form.get("password") or "", new_password,
                              refused_passwords(settings), settings.now())
        except WorkflowError as err:
            message = err.text(_lang())
            change = err.code == CHANGE_REQUIRED or err.field == "new_password"
            return _page("change" if change else "login", err.status, message, username,
                         settings)
        if actor is None:
            return _page("change" if new_password else "login", 401, t["failed"], username,
                         settings)
        # Grid workers work from the phone page, which keeps its own phone session.
        target = safe_next(request.form.get("next")) or home_of(actor.role)
        start_session(actor)    # a new session: nothing planted before survives
        return redirect(target)

    @bp.get("/logout")
    def logout_form():
        if not current_user.is_authenticated:
            return redirect("/login")
        return _page("logout")

    @bp.post("/logout")
    def logout_submit():
        end_session()       # revoked on the server: a copied cookie stops working too
        response = redirect("/login")
        response.delete_cookie(COOKIE, path="/")
        return response

    return bp
