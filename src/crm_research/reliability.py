"""Reliability of multi-item scales: Cronbach's α, item analysis, McDonald's ω, split-half and
Guttman's λ6 — the numbers R's ``psych::alpha`` and ``lavaan`` give (see tests/reference/reliability).

Definitions (k items, item covariance matrix C, correlation matrix R):

- α (raw) = k/(k − 1) · (1 − tr C / ΣC) (Cronbach, 1951); standardised α = k/(k − 1) · (1 − k/ΣR).
- Feldt (1965) interval: 1 − (1 − α)·F_{1−γ/2}(n − 1, (n − 1)(k − 1)) … 1 − (1 − α)·F_{γ/2}(…),
  as ``psych::alpha`` prints it.
- R is cov2cor(C), as in ``psych::alpha`` (with pairwise covariances this is not the pairwise
  correlation matrix).
- Item analysis as ``psych::alpha``'s item statistics: ``item_total_r`` (raw.r), ``std_r``,
  ``r_cor`` (corrected for overlap using SMCs), ``corrected_item_total_r`` (r.drop: the item against
  the sum of the other items), ``alpha_if_deleted`` (raw α without the item).
- McDonald's ω total = (Σλ)² / ((Σλ)² + Σθ) from a one-factor maximum-likelihood model of the raw
  items (the reliability of their unweighted sum; McDonald, 1999); ``standardized=True`` uses the
  correlation metric.
- Guttman's (1945) λ6 = 1 − Σ(1 − SMC)/ΣR, psych's ``G6(smc)``; SMCs are clipped to [0, 1] as in
  ``psych::smc`` (so pairwise λ6 ≤ 1), and λ6 is NaN with a StatWarning when R is singular (fewer
  complete respondents than items), where α is still reported.
- Split-half: correlation of odd- and even-numbered item sums, stepped up by Spearman–Brown.

``missing="listwise"`` (default) drops respondents with any missing item; ``"pairwise"`` uses
pairwise-complete covariances as ``psych::alpha`` does.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._core.bootstrap import resample_sums
from ._core.errors import DataError, StatWarning
from ._factor import ml_one_factor, smc
from ._core.results import Result, result
from ._core.params import Integer, OneOf, Probability, validate_params
from ._core.validation import numeric_frame, require_choice, require_frame, require_positive_int, require_probability

__all__ = ["cronbach_alpha", "item_analysis", "omega", "split_half", "guttman_lambda6",
           "reliability_table", "AlphaResult", "OmegaResult", "SplitHalfResult"]


# ---------------------------------------------------------------------------------------------
# input


def _items(items, func: str, missing: str = "listwise", min_items: int = 2) -> pd.DataFrame:
    frame = require_frame(items, func, "items")
    require_choice(missing, ("listwise", "pairwise"), func, "missing")
    if frame.shape[1] < min_items:
        raise DataError(f"{func}: needs at least {min_items} items (columns), got {frame.shape[1]}"
                        + (f": {list(frame.columns)}" if frame.shape[1] else ""))
    if frame.columns.duplicated().any():
        raise DataError(f"{func}: item names repeated: {sorted(set(frame.columns[frame.columns.duplicated()]))}")
    x = numeric_frame(frame, list(frame.columns), func)
    empty = [c for c in x.columns if x[c].isna().all()]
    if empty:
        raise DataError(f"{func}: items with no answers at all: {empty}; drop them first")
    if missing == "listwise":
        x = x.dropna()
    n = len(x)
    if n < 3:
        raise DataError(f"{func}: needs at least 3 respondents with complete answers, found {n}"
                        + (" (try missing='pairwise')" if missing == "listwise" else ""))
    const = [c for c in x.columns if x[c].nunique(dropna=True) < 2]
    if const:
        raise DataError(f"{func}: items with no variance (everyone gave the same answer): {const}; "
                        f"a constant item carries no information about reliability — drop it")
    return x


def _cov_cor(x: pd.DataFrame):
    """Covariances (pairwise-complete when answers are missing) and R = cov2cor(C), as psych."""
    if x.isna().any().any():
        c = x.cov().to_numpy()
        if np.isnan(c).any():
            raise DataError("no respondent answered both items of some pair; pairwise covariances undefined")
    else:
        c = np.cov(x.to_numpy(), rowvar=False)
    sd = np.sqrt(np.diag(c))
    return c, c / np.outer(sd, sd)


def _smc_or_nan(r: np.ndarray, func: str, n: int) -> np.ndarray:
    """SMCs of R, or NaN with a StatWarning when R is singular (e.g. fewer respondents than items):
    λ6 and the overlap-corrected r then are undefined, while α stays computable."""
    try:
        return smc(r)
    except np.linalg.LinAlgError:
        warnings.warn(f"{func}: the item correlation matrix is singular ({n} respondents, {r.shape[0]} items); "
                      f"squared multiple correlations, and so Guttman's λ6, are undefined and reported as NaN — "
                      f"collect more respondents than items", StatWarning, stacklevel=3)
        return np.full(r.shape[0], np.nan)


def _lambda6(r: np.ndarray, func: str, n: int) -> float:
    return float(1 - (1 - _smc_or_nan(r, func, n)).sum() / r.sum())


def _raw_alpha(c: np.ndarray) -> float:
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def _std_alpha(r: np.ndarray) -> float:
    k = r.shape[0]
    return k / (k - 1) * (1 - k / r.sum())


# ---------------------------------------------------------------------------------------------
# alpha


@result
class AlphaResult(Result):
    """Cronbach's α with its confidence interval."""

    alpha: float
    std_alpha: float
    ci: tuple
    n: int
    k: int
    average_r: float
    lambda6: float
    ci_method: str
    missing: str

    title = "Cronbach's α"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"alpha": self.alpha, "std_alpha": self.std_alpha, "ci_low": self.ci[0],
                              "ci_high": self.ci[1], "average_r": self.average_r, "lambda6": self.lambda6,
                              "n": self.n, "k": self.k}])


def _feldt(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    g = 1 - level
    d1, d2 = n - 1, (n - 1) * (k - 1)
    return (1 - (1 - alpha) * stats.f.ppf(1 - g / 2, d1, d2), 1 - (1 - alpha) * stats.f.ppf(g / 2, d1, d2))


def _bootstrap_alpha(a: np.ndarray, n_boot: int, level: float, seed) -> tuple[float, float]:
    """Percentile interval of α over ``n_boot`` resamples, vectorised: each resample is a row of
    counts, so every sum needed is one matrix product of counts with [X, X², T, T²]."""
    n, k = a.shape
    rng = np.random.default_rng(seed)
    t = a.sum(axis=1)
    moments = np.column_stack([a, a**2, t, t**2])
    m = resample_sums(moments, n_boot, rng) / n
    mean_i, sq_i = m[:, :k], m[:, k:2 * k]
    var_items = (sq_i - mean_i**2).sum(axis=1)
    var_total = m[:, 2 * k + 1] - m[:, 2 * k] ** 2
    out = k / (k - 1) * (1 - var_items / var_total)
    g = 1 - level
    lo, hi = np.quantile(out, [g / 2, 1 - g / 2])
    return float(lo), float(hi)


@validate_params(missing=OneOf("listwise", "pairwise"), ci=Probability(), ci_method=OneOf("feldt", "bootstrap"),
                 n_boot=Integer(min=1))
def cronbach_alpha(items, *, missing: str = "listwise", ci: float = 0.95, ci_method: str = "feldt",
                   n_boot: int = 2000, seed=None) -> AlphaResult:
    """Cronbach's α (raw and standardised) with a Feldt or bootstrap confidence interval.

    Parameters
    ----------
    items : DataFrame
        One column per item, already keyed (reverse-keyed items recoded).
    missing : {"listwise", "pairwise"}
    ci : float
        Confidence level of the interval.
    ci_method : {"feldt", "bootstrap"}
        Feldt's F-based interval (as psych prints) or a percentile bootstrap of ``n_boot``
        resamples (seeded by ``seed``; complete cases only).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(d).alpha, 3)
    0.939

    Compared with ``psych::alpha`` (raw/std α, G6, Feldt CI; tests/reference/reliability).
    """
    func = "cronbach_alpha"
    level = require_probability(ci, func, "ci")
    require_choice(ci_method, ("feldt", "bootstrap"), func, "ci_method")
    x = _items(items, func, missing)
    c, r = _cov_cor(x)
    k = c.shape[0]
    alpha, std_alpha = _raw_alpha(c), _std_alpha(r)
    avg_r = float(r[np.tril_indices(k, -1)].mean())
    n = len(x)
    if ci_method == "feldt":
        interval = _feldt(alpha, n, k, level)
    else:
        require_positive_int(n_boot, func, "n_boot")
        interval = _bootstrap_alpha(x.dropna().to_numpy(), n_boot, level, seed)
    if alpha < 0:
        warnings.warn(f"{func}: α = {alpha:.3f} is negative: the items correlate negatively on average; "
                      f"check for reverse-keyed items that were not recoded "
                      f"(items with negative corrected item–total r: {_negative_items(c, list(x.columns))})",
                      StatWarning, stacklevel=2)
    return AlphaResult(float(alpha), float(std_alpha), tuple(map(float, interval)), int(n), int(k), avg_r,
                       _lambda6(r, func, n), ci_method, missing)


def _negative_items(c: np.ndarray, names: list) -> list:
    vt = c.sum()
    cs = c.sum(axis=0)
    d = np.diag(c)
    r_drop = (cs - d) / np.sqrt(d * (vt - 2 * cs + d))
    return [n for n, v in zip(names, r_drop) if v < 0]


def item_analysis(items, *, missing: str = "listwise") -> pd.DataFrame:
    """Item statistics of a scale, one row per item (psych::alpha's item.stats and alpha.drop).

    Columns: ``n``, ``mean``, ``sd``, ``item_total_r``, ``std_r``, ``r_cor``,
    ``corrected_item_total_r``, ``alpha_if_deleted``, ``std_alpha_if_deleted``.
    """
    func = "item_analysis"
    x = _items(items, func, missing, min_items=3 if missing else 2)
    c, r = _cov_cor(x)
    k = c.shape[0]
    vt, cs, d = c.sum(), c.sum(axis=0), np.diag(c)
    rs = r.copy()
    np.fill_diagonal(rs, _smc_or_nan(r, func, len(x)))
    out = pd.DataFrame({
        "n": x.notna().sum().astype(int),
        "mean": x.mean(),
        "sd": x.std(ddof=1),
        # correlation of each item with the respondent's mean of the items answered (psych's raw.r)
        "item_total_r": x.corrwith(x.mean(axis=1)),
        "std_r": r.sum(axis=0) / np.sqrt(r.sum()),
        "r_cor": rs.sum(axis=0) / np.sqrt(rs.sum()),
        "corrected_item_total_r": (cs - d) / np.sqrt(d * (vt - 2 * cs + d)),
    }, index=x.columns)
    keep = [np.arange(k) != j for j in range(k)]
    out["alpha_if_deleted"] = [_raw_alpha(c[np.ix_(m, m)]) for m in keep]
    out["std_alpha_if_deleted"] = [_std_alpha(r[np.ix_(m, m)]) for m in keep]
    out.index.name = "item"
    return out


# ---------------------------------------------------------------------------------------------
# omega, split-half, lambda 6


@result
class OmegaResult(Result):
    """McDonald's ω total from a one-factor model."""

    omega_total: float
    n: int
    k: int
    standardized: bool
    loadings: pd.Series
    residual_variances: pd.Series

    title = "McDonald's ω"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"loading": self.loadings, "residual_variance": self.residual_variances})


def omega(items, *, standardized: bool = False) -> OmegaResult:
    """McDonald's ω total, (Σλ)² / ((Σλ)² + Σθ), from a one-factor maximum-likelihood model.

    With ``standardized=False`` (default) λ and θ are in the items' own metric, so ω is the
    reliability of their unweighted sum; ``standardized=True`` gives the correlation-metric value.
    Complete cases only. Matches a one-factor ``lavaan::cfa`` (ML) to 1e-6
    (tests/reference/reliability/omega.csv).
    """
    func = "omega"
    x = _items(items, func, "listwise", min_items=3)
    c, r = _cov_cor(x)
    lam, psi, ok = ml_one_factor(r)
    if not ok:
        warnings.warn(f"{func}: the one-factor model did not converge; ω is approximate", StatWarning, stacklevel=2)
    if np.any(psi <= 0.0051):
        bad = [n for n, p in zip(x.columns, psi) if p <= 0.0051]
        warnings.warn(f"{func}: Heywood case — residual variance at its bound for {bad}; ω is an upper bound",
                      StatWarning, stacklevel=2)
    sd = np.ones(len(lam)) if standardized else np.sqrt(np.diag(c))
    l, th = lam * sd, psi * sd**2
    w = l.sum() ** 2 / (l.sum() ** 2 + th.sum())
    return OmegaResult(float(w), len(x), len(lam), standardized, pd.Series(l, index=x.columns),
                       pd.Series(th, index=x.columns))


@result
class SplitHalfResult(Result):
    r_halves: float
    spearman_brown: float
    n: int
    k: int

    title = "Split-half reliability (odd/even)"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"r_halves": self.r_halves, "spearman_brown": self.spearman_brown, "n": self.n}])


def split_half(items) -> SplitHalfResult:
    """Odd/even split-half reliability stepped up by Spearman–Brown, 2r/(1 + r); complete cases."""
    x = _items(items, "split_half", "listwise")
    a = x.to_numpy()
    odd, even = a[:, 0::2].sum(axis=1), a[:, 1::2].sum(axis=1)
    r = float(np.corrcoef(odd, even)[0, 1])
    return SplitHalfResult(r, 2 * r / (1 + r), len(x), x.shape[1])


def guttman_lambda6(items, *, missing: str = "listwise") -> float:
    """Guttman's λ6 = 1 − Σ(1 − SMC)/ΣR (psych's ``G6(smc)``)."""
    x = _items(items, "guttman_lambda6", missing)
    _, r = _cov_cor(x)
    return _lambda6(r, "guttman_lambda6", len(x))


# ---------------------------------------------------------------------------------------------
# per-construct table


@result
class ReliabilityTable(Result):
    """``constructs``: k, n, α (raw, standardised, CI), ω and λ6 per construct, ``applicable``
    (False for a single-item construct, whose reliability coefficients are NaN: internal
    consistency needs two or more items) and ``alpha_pass`` judged against ``alpha_min`` (False
    where not applicable)."""

    constructs: pd.DataFrame
    alpha_min: float

    title = "Reliability"

    def to_frame(self) -> pd.DataFrame:
        return self.constructs

    def table(self, lang: str = "zh"):
        from .present.labels import label
        from .present.table import Table

        f = self.constructs.drop(columns=["alpha_pass", "applicable"])
        note = label("alpha_criterion", lang).format(alpha_min=self.alpha_min)
        single = [str(c) for c in self.constructs.index[~self.constructs["applicable"]]]
        if single:
            note += label("alpha_not_applicable", lang).format(constructs=", ".join(single))
        return Table.build(f, title=label("reliability_table", lang), lang=lang,
                           kinds={"k": "int", "n": "int", **{c: "r" for c in _BOUNDED if c in f.columns}}, note=note)

    def interpret(self, lang: str = "zh") -> str:
        from .present.text import reliability_verdict

        return reliability_verdict(self, lang)


#: columns of the reliability table that cannot exceed 1 (printed without the leading zero in APA style)
_BOUNDED = ("alpha", "std_alpha", "ci_low", "ci_high", "omega", "lambda6")

_NOT_APPLICABLE = {"alpha": np.nan, "std_alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "omega": np.nan,
                   "lambda6": np.nan, "applicable": False, "alpha_pass": False}


def reliability_table(data, constructs, *, alpha_min: float = 0.7, missing: str = "listwise") -> ReliabilityTable:
    """k, n, α (raw, standardised, CI), ω and λ6 per construct, with α ≥ ``alpha_min`` as pass/fail.

    The default threshold is 0.7 (Nunnally, 1978); the bank CRM study in the source documents
    accepts α > 0.6 — set ``alpha_min=0.6`` to judge by that rule. A single-item construct gets a
    row with ``applicable=False`` and NaN coefficients (its table notes "not applicable").
    """
    func = "reliability_table"
    frame = require_frame(data, func)
    from .spec import parse_model

    rows = []
    for name, cols in parse_model(constructs).measurement.items():
        missing_cols = [c for c in cols if c not in frame.columns]
        if missing_cols:
            raise DataError(f"{func}: construct {name!r}: items not found in data: {missing_cols}")
        if len(cols) == 1:
            n = int(numeric_frame(frame, list(cols), func).notna().all(axis=1).sum())
            rows.append({"construct": name, "k": 1, "n": n, **_NOT_APPLICABLE})
            continue
        a = cronbach_alpha(frame[list(cols)], missing=missing)
        om = omega(frame[list(cols)]).omega_total if len(cols) >= 3 else np.nan
        rows.append({"construct": name, "k": a.k, "n": a.n, "alpha": a.alpha, "std_alpha": a.std_alpha,
                     "ci_low": a.ci[0], "ci_high": a.ci[1], "omega": om, "lambda6": a.lambda6,
                     "applicable": True, "alpha_pass": bool(a.alpha >= alpha_min)})
    return ReliabilityTable(pd.DataFrame(rows).set_index("construct"), float(alpha_min))
