"""The filters a patrol read may use: the caller's own ones narrowed to their read scope."""
from __future__ import annotations

from workflow.errors import forbidden
from workflow.roles import Actor, list_filter

EMPTY = None


def narrowed(actor: Actor, street_id: int | None = None, community_id: int | None = None
             ) -> dict | None:
    """``{"street_id", "community_id", "district_code"}`` within ``actor``'s patrol scope
    (district_code None only for a city leader); None when the asked
    area lies outside it (an empty answer, not an error: the API lists, as incidents do).

    Raises 403 when the role may not read patrols at all.
    """
    scope = list_filter(actor, "patrol.read")
    if scope is None:
        raise forbidden()
    out = {"street_id": street_id, "community_id": community_id,
           "district_code": scope.get("district_code")}
    for key, value in scope.items():
        if key not in out:
            continue
        if out[key] is not None and out[key] != value:
            return EMPTY
        out[key] = value
    return out
