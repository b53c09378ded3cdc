"""Integer apportionment: split a count among recipients by the largest-remainder method."""

import numpy as np


def allocate_counts(total, masses, minimum=1):
    """Split an integer total in proportion to masses (largest-remainder method).

    Parameters
    ----------
    total : int
        Number of items to hand out.
    masses : array_like
        Non-negative weight per recipient.
    minimum : int, optional
        Every recipient gets at least this many.

    Returns
    -------
    numpy.ndarray
        Integer counts summing exactly to ``total``.
    """
    masses = np.asarray(masses, float)
    k = len(masses)
    if total < minimum * k:
        raise ValueError(f"cannot give {k} recipients at least {minimum} of {total}")
    if (masses < 0).any() or not np.isfinite(masses).all():
        raise ValueError("masses must be finite and non-negative")
    if masses.sum() <= 0:
        # Nothing to be proportional to: share evenly.
        masses = np.ones(k)
    fixed = np.zeros(k, bool)
    while True:
        free_total = total - minimum * fixed.sum()
        free_mass = masses[~fixed].sum()
        quota = np.where(fixed, minimum, free_total * masses / max(free_mass, 1e-300))
        low = ~fixed & (quota < minimum)
        if not low.any():
            break
        fixed |= low
    counts = np.where(fixed, minimum, np.floor(quota)).astype(int)
    remainder = np.where(fixed, -1.0, quota - counts)
    # Stable sort so ties go to the lower index: deterministic for equal masses.
    extra = np.argsort(-remainder, kind="stable")[: total - counts.sum()]
    counts[extra] += 1
    return counts
