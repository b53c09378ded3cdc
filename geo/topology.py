"""Exact planar arrangements: snap-rounded noding, face labelling, fragment repair, dissolve."""

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Snap-rounding precision (metres). Every face of every level comes from one noding on
# this grid, so neighbouring polygons share bit-identical edges. 1 micrometre moves the
# outline negligibly yet spans hundreds of lon/lat ULPs, so no vertex or edge can collapse
# or cross another when the result is reprojected to WGS84.
GRID_SIZE = 1e-6
# Child lines are clipped slightly beyond their parent so they cross its boundary and get
# noded onto it; the overshoot becomes a dangle, which polygonize discards.
OVERSHOOT = 0.05
_MAX_REPAIR_ROUNDS = 20


def polygonize_lines(lines, grid_size=GRID_SIZE):
    """Node lines with snap rounding and return the faces they bound.

    Parameters
    ----------
    lines : array_like of shapely geometries
        Linework (any lineal geometries).
    grid_size : float, optional
        Snap-rounding precision.

    Returns
    -------
    numpy.ndarray
        Polygons forming a valid coverage (shared edges are identical).
    """
    noded = shapely.unary_union(np.asarray(lines, dtype=object), grid_size=grid_size)
    return shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))


def locate_faces(faces, containers):
    """Find, for each face, the container polygon it lies in.

    Parameters
    ----------
    faces : numpy.ndarray
        Polygons to locate.
    containers : numpy.ndarray
        Polygons that the faces (nearly) nest in.

    Returns
    -------
    numpy.ndarray
        Index into ``containers`` per face, or -1 for faces outside all of them.
    """
    tree = shapely.STRtree(containers)
    rep = shapely.point_on_surface(faces)
    face_i, cont_i = tree.query(rep, predicate="within")
    hits = np.bincount(face_i, minlength=len(faces))
    result = np.full(len(faces), -1)
    single = hits[face_i] == 1
    result[face_i[single]] = cont_i[single]
    for f in np.flatnonzero(hits != 1):
        # Ambiguous only for specks along a container edge: decide by overlap area.
        cand = tree.query(faces[f], predicate="intersects")
        if len(cand):
            overlap = shapely.area(shapely.intersection(faces[f], containers[cand]))
            if overlap.max() >= 0.5 * faces[f].area:
                result[f] = cand[np.argmax(overlap)]
    return result


def face_adjacency(faces):
    """Pairs of faces sharing a boundary of positive length.

    Parameters
    ----------
    faces : numpy.ndarray
        Polygons of one noded coverage.

    Returns
    -------
    tuple of numpy.ndarray
        ``(i, j, length)`` with ``i < j``.
    """
    tree = shapely.STRtree(faces)
    i, j = tree.query(faces, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    bounds = shapely.boundary(faces)
    shared = shapely.length(shapely.intersection(bounds[i], bounds[j]))
    keep = shared > 0
    return i[keep], j[keep], shared[keep]


def _components(n, label, adj):
    i, j, _ = adj
    same = label[i] == label[j]
    graph = coo_matrix((np.ones(same.sum()), (i[same], j[same])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _stray_components(comp, label, area):
    """Boolean per component: True unless it is the largest component of its label."""
    n_comp = comp.max() + 1
    comp_area = np.bincount(comp, area, minlength=n_comp)
    comp_label = np.zeros(n_comp, int)
    comp_label[comp] = label
    order = np.lexsort((-comp_area, comp_label))
    first = np.ones(n_comp, bool)
    first[1:] = comp_label[order][1:] != comp_label[order][:-1]
    stray = np.ones(n_comp, bool)
    stray[order[first]] = False
    return stray


def repair_fragments(faces, label, parent, adj=None):
    """Make every label's faces connected by handing stray pieces to a sibling.

    Each disconnected piece of a label, other than its largest, joins the sibling (same
    ``parent``) with which it shares the longest boundary.

    Parameters
    ----------
    faces : numpy.ndarray
        Polygons of one noded coverage.
    label : numpy.ndarray
        Child label per face.
    parent : numpy.ndarray
        Parent label per face; pieces never move across parents.
    adj : tuple, optional
        Precomputed :func:`face_adjacency` result.

    Returns
    -------
    numpy.ndarray
        Repaired labels (a new array).
    """
    label = np.array(label)
    i, j, length = face_adjacency(faces) if adj is None else adj
    area = shapely.area(faces)
    for _ in range(_MAX_REPAIR_ROUNDS):
        comp = _components(len(faces), label, (i, j, length))
        stray = _stray_components(comp, label, area)
        if not stray.any():
            return label
        # Directed edge list so each stray face sees all its neighbours.
        a, b, w = np.r_[i, j], np.r_[j, i], np.r_[length, length]
        ok = stray[comp[a]] & (label[a] != label[b]) & (parent[a] == parent[b])
        # Prefer attaching to a sibling's main body so one round usually suffices.
        w = np.where(stray[comp[b]], w * 1e-9, w)
        a, b, w = a[ok], b[ok], w[ok]
        if len(a) == 0:
            return label
        key_comp, key_label = comp[a], label[b]
        pairs, inverse = np.unique(np.stack([key_comp, key_label], 1), axis=0, return_inverse=True)
        total = np.bincount(inverse.ravel(), w)
        best = np.lexsort((-total, pairs[:, 0]))
        first = np.ones(len(best), bool)
        first[1:] = pairs[best, 0][1:] != pairs[best, 0][:-1]
        target = dict(zip(pairs[best[first], 0], pairs[best[first], 1]))
        move = np.isin(comp, list(target))
        label[move] = [target[c] for c in comp[move]]
    return label


def dissolve(faces, label, n):
    """Union faces per label.

    Parameters
    ----------
    faces : numpy.ndarray
        Polygons of one noded coverage.
    label : numpy.ndarray
        Integer label per face in ``[0, n)``.
    n : int
        Number of labels.

    Returns
    -------
    numpy.ndarray
        ``n`` geometries; label ``k`` is the coverage union of its faces.
    """
    order = np.argsort(label, kind="stable")
    cuts = np.searchsorted(label[order], np.arange(n + 1))
    out = np.empty(n, dtype=object)
    for k in range(n):
        group = faces[order[cuts[k]:cuts[k + 1]]]
        if len(group) == 0:
            out[k] = shapely.Polygon()
        else:
            out[k] = group[0] if len(group) == 1 else shapely.coverage_union_all(group)
    return out
