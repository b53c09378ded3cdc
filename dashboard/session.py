"""Who is signed in, for every page's callbacks."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from workflow.roles import Actor


def session_actor() -> Actor | None:
    """The signed-in person's Actor (set by api/auth's user loader), or None.

    None too in a dashboard served without the sign-in layer (benches, some tests).
    """
    if not hasattr(current_app, "login_manager"):
        return None
    return getattr(current_user, "actor", None) if current_user.is_authenticated else None
