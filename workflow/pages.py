"""Who may open which page: the page guard, the Dash callback guard and the router ask here."""
from __future__ import annotations

from data.models.base import DISTRICT_CODE, ROLES
from workflow.leaders.figures import LEADER_ROLES
from workflow.roles import Actor, list_filter, whole_area

DESK_ROLES = tuple(r for r in ROLES if r not in ("wall", "grid_worker"))
# The wall shows the whole district (every street's incidents, whistles, workers): the
# display account, and people whose own read scope is the whole district (or the city).
WALL_ROLES = ("wall", "district_leader", "supervisor", "analyst", "operator", "admin",
              "city_leader")
# The city wall compares the districts' headline figures: the city's leaders only (every
# other account belongs to one district and reads no other's figures).
CITY_WALL_ROLES = ("city_leader",)
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "/wall": WALL_ROLES,
    "/wall/city": CITY_WALL_ROLES,
    "/analyst": DESK_ROLES,
    "/leaders": LEADER_ROLES,
    "/cases": tuple(r for r in ROLES if r != "wall"),
    # Phone health: who supervises patrols, each within their own scope.
    "/devices": ("district_leader", "supervisor", "analyst", "operator", "street_chief",
                 "community_chief", "admin", "city_leader"),
    # Setting the district up: accounts, departments, categories, workers' grids, the audit.
    "/admin": ("admin",),
    # Patrol supervision: replay, sheets, attendance, exceptions, within each one's scope.
    "/patrol": ("operator", "street_chief", "community_chief", "district_leader", "supervisor",
                "admin", "city_leader"),
}
# "/" shows the wall; anyone else who asks for it is sent to their own page.
ALIASES = {"/": "/wall"}
# The app shell's own callbacks (the router): any signed-in person; the router then asks
# may_open for the page it is about to draw.
SHELL = "shell"


def page_key(path: str | None) -> str:
    """A request path as a page key ("/wall/" and "/" both mean "/wall")."""
    path = (path or "/").rstrip("/") or "/"
    return ALIASES.get(path, path)


def is_page(path: str | None) -> bool:
    return page_key(path) in PAGE_ROLES


def wall_district(actor: Actor | None, asked: str | None,
                  home: str = DISTRICT_CODE) -> str | None:
    """The district whose wall ``actor`` sees when asking for ``asked`` (None: refused).

    A district's account sees its own district and no other (asking for another is refused,
    not quietly answered with its own); a city leader sees any district, the deployment's
    home district unless asked.
    """
    if actor is None:
        return None
    if asked is not None and not (isinstance(asked, str) and len(asked) == 6 and asked.isdigit()):
        return None
    if actor.district_code is None:
        return asked or home
    return actor.district_code if asked in (None, actor.district_code) else None


def may_open(actor: Actor | None, path: str | None, district: str | None = None) -> bool:
    """True when ``actor`` may see the page at ``path`` (and run its callbacks).

    ``district`` is the district a wall or /leaders is asked for (``?district=``): another
    district's than the actor's own is refused. Pages not in PAGE_ROLES (the "not found" page) are open
    to any signed-in person.
    """
    if actor is None:
        return False
    page = page_key(path)
    if page == SHELL or page not in PAGE_ROLES:
        return True
    if actor.role not in PAGE_ROLES[page]:
        return False
    if page in ("/wall", "/leaders") and wall_district(actor, district) is None:
        return False
    if page == "/wall" and actor.role != "wall":
        # A street operator's incidents are their street's: not the district's wall.
        return whole_area(list_filter(actor, "incident.read"))
    return True
