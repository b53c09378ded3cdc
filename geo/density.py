"""Synthetic population-density surface and density-proportional point sampling."""

from dataclasses import dataclass

import numpy as np
import shapely

# Background in people per km^2: the old city (south-east) is roughly three times as
# dense as the newer north-west, which matches Hongqiao's built form.
_BACKGROUND = 14000.0
_GRADIENT = 0.6
_BUMP_AMPLITUDE = (8000.0, 22000.0)
_BUMP_SIGMA_M = (250.0, 550.0)
_BUMP_COUNT = (6, 10)
_MAX_SAMPLING_ROUNDS = 10000


@dataclass(frozen=True, eq=False)
class DensitySurface:
    """Population density (people per km^2) as a function of metric x, y.

    Background ``base * exp(gradient * u)`` where ``u`` runs from -1 (north-west corner of
    the frame) to +1 (south-east corner), plus isotropic Gaussian bumps.
    """

    origin: tuple
    half_diagonal: float
    base: float
    gradient: float
    centers: np.ndarray
    sigmas: np.ndarray
    amplitudes: np.ndarray

    def _u(self, x, y):
        # South-east is +x, -y; projecting on that unit vector and scaling by the frame's
        # half diagonal keeps u within [-1, 1] over the outline's bounding box.
        dx = np.asarray(x, float) - self.origin[0]
        dy = np.asarray(y, float) - self.origin[1]
        return (dx - dy) / (np.sqrt(2.0) * self.half_diagonal)

    def __call__(self, x, y):
        """Evaluate the density at arrays of metric coordinates.

        Parameters
        ----------
        x, y : array_like
            Metric (UTM 50N) coordinates, broadcastable.

        Returns
        -------
        numpy.ndarray
            Density in people per km^2, strictly positive.
        """
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        value = self.base * np.exp(self.gradient * self._u(x, y))
        for (cx, cy), sigma, amp in zip(self.centers, self.sigmas, self.amplitudes):
            value = value + amp * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2.0 * sigma**2))
        return value

    def upper_bound(self, bounds):
        """Return an upper bound of the density over a bounding box.

        Parameters
        ----------
        bounds : tuple
            ``(minx, miny, maxx, maxy)`` in metric coordinates.

        Returns
        -------
        float
            A value no smaller than the density anywhere in the box.
        """
        minx, miny, maxx, maxy = bounds
        # exp(gradient*u) is monotone in u and u is linear, so a corner holds the maximum.
        cx = np.array([minx, maxx, minx, maxx])
        cy = np.array([miny, miny, maxy, maxy])
        bound = float(np.max(self.base * np.exp(self.gradient * self._u(cx, cy))))
        if len(self.centers):
            nx = np.clip(self.centers[:, 0], minx, maxx)
            ny = np.clip(self.centers[:, 1], miny, maxy)
            d2 = (nx - self.centers[:, 0]) ** 2 + (ny - self.centers[:, 1]) ** 2
            bound += float(np.sum(self.amplitudes * np.exp(-d2 / (2.0 * self.sigmas**2))))
        return bound


def _as_rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def density_surface(outline_metric, rng):
    """Build a synthetic density surface for a district outline.

    Parameters
    ----------
    outline_metric : shapely.Geometry
        District outline in the metric CRS.
    rng : numpy.random.Generator or int
        Source of randomness (or a seed) for the residential bumps.

    Returns
    -------
    DensitySurface
        Callable ``density(x, y)`` in people per km^2.
    """
    rng = _as_rng(rng)
    minx, miny, maxx, maxy = outline_metric.bounds
    origin = ((minx + maxx) / 2.0, (miny + maxy) / 2.0)
    half_diagonal = float(np.hypot(maxx - minx, maxy - miny) / 2.0)
    k = int(rng.integers(_BUMP_COUNT[0], _BUMP_COUNT[1] + 1))
    # Bumps mark residential blocks, so they are spread uniformly over the district itself.
    flat = _Flat()
    centers = sample_points(outline_metric, k, flat, rng)
    sigmas = rng.uniform(*_BUMP_SIGMA_M, size=k)
    amplitudes = rng.uniform(*_BUMP_AMPLITUDE, size=k)
    for array in (centers, sigmas, amplitudes):
        array.setflags(write=False)
    return DensitySurface(origin, half_diagonal, _BACKGROUND, _GRADIENT, centers, sigmas,
                          amplitudes)


class _Flat:
    """Uniform density, for plain uniform sampling through :func:`sample_points`."""

    def __call__(self, x, y):
        """Return ones shaped like the broadcast of ``x`` and ``y``."""
        return np.ones(np.broadcast(np.asarray(x), np.asarray(y)).shape)

    def upper_bound(self, bounds):
        """Return 1, the exact maximum."""
        return 1.0


def _upper_bound(density, bounds):
    if hasattr(density, "upper_bound"):
        return float(density.upper_bound(bounds))
    # A plain callable has no analytic bound: estimate from a lattice and add head-room.
    minx, miny, maxx, maxy = bounds
    gx, gy = np.meshgrid(np.linspace(minx, maxx, 64), np.linspace(miny, maxy, 64))
    return 1.5 * float(np.max(density(gx.ravel(), gy.ravel())))


def sample_points(polygon, n, density, rng):
    """Sample points inside a polygon with probability proportional to density.

    Parameters
    ----------
    polygon : shapely.Geometry
        Polygonal area in the metric CRS.
    n : int
        Number of points.
    density : callable
        ``density(x, y) -> array``; objects with ``upper_bound(bounds)`` get exact rejection
        sampling, other callables a lattice estimate of the bound.
    rng : numpy.random.Generator or int
        Source of randomness (or a seed).

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, 2)`` with metric x, y.
    """
    rng = _as_rng(rng)
    if n <= 0:
        return np.empty((0, 2))
    if polygon.is_empty or polygon.area <= 0:
        raise ValueError("cannot sample points in an empty polygon")
    shapely.prepare(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    bound = _upper_bound(density, polygon.bounds)
    fill = polygon.area / ((maxx - minx) * (maxy - miny))
    chunks, have = [], 0
    for _ in range(_MAX_SAMPLING_ROUNDS):
        batch = int(min(max(2 * (n - have) / fill, 256), 2_000_000))
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        u = rng.uniform(0.0, bound, batch)
        keep = shapely.contains_xy(polygon, x, y)
        keep[keep] = u[keep] < density(x[keep], y[keep])
        chunks.append(np.column_stack([x[keep], y[keep]]))
        have += int(keep.sum())
        if have >= n:
            return np.concatenate(chunks)[:n]
    raise RuntimeError("rejection sampling did not converge; is the density bound sensible?")


def density_mass(polygons, density, spacing=10.0):
    """Integrate the density over polygons (midpoint rule on a square lattice).

    Parameters
    ----------
    polygons : array_like of shapely geometries
        Polygons in the metric CRS.
    density : callable
        ``density(x, y)`` in people per km^2.
    spacing : float, optional
        Lattice spacing in metres.

    Returns
    -------
    numpy.ndarray
        Mass per polygon (people): area in km^2 times the mean lattice density inside it;
        polygons too small to hold a lattice point use the density at an interior point.
    """
    polygons = np.asarray(polygons, dtype=object)
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    # One lattice shared by all polygons, so neighbours never double-count a point.
    xs = np.arange(minx + spacing / 2, maxx, spacing)
    ys = np.arange(miny + spacing / 2, maxy, spacing)
    mean = np.zeros(len(polygons))
    for k, poly in enumerate(polygons):
        bx0, by0, bx1, by1 = poly.bounds
        gx, gy = np.meshgrid(xs[np.searchsorted(xs, bx0):np.searchsorted(xs, bx1, "right")],
                             ys[np.searchsorted(ys, by0):np.searchsorted(ys, by1, "right")])
        inside = shapely.contains_xy(poly, gx.ravel(), gy.ravel())
        if inside.any():
            mean[k] = np.mean(density(gx.ravel()[inside], gy.ravel()[inside]))
        else:
            rep = poly.representative_point()
            mean[k] = float(density(np.array([rep.x]), np.array([rep.y]))[0])
    return shapely.area(polygons) / 1e6 * mean
