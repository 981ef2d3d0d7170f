"""Fuzzy comprehensive evaluation (模糊综合评价): B = A ∘ R with a choice of composition operator,
one or two levels, the grade of maximum membership and a score from grade values.

References: Zadeh (1965) for fuzzy sets; the four operators M(∧,∨), M(·,∨), M(∧,⊕), M(·,+) as in
the Chinese textbook treatment (e.g. 汪培庄 Wang Peizhuang, 1983, 《模糊集合论及其应用》).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import format_rows, require_choice, require_columns, require_frame
from ..present.labels import check_lang
from ..present.table import Table
from ._checks import SUM_TOL, complete_numeric, weights_series

__all__ = ["fuzzy_evaluation", "membership_from_answers", "FuzzyResult", "OPERATORS"]

#: name → (symbol, description)
OPERATORS = {
    "weighted_average": "M(·,⊕)",  # b_j = Σ_i a_i r_ij
    "max_min": "M(∧,∨)",           # b_j = max_i min(a_i, r_ij)  (Zadeh)
    "max_product": "M(·,∨)",       # b_j = max_i a_i r_ij
    "bounded_sum": "M(∧,⊕)",       # b_j = min(1, Σ_i min(a_i, r_ij))
}


def _compose(a: np.ndarray, r: np.ndarray, operator: str) -> np.ndarray:
    if operator == "weighted_average":
        return a @ r
    if operator == "max_min":
        return np.minimum(a[:, None], r).max(axis=0)
    if operator == "max_product":
        return (a[:, None] * r).max(axis=0)
    return np.minimum(1.0, np.minimum(a[:, None], r).sum(axis=0))


def membership_from_answers(frame, grades, *, columns=None) -> pd.DataFrame:
    """The membership matrix R (factor × grade) from survey answers: r_ij = the share of the
    respondents who answered factor i that chose grade j (blank answers are left out).

    ``grades``: the answer values in the order of the grades (e.g. ``[5, 4, 3, 2, 1]``), or a dict
    value → grade name (``{5: "very satisfied", ...}``; several values may share a grade).
    ``columns``: the factor columns (default: all). An answer outside ``grades`` is an error.

    Examples
    --------
    >>> ans = pd.DataFrame({"q1": [5, 4, 4, 3], "q2": [5, 5, 2, None]})
    >>> membership_from_answers(ans, [5, 4, 3, 2, 1]).loc["q2"].round(3).tolist()
    [0.667, 0.0, 0.0, 0.333, 0.0]
    """
    func = "membership_from_answers"
    data = require_frame(frame, func, "frame")
    columns = list(data.columns) if columns is None else require_columns(data, columns, func, "factors")
    if isinstance(grades, dict):
        mapping = dict(grades)
        names = list(dict.fromkeys(mapping.values()))
    else:
        grades = list(grades)
        if len(set(grades)) != len(grades):
            raise DataError(f"{func}: grades listed more than once: {grades}")
        mapping = {g: g for g in grades}
        names = grades
    if not names:
        raise DataError(f"{func}: grades is empty; list the answer values in grade order, e.g. [5, 4, 3, 2, 1]")
    keys = {_key(k): v for k, v in mapping.items()}
    rows = {}
    for c in columns:
        s = data[c].dropna()
        if s.empty:
            raise DataError(f"{func}: factor column {c!r} has no answers")
        g = s.map(lambda v: keys.get(_key(v), _MISSING))
        bad = g.map(lambda v: v is _MISSING)
        if bad.any():
            vals = sorted({repr(v) for v in s[bad]})[:5]
            raise DataError(f"{func}: answers outside the grades {list(mapping)} in column {c!r}: {', '.join(vals)} "
                            f"({format_rows(s.index[bad])})")
        share = g.value_counts(normalize=True)
        rows[c] = [float(share.get(n, 0.0)) for n in names]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=names)
    out.index.name = "factor"
    out.columns.name = "grade"
    return out


_MISSING = object()


def _key(v):
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        return int(f) if f.is_integer() else f
    return v


def _membership(membership, func: str, param: str = "membership") -> pd.DataFrame:
    r = complete_numeric(membership, func, what="grades", param=param)
    if r.index.has_duplicates:
        raise DataError(f"{func}: {param} lists a factor twice: {r.index[r.index.duplicated()].tolist()}")
    out = (r < 0) | (r > 1)
    if out.any().any():
        bad = r.index[out.any(axis=1)].tolist()
        raise DataError(f"{func}: membership degrees must lie in [0, 1]; {param} rows {bad} do not")
    total = r.sum(axis=1)
    off = (total - 1).abs() > SUM_TOL
    if off.any():
        shown = ", ".join(f"{i!s} sums to {total[i]:.4g}" for i in total.index[off][:5])
        raise DataError(f"{func}: each row of {param} must sum to 1 (a factor's memberships over the grades); "
                        f"{shown}; divide each row by its sum")
    return r


@result
class FuzzyResult(Result):
    """Outcome of a fuzzy comprehensive evaluation."""

    #: the evaluation vector B over the grades, normalised to sum to 1
    vector: pd.Series
    #: the grade of largest membership (maximum-membership principle)
    grade: object
    #: Σ_j b_j v_j with the grade values ``grade_scores`` (NaN when none were given)
    score: float
    operator: str
    #: B before normalisation (what the operator returns)
    raw: pd.Series
    #: two-level evaluation: B of each factor group (group × grade); empty for one level
    groups: pd.DataFrame
    #: largest minus second-largest membership of B: how clearly the grade stands out
    margin: float

    title = "Fuzzy comprehensive evaluation"

    def to_frame(self) -> pd.DataFrame:
        rows = [self.groups] if not self.groups.empty else []
        rows.append(self.vector.to_frame("overall").T)
        return pd.concat(rows)

    def table(self, lang: str = "zh") -> Table:
        from ._text import T, label_of

        check_lang(lang)
        frame = self.to_frame().copy()
        frame.index = [label_of("overall", lang) if i == "overall" else i for i in frame.index]
        frame.index.name = "factor_group" if not self.groups.empty else None
        frame.columns = [str(c) for c in frame.columns]
        note = T("fuzzy_note", lang, op=OPERATORS[self.operator], grade=self.grade,
                 score="" if np.isnan(self.score) else T("fuzzy_note_score", lang, score=self.score))
        return Table.build(frame, title=T("fuzzy_title", lang), lang=lang,
                           kinds={c: "coef" for c in frame.columns}, ns="evaluation", note=note)

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T

        check_lang(lang)
        clear = self.margin >= 0.1
        text = T("fuzzy_interpret", lang, op=OPERATORS[self.operator], grade=self.grade,
                 b=float(self.vector[self.grade]), margin=self.margin,
                 verdict=T("fuzzy_clear" if clear else "fuzzy_unclear", lang))
        if not np.isnan(self.score):
            text += T("fuzzy_interpret_score", lang, score=self.score)
        return text


def fuzzy_evaluation(weights, membership, *, operator: str = "weighted_average", grade_scores=None,
                     groups=None, group_weights=None) -> FuzzyResult:
    """Fuzzy comprehensive evaluation B = A ∘ R (Zadeh, 1965; 汪培庄, 1983).

    ``weights`` A: one weight per factor (dict/Series by factor, or a list in the order of
    ``membership``'s rows), summing to 1. ``membership`` R: factor × grade membership degrees, each
    row summing to 1 — typed in, or from survey answers by :func:`membership_from_answers`.
    ``operator``: ``"weighted_average"`` M(·,⊕): b_j = Σ a_i r_ij (uses every factor; the usual
    choice); ``"max_min"`` M(∧,∨) (Zadeh): b_j = max_i min(a_i, r_ij); ``"max_product"`` M(·,∨):
    b_j = max_i a_i r_ij; ``"bounded_sum"`` M(∧,⊕): b_j = min(1, Σ_i min(a_i, r_ij)). B is then
    normalised to sum to 1 (``raw`` keeps it as composed). ``grade`` is the grade of largest
    membership; ``score`` = Σ_j b_j v_j with ``grade_scores`` v (dict grade → value).

    Two levels: pass ``groups`` (dict group → list of factors) and ``group_weights`` (dict group →
    weight, summing to 1); ``weights`` then holds each factor's weight within its group (summing to
    1 within each group). Each group is evaluated first; the groups' vectors form the second-level R.

    Examples
    --------
    >>> r = pd.DataFrame([[0.5, 0.3, 0.2, 0.0], [0.2, 0.4, 0.3, 0.1], [0.1, 0.3, 0.5, 0.1],
    ...                   [0.0, 0.2, 0.4, 0.4]], index=["taste", "service", "setting", "price"],
    ...                  columns=["excellent", "good", "fair", "poor"])
    >>> res = fuzzy_evaluation([0.4, 0.3, 0.2, 0.1], r)
    >>> res.vector.round(2).tolist(), res.grade
    ([0.28, 0.32, 0.31, 0.09], 'good')
    """
    func = "fuzzy_evaluation"
    require_choice(operator, list(OPERATORS), func, "operator")
    r = _membership(membership, func)
    grades = list(r.columns)
    if groups is None:
        if group_weights is not None:
            raise DataError(f"{func}: group_weights given without groups; pass groups={{group: [factors]}}")
        a = weights_series(weights, func, "weights", index=list(r.index))
        raw = pd.Series(_compose(a.to_numpy(), r.to_numpy(), operator), index=grades)
        group_frame = pd.DataFrame(columns=grades, dtype=float)
    else:
        if group_weights is None:
            raise DataError(f"{func}: a two-level evaluation needs group_weights (one weight per group, summing to 1)")
        groups = {g: [f] if isinstance(f, str) else list(f) for g, f in dict(groups).items()}
        gw = weights_series(group_weights, func, "group_weights", index=list(groups))
        listed = [f for fs in groups.values() for f in fs]
        missing = [f for f in listed if f not in r.index]
        if missing:
            raise DataError(f"{func}: factors in groups but not in membership: {missing}")
        twice = sorted({str(f) for f in listed if listed.count(f) > 1})
        if twice:
            raise DataError(f"{func}: factors in more than one group: {twice}")
        unused = [f for f in r.index if f not in listed]
        if unused:
            raise DataError(f"{func}: factors in membership but in no group: {unused}")
        if isinstance(weights, (dict, pd.Series)):
            w_all = pd.Series(dict(weights) if isinstance(weights, dict) else weights, dtype=float)
        else:
            raise DataError(f"{func}: for two levels, weights must be a dict or Series by factor")
        vecs = {}
        for g, fs in groups.items():
            missing_w = [f for f in fs if f not in w_all.index]
            if missing_w:
                raise DataError(f"{func}: weights missing for factors {missing_w} (group {g!r})")
            a = weights_series(w_all[fs], func, f"weights of group {g!r}", index=fs)
            b = _compose(a.to_numpy(), r.loc[fs].to_numpy(), operator)
            vecs[g] = b / b.sum() if b.sum() > 0 else b
        group_frame = pd.DataFrame.from_dict(vecs, orient="index", columns=grades)
        raw = pd.Series(_compose(gw.to_numpy(), group_frame.to_numpy(), operator), index=grades)
    if raw.sum() <= 0:
        raise DataError(f"{func}: the evaluation vector is all zero; check the weights and memberships")
    vec = (raw / raw.sum()).rename("membership")
    vec.index.name = "grade"
    raw = raw.rename("membership")
    order = np.sort(vec.to_numpy())[::-1]
    margin = float(order[0] - order[1]) if len(order) > 1 else 1.0
    grade = vec.idxmax()
    score = float("nan")
    if grade_scores is not None:
        gs = pd.Series(dict(grade_scores), dtype=float)
        missing = [g for g in grades if g not in gs.index]
        if missing:
            raise DataError(f"{func}: grade_scores lacks grades {missing}; give a value for each of {grades}")
        score = float((vec * gs[grades].to_numpy()).sum())
    return FuzzyResult(vec, grade, score, operator, raw, group_frame, margin)
