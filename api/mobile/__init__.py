"""The grid worker's phone page (/m): sign-in once per phone, report, my work, patrol."""
from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request
from werkzeug.exceptions import HTTPException

from api.context import request_now
from api.errors import error_response
from api.login import safe_next
from api.mobile.notices import register_notices
from api.mobile.pages import TEXT, Bundle, lang, login_page
from api.mobile.session import (
    LOGIN_COOKIE,
    PATH,
    check_csrf,
    clear_session_cookie,
    phone,
    set_session_cookie,
)
from api.mobile.views import register_views
from data.db import Database
from data.settings import Settings
from workflow.errors import WorkflowError
from workflow.mobile.work import revoke, sign_in
from workflow.sign_in import CHANGE_REQUIRED, refused_passwords

SAFE = ("GET", "HEAD", "OPTIONS")


def phone_next(value: str | None) -> str | None:
    """Where to go after signing in: only the phone page itself, with its whole query."""
    target = safe_next(value)
    if target is None or not (target == "/m" or target.startswith(("/m?", "/m/?", "/m#"))):
        return None
    return target


def _login_form(bundle: Bundle, status: int = 200, error: str = "", username: str = "",
                change: bool = False):
    response, token = login_page(bundle.version, status, error, username, change,
                                 phone_next(request.values.get("next")) or "")
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, path=PATH, httponly=True,
                        samesite="Strict")
    return response


def mobile_blueprint(db: Database, settings: Settings) -> Blueprint:
    """The mobile endpoints."""
    bp = Blueprint("mobile", __name__)
    bundle = Bundle()

    @bp.before_request
    def guard():
        if request.method not in SAFE and request.path != "/m/login":
            check_csrf(settings)

    @bp.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code == 413:
            return error_response(413, "photo_too_large", "照片太大（最大 8 MB） / the photo is "
                                  "larger than 8 MB", "photo")
        return error_response(err.code or 500, err.name.lower().replace(" ", "_"),
                              err.description or err.name)

    @bp.get("/m")
    @bp.get("/m/")
    def shell():
        if phone() is None:
            # The whole address survives sign-in (a link to a tab, a language).
            query = {"lang": "en"} if lang() == "en" else {}
            target = request.full_path.rstrip("?")
            if target not in ("/m", "/m/"):
                query["next"] = target
            return redirect("/m/login" + ("?" + urlencode(query) if query else ""))
        response = bundle.response("index.html")
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.get("/m/sw.js")
    def service_worker():
        response = bundle.response("sw.js")
        response.headers["Service-Worker-Allowed"] = "/m"
        return response

    @bp.get("/m/static/<name>")
    def static(name: str):
        if name == "sw.js":
            return Response("not found", 404, mimetype="text/plain")
        return bundle.response(name, immutable=bool(request.args.get("v")))

    @bp.get("/m/login")
    def login_get():
        if phone() is not None:
            return redirect("/m" + ("?lang=en" if lang() == "en" else ""))
        return _login_form(bundle)

    @bp.post("/m/login")
    def login_post():
        username = (request.form.get("username") or "").strip()
        sent, expected = request.form.get("csrf_token", ""), request.cookies.get(LOGIN_COOKIE, "")
        # As bytes: compare_digest refuses non-ASCII text (a forged token is a 400, not a 500).
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            return _login_form(bundle, 400, TEXT[lang()]["expired"], username)
        new_password = request.form.get("new_password") or None
        if new_password is not None and new_password != request.form.get("confirm_password"):
            return _login_form(bundle, 400, TEXT[lang()]["mismatch"], username, change=True)
        try:
            with db.begin() as conn:
                _, token = sign_in(conn, username, request.form.get("password") or "",
                                   request.headers.get("User-Agent", ""), request_now(),
                                   new_password, refused_passwords(settings))
        except WorkflowError as err:
            message = err.text(lang())
            change = err.code == CHANGE_REQUIRED or err.field == "new_password"
            return _login_form(bundle, err.status, message, username, change)
        target = phone_next(request.form.get("next"))
        response = redirect(target or ("/m" + ("?lang=en" if lang() == "en" else "")))
        set_session_cookie(response, token, settings)
        response.delete_cookie(LOGIN_COOKIE, path=PATH)
        return response

    @bp.post("/m/logout")
    def logout():
        found = phone()
        if found is not None:
            with db.begin() as conn:
                revoke(conn, found[0], found[1], request_now())
        response = redirect("/m/login")
        clear_session_cookie(response)
        # The page clears its queue and fixes itself; browsers that honour this header
        # also drop every cache and stored item of the site (HTTPS or localhost).
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response

    register_views(bp, db, settings)
    register_notices(bp, db)
    return bp

