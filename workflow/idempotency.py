"""Idempotency-Key rules: what a key may look like, and when a replay is the same request."""
from __future__ import annotations

import re

from workflow.errors import bad_request, conflict

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")


def check_key(key: str | None) -> str | None:
    """The key, or None when absent; 400 when it is malformed."""
    if key is None or key == "":
        return None
    if not KEY_PATTERN.match(key):
        raise bad_request("Idempotency-Key 应为 8-80 个字母、数字或 _.:- / Idempotency-Key must "
                          "be 8-80 letters, digits or _.:-", "Idempotency-Key")
    return key


def check_replay(existing: dict, actor_id: int, owner_column: str, same: bool) -> None:
    """A retry must come from the same account with the same content; anything else is a
    different request reusing a key, which must not be answered with someone else's data.
    """
    if existing[owner_column] != actor_id or not same:
        raise conflict("idempotency_key_reused", "该 Idempotency-Key 已用于另一请求 / this "
                       "Idempotency-Key was used for a different request", "Idempotency-Key")
