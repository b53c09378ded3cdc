"""The area pickers' options of /patrol for a reader: streets, communities, grids, workers."""
from __future__ import annotations

from dashboard.context import AppContext
from dashboard.inputs import whole
from data.patrol.replay import area_choices, area_parents, area_workers
from workflow.errors import WorkflowError
from workflow.patrol.scope import narrowed


def _options(rows, label) -> list[dict]:
    return [{"label": label(r), "value": r["id"]} for r in rows]


def with_parents(ctx: AppContext, street, community, grid) -> tuple:
    """The street and community above a community or grid the URL names alone, so the
    pickers can offer (and keep) it.
    """
    street, community, grid = whole(street), whole(community), whole(grid)
    if street is not None or (community is None and grid is None):
        return street, community
    with ctx.db.connect() as conn:
        return area_parents(conn, community, grid)


def area_options(ctx: AppContext, actor, street, community, grid,
                 lang: str) -> tuple[list, list, list, list]:
    """The four pickers' options within the reader's scope, for the area picked so far."""
    try:
        area = None if actor is None else narrowed(actor)
    except WorkflowError:
        area = None
    if area is None:
        return [], [], [], []
    street, community, grid = whole(street), whole(community), whole(grid)
    with ctx.db.connect() as conn:
        found = area_choices(conn, area["street_id"] or street, community,
                             area["street_id"], area["community_id"], area["district_code"])
        workers = area_workers(conn, area["street_id"] or street,
                               area["community_id"] or community, grid,
                               district_code=area["district_code"])
    name = "name_en" if lang == "en" else "name_zh"
    return (_options(found["streets"], lambda r: r[name]),
            _options(found["communities"], lambda r: r[name]),
            _options(found["grids"], lambda r: r["code"]),
            _options(workers, lambda r: f"{r['display_name']}（{r['grid_code'][-6:]}）"))
