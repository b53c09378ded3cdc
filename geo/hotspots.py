"""Hot spots: Getis-Ord Gi* on the basic grids, and how they changed since the last period."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

PERMUTATIONS = 0
SEED = 20191115
# Two-sided normal critical values of the Gi* z-score: 90, 95 and 99% confidence.
LEVELS = ((2.576, 99), (1.960, 95), (1.645, 90))


def queen_weights(grids):
    """Queen contiguity (a shared edge or corner) between polygons, as binary weights.

    Parameters
    ----------
    grids : GeoDataFrame
        One row per grid, in the order the counts will come in.

    Returns
    -------
    libpysal.weights.W
    """
    from libpysal.graph import Graph

    # The Graph builder (shapely, vectorised) takes ~0.2 s for 992 grids where
    # weights.Queen.from_dataframe took ~10 s here; both give the same neighbours.
    w = Graph.build_contiguity(grids.reset_index(drop=True), rook=False, strict=False).to_W()
    w.transform = "B"
    return w


def gi_star_z(y: np.ndarray, w) -> np.ndarray:
    """The standardised Gi* (focal unit included) for binary weights, as esda's ``Zs``."""
    n = len(y)
    a = w.sparse.tocsr().astype(float)
    a.setdiag(1.0)
    lag, wi = a @ y, np.asarray(a.sum(axis=1)).ravel()
    mean = y.mean()
    s = np.sqrt((y ** 2).mean() - mean ** 2)
    return (lag - mean * wi) / (s * np.sqrt((n * wi - wi ** 2) / (n - 1)))


def gi_star(counts: np.ndarray, w, permutations: int = PERMUTATIONS,
            seed: int = SEED) -> pd.DataFrame:
    """Getis-Ord Gi* per unit: z-score, p-value, hot or cold, and confidence.

    Parameters
    ----------
    counts : ndarray
        One value per unit of ``w``, in its order.
    w : libpysal W
    permutations : int
        0: p from the normal approximation (fast, what the page uses); more: esda's
        conditional permutations with ``seed`` (the same counts give the same answer).
    seed : int

    Returns
    -------
    DataFrame
        z (standardised Gi*), p (two-sided), kind ("hot", "cold" or ""), confidence
        (99, 95, 90 or 0, from |z|).
    """
    from scipy.stats import norm

    y = np.asarray(counts, dtype=float)
    n = len(y)
    if n < 3 or np.allclose(y, y[0]):
        return pd.DataFrame({"z": np.zeros(n), "p": np.ones(n), "kind": [""] * n,
                             "confidence": np.zeros(n, dtype=int)})
    z = gi_star_z(y, w)
    p = 2 * norm.sf(np.abs(z))
    if permutations:
        from esda.getisord import G_Local

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = G_Local(y, w, transform="B", permutations=permutations, star=True, seed=seed,
                        n_jobs=1, keep_simulations=False)
        p = np.minimum(1.0, 2 * np.asarray(g.p_sim, dtype=float))
    confidence = np.zeros(n, dtype=int)
    # |z| beyond a critical value and p below its level say the same under the normal
    # approximation; with permutations the pseudo p-value decides.
    for (cut, level), alpha in zip(reversed(LEVELS), (0.10, 0.05, 0.01)):
        confidence[(p <= alpha) if permutations else (np.abs(z) >= cut)] = level
    kind = np.where(confidence == 0, "", np.where(z > 0, "hot", "cold"))
    return pd.DataFrame({"z": z, "p": p, "kind": kind, "confidence": confidence})


def trend(current: pd.Series, previous: pd.Series) -> pd.Series:
    """Per unit: "emerging" (hot now, not before), "persistent" (both), "diminishing"
    (hot before, not now), else "".
    """
    now, before = current.eq("hot").to_numpy(), previous.eq("hot").to_numpy()
    out = np.where(now & before, "persistent",
                   np.where(now, "emerging", np.where(before, "diminishing", "")))
    return pd.Series(out, index=current.index)


def hot_spots(current: np.ndarray, previous: np.ndarray, w, permutations: int = PERMUTATIONS,
              seed: int = SEED) -> pd.DataFrame:
    """Gi* for this period and the previous one of the same length, with the trend.

    Returns
    -------
    DataFrame
        z, p, kind, confidence (this period), kind_before, confidence_before, trend.
    """
    now = gi_star(current, w, permutations, seed)
    before = gi_star(previous, w, permutations, seed)
    now["kind_before"], now["confidence_before"] = before["kind"], before["confidence"]
    now["trend"] = trend(now["kind"], before["kind"])
    return now
