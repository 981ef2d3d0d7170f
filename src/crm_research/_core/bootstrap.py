"""Vectorised bootstrap resampling: every resample as a row of counts, so that any statistic built
from weighted sums is one matrix product over all resamples at once."""

from __future__ import annotations

import numpy as np

__all__ = ["resample_counts", "resample_sums"]


def resample_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) float array: how often each case appears in each resample.

    Row b counts the draws of ``rng.integers(0, n, size=(n_boot, n))[b]`` — the same resamples a
    loop over index vectors would use — tallied with one ``bincount`` over offset indices.
    """
    idx = rng.integers(0, n, size=(n_boot, n))
    flat = (idx + (np.arange(n_boot) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n).astype(float)


def resample_sums(table: np.ndarray, n_boot: int, rng: np.random.Generator, *, cells: int = 1 << 20) -> np.ndarray:
    """(n_boot, p) array: ``resample_counts(n, n_boot, rng) @ table`` for an (n, p) ``table`` of
    per-case terms — the same resamples, drawn from ``rng`` in the same order — without ever
    holding the (n_boot, n) counts: blocks of about ``cells`` counts are drawn, tallied and
    multiplied (5,000 resamples of 1,000 cases: five 8 MB blocks instead of one 40 MB matrix and
    its copies; few enough BLAS calls that thread start-up does not dominate on a busy machine).
    """
    table = np.asarray(table, dtype=float)
    n = table.shape[0]
    out = np.empty((n_boot, table.shape[1]))
    rows = max(1, min(n_boot, cells // max(n, 1)))
    offsets = (np.arange(rows) * n)[:, None]
    for start in range(0, n_boot, rows):
        b = min(rows, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        idx += offsets[:b]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n)
        np.matmul(counts.astype(float), table, out=out[start:start + b])
    return out
