"""Ranking alternatives on several criteria: TOPSIS (Hwang & Yoon, 1981) and grey relational
analysis (Deng, 1982)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import format_rows, require_probability
from ..present.labels import check_lang
from ..present.table import Table
from ._checks import complete_numeric, require_varying, weights_series
from ._weights import entropy_weights

__all__ = ["topsis", "topsis_result", "TOPSISResult", "grey_relational", "grey_result", "GreyResult",
           "minmax_directed"]


def _benefit(benefit, columns, func) -> list:
    if benefit is None:
        return list(columns)
    if isinstance(benefit, str):
        benefit = [benefit]
    benefit = list(benefit)
    unknown = [c for c in benefit if c not in columns]
    if unknown:
        raise DataError(f"{func}: benefit columns not among the criteria: {unknown}; criteria are {list(columns)}")
    return benefit


def minmax_directed(x: pd.DataFrame, benefit: list) -> pd.DataFrame:
    """Min–max scale to 0–1 with larger = better: (x − min)/(max − min) for benefit criteria,
    (max − x)/(max − min) for cost criteria."""
    rng = x.max() - x.min()
    z = (x - x.min()) / rng
    cost = [c for c in x.columns if c not in benefit]
    z[cost] = 1 - z[cost]
    return z


def _rank(s: pd.Series) -> pd.Series:
    return s.rank(ascending=False, method="min").astype(int)


def topsis(data, *, weights=None, benefit=None) -> pd.DataFrame:
    """TOPSIS, the technique for order preference by similarity to the ideal solution (Hwang &
    Yoon, 1981).

    Vector normalisation r_ij = x_ij / √(Σ_i x_ij²), weighted v_ij = w_j r_ij; the positive ideal
    A⁺ takes each criterion's best v (largest for ``benefit`` criteria, smallest for costs), the
    negative ideal A⁻ its worst; d⁺_i, d⁻_i are Euclidean distances to A⁺ and A⁻ and the relative
    closeness C_i = d⁻_i / (d⁺_i + d⁻_i) ∈ [0, 1] ranks the rows (1 = best). ``benefit`` lists the
    columns where larger is better (default: all); the others are costs. ``weights`` (summing to
    1) default to entropy weights of the min–max scaled criteria (entropy-TOPSIS, 熵权TOPSIS).

    Returns a DataFrame by row with ``d_plus``, ``d_minus``, ``closeness``, ``rank``.

    Examples
    --------
    >>> d = pd.DataFrame({"price": [250, 200, 300, 275], "storage": [16, 16, 32, 32]},
    ...                  index=["m1", "m2", "m3", "m4"])
    >>> topsis(d, weights={"price": 0.5, "storage": 0.5}, benefit=["storage"])["rank"].tolist()
    [4, 3, 2, 1]
    """
    return _topsis(data, weights, benefit)[0]


def _topsis(data, weights, benefit):
    func = "topsis"
    x = complete_numeric(data, func)
    if len(x) < 2:
        raise DataError(f"{func}: needs at least 2 rows (alternatives), found {len(x)}")
    neg = (x < 0).any(axis=1)
    if neg.any():
        cols = x.columns[(x < 0).any()].tolist()
        raise DataError(f"{func}: vector normalisation needs non-negative criteria; {cols} have negative values "
                        f"in {format_rows(x.index[neg])}; shift those criteria to be non-negative first")
    require_varying(x, func)
    benefit = _benefit(benefit, list(x.columns), func)
    if weights is None:
        w = entropy_weights(minmax_directed(x, benefit))
    else:
        w = weights_series(weights, func, "weights", index=list(x.columns))
    r = x / np.sqrt((x ** 2).sum())
    v = r * w
    is_b = np.array([c in benefit for c in x.columns])
    best = np.where(is_b, v.max(), v.min())
    worst = np.where(is_b, v.min(), v.max())
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    out = pd.DataFrame({"d_plus": d_plus, "d_minus": d_minus}, index=x.index)
    out["closeness"] = out["d_minus"] / (out["d_plus"] + out["d_minus"])
    out["rank"] = _rank(out["closeness"])
    ideal = pd.DataFrame({"ideal": best, "anti_ideal": worst}, index=x.columns)
    return out, w.rename("weight"), benefit, ideal


@result
class TOPSISResult(Result):
    """TOPSIS scores with the weights used (entropy weights when none were given)."""

    scores: pd.DataFrame
    weights: pd.Series
    entropy: bool
    benefit: tuple
    #: by criterion: the weighted normalised positive (``ideal``) and negative (``anti_ideal``) ideal
    ideals: pd.DataFrame

    title = "TOPSIS"

    def to_frame(self) -> pd.DataFrame:
        return self.scores

    def table(self, lang: str = "zh", *, top: int | None = None) -> Table:
        """The scores sorted by rank (the first ``top`` rows when given)."""
        from ._text import T

        check_lang(lang)
        frame = self.scores.sort_values("rank")
        if top is not None:
            frame = frame.head(top)
        return Table.build(frame, title=T("topsis_title", lang), lang=lang, ns="evaluation",
                           kinds={"d_plus": "coef", "d_minus": "coef", "closeness": "coef", "rank": "int"},
                           note=T("topsis_note", lang, weights=_weights_text(self.weights, lang),
                                  how=T("w_entropy" if self.entropy else "w_given", lang)))

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T, label_of

        check_lang(lang)
        s = self.scores
        best, worst = s["closeness"].idxmax(), s["closeness"].idxmin()
        return T("topsis_interpret", lang, n=len(s), best=best, c_best=float(s.loc[best, "closeness"]),
                 worst=worst, c_worst=float(s.loc[worst, "closeness"]), n_half=int((s["closeness"] >= 0.5).sum()),
                 how=T("w_entropy" if self.entropy else "w_given", lang),
                 top=label_of(str(self.weights.idxmax()), lang),
                 w_top=float(self.weights.max()))


def topsis_result(data, *, weights=None, benefit=None) -> TOPSISResult:
    """:func:`topsis` with the weights used, for ``.table(lang)`` and ``.interpret(lang)``."""
    scores, w, b, ideals = _topsis(data, weights, benefit)
    return TOPSISResult(scores, w, weights is None, tuple(b), ideals)


def grey_relational(data, *, reference=None, rho: float = 0.5, weights=None, benefit=None) -> pd.DataFrame:
    """Grey relational analysis (Deng, 1982): how closely each row follows a reference sequence.

    Criteria are min–max scaled to 0–1 with larger = better (``benefit`` lists the columns where
    larger is better, default all; the others are reversed). Δ_ij = |x_0j − x_ij| against the
    reference x_0 — by default the ideal (1 on every scaled criterion); or pass ``reference`` as a
    row label of ``data`` or as a dict/Series of raw values per criterion, scaled with the data. The
    grey relational coefficient ξ_ij = (Δmin + ρΔmax) / (Δ_ij + ρΔmax), with Δmin and Δmax over all
    rows and criteria and the distinguishing coefficient ρ (0.5 by convention), and the grade
    γ_i = Σ_j w_j ξ_ij (equal weights unless ``weights``, summing to 1, are given).

    Returns a DataFrame by row with ``grade`` and ``rank`` (1 = closest to the reference).

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2]}, index=["p", "q", "r"])
    >>> grey_relational(d)["rank"].tolist()
    [2, 3, 1]
    """
    return _grey(data, reference, rho, weights, benefit)[0]


def _grey(data, reference, rho, weights, benefit):
    func = "grey_relational"
    x = complete_numeric(data, func)
    if len(x) < 2:
        raise DataError(f"{func}: needs at least 2 rows, found {len(x)}")
    rho = require_probability(rho, func, "rho")
    benefit = _benefit(benefit, list(x.columns), func)
    ref_row = None
    if reference is None:
        require_varying(x, func)
        z = minmax_directed(x, benefit)
        x0 = pd.Series(1.0, index=x.columns)
    else:
        if isinstance(reference, (dict, pd.Series)):
            ref = pd.Series(dict(reference) if isinstance(reference, dict) else reference, dtype=float)
            missing = [c for c in x.columns if c not in ref.index]
            if missing:
                raise DataError(f"{func}: reference lacks criteria {missing}")
            ref = ref[list(x.columns)]
        elif reference in x.index:
            ref_row = reference
            ref = x.loc[reference]
            x = x.drop(index=reference)
        else:
            raise DataError(f"{func}: reference={reference!r} is neither a row label of data nor a dict of "
                            f"values per criterion")
        both = pd.concat([x, ref.to_frame().T])
        require_varying(both, func)
        zz = minmax_directed(both, benefit)
        z, x0 = zz.iloc[:-1], zz.iloc[-1]
    delta = (z - x0).abs()
    dmin, dmax = float(delta.to_numpy().min()), float(delta.to_numpy().max())
    if dmax == 0:
        raise DataError(f"{func}: every row equals the reference; nothing to rank")
    xi = (dmin + rho * dmax) / (delta + rho * dmax)
    w = (pd.Series(1 / x.shape[1], index=x.columns) if weights is None
         else weights_series(weights, func, "weights", index=list(x.columns)))
    out = pd.DataFrame({"grade": (xi * w).sum(axis=1)}, index=x.index)
    out["rank"] = _rank(out["grade"])
    return out, xi, w.rename("weight"), ref_row


@result
class GreyResult(Result):
    """Grey relational grades with the coefficients ξ_ij behind them."""

    grades: pd.DataFrame
    coefficients: pd.DataFrame
    weights: pd.Series
    rho: float

    title = "Grey relational analysis"

    def to_frame(self) -> pd.DataFrame:
        return self.grades

    def table(self, lang: str = "zh", *, top: int | None = None) -> Table:
        """Coefficients and grades sorted by rank (the first ``top`` rows when given)."""
        from ._text import T

        check_lang(lang)
        frame = self.coefficients.join(self.grades).sort_values("rank")
        if top is not None:
            frame = frame.head(top)
        kinds = {c: "coef" for c in frame.columns}
        kinds["rank"] = "int"
        return Table.build(frame, title=T("grey_title", lang), lang=lang, ns="evaluation", kinds=kinds,
                           note=T("grey_note", lang, rho=self.rho))

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T, label_of

        check_lang(lang)
        g = self.grades["grade"]
        weakest = self.coefficients.mean().idxmin()
        return T("grey_interpret", lang, n=len(g), rho=self.rho, best=g.idxmax(), g_best=float(g.max()),
                 worst=g.idxmin(), g_worst=float(g.min()), weakest=label_of(str(weakest), lang),
                 xi_weak=float(self.coefficients[weakest].mean()))


def grey_result(data, *, reference=None, rho: float = 0.5, weights=None, benefit=None) -> GreyResult:
    """:func:`grey_relational` with the coefficients, for ``.table(lang)`` and ``.interpret(lang)``."""
    grades, xi, w, _ = _grey(data, reference, rho, weights, benefit)
    return GreyResult(grades, xi, w, float(rho))


def _weights_text(w: pd.Series, lang: str) -> str:
    from ._text import label_of

    return ", ".join(f"{label_of(str(k), lang)} {v:.3f}" for k, v in w.items())
