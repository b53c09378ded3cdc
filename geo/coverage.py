"""Where points fall among polygons, and the holes and strays a polygon layer leaves."""

import numpy as np
import shapely


def locate_points(points, polygons):
    """Find, for each point, the polygon that covers it.

    Parameters
    ----------
    points : numpy.ndarray
        Shapely points (missing values allowed).
    polygons : numpy.ndarray
        Polygons in the same CRS, normally a partition.

    Returns
    -------
    numpy.ndarray
        Index into ``polygons`` per point, or -1 where no polygon covers it. A point on an
        edge shared by two polygons goes to the one listed first, so the answer is stable.
    """
    points = np.asarray(points, dtype=object)
    result = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(polygons) == 0:
        return result
    tree = shapely.STRtree(np.asarray(polygons, dtype=object))
    point_i, poly_i = tree.query(points, predicate="intersects")
    order = np.lexsort((poly_i, point_i))
    point_i, poly_i = point_i[order], poly_i[order]
    first = np.r_[True, point_i[1:] != point_i[:-1]] if len(point_i) else np.array([], bool)
    result[point_i[first]] = poly_i[first]
    return result


def interior_gaps(polygons, tolerance=1.0):
    """Holes that a polygon layer leaves inside its own union.

    Parameters
    ----------
    polygons : numpy.ndarray
        Polygons in a metric CRS.
    tolerance : float, optional
        Holes of this area or less (square units of the CRS) are ignored.

    Returns
    -------
    list of shapely.Polygon
        Each hole not covered by the layer, largest first.
    """
    present = [g for g in polygons if g is not None and not shapely.is_empty(g)]
    if not present:
        return []
    union = shapely.union_all(shapely.make_valid(np.asarray(present, dtype=object)))
    holes = []
    for part in shapely.get_parts(union):
        if part.geom_type != "Polygon":
            continue
        for ring in part.interiors:
            hole = shapely.difference(shapely.Polygon(ring), union)
            if hole.area > tolerance:
                holes.append(hole)
    return sorted(holes, key=lambda h: -h.area)


def detached_members(polygons, groups):
    """Members of a group that do not touch the group's largest connected piece.

    Parameters
    ----------
    polygons : numpy.ndarray
        Polygons (any CRS).
    groups : array_like
        A group label per polygon (for example the community code of each grid).

    Returns
    -------
    numpy.ndarray
        Indices of the polygons that lie apart from the rest of their group.
    """
    polygons = np.asarray(polygons, dtype=object)
    groups = np.asarray(groups)
    stray = []
    for label in np.unique(groups):
        members = np.flatnonzero(groups == label)
        if len(members) < 2:
            continue
        # A tiny buffer joins pieces that share an edge only up to floating-point noise.
        parts = shapely.get_parts(shapely.union_all(shapely.buffer(
            shapely.make_valid(polygons[members]), 1e-9)))
        if len(parts) < 2:
            continue
        main = parts[np.argmax(shapely.area(parts))]
        inside = shapely.intersects(main, shapely.point_on_surface(polygons[members]))
        stray.extend(members[~inside].tolist())
    return np.asarray(sorted(stray), dtype=np.int64)
