"""Who may come in at a sign-in door (desk /login, /api/v1/login, the phone's /m/login).

Beyond the password: in production an account still holding a demo password is refused
(it must be reset), and an account holding a temporary password (new, or reset by an
administrator) must choose its own before any session opens.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data import auth_store
from data.settings import DEFAULT_DEMO_PASSWORD, Settings
from workflow.accounts import authenticate
from workflow.errors import WorkflowError
from workflow.roles import Actor
from workflow.sessions import change_password

CHANGE_REQUIRED = "password_change_required"
DEMO_REFUSED = "demo_password_refused"


def refused_passwords(settings: Settings) -> tuple[str, ...]:
    """Passwords no account may use to sign in here: the demo ones, in production."""
    if not settings.production:
        return ()
    return tuple(dict.fromkeys((DEFAULT_DEMO_PASSWORD, settings.demo_password)))


def admit(conn: Connection, username: str, password: str, new_password: str | None,
          refused: tuple[str, ...], now: datetime) -> Actor | None:
    """The Actor who may open a session, None for a wrong username or password.

    Raises 403 ``demo_password_refused`` (naming ``password``) for a demo password in
    production; 403 ``password_change_required`` (naming ``new_password``) for a temporary
    password without a new one; the password rules' 400/422 for a bad new one. With a good
    new one the password is changed (every older session ends) and the person comes in.
    """
    actor = authenticate(conn, username, password)
    if actor is None:
        return None
    if password in refused:
        raise WorkflowError(403, DEMO_REFUSED, "演示密码不能在生产环境登录：请管理员重置密码 / the "
                            "demo password cannot sign in in production: ask an administrator "
                            "to reset your password", "password")
    if not auth_store.must_change_password(conn, actor.id):
        return actor
    if not new_password:
        raise WorkflowError(403, CHANGE_REQUIRED, "首次登录须设置新密码 / a temporary password: "
                            "choose your own password to sign in", "new_password")
    change_password(conn, actor, password, new_password, now)
    return actor
