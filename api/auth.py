"""Who is asking: Flask-Login sessions for people (kept server-side), bearer tokens for devices."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from api.actor_cache import ActorCache
from api.csrf import init_csrf, new_token
from api.errors import ApiError
from api.shared_actor_cache import ACCOUNTS, WEB_SESSIONS, RedisActorCache
from data.db import Database
from data.settings import Settings
from data.shared_state import app_fuse
from workflow.accounts import actor_for_token, load_actor
from workflow.pages import PAGE_ROLES  # noqa: F401 - api.reports and tests read it here
from workflow.roles import Actor
from workflow.sessions import close_session, live_user, open_session

ACTOR_CACHE = "hq_actor"
# The session's random id (its sha256 is the web_sessions row) and its fixed end (epoch s).
SESSION_ID, SESSION_END = "hq_sid", "hq_end"


class SessionUser(UserMixin):
    """A signed-in person as Flask-Login sees them, carrying their Actor."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.id = str(actor.id)


def actor_to_session(actor: Actor) -> dict:
    return {**actor.__dict__, "grid_ids": sorted(actor.grid_ids)}


def actor_from_session(cached: dict | None) -> Actor | None:
    if not cached:
        return None
    return Actor(**{**cached, "grid_ids": frozenset(cached["grid_ids"])})


def _cached_actor() -> Actor | None:
    return actor_from_session(session.get(ACTOR_CACHE))


def account_caches(server: Flask, settings: Settings):
    """(accounts, sessions): in Redis when REDIS_URL is set (every host sees a revocation
    at once), else in this process's memory for HQ_ACCOUNT_RECHECK_S.
    """
    fuse = app_fuse(server.extensions, settings)
    ttl = settings.account_recheck_s
    if fuse is None:
        return ActorCache(ttl), ActorCache(ttl)
    return (RedisActorCache(fuse, ACCOUNTS, ttl,
                            lambda a: actor_to_session(a) if a else None, actor_from_session),
            RedisActorCache(fuse, WEB_SESSIONS, ttl))


def _settings() -> Settings:
    return current_app.extensions["hq_settings"]


def _session_is_live(db: Database, sessions: ActorCache | RedisActorCache,
                     user_id: int) -> bool:
    """The cookie's session is one the server still honours: before its fixed end, and
    (within HQ_ACCOUNT_RECHECK_S) not revoked by a sign-out or a password change.
    """
    now = _settings().now()
    end = session.get(SESSION_END)
    if not isinstance(end, (int, float)) or now.timestamp() >= end:
        return False

    def read(session_id: str):
        with db.connect() as conn:
            return live_user(conn, session_id, now)

    sid = session.get(SESSION_ID)
    if not isinstance(sid, str):
        return False
    try:
        owner = sessions.get(sid, read)
    except SQLAlchemyError:
        # During a database restart the signed cookie (with its fixed end) keeps people
        # signed in; revocations apply again once the database answers.
        return True
    return owner == user_id


def init_auth(server: Flask, db: Database, settings: Settings) -> LoginManager:
    """Sessions with safe cookie flags, the user loader, and CSRF on state changes."""
    server.config.update(
        SESSION_COOKIE_NAME="hq_session",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_lifetime_s),
        # The cookie's expiry is set at sign-in and never pushed back by later requests.
        SESSION_REFRESH_EACH_REQUEST=False,
        REMEMBER_COOKIE_SECURE=settings.production, REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax")
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    accounts, sessions = account_caches(server, settings)
    server.extensions["hq_accounts"] = accounts
    server.extensions["hq_web_sessions"] = sessions

    def read_account(user_id: int) -> Actor | None:
        with db.connect() as conn:
            return load_actor(conn, user_id)

    @manager.user_loader
    def load_user(user_id: str):
        try:
            uid = int(user_id)
        except ValueError:
            return None
        if not _session_is_live(db, sessions, uid):
            return None
        try:
            actor = accounts.get(uid, read_account)
        except SQLAlchemyError:
            # During a database restart the session's copy keeps people signed in (the
            # data calls themselves will say the database is away).
            actor = _cached_actor()
        return SessionUser(actor) if actor else None

    init_csrf(server, settings)
    return manager


def start_session(actor: Actor) -> str:
    """Sign ``actor`` in on this browser: a new session (nothing planted before survives),
    its server-side row with a fixed end, a new CSRF token; returns the token.
    """
    settings, db = _settings(), current_app.extensions["hq_db"]
    now = settings.now()
    with db.begin() as conn:
        session_id = open_session(conn, actor, now, settings.session_lifetime_s)
    session.clear()
    current_app.extensions["hq_accounts"].forget(actor.id)   # read afresh from now on
    login_user(SessionUser(actor))
    session.permanent = True
    session[ACTOR_CACHE] = actor_to_session(actor)
    session[SESSION_ID] = session_id
    session[SESSION_END] = int(now.timestamp()) + settings.session_lifetime_s
    return new_token()


def end_session() -> None:
    """Sign this browser out and revoke its session on the server (copies of the cookie die
    with it).
    """
    sid = session.get(SESSION_ID)
    if isinstance(sid, str):
        with current_app.extensions["hq_db"].begin() as conn:
            close_session(conn, sid, _settings().now())
        current_app.extensions["hq_web_sessions"].forget(sid)
    if current_user.is_authenticated:
        current_app.extensions["hq_accounts"].forget(current_user.actor.id)
    logout_user()
    session.clear()


def bearer_actor() -> Actor | None:
    """The device a valid ``Authorization: Bearer`` header stands for (once per request);
    None without such a header or for an unknown or revoked token.
    """
    if "hq_bearer" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        actor = None
        if scheme.lower() == "bearer" and token.strip():
            with current_app.extensions["hq_db"].connect() as conn:
                actor = actor_for_token(conn, token.strip())
        g.hq_bearer = actor
    return g.hq_bearer


def current_actor() -> Actor:
    """The Actor of this request: a device's bearer token, else the session; 401 otherwise."""
    if "hq_actor" in g:
        return g.hq_actor
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "不支持的认证方式 / use a Bearer token")
        actor = bearer_actor()
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
