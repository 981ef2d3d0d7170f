"""Vectorised bootstrap resampling: every resample as a row of counts, so that any statistic built
from weighted sums is one matrix product over all resamples at once."""

from __future__ import annotations

import numpy as np

__all__ = ["resample_counts"]


def resample_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) float array: how often each case appears in each resample.

    Row b counts the draws of ``rng.integers(0, n, size=(n_boot, n))[b]`` — the same resamples a
    loop over index vectors would use — tallied with one ``bincount`` over offset indices.
    """
    idx = rng.integers(0, n, size=(n_boot, n))
    flat = (idx + (np.arange(n_boot) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n).astype(float)
