"""Seed placement: density-weighted Lloyd relaxation, Voronoi edges and power diagrams."""

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.ops import nearest_points


def lloyd_relax(seeds, samples, iterations, step=1.0, max_shift=None):
    """Move seeds towards the centroids of their Voronoi cells (weighted Lloyd / k-means).

    The cells' weighted centroids are estimated from density-proportional samples, so the
    relaxation is a k-means on ``samples``; dense areas therefore attract more seeds.

    Parameters
    ----------
    seeds : numpy.ndarray
        ``(k, 2)`` initial seed positions.
    samples : numpy.ndarray
        ``(m, 2)`` points drawn with probability proportional to density inside the parent.
    iterations : int
        Number of relaxation steps.
    step : float, optional
        Fraction of the way to the centroid moved per step (1 = plain Lloyd).
    max_shift : float, optional
        Cap on the total distance a seed may move from its start (metres).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` relaxed seeds.
    """
    start = np.asarray(seeds, float)
    seeds = start.copy()
    k = len(seeds)
    if k < 2:
        return seeds
    for _ in range(iterations):
        _, label = cKDTree(seeds).query(samples)
        counts = np.bincount(label, minlength=k)
        sums = np.stack([np.bincount(label, samples[:, i], minlength=k) for i in (0, 1)], axis=1)
        # A seed that attracted no samples keeps its place instead of jumping to the origin.
        target = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], seeds)
        seeds = seeds + step * (target - seeds)
        if max_shift is not None:
            shift = seeds - start
            norm = np.hypot(shift[:, 0], shift[:, 1])
            scale = np.minimum(1.0, max_shift / np.maximum(norm, 1e-12))
            seeds = start + shift * scale[:, None]
    return seeds


def pull_inside(seeds, polygon, samples):
    """Replace seeds lying outside a polygon by the nearest sample point.

    Parameters
    ----------
    seeds : numpy.ndarray
        ``(k, 2)`` seed positions.
    polygon : shapely.Geometry
        The parent area; every returned seed lies in its interior.
    samples : numpy.ndarray
        ``(m, 2)`` points inside ``polygon`` to fall back on.

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` seeds, all inside ``polygon``.
    """
    seeds = np.array(seeds, float)
    outside = ~shapely.contains_xy(polygon, seeds[:, 0], seeds[:, 1])
    if outside.any():
        _, idx = cKDTree(samples).query(seeds[outside])
        seeds[outside] = samples[idx]
    return _dedupe(seeds, samples)


def _dedupe(seeds, samples):
    # Coincident seeds would give Voronoi cells with no area; replace later duplicates.
    _, first = np.unique(seeds, axis=0, return_index=True)
    if len(first) == len(seeds):
        return seeds
    dup = np.setdiff1d(np.arange(len(seeds)), first)
    free = samples[~(samples[:, None, :] == seeds[None, :, :]).all(-1).any(1)]
    seeds[dup] = free[: len(dup)]
    return seeds


def snap_into(point_xy, polygon, inset):
    """Return the point itself if it lies inside the polygon, else the nearest point at least
    ``inset`` metres inside it.

    Parameters
    ----------
    point_xy : tuple
        ``(x, y)`` in the polygon's CRS.
    polygon : shapely.Geometry
        Target area.
    inset : float
        Distance from the boundary for snapped points (shrunk if the polygon is too thin).

    Returns
    -------
    tuple
        ``(x, y)`` inside ``polygon``.
    """
    point = shapely.Point(point_xy)
    if polygon.contains(point):
        return float(point.x), float(point.y)
    inner = polygon.buffer(-inset)
    while inner.is_empty and inset > 1e-3:
        inset /= 2.0
        inner = polygon.buffer(-inset)
    target = polygon if inner.is_empty else inner
    snapped = nearest_points(target, point)[0]
    return float(snapped.x), float(snapped.y)


def voronoi_edges(seeds, frame):
    """Voronoi edges of the seeds, as lines reaching at least to the frame.

    Parameters
    ----------
    seeds : numpy.ndarray
        ``(k, 2)`` distinct seeds.
    frame : shapely.Geometry
        The diagram is extended to cover this geometry's envelope.

    Returns
    -------
    shapely.MultiLineString
        The edges (empty for fewer than two seeds).
    """
    if len(seeds) < 2:
        return shapely.MultiLineString()
    points = shapely.multipoints(np.asarray(seeds, float))
    minx, miny, maxx, maxy = frame.bounds
    pad = max(maxx - minx, maxy - miny)
    extent = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    return shapely.voronoi_polygons(points, extend_to=extent, only_edges=True)


def power_labels(points, seeds, weights=None):
    """Index of the power-diagram cell holding each point.

    Parameters
    ----------
    points : numpy.ndarray
        ``(m, 2)`` query points.
    seeds : numpy.ndarray
        ``(k, 2)`` sites.
    weights : numpy.ndarray, optional
        ``(k,)`` power weights in m^2 (a larger weight claims more ground); ``None`` gives
        the ordinary Voronoi diagram.

    Returns
    -------
    numpy.ndarray
        ``(m,)`` integer cell index per point.
    """
    points = np.asarray(points, float).reshape(-1, 2)
    if weights is None:
        return cKDTree(seeds).query(points)[1] if len(points) else np.zeros(0, int)
    d2 = ((points[:, None, :] - np.asarray(seeds)[None, :, :]) ** 2).sum(-1)
    return np.argmin(d2 - np.asarray(weights)[None, :], axis=1)


def power_cells(seeds, weights, frame):
    """Cells of the power diagram (weighted Voronoi diagram) of the seeds.

    Parameters
    ----------
    seeds : numpy.ndarray
        ``(k, 2)`` sites.
    weights : numpy.ndarray
        ``(k,)`` power weights in m^2.
    frame : shapely.Geometry
        The cells are clipped to a box well beyond this geometry's envelope.

    Returns
    -------
    numpy.ndarray
        ``k`` convex polygons (possibly empty).
    """
    seeds = np.asarray(seeds, float)
    weights = np.asarray(weights, float)
    minx, miny, maxx, maxy = frame.bounds
    pad = max(maxx - minx, maxy - miny)
    # Local coordinates keep the half-plane arithmetic well conditioned.
    origin = seeds.mean(axis=0)
    local = seeds - origin
    box = shapely.box(minx - pad - origin[0], miny - pad - origin[1],
                      maxx + pad - origin[0], maxy + pad - origin[1])
    reach = 10.0 * (pad + np.ptp(local, axis=0).max() + 1.0)
    cells = np.empty(len(seeds), dtype=object)
    for i in range(len(seeds)):
        halves = [_half_plane(local[i], local[j], weights[i], weights[j], reach)
                  for j in range(len(seeds)) if j != i]
        cells[i] = shapely.intersection_all([box, *halves])
    return shapely.transform(cells, lambda xy: xy + origin)


def _half_plane(si, sj, wi, wj, reach):
    """Polygon of points closer (in power distance) to site i than to site j."""
    normal = sj - si
    length = np.hypot(*normal)
    unit = normal / length
    tangent = np.array([-unit[1], unit[0]])
    # Boundary: p . normal = (|sj|^2 - |si|^2 - wj + wi) / 2.
    offset = (sj @ sj - si @ si - wj + wi) / (2.0 * length)
    base = unit * offset
    return shapely.Polygon([base + reach * tangent, base - reach * tangent,
                            base - reach * (tangent + unit), base + reach * (tangent - unit)])


def balance_power_weights(seeds, samples, target_share, iterations=120, rate=0.15, reach=0.35):
    """Power weights that bring each cell's share of the samples towards a target.

    Parameters
    ----------
    seeds : numpy.ndarray
        ``(k, 2)`` sites.
    samples : numpy.ndarray
        ``(m, 2)`` density-proportional points; a cell's share of them estimates its mass.
    target_share : numpy.ndarray
        ``(k,)`` desired shares, summing to 1.
    iterations : int, optional
        Number of update steps.
    rate : float, optional
        Step size (fraction of the estimated correction); larger values oscillate.
    reach : float, optional
        The boundary between two sites may move at most this fraction of their distance
        away from the midpoint, so every site stays well inside its own cell.

    Returns
    -------
    numpy.ndarray
        ``(k,)`` power weights in m^2.
    """
    k = len(seeds)
    span = np.ptp(samples, axis=0)
    # Growing a cell's area by a fraction f needs a weight change of about f * 2A/pi.
    scale = 2.0 * span[0] * span[1] / k / np.pi
    d2 = ((seeds[:, None, :] - seeds[None, :, :]) ** 2).sum(-1)
    # The i/j boundary sits (d^2 + wi - wj) / 2d from site i, so |wi - wj| <= 2 reach d^2.
    limit = 2.0 * reach * d2
    weights = np.zeros(k)
    for _ in range(iterations):
        share = np.bincount(power_labels(samples, seeds, weights), minlength=k) / len(samples)
        change = np.clip((target_share - share) / target_share, -0.5, 0.5)
        weights = _clamp_differences(weights + rate * scale * change, limit)
    return weights - weights.mean()


def _clamp_differences(weights, limit, sweeps=50):
    """Shrink pairwise weight differences to ``limit`` by symmetric pairwise projection."""
    weights = weights.copy()
    for _ in range(sweeps):
        diff = weights[:, None] - weights[None, :]
        excess = np.maximum(diff - limit, 0.0)
        if not excess.any():
            break
        # Each violating pair meets halfway; averaging over pairs keeps the update stable.
        weights -= (excess.sum(1) - excess.sum(0)) / (2.0 * len(weights))
    return weights
