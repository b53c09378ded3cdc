"""Seeded patrol routes: a person walking a street-like lattice inside a grid polygon."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import shapely

from geo.crs import to_wgs84

WALK_SPEED_MPS = 1.2
LATTICE_SPACING_M = 40.0
MIN_SPACING_M = 5.0
# Grid workers stop at doors (households, shops, hazards); a stop lasts half a minute to
# a few minutes.
DWELL_PROBABILITY = 0.15
DWELL_SECONDS = (30.0, 240.0)
# Streets run straight more often than they turn.
STRAIGHT_PROBABILITY = 0.6


def _orientation(polygon):
    """Angle (radians) of the longer side of the polygon's minimum rotated rectangle."""
    ring = np.asarray(shapely.minimum_rotated_rectangle(polygon).exterior.coords)
    if len(ring) < 3:
        return 0.0
    sides = np.diff(ring[:3], axis=0)
    longer = sides[np.argmax(np.hypot(sides[:, 0], sides[:, 1]))]
    return float(np.arctan2(longer[1], longer[0]))


def _lattice_at(polygon, spacing, angle, offset):
    """Nodes and 4-neighbour edges of a rotated square lattice clipped to the polygon."""
    c = np.asarray(polygon.centroid.coords[0])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    local = (np.asarray(polygon.exterior.coords) - c) @ rot
    lo, hi = local.min(axis=0) + offset * spacing, local.max(axis=0)
    ii, jj = np.meshgrid(np.arange(0, max(hi[0] - lo[0], 0) // spacing + 1),
                         np.arange(0, max(hi[1] - lo[1], 0) // spacing + 1), indexing="ij")
    grid_local = np.column_stack([lo[0] + ii.ravel() * spacing, lo[1] + jj.ravel() * spacing])
    xy = grid_local @ rot.T + c
    inside = shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])
    index = -np.ones(ii.shape, int)
    index.flat[np.flatnonzero(inside)] = np.arange(inside.sum())
    edges = []
    for di, dj in ((1, 0), (0, 1)):
        a, b = index[: index.shape[0] - di, : index.shape[1] - dj], index[di:, dj:]
        pairs = np.column_stack([a.ravel(), b.ravel()])
        pairs = pairs[(pairs >= 0).all(axis=1)]
        mid = (xy[inside][pairs[:, 0]] + xy[inside][pairs[:, 1]]) / 2 if len(pairs) else xy[:0]
        keep = shapely.contains_xy(polygon, mid[:, 0], mid[:, 1]) if len(pairs) else []
        edges.append(pairs[keep] if len(pairs) else pairs)
    return xy[inside], np.concatenate(edges) if edges else np.zeros((0, 2), int)


def _largest_component(nodes, edges):
    """Keep the connected part with most nodes, so every node is reachable on foot."""
    label = np.arange(len(nodes))

    def find(i):
        while label[i] != i:
            label[i] = label[label[i]]
            i = label[i]
        return i

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            label[ra] = rb
    roots = np.array([find(i) for i in range(len(nodes))])
    keep = roots == np.bincount(roots).argmax()
    renumber = -np.ones(len(nodes), int)
    renumber[keep] = np.arange(keep.sum())
    edges = renumber[edges] if len(edges) else edges
    return nodes[keep], edges[(edges >= 0).all(axis=1)] if len(edges) else edges


def street_lattice(polygon_metric, rng, spacing_m=LATTICE_SPACING_M):
    """A street-like lattice inside a polygon: nodes and who neighbours whom.

    The lattice is aligned with the polygon's long axis, offset at random, and made finer
    until at least four nodes fit (small or thin grids).

    Parameters
    ----------
    polygon_metric : shapely Polygon or MultiPolygon
        In a metric CRS (metres). For a MultiPolygon the largest part is used.
    rng : numpy.random.Generator
    spacing_m : float
        Distance between parallel streets.

    Returns
    -------
    nodes : numpy.ndarray, shape (n, 2)
    neighbours : list of list of int
    """
    polygon = polygon_metric
    if polygon.geom_type == "MultiPolygon":
        polygon = max(polygon.geoms, key=lambda p: p.area)
    angle, offset = _orientation(polygon), rng.uniform(0.1, 0.9, 2)
    spacing = spacing_m
    while True:
        nodes, edges = _lattice_at(polygon, spacing, angle, offset)
        if len(nodes) >= 4 or spacing / 2 < MIN_SPACING_M:
            break
        spacing /= 2
    if len(nodes) == 0:
        nodes, edges = np.asarray(polygon.representative_point().coords), np.zeros((0, 2), int)
    nodes, edges = _largest_component(nodes, edges)
    neighbours = [[] for _ in range(len(nodes))]
    for a, b in edges:
        neighbours[a].append(int(b))
        neighbours[b].append(int(a))
    return nodes, neighbours


class LatticeWalker:
    """One person walking a lattice: node to node, stopping at doors now and then.

    Parameters
    ----------
    polygon_metric : shapely Polygon or MultiPolygon
        The beat, in metres.
    rng : numpy.random.Generator
        Drives every choice (start node, turns, stops, pace); same seed, same walk.
    speed_mps, spacing_m, dwell_probability : float
        Walking pace, street spacing, chance of stopping at each node.
    """

    def __init__(self, polygon_metric, rng, speed_mps=WALK_SPEED_MPS,
                 spacing_m=LATTICE_SPACING_M, dwell_probability=DWELL_PROBABILITY):
        self.rng, self.speed, self.dwell_probability = rng, speed_mps, dwell_probability
        self.nodes, self.neighbours = street_lattice(polygon_metric, rng, spacing_m)
        self.prev = self.here = int(rng.integers(len(self.nodes)))
        self.next, self.travelled, self.dwell, self.pace = self.here, 0.0, 0.0, speed_mps

    @property
    def position(self):
        """Current (x, y) in metres."""
        a, b = self.nodes[self.here], self.nodes[self.next]
        length = float(np.hypot(*(b - a)))
        f = 0.0 if length == 0 else min(self.travelled / length, 1.0)
        x, y = a + (b - a) * f
        return float(x), float(y)

    def _choose_next(self):
        options = self.neighbours[self.here]
        if not options:
            return self.here
        forward = [n for n in options if n != self.prev] or options
        ahead = self.nodes[self.here] + (self.nodes[self.here] - self.nodes[self.prev])
        straight = [n for n in forward if np.allclose(self.nodes[n], ahead, atol=1e-6)]
        if straight and self.rng.random() < STRAIGHT_PROBABILITY:
            return straight[0]
        return int(forward[self.rng.integers(len(forward))])

    def _arrive(self):
        self.prev, self.here, self.travelled = self.here, self.next, 0.0
        if self.rng.random() < self.dwell_probability:
            self.dwell = float(self.rng.uniform(*DWELL_SECONDS))
        self.next = self._choose_next()
        self.pace = self.speed * float(self.rng.uniform(0.8, 1.2))

    def advance(self, dt):
        """Walk for ``dt`` seconds and return the new (x, y)."""
        remaining = float(dt)
        while remaining > 0:
            if self.dwell > 0:
                used = min(self.dwell, remaining)
                self.dwell -= used
                remaining -= used
                continue
            length = float(np.hypot(*(self.nodes[self.next] - self.nodes[self.here])))
            if length == 0:
                self._arrive()
                if self.next == self.here:
                    break  # a one-node lattice: stand still
                continue
            need = (length - self.travelled) / self.pace
            if need > remaining:
                self.travelled += remaining * self.pace
                break
            remaining -= need
            self._arrive()
        return self.position


def lattice_walk(polygon_metric, start_time, end_time, interval_s, rng, speed_mps=WALK_SPEED_MPS,
                 spacing_m=LATTICE_SPACING_M, dwell_probability=DWELL_PROBABILITY):
    """A whole patrol sampled every ``interval_s`` seconds.

    Parameters
    ----------
    polygon_metric : shapely Polygon or MultiPolygon
        The beat in a metric CRS (e.g. ``geo.crs.METRIC``).
    start_time, end_time : float or datetime
        Epoch seconds (or aware datetimes) bounding the patrol; end excluded.
    interval_s : float
        Seconds between samples.
    rng : numpy.random.Generator
    speed_mps, spacing_m, dwell_probability : float
        See :class:`LatticeWalker`.

    Returns
    -------
    x, y, t : numpy.ndarray
        Metric coordinates and epoch seconds of each sample.
    """
    t0 = start_time.timestamp() if isinstance(start_time, datetime) else float(start_time)
    t1 = end_time.timestamp() if isinstance(end_time, datetime) else float(end_time)
    t = np.arange(t0, t1, float(interval_s))
    walker = LatticeWalker(polygon_metric, rng, speed_mps, spacing_m, dwell_probability)
    xy = np.empty((t.size, 2))
    if t.size:
        xy[0] = walker.position
    for i in range(1, t.size):
        xy[i] = walker.advance(t[i] - t[i - 1])
    return xy[:, 0], xy[:, 1], t


def to_lonlat(x, y):
    """Metric (UTM 50N) coordinates to WGS84 lon/lat arrays.

    Parameters
    ----------
    x, y : array_like
        Metres in ``geo.crs.METRIC``.

    Returns
    -------
    lon, lat : numpy.ndarray
    """
    coords = shapely.get_coordinates(to_wgs84(shapely.points(np.asarray(x, float),
                                                             np.asarray(y, float))))
    return coords[:, 0], coords[:, 1]
