"""Indicator weights: entropy, AHP, CRITIC, coefficient of variation, and subjective–objective
combinations.

Entropy and AHP weights were first written for the composite customer value of source document 001
(example 3) and live here now; :mod:`crm_research.value` re-exports them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import require_choice, require_frame, require_probability
from ..present.labels import check_lang
from ..present.table import Table
from ._checks import complete_numeric, weights_series

__all__ = ["entropy_weights", "ahp_weights", "AHPResult", "critic_weights", "cv_weights", "combined_weights",
           "RANDOM_INDEX"]

#: Saaty's random consistency index by matrix order
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}


def entropy_weights(normalised: pd.DataFrame) -> pd.Series:
    """Entropy weight method (Shannon, 1948; as used by Hwang & Yoon, 1981).

    p_ij = x_ij / Σ_i x_ij, e_j = −Σ_i p_ij ln p_ij / ln n (0 ln 0 = 0), w_j = (1 − e_j) / Σ(1 − e_j).
    ``normalised`` holds non-negative indicators (e.g. from :func:`crm_research.value.normalise`),
    one row per customer.

    Examples
    --------
    >>> entropy_weights(pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.2, 0.2, 0.3]})).round(3).tolist()
    [0.959, 0.041]
    """
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
    """Weights from a pairwise-comparison matrix with Saaty's consistency check."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float

    title = "AHP weights"

    def to_frame(self) -> pd.DataFrame:
        return self.weights.to_frame()

    def table(self, lang: str = "zh") -> Table:
        from ._text import T, label_of

        check_lang(lang)
        frame = self.weights.to_frame("weight")
        frame.index.name = "criterion"
        note = T("ahp_note", lang, lam=self.lambda_max, ci=max(self.ci, 0.0), cr=max(self.cr, 0.0))
        return Table.build(frame, title=label_of("ahp_title", lang), lang=lang, kinds={"weight": "coef"},
                           ns="evaluation", note=note)

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T

        check_lang(lang)
        top = self.weights.idxmax()
        return T("ahp_interpret", lang, n=len(self.weights), top=top, w=self.weights[top], lam=self.lambda_max,
                 cr=max(self.cr, 0.0), verdict=T("ahp_ok" if self.cr < 0.1 else "ahp_bad", lang))


def ahp_weights(matrix, *, labels=None, max_cr: float = 0.1) -> AHPResult:
    """Analytic hierarchy process (Saaty, 1980): weights from the principal eigenvector of a
    reciprocal pairwise-comparison matrix; CI = (λmax − n)/(n − 1), CR = CI/RI. A matrix with
    CR ≥ ``max_cr`` is inconsistent and raises a DataError; so does one that is not reciprocal
    (a_ji ≠ 1/a_ij), naming the cell.

    Examples
    --------
    >>> ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]).weights.round(4).tolist()
    [0.5714, 0.2857, 0.1429]
    """
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


def critic_weights(normalised: pd.DataFrame) -> pd.Series:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis, 1995).

    C_j = σ_j Σ_k (1 − r_jk), w_j = C_j / Σ C_j, with σ_j the standard deviation (n − 1) of the
    normalised indicator j and r_jk Pearson correlations between indicators: an indicator weighs
    more when it varies more and agrees less with the others. ``normalised``: indicators on a common
    0–1 scale, larger is better (e.g. from :func:`crm_research.value.normalise`).

    Examples
    --------
    >>> x = pd.DataFrame({"a": [0.0, 0.5, 1.0, 0.2], "b": [1.0, 0.0, 0.4, 0.9]})
    >>> critic_weights(x).round(3).tolist()
    [0.484, 0.516]
    """
    func = "critic_weights"
    x = complete_numeric(normalised, func)
    if len(x) < 3:
        raise DataError(f"{func}: needs at least 3 rows to estimate correlations, found {len(x)}")
    if x.shape[1] < 2:
        raise DataError(f"{func}: needs at least 2 indicators, found {x.shape[1]}")
    sd = x.std(ddof=1)
    conflict = (1 - x.corr()).sum()
    c = sd * conflict
    return (c / c.sum()).rename("weight")


def cv_weights(data: pd.DataFrame) -> pd.Series:
    """Coefficient-of-variation weights: v_j = σ_j / |x̄_j|, w_j = v_j / Σ v_j.

    Use raw indicators on a ratio scale (amounts, counts, days): the coefficient of variation of a
    min–max normalised indicator has no meaning.

    Examples
    --------
    >>> cv_weights(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 10.0, 13.0]})).round(3).tolist()
    [0.761, 0.239]
    """
    func = "cv_weights"
    x = complete_numeric(data, func)
    mean = x.mean()
    zero = mean[mean == 0].index.tolist()
    if zero:
        raise DataError(f"{func}: indicators with mean 0 have no coefficient of variation: {zero}")
    v = x.std(ddof=1) / mean.abs()
    return (v / v.sum()).rename("weight")


def combined_weights(subjective, objective, *, alpha: float = 0.5, method: str = "linear") -> pd.Series:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights of the same indicators.

    ``method="linear"``: w_j = α s_j + (1 − α) o_j; ``method="product"``: w_j = s_j o_j / Σ_k s_k o_k
    (the multiplicative synthesis; ``alpha`` is ignored). Both inputs must sum to 1 over the same
    indicators.

    Examples
    --------
    >>> combined_weights({"a": 0.6, "b": 0.4}, {"a": 0.2, "b": 0.8}).round(3).tolist()
    [0.4, 0.6]
    """
    func = "combined_weights"
    require_choice(method, ["linear", "product"], func, "method")
    a = require_probability(alpha, func, "alpha", open_interval=False)
    s = weights_series(subjective, func, "subjective")
    o = weights_series(objective, func, "objective")
    if set(s.index) != set(o.index):
        raise DataError(f"{func}: subjective and objective weights must cover the same indicators; only in "
                        f"subjective: {sorted(map(str, set(s.index) - set(o.index)))}, only in objective: "
                        f"{sorted(map(str, set(o.index) - set(s.index)))}")
    o = o[s.index]
    if method == "linear":
        w = a * s + (1 - a) * o
    else:
        w = s * o
        if w.sum() == 0:
            raise DataError(f"{func}: the products s_j·o_j are all zero; use method='linear'")
        w = w / w.sum()
    return w.rename("weight")

