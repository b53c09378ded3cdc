"""Who is asking: Flask-Login sessions for people, bearer tokens for devices; page guard."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from flask import Flask, current_app, g, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user
from sqlalchemy.exc import SQLAlchemyError

from api.actor_cache import ActorCache
from api.csrf import init_csrf
from api.errors import ApiError, error_response
from data.db import Database
from data.settings import Settings
from data.models.base import ROLES
from workflow.accounts import actor_for_token, load_actor
from workflow.roles import Actor

ACTOR_CACHE = "hq_actor"
DESK_ROLES = tuple(r for r in ROLES if r not in ("wall", "grid_worker"))
PAGE_ROLES = {
    "/": ROLES, "/wall": ROLES,
    "/analyst": DESK_ROLES,
    "/leaders": ("district_leader", "supervisor", "analyst", "operator", "street_chief", "admin"),
    "/cases": tuple(r for r in ROLES if r != "wall"),
    "/devices": ("district_leader", "supervisor", "analyst", "operator", "street_chief",
                 "community_chief", "admin"),
}
CALLBACK_PATHS = ("/_dash-update-component",)


class SessionUser(UserMixin):
    """A signed-in person as Flask-Login sees them, carrying their Actor."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.id = str(actor.id)


def actor_to_session(actor: Actor) -> dict:
    return {**actor.__dict__, "grid_ids": sorted(actor.grid_ids)}


def _cached_actor() -> Actor | None:
    cached = session.get(ACTOR_CACHE)
    if not cached:
        return None
    return Actor(**{**cached, "grid_ids": frozenset(cached["grid_ids"])})


def init_auth(server: Flask, db: Database, settings: Settings) -> LoginManager:
    """Sessions with safe cookie flags, the user loader, and CSRF on state changes."""
    server.config.update(
        SESSION_COOKIE_NAME="hq_session", PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        REMEMBER_COOKIE_SECURE=settings.production, REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax")
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    accounts = ActorCache(settings.account_recheck_s)
    server.extensions["hq_accounts"] = accounts

    def read_account(user_id: int) -> Actor | None:
        with db.connect() as conn:
            return load_actor(conn, user_id)

    @manager.user_loader
    def load_user(user_id: str):
        try:
            actor = accounts.get(int(user_id), read_account)
        except SQLAlchemyError:
            # During a database restart the session's copy keeps people signed in (the
            # data calls themselves will say the database is away).
            actor = _cached_actor()
        except ValueError:
            return None
        return SessionUser(actor) if actor else None

    init_csrf(server, settings)
    return manager


def current_actor() -> Actor:
    """The Actor of this request: a device's bearer token, else the session; 401 otherwise."""
    if "hq_actor" in g:
        return g.hq_actor
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "不支持的认证方式 / use a Bearer token")
        with current_app.extensions["hq_db"].connect() as conn:
            actor = actor_for_token(conn, token.strip())
        if actor is None:
            raise ApiError(401, "invalid_token", "令牌无效或已停用 / invalid or revoked token")
    elif current_user.is_authenticated:
        actor = current_user.actor
    else:
        raise ApiError(401, "unauthorized", "请先登录 / sign in first")
    g.hq_actor = actor
    return actor


def session_actor() -> Actor | None:
    """The signed-in person's Actor, or None (for pages, which never use bearer tokens)."""
    return current_user.actor if current_user.is_authenticated else None


def protect_pages(server: Flask, settings: Settings, callbacks: bool = True) -> None:
    """Send anonymous visitors of the dashboard pages to /login?next=...; refuse roles a
    page is not for; with ``callbacks``, refuse anonymous Dash callback requests (401)."""

    @server.before_request
    def guard():
        path = request.path.rstrip("/") or "/"
        if path in CALLBACK_PATHS and callbacks and not current_user.is_authenticated:
            return error_response(401, "unauthorized", "请先登录 / sign in first")
        roles = PAGE_ROLES.get(path)
        if roles is None or request.method != "GET":
            return None
        if not current_user.is_authenticated:
            target = request.full_path.rstrip("?")
            return redirect("/login?next=" + quote(target, safe="/?=&"))
        if current_user.actor.role not in roles:
            return error_response(403, "forbidden", "您的角色无权访问此页面 / your role may not "
                                  "open this page")
        return None
