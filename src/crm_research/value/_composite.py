"""Composite customer value (source document 001, example 3): indicator normalisation, entropy and
AHP weights, the current × potential value matrix, and customer delivered value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import numeric_frame, require_columns, require_frame

__all__ = ["normalise", "entropy_weights", "ahp_weights", "AHPResult", "composite_value", "value_matrix",
           "delivered_value", "RANDOM_INDEX"]

#: Saaty's random consistency index by matrix order
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}


def normalise(data, columns, *, cost_columns=()) -> pd.DataFrame:
    """Min–max scale each indicator to 0–1; ``cost_columns`` (lower is better, e.g. payment days,
    default rate) are reversed."""
    func = "normalise"
    frame = require_frame(data, func)
    columns = require_columns(frame, columns, func, "indicators")
    x = numeric_frame(frame, columns, func)
    if x.isna().any().any():
        bad = x.columns[x.isna().any()].tolist()
        raise DataError(f"{func}: indicators with missing values: {bad}; impute or drop those customers first")
    rng = x.max() - x.min()
    flat = rng[rng == 0].index.tolist()
    if flat:
        raise DataError(f"{func}: indicators with the same value for every customer: {flat}")
    z = (x - x.min()) / rng
    for c in cost_columns:
        if c not in columns:
            raise DataError(f"{func}: cost column {c!r} is not among the indicators")
        z[c] = 1 - z[c]
    return z


def entropy_weights(normalised: pd.DataFrame) -> pd.Series:
    """Entropy weight method: p_ij = x_ij / Σ_i x_ij, e_j = −Σ_i p_ij ln p_ij / ln n (0 ln 0 = 0),
    w_j = (1 − e_j) / Σ(1 − e_j)."""
    x = require_frame(normalised, "entropy_weights")
    if (x < 0).any().any():
        raise DataError("entropy_weights: indicators must be non-negative; normalise them first")
    n = len(x)
    if n < 2:
        raise DataError("entropy_weights: needs at least 2 customers")
    col = x.sum()
    if (col == 0).any():
        raise DataError(f"entropy_weights: indicators that are zero for everyone: {col[col == 0].index.tolist()}")
    p = x / col
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1 - e
    return pd.Series(d / d.sum(), index=x.columns, name="weight")


@result
class AHPResult(Result):
    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float

    title = "AHP weights"

    def to_frame(self) -> pd.DataFrame:
        return self.weights.to_frame()


def ahp_weights(matrix, *, labels=None, max_cr: float = 0.1) -> AHPResult:
    """Analytic hierarchy process (Saaty, 1980): weights from the principal eigenvector of a
    reciprocal pairwise-comparison matrix; CI = (λmax − n)/(n − 1), CR = CI/RI. A matrix with
    CR ≥ ``max_cr`` is inconsistent and raises a DataError; so does one that is not reciprocal
    (a_ji ≠ 1/a_ij), naming the cell."""
    func = "ahp_weights"
    if isinstance(matrix, pd.DataFrame):
        labels = list(matrix.index) if labels is None else labels
        a = matrix.to_numpy(float)
    else:
        a = np.asarray(matrix, float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 2:
        raise DataError(f"{func}: expected a square pairwise-comparison matrix, got shape {a.shape}")
    n = a.shape[0]
    labels = list(labels) if labels is not None else [f"c{i + 1}" for i in range(n)]
    if (a <= 0).any():
        i, j = np.argwhere(a <= 0)[0]
        raise DataError(f"{func}: comparisons must be positive; cell ({labels[i]}, {labels[j]}) is {a[i, j]:g}")
    for i in range(n):
        if abs(a[i, i] - 1) > 1e-9:
            raise DataError(f"{func}: the diagonal must be 1; cell ({labels[i]}, {labels[i]}) is {a[i, i]:g}")
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > 1e-3:
                raise DataError(f"{func}: the matrix is not reciprocal: cell ({labels[i]}, {labels[j]}) = {a[i, j]:g} "
                                f"but ({labels[j]}, {labels[i]}) = {a[j, i]:g}; expected {1 / a[i, j]:.4g}")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = float(vals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    if cr >= max_cr:
        raise DataError(f"{func}: consistency ratio CR = {cr:.3f} ≥ {max_cr} (λmax = {lam:.3f}, CI = {ci:.3f}, "
                        f"RI = {ri}): the judgements contradict each other; revise the comparisons")
    return AHPResult(pd.Series(w, index=labels, name="weight"), lam, float(ci), float(cr))


def composite_value(normalised: pd.DataFrame, weights) -> pd.Series:
    """Weighted sum of normalised indicators (weights rescaled to sum to 1)."""
    w = pd.Series(weights, dtype=float)
    missing = [c for c in w.index if c not in normalised.columns]
    if missing:
        raise DataError(f"composite_value: weights for indicators not in the table: {missing}")
    if (w < 0).any() or w.sum() <= 0:
        raise DataError("composite_value: weights must be non-negative and not all zero")
    w = w / w.sum()
    return (normalised[w.index] * w).sum(axis=1).rename("value")


@result
class ValueMatrixResult(Result):
    """``customers``: current and potential value and the quadrant (key, maintain, develop, reduce)
    by customer; ``split``: the (current, potential) values where the quadrants divide."""

    customers: pd.DataFrame
    split: tuple

    def to_frame(self) -> pd.DataFrame:
        return self.customers


def value_matrix(current: pd.Series, potential: pd.Series, *, split="median") -> ValueMatrixResult:
    """Current × potential value matrix with four quadrants (split at the medians or given values)."""
    df = pd.DataFrame({"current": current, "potential": potential}).dropna()
    cx, cy = (df["current"].median(), df["potential"].median()) if split == "median" else split
    hi_c, hi_p = df["current"] >= cx, df["potential"] >= cy
    df["quadrant"] = np.select([hi_c & hi_p, hi_c & ~hi_p, ~hi_c & hi_p], ["key", "maintain", "develop"], "reduce")
    return ValueMatrixResult(df, (float(cx), float(cy)))


def delivered_value(scores: pd.DataFrame, *, total_value: str = "total_value", total_cost: str = "total_cost") -> pd.Series:
    """Customer delivered value (顾客让渡价值) = total customer value − total customer cost
    (Kotler), from survey construct scores."""
    require_columns(scores, [total_value, total_cost], "delivered_value", "constructs")
    return (scores[total_value] - scores[total_cost]).rename("delivered_value")
