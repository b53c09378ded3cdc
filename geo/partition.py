"""Nested partition of a district outline into streets, communities and basic grids."""

import geopandas as gpd
import numpy as np
import shapely

from geo.allocate import allocate_counts
from geo.crs import WGS84, to_metric, to_wgs84
from geo.density import density_mass, density_surface, sample_points
from geo.topology import (
    GRID_SIZE,
    OVERSHOOT,
    dissolve,
    locate_faces,
    polygonize_lines,
    repair_fragments,
)
from geo.voronoi import (
    balance_power_weights,
    lloyd_relax,
    power_cells,
    power_labels,
    pull_inside,
    snap_into,
    voronoi_edges,
)

STREET_NAMES = [
    ("西于庄", "Xiyuzhuang"),
    ("双环邨", "Shuanghuancun"),
    ("咸阳北路", "Xianyang North Road"),
    ("丁字沽", "Dingzigu"),
    ("西沽", "Xigu"),
    ("三条石", "Santiaoshi"),
    ("邵公庄", "Shaogongzhuang"),
    ("芥园", "Jieyuan"),
    ("铃铛阁", "Lingdangge"),
    ("和苑", "Heyuan"),
]
# Approximate street positions as fractions of the outline's bounding box
# (x: west 0 -> east 1, y: south 0 -> north 1), in STREET_NAMES order.
STREET_ANCHORS = [
    (0.62, 0.38), (0.50, 0.55), (0.38, 0.45), (0.55, 0.78), (0.80, 0.72),
    (0.82, 0.45), (0.25, 0.30), (0.45, 0.20), (0.75, 0.18), (0.10, 0.75),
]
DEFAULT_COUNTS = (10, 123, 992)

_ANCHOR_INSET_M = 150.0
# Streets get only a gentle, capped pull towards their density centroid so they stay near
# their anchors; communities and grids get full Lloyd relaxation into compact blocks.
_STREET_LLOYD_ITERATIONS = 3
_STREET_LLOYD_STEP = 0.4
_STREET_MAX_SHIFT_FRACTION = 0.06
_STREET_SAMPLES = 400
# Exponent of the move (in log space) from the plain Voronoi mass split towards an even
# split: even masses make denser streets smaller. The power weights' reach cap (see
# balance_power_weights) is what keeps the streets near their anchors.
_STREET_BALANCE = 1.0
_LLOYD_ITERATIONS = 12
_SAMPLES_PER_CELL = 60
_MIN_CHILDREN = (2, 1)

__all__ = ["DEFAULT_COUNTS", "STREET_ANCHORS", "STREET_NAMES", "allocate_counts",
           "partition_district", "street_anchor_points"]


def street_anchor_points(outline_metric, anchors=STREET_ANCHORS):
    """Metric positions of the street anchors, snapped into the outline where needed.

    Parameters
    ----------
    outline_metric : shapely.Geometry
        District outline in the metric CRS.
    anchors : sequence of (float, float), optional
        Bounding-box fractions (x west to east, y south to north).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` metric x, y; anchors outside the outline move to the nearest point
        150 m inside it.
    """
    minx, miny, maxx, maxy = outline_metric.bounds
    return np.array([snap_into((minx + fx * (maxx - minx), miny + fy * (maxy - miny)),
                               outline_metric, _ANCHOR_INSET_M) for fx, fy in anchors])


def _street_seeds(outline, density, rng, anchors):
    minx, miny, maxx, maxy = outline.bounds
    start = street_anchor_points(outline, anchors)
    samples = sample_points(outline, _STREET_SAMPLES * len(anchors), density, rng)
    cap = _STREET_MAX_SHIFT_FRACTION * np.hypot(maxx - minx, maxy - miny)
    seeds = lloyd_relax(start, samples, _STREET_LLOYD_ITERATIONS, _STREET_LLOYD_STEP, cap)
    seeds = pull_inside(seeds, outline, samples)
    k = len(seeds)
    share = np.maximum(np.bincount(power_labels(samples, seeds), minlength=k), 1) / len(samples)
    target = share ** (1.0 - _STREET_BALANCE) * (1.0 / k) ** _STREET_BALANCE
    return seeds, balance_power_weights(seeds, samples, target / target.sum())


def _cell_seeds(parent, n, density, rng):
    samples = sample_points(parent, max(n, 1) * _SAMPLES_PER_CELL, density, rng)
    if n == 1:
        return samples[:1]
    init = samples[rng.choice(len(samples), n, replace=False)]
    seeds = lloyd_relax(init, samples, _LLOYD_ITERATIONS)
    return pull_inside(seeds, parent, samples)


def _cut_lines(parent, seeds, weights):
    if weights is None:
        edges = np.array([voronoi_edges(seeds, parent)])
    else:
        edges = shapely.boundary(power_cells(seeds, weights, parent))
    return shapely.get_parts(shapely.intersection(edges, shapely.buffer(parent, OVERSHOOT)))


def _refine(faces, labels, parents, sites):
    """Split every parent by the (power) Voronoi diagram of its sites, on one shared noding.

    ``sites`` holds ``(seeds, weights)`` per parent (``weights`` None for plain Voronoi).
    ``labels`` holds one column per level so far (the last is the parent level); the
    result has one more column, numbering children globally in parent order.
    """
    parent_of = labels[:, -1] if labels.shape[1] else np.zeros(len(faces), int)
    cuts = [_cut_lines(parent, seeds, weights)
            for parent, (seeds, weights) in zip(parents, sites) if len(seeds) >= 2]
    lines = np.concatenate([shapely.get_parts(shapely.boundary(faces)), *cuts])
    new_faces = polygonize_lines(lines, GRID_SIZE)
    where = locate_faces(new_faces, faces)
    new_faces, where = new_faces[where >= 0], where[where >= 0]
    parent = parent_of[where]
    rep = shapely.get_coordinates(shapely.point_on_surface(new_faces))
    offsets = np.concatenate([[0], np.cumsum([len(seeds) for seeds, _ in sites])])
    child = np.zeros(len(new_faces), int)
    for p, (seeds, weights) in enumerate(sites):
        mine = parent == p
        # A face lies in the cell that holds its interior point.
        child[mine] = offsets[p] + power_labels(rep[mine], seeds, weights)
    child = repair_fragments(new_faces, child, parent)
    return new_faces, np.column_stack([labels[where], child])


def _reading_order(children, child_parent, parents):
    """Permutation numbering children north-to-south in bands, west-to-east within a band."""
    c = shapely.get_coordinates(shapely.centroid(children))
    n_per = np.bincount(child_parent, minlength=len(parents))
    top = shapely.bounds(parents)[:, 3]
    band_h = np.sqrt(shapely.area(parents) / np.maximum(n_per, 1))
    band = np.floor((top[child_parent] - c[:, 1]) / band_h[child_parent])
    return np.lexsort((c[:, 0], band, child_parent))


def _seq(parent_of_child):
    """1-based position of each child within its parent (children sorted by parent)."""
    first = np.searchsorted(parent_of_child, parent_of_child, side="left")
    return np.arange(len(parent_of_child)) - first + 1


def _split_level(faces, labels, parents, counts, density, rng):
    """Add one level of children; returns faces, labels (children renumbered) and children."""
    sites = [(_cell_seeds(parent, int(n), density, rng), None)
             for parent, n in zip(parents, counts)]
    faces, labels = _refine(faces, labels, parents, sites)
    child_parent = np.repeat(np.arange(len(parents)), counts)
    children = dissolve(faces, labels[:, -1], int(np.sum(counts)))
    order = _reading_order(children, child_parent, parents)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels[:, -1] = rank[labels[:, -1]]
    return faces, labels, children[order]


def _validate_levels(levels):
    # Fail loudly: a silently broken partition would corrupt every downstream table.
    for name, geoms in levels.items():
        bad = np.flatnonzero(~shapely.is_valid(geoms))
        if len(bad):
            reason = shapely.is_valid_reason(geoms[bad[0]])
            raise RuntimeError(f"partition produced an invalid {name} geometry: {reason}")
        if (shapely.get_num_geometries(geoms) != 1).any():
            raise RuntimeError(f"partition produced an empty or multi-part {name} geometry")


def _as_rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _first_of(child_of_face, parent_of_face, n):
    """Parent label of each child, read off the faces."""
    out = np.zeros(n, int)
    out[child_of_face] = parent_of_face
    return out


def _frame(columns, geoms):
    # Always MultiPolygon so the database column can be typed MULTIPOLYGON.
    multi = shapely.multipolygons(geoms, indices=np.arange(len(geoms)))
    return gpd.GeoDataFrame(columns, geometry=multi, crs=WGS84)


def _frames(faces, labels, counts, density):
    """Dissolve the final faces into the three levels and build the output frames."""
    s_face, c_face, g_face = labels.T
    n_s, n_c, n_g = counts
    levels = {"street": dissolve(faces, s_face, n_s), "community": dissolve(faces, c_face, n_c),
              "grid": dissolve(faces, g_face, n_g)}
    _validate_levels(levels)
    comm_street = _first_of(c_face, s_face, n_c)
    grid_comm = _first_of(g_face, c_face, n_g)
    g_weight = density_mass(levels["grid"], density)
    c_weight = np.bincount(grid_comm, g_weight, minlength=n_c)
    s_weight = np.bincount(comm_street, c_weight, minlength=n_s)
    areas = {k: shapely.area(v) for k, v in levels.items()}
    # One transform call for all levels: identical metric vertices map to identical lon/lat.
    wgs = to_wgs84(np.concatenate(list(levels.values())))
    levels_wgs = {"street": wgs[:n_s], "community": wgs[n_s:n_s + n_c], "grid": wgs[n_s + n_c:]}
    _validate_levels(levels_wgs)
    streets = _frame({"street_idx": np.arange(n_s), "name_zh": [z for z, _ in STREET_NAMES[:n_s]],
                      "name_en": [e for _, e in STREET_NAMES[:n_s]], "seq": np.arange(1, n_s + 1),
                      "weight": s_weight, "area_m2": areas["street"]}, levels_wgs["street"])
    communities = _frame({"community_idx": np.arange(n_c), "street_idx": comm_street,
                          "seq": _seq(comm_street), "weight": c_weight,
                          "area_m2": areas["community"]}, levels_wgs["community"])
    grids = _frame({"grid_idx": np.arange(n_g), "community_idx": grid_comm,
                    "street_idx": comm_street[grid_comm], "seq": _seq(grid_comm),
                    "weight": g_weight, "area_m2": areas["grid"]}, levels_wgs["grid"])
    return streets, communities, grids


def _metric_outline(outline):
    outline_m = to_metric(outline)
    if not outline_m.is_valid or outline_m.area <= 0:
        raise ValueError(f"outline is not a valid area: {shapely.is_valid_reason(outline_m)}")
    if outline_m.geom_type == "MultiPolygon" and len(outline_m.geoms) == 1:
        outline_m = outline_m.geoms[0]
    return outline_m


def partition_district(outline, counts=DEFAULT_COUNTS, density=None, rng=None, *,
                       anchors=STREET_ANCHORS):
    """Partition a district into streets, communities and basic grids.

    Parameters
    ----------
    outline : shapely.Geometry
        District outline (Polygon or MultiPolygon) in WGS84 lon/lat.
    counts : tuple of int, optional
        ``(streets, communities, grids)``; streets must equal ``len(anchors)``.
    density : callable, optional
        ``density(x, y)`` in metric coordinates (people per km^2); built with
        :func:`geo.density.density_surface` from ``rng`` when omitted.
    rng : numpy.random.Generator or int, optional
        Source of randomness or seed; the same seed gives byte-identical output.
    anchors : sequence of (float, float), optional
        Street positions as bounding-box fractions, in street index order.

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        ``(streets, communities, grids)`` in EPSG:4326 with MultiPolygon geometry (one part
        each). Streets: ``street_idx, name_zh, name_en, seq, weight, area_m2``; communities:
        ``community_idx, street_idx, seq, weight, area_m2``; grids: ``grid_idx,
        community_idx, street_idx, seq, weight, area_m2``. ``seq`` is 1-based within the
        parent, ``weight`` the density mass (people) and parents' weights are the sums of
        their children's.
    """
    rng = _as_rng(rng)
    n_street, n_comm, n_grid = (int(c) for c in counts)
    if n_street != len(anchors):
        raise ValueError(f"{n_street} streets requested but {len(anchors)} anchors given")
    outline_m = _metric_outline(outline)
    if density is None:
        density = density_surface(outline_m, rng)
    sites = [_street_seeds(outline_m, density, rng, anchors)]
    faces, labels = _refine(np.array([outline_m], dtype=object), np.zeros((1, 0), int),
                            [outline_m], sites)
    streets = dissolve(faces, labels[:, 0], n_street)
    comm_counts = allocate_counts(n_comm, density_mass(streets, density), _MIN_CHILDREN[0])
    faces, labels, comms = _split_level(faces, labels, streets, comm_counts, density, rng)
    grid_counts = allocate_counts(n_grid, density_mass(comms, density), _MIN_CHILDREN[1])
    faces, labels, _ = _split_level(faces, labels, comms, grid_counts, density, rng)
    return _frames(faces, labels, (n_street, n_comm, n_grid), density)
