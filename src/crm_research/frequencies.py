"""Frequency tables of categorical survey answers with confidence intervals for each percentage,
and the sample size a percentage would need for a given margin of error.

- Wilson score interval (Wilson, 1927) — the default; R's ``prop.test(x, n, correct = FALSE)``.
- Clopper–Pearson exact interval (1934) — R's ``binom.test(x, n)``.
- Wald interval p ± z √(p(1−p)/n) — what many papers report; shown for comparison only.
- Sample size for a margin e at confidence 1 − α: n = z² p(1 − p) / e² (rounded up), optionally
  with the finite-population correction n / (1 + (n − 1)/N) (Cochran, 1977).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ._core.errors import DataError
from ._core.results import Result, result
from ._core.validation import require_choice, require_probability

__all__ = ["proportion_ci", "frequency_table", "sample_size_for_margin", "ProportionCI"]

_METHODS = ("wilson", "clopper-pearson", "wald")


@result
class ProportionCI(Result):
    count: int
    n: int
    proportion: float
    ci: tuple
    method: str
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"count": self.count, "n": self.n, "proportion": self.proportion,
                              "ci_low": self.ci[0], "ci_high": self.ci[1], "method": self.method}])


def _interval(x: np.ndarray, n: np.ndarray, z: float, conf: float, method: str):
    p = x / n
    if method == "wilson":
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        return centre - half, centre + half
    if method == "clopper-pearson":
        a = 1 - conf
        lo = np.where(x == 0, 0.0, stats.beta.ppf(a / 2, x, n - x + 1))
        hi = np.where(x == n, 1.0, stats.beta.ppf(1 - a / 2, x + 1, n - x))
        return lo, hi
    half = z * np.sqrt(p * (1 - p) / n)
    return np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)


def proportion_ci(count: int, n: int, *, confidence: float = 0.95, method: str = "wilson") -> ProportionCI:
    """Confidence interval for ``count`` out of ``n`` (see the module docstring for methods)."""
    func = "proportion_ci"
    require_choice(method, _METHODS, func, "method")
    conf = require_probability(confidence, func, "confidence")
    if not (isinstance(n, (int, np.integer)) and n > 0):
        raise DataError(f"{func}: n must be a positive whole number, got {n!r}")
    if not (isinstance(count, (int, np.integer)) and 0 <= count <= n):
        raise DataError(f"{func}: count must be a whole number between 0 and n={n}, got {count!r}")
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    lo, hi = _interval(np.array([count], float), np.array([n], float), z, conf, method)
    return ProportionCI(int(count), int(n), count / n, (float(lo[0]), float(hi[0])), method, conf)


@result
class FrequencyResult(Result):
    """``counts``: count, percent and its CI by category; ``n``: the base; ``n_missing``: missing
    answers left out of the base; ``method`` and ``confidence`` of the intervals."""

    counts: pd.DataFrame
    n: int
    n_missing: int
    method: str
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        return self.counts

    def table(self, lang: str = "zh"):
        from .present.table import Table
        from .present.labels import label

        return Table.build(self.counts, title=label("frequency_table", lang), lang=lang,
                           kinds={"count": "int", "percent": "index", "ci_low": "index", "ci_high": "index"},
                           note=f"n = {self.n}")


def frequency_table(answers: pd.Series, *, confidence: float = 0.95, method: str = "wilson",
                    order=None, dropna: bool = True) -> FrequencyResult:
    """Count, percentage and its CI for each category of ``answers``.

    Missing answers are excluded from the base (and counted in ``n_missing``) unless
    ``dropna=False``, in which case they form their own category.
    """
    func = "frequency_table"
    if not isinstance(answers, pd.Series):
        raise DataError(f"{func}: answers must be a pandas Series, got {type(answers).__name__}")
    require_choice(method, _METHODS, func, "method")
    conf = require_probability(confidence, func, "confidence")
    n_missing = int(answers.isna().sum())
    counts = answers.value_counts(dropna=dropna, sort=order is None)
    if order is not None:
        unknown = sorted(set(counts.index.dropna()) - set(order), key=str)
        if unknown:
            raise DataError(f"{func}: answers in column {answers.name!r} not in order: {unknown}")
        counts = counts.reindex(list(order), fill_value=0)
    n = int(counts.sum())
    if n == 0:
        raise DataError(f"{func}: column {answers.name!r} has no answers")
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    x = counts.to_numpy(float)
    lo, hi = _interval(x, np.full_like(x, n), z, conf, method)
    out = pd.DataFrame({"count": counts.astype(int), "percent": 100 * x / n,
                        "ci_low": 100 * lo, "ci_high": 100 * hi})
    out.index.name = answers.name
    return FrequencyResult(out, n, n_missing, method, conf)


def sample_size_for_margin(proportion: float = 0.5, margin: float = 0.03, *, confidence: float = 0.95,
                           population: int | None = None) -> int:
    """Respondents needed so that a percentage near ``proportion`` has a ±``margin`` Wald interval.

    n₀ = z² p(1 − p)/e²; with a finite ``population`` N, n = n₀ / (1 + (n₀ − 1)/N); rounded up.
    For p = 0.5, e = 0.03 and 95 % this is 1,068.
    """
    func = "sample_size_for_margin"
    p = require_probability(proportion, func, "proportion", open_interval=False)
    e = require_probability(margin, func, "margin")
    conf = require_probability(confidence, func, "confidence")
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    n0 = z**2 * p * (1 - p) / e**2
    if population is not None:
        if not (isinstance(population, (int, np.integer)) and population > 0):
            raise DataError(f"{func}: population must be a positive whole number, got {population!r}")
        n0 = n0 / (1 + (n0 - 1) / population)
    return max(1, math.ceil(n0 - 1e-9))
