"""The analyst view reads incidents under the same scope as the JSON API's lists."""
from __future__ import annotations

from workflow.errors import forbidden
from workflow.roles import Actor, list_filter

SCOPE_KEYS = ("street_id", "community_id", "department_id", "district_code")


def analyst_scope(actor: Actor | None) -> dict[str, int | str]:
    """The actor's ``incident.read`` scope as filter values (street_id, community_id or
    department_id; and district_code but for a city leader), exactly as workflow.roles.list_filter gives
    the API. 403 for nobody, for a role that may not read incidents, and for a scope the
    analyst's aggregates cannot express (a worker's own incidents, a leader's whistles).
    """
    scope = list_filter(actor, "incident.read") if actor is not None else None
    if scope is None or set(scope) - set(SCOPE_KEYS):
        raise forbidden()
    return {key: value if key == "district_code" else int(value) for key, value in scope.items()}
