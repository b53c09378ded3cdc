"""Points inside many polygons at once, returned as WGS84 with the polygon each fell in."""
from __future__ import annotations

import numpy as np
from pyproj import Transformer

from geo.crs import METRIC, WGS84
from geo.density import sample_points


class Uniform:
    """A flat density with an exact bound, for uniform rejection sampling."""

    def __call__(self, x, y):
        return np.ones(np.shape(x))

    def upper_bound(self, bounds):
        return 1.0



def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metric (UTM 50N) coordinates to WGS84 lon/lat arrays."""
    transformer = Transformer.from_crs(METRIC, WGS84, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon), np.asarray(lat)


def points_in_polygons(polygons_metric, counts: np.ndarray, rng: np.random.Generator,
                       density=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``counts[i]`` points inside ``polygons_metric[i]``, uniform unless a density is given.

    Returns
    -------
    lon, lat, owner : ndarray
        WGS84 coordinates and the index of the polygon each point lies in.
    """
    density = density or Uniform()
    parts = [sample_points(poly, int(n), density, rng) for poly, n in zip(polygons_metric, counts)]
    xy = np.concatenate(parts) if parts else np.empty((0, 2))
    owner = np.repeat(np.arange(len(counts)), counts)
    lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
    return lon, lat, owner
