"""Checks that a layer of child polygons exactly partitions its parent layer."""

import numpy as np
import shapely

from geo.crs import METRIC, WGS84

# DE-9IM pattern "interiors intersect": true overlaps, not mere shared edges.
_INTERIORS_MEET = "T********"


def _metric(gdf):
    if gdf.crs is None:
        # Undeclared CRS: the project's convention is that raw data is WGS84.
        gdf = gdf.set_crs(WGS84)
    return gdf if gdf.crs.is_projected else gdf.to_crs(METRIC)


def _codes(gdf, column):
    if column is not None:
        return list(gdf[column].tolist())
    if "code" in gdf.columns:
        return list(gdf["code"].tolist())
    return list(gdf.index.tolist())


def _problem(kind, codes, area, detail):
    return {"kind": kind, "codes": list(codes), "area_m2": float(area), "detail": detail}


def _usable(geoms):
    """Geometries safe for overlay: invalid ones repaired, None/empty flagged."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms.copy()
    bad = present & ~shapely.is_valid(geoms)
    geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms, present


def _validity_problems(geoms, codes, who):
    problems = []
    for i in np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms)):
        problems.append(_problem("empty", [codes[i]], 0.0, f"{who} geometry is missing or empty"))
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    for i in np.flatnonzero(present & ~shapely.is_valid(geoms)):
        reason = shapely.is_valid_reason(geoms[i])
        problems.append(_problem("invalid", [codes[i]], 0.0, f"{who} geometry invalid: {reason}"))
    return problems


def _duplicate_problems(codes, who):
    values, counts = np.unique(np.asarray([str(c) for c in codes]), return_counts=True)
    first = {}
    for c in codes:
        first.setdefault(str(c), c)
    return [_problem("duplicate_code", [first[v]], 0.0, f"{who} code {v!r} appears {n} times")
            for v, n in zip(values, counts) if n > 1]


def _overlap_problems(geoms, present, codes, tolerance):
    idx = np.flatnonzero(present)
    tree = shapely.STRtree(geoms[idx])
    a, b = tree.query(geoms[idx], predicate="intersects")
    keep = a < b
    a, b = idx[a[keep]], idx[b[keep]]
    meet = shapely.relate_pattern(geoms[a], geoms[b], _INTERIORS_MEET)
    a, b = a[meet], b[meet]
    area = shapely.area(shapely.intersection(geoms[a], geoms[b]))
    return [_problem("overlap", [codes[i], codes[j]], s, "children overlap")
            for i, j, s in zip(a, b, area) if s > tolerance]


def _containment_problems(child, present, codes, parent_idx, parents, parent_codes, tolerance):
    """Children outside their declared parent, or reaching into another parent."""
    problems = []
    known = present & (parent_idx >= 0)
    for i in np.flatnonzero(present & (parent_idx < 0)):
        problems.append(_problem("outside_parent", [codes[i]], shapely.area(child[i]),
                                 "declared parent not found"))
    k = np.flatnonzero(known)
    outside = shapely.area(shapely.difference(child[k], parents[parent_idx[k]]))
    for i, s in zip(k, outside):
        if s > tolerance:
            problems.append(_problem("outside_parent", [codes[i], parent_codes[parent_idx[i]]], s,
                                     "child extends beyond its declared parent"))
    c, p = shapely.STRtree(parents).query(child[k], predicate="intersects")
    c = k[c]
    other = p != parent_idx[c]
    c, p = c[other], p[other]
    area = shapely.area(shapely.intersection(child[c], parents[p]))
    for i, j, s in zip(c, p, area):
        if s > tolerance:
            problems.append(_problem(
                "across_parent", [codes[i], parent_codes[j]], s,
                f"child declared in {parent_codes[parent_idx[i]]!r} also covers this parent"))
    return problems


def _gap_problems(child, present, parent_idx, parents, parent_codes, tolerance):
    problems = []
    for p in range(len(parents)):
        if shapely.is_missing(parents[p]) or shapely.is_empty(parents[p]):
            continue
        mine = child[present & (parent_idx == p)]
        covered = shapely.union_all(mine) if len(mine) else shapely.Polygon()
        gap = shapely.area(shapely.difference(parents[p], covered))
        if gap > tolerance:
            problems.append(_problem("gap", [parent_codes[p]], gap,
                                     f"parent not covered by its {len(mine)} children"))
    return problems


def check_partition(children_gdf, parent_gdf, parent_key, child_parent_key, tolerance_m2=1.0,
                    child_code=None):
    """List the ways in which children fail to partition their parents exactly.

    Parameters
    ----------
    children_gdf : geopandas.GeoDataFrame
        Child polygons (any CRS; geographic data is reprojected to the metric CRS).
    parent_gdf : geopandas.GeoDataFrame
        Parent polygons.
    parent_key : str
        Column of ``parent_gdf`` identifying each parent (also used as its code).
    child_parent_key : str
        Column of ``children_gdf`` naming each child's declared parent.
    tolerance_m2 : float, optional
        Overlaps, gaps and outside areas up to this many square metres are ignored.
    child_code : str, optional
        Column identifying children in reports; defaults to ``code`` if present, else the
        index.

    Returns
    -------
    list of dict
        Problems ``{"kind", "codes", "area_m2", "detail"}`` where kind is one of
        ``overlap``, ``gap``, ``outside_parent``, ``across_parent``, ``invalid``,
        ``duplicate_code`` or ``empty``. An empty list means an exact partition.
    """
    children, parents_df = _metric(children_gdf), _metric(parent_gdf)
    codes = _codes(children, child_code)
    parent_codes = list(parents_df[parent_key].tolist())
    raw_child = np.asarray(children.geometry.values, dtype=object)
    raw_parent = np.asarray(parents_df.geometry.values, dtype=object)
    problems = _validity_problems(raw_child, codes, "child")
    problems += _validity_problems(raw_parent, parent_codes, "parent")
    problems += _duplicate_problems(codes, "child")
    problems += _duplicate_problems(parent_codes, "parent")
    child, present = _usable(raw_child)
    parents, parent_present = _usable(raw_parent)
    parents[~parent_present] = shapely.Polygon()
    lookup = {str(c): i for i, c in enumerate(parent_codes)}
    parent_idx = np.array([lookup.get(str(v), -1) for v in children[child_parent_key]], dtype=int)
    problems += _overlap_problems(child, present, codes, tolerance_m2)
    problems += _containment_problems(child, present, codes, parent_idx, parents, parent_codes,
                                      tolerance_m2)
    problems += _gap_problems(child, present, parent_idx, parents, parent_codes, tolerance_m2)
    return problems
