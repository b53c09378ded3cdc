"""The signed-in person of a callback's request (set by api/auth's user loader)."""
from __future__ import annotations

from flask_login import current_user

from workflow.roles import Actor


def session_actor() -> Actor | None:
    """The signed-in person's Actor, or None."""
    return getattr(current_user, "actor", None) if current_user.is_authenticated else None
