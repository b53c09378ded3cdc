"""Who may do what, where: the permission table and the scope tests it names."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from data.models.base import DISTRICT_CODE
from workflow.errors import forbidden

CHIEF_TITLES = ("party_secretary", "director")
# Roles allowed to see who reported an incident and how to reach them.
PERSONAL_DATA_ROLES = ("operator", "street_chief", "community_chief", "admin")


@dataclass(frozen=True)
class Actor:
    """The person (or the device's person) acting, with the scope columns of their account."""

    id: int
    role: str
    title: str = "member"
    street_id: int | None = None
    community_id: int | None = None
    department_id: int | None = None
    grid_ids: frozenset[int] = frozenset()
    username: str = ""
    display_name: str = ""
    # The one district the account works in; None for a city leader (every district).
    district_code: str | None = DISTRICT_CODE

    @property
    def is_chief(self) -> bool:
        """A street's party secretary or office director: the only people who may whistle."""
        return self.role == "street_chief" and self.title in CHIEF_TITLES


@dataclass(frozen=True)
class Target:
    """Where a piece of work sits: what every scope test looks at."""

    street_id: int | None = None
    community_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    grid_id: int | None = None
    reporter_id: int | None = None
    handled_by: str | None = None
    leader_ids: frozenset[int] = frozenset()
    assigned_department_id: int | None = None
    district_code: str | None = None


def _area(a: Actor, t: Target) -> bool:
    # A command-centre operator without a street works district-wide; a street operator
    # (operator with street_id) only in their street.
    return a.street_id is None or a.street_id == t.street_id


SCOPES: dict[str, Callable[[Actor, Target], bool]] = {
    "any": lambda a, t: True,
    "area": _area,
    "street": lambda a, t: a.street_id is not None and a.street_id == t.street_id,
    "community": lambda a, t: a.community_id is not None and a.community_id in t.community_ids,
    "department": lambda a, t: a.department_id is not None and a.department_id in t.department_ids,
    "own": lambda a, t: t.reporter_id == a.id or (t.grid_id is not None and t.grid_id in a.grid_ids),
    "leader": lambda a, t: a.id in t.leader_ids,
    "chief": lambda a, t: a.is_chief and a.street_id == t.street_id,
    # Working an incident belongs to whoever it was dispatched to.
    "handles_dept": lambda a, t: (t.handled_by == "department" and a.department_id is not None
                                  and a.department_id == t.assigned_department_id),
    "handles_street": lambda a, t: (t.handled_by == "street" and a.street_id is not None
                                    and a.street_id == t.street_id),
    "handles_community": lambda a, t: (t.handled_by == "community" and a.community_id is not None
                                       and a.community_id in t.community_ids),
}

_STAFF = {"operator": "area", "street_chief": "street", "community_chief": "community",
          "admin": "any"}
_HANDLERS = {"dept_officer": "handles_dept", "street_chief": "handles_street",
             "community_chief": "handles_community", "admin": "any"}
_PARTIES = {"dept_officer": "department", "district_leader": "leader", "admin": "any"}

# A city leader reads what a district leader reads, in every district (migration 0021).
_CITY_READS = ("incident.read", "whistle.read", "devices.read", "patrol.read",
               "duplicates.read", "scores.read", "supervision.queue")

PERMISSIONS: dict[str, Mapping[str, str]] = {
    "incident.read": {"district_leader": "any", "analyst": "any", "supervisor": "any",
                      "dept_officer": "department", "grid_worker": "own", **_STAFF},
    "incident.create": {"grid_worker": "any", **_STAFF},
    "incident.accept": _STAFF,
    "incident.reject": _STAFF,
    "incident.dispatch": _STAFF,
    "incident.start": _HANDLERS,
    "incident.resolve": _HANDLERS,
    "incident.verify": {"grid_worker": "own", **_STAFF},
    "incident.close": _STAFF,
    "incident.reopen": {"grid_worker": "own", **_STAFF},
    "incident.comment": {"supervisor": "any", "district_leader": "any",
                         "dept_officer": "department", **_STAFF},
    "whistle.read": {"district_leader": "any", "analyst": "any", "supervisor": "any",
                     "dept_officer": "department", **_STAFF},
    "whistle.blow": {"street_chief": "chief"},
    "whistle.second": {"street_chief": "chief"},
    "whistle.report_in": _PARTIES,
    "whistle.complete": _PARTIES,
    "whistle.verify": {"street_chief": "chief"},
    "whistle.rate": {"street_chief": "chief"},
    "whistle.comment": {"supervisor": "any", "district_leader": "any", "operator": "area",
                        "street_chief": "street", "admin": "any"},
    "supervision.queue": {"supervisor": "any", "district_leader": "any", "operator": "area",
                          "street_chief": "street", "admin": "any"},
    # Phones: their health (last fix, battery, what was set aside, clock) for the people who
    # follow patrols, scoped like incidents; enrolling, revoking and replacing for operators.
    "devices.read": {"district_leader": "any", "supervisor": "any", "analyst": "any",
                     **_STAFF},
    "devices.manage": {"operator": "area", "admin": "any"},
    # Setting the district up (accounts, departments, categories, workers' grids, the audit).
    "admin.manage": {"admin": "any"},
    # Patrol supervision (/patrol, sheets, attendance, exceptions): who follows patrols,
    # each within their own area; acknowledging an exception and recording leave: operators
    # and street chiefs of the street.
    "patrol.read": {"district_leader": "any", "supervisor": "any", **_STAFF},
    "patrol.manage": {"operator": "area", "street_chief": "street", "admin": "any"},
    # Intake (docs/intake.md): merging a case into another, and the suggested-duplicates list.
    "incident.merge": _STAFF,
    "duplicates.read": {"supervisor": "any", "district_leader": "any", **_STAFF},
    "duplicates.decide": _STAFF,
    "scores.read": {"district_leader": "any", "analyst": "any", "supervisor": "any",
                    "operator": "any", "street_chief": "any", "dept_officer": "any",
                    "wall": "any", "admin": "any"},
}


for _action in _CITY_READS:
    PERMISSIONS[_action] = {**PERMISSIONS[_action], "city_leader": "any"}


def in_district(actor: Actor, district_code: str | None) -> bool:
    """The actor works in this district (a city leader works in all of them)."""
    return actor.district_code is None or district_code is None \
        or actor.district_code == district_code


def can(actor: Actor, action: str, target: Target | None = None) -> bool:
    """True when the actor's role may do ``action`` and ``target`` lies in their scope.

    Without a target only the role is checked (for lists, which are filtered by scope).
    A target in another district is out of every district account's scope.
    """
    scope = PERMISSIONS[action].get(actor.role)
    if scope is None:
        return False
    if target is None:
        return True
    return in_district(actor, target.district_code) and SCOPES[scope](actor, target)


def require(actor: Actor, action: str, target: Target | None = None) -> None:
    """Raise 403 unless ``can``."""
    if not can(actor, action, target):
        raise forbidden()


def sees_personal_data(actor: Actor) -> bool:
    """Analysts, leaders, the wall and departments get incidents without reporter contacts."""
    return actor.role in PERSONAL_DATA_ROLES


def list_filter(actor: Actor, action: str) -> dict | None:
    """The scope of a list as filter values for data/ (None: the role may not list at all).

    Keys: street_id, community_id, department_id, own (user id, grid ids), and
    district_code for every account but a city leader's. An account missing the column its
    scope needs (a street chief without a street) lists nothing, rather than everything.
    """
    found = _role_filter(actor, action)
    if found is None or actor.district_code is None:
        return found
    return {**found, "district_code": actor.district_code}


def whole_area(scope: dict | None) -> bool:
    """The scope narrows nothing below the district (or the city): no street, no own work."""
    return scope is not None and not (set(scope) - {"district_code"})


def _role_filter(actor: Actor, action: str) -> dict | None:
    scope = PERMISSIONS[action].get(actor.role)
    if scope is None:
        return None
    if scope == "area":
        return {} if actor.street_id is None else {"street_id": actor.street_id}
    if scope in ("street", "chief"):
        return None if actor.street_id is None else {"street_id": actor.street_id}
    if scope == "community":
        return None if actor.community_id is None else {"community_id": actor.community_id}
    if scope == "department":
        return None if actor.department_id is None else {"department_id": actor.department_id}
    if scope == "own":
        return {"own": (actor.id, tuple(sorted(actor.grid_ids)))}
    if scope == "leader":
        return {"leader_id": actor.id}
    return {}
