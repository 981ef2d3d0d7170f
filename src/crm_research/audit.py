"""Consistency audit of reported statistics (for readers and reviewers of published work).

Given the numbers a paper reports, recompute what follows from them and say, in words and with the
arithmetic shown, whether they fit together:

- :func:`check_p` — p from t, F, χ² or z and its degrees of freedom (rounding of the reported
  statistic taken into account, as statcheck does; Nuijten et al., 2016);
- :func:`check_regression` and :func:`implied_predictors` — R² ↔ F ↔ n ↔ number of predictors,
  F = (R²/k) / ((1 − R²)/(n − k − 1));
- :func:`check_f_change` — ΔR² and F change between two nested regressions;
- :func:`grim` — whether a mean of integer answers is possible for the n (Brown & Heathers, 2017);
- :func:`grim_percent` — whether a percentage is possible for the n;
- :func:`smallest_n` and :func:`check_percent_total` — the smallest base that makes a set of
  reported percentages possible, and whether exclusive shares add to 100 within rounding;
- :func:`check_alpha` — standardised α implied by the item count and mean inter-item correlation,
  α = k r̄ / (1 + (k − 1) r̄).

Each returns an :class:`AuditResult`; :func:`audit_table` stacks several into one DataFrame.
Reference values for the distribution functions come from R (tests/reference/audit/).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from scipy import stats

from ._core.errors import DataError
from ._core.results import Result, result

__all__ = [
    "AuditResult",
    "p_value",
    "check_p",
    "f_from_r2",
    "implied_predictors",
    "check_regression",
    "check_f_change",
    "grim",
    "grim_percent",
    "check_alpha",
    "audit_table",
    "smallest_n",
    "check_percent_total",
]


@result
class AuditResult(Result):
    """One check: what was reported, what follows from it, and the verdict in words."""

    check: str
    reported: str
    recomputed: str
    consistent: bool
    verdict_en: str
    verdict_zh: str
    arithmetic: str

    def verdict(self, lang: str = "en") -> str:
        if lang not in ("en", "zh"):
            raise DataError(f"verdict: lang={lang!r} is not one of ['en', 'zh']")
        return self.verdict_zh if lang == "zh" else self.verdict_en

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "check": self.check, "reported": self.reported, "recomputed": self.recomputed,
            "consistent": self.consistent, "verdict": self.verdict_en, "arithmetic": self.arithmetic,
        }])


def audit_table(results, lang: str = "en") -> pd.DataFrame:
    """Stack several :class:`AuditResult` into one table (verdicts in ``lang``)."""
    rows = []
    for r in results:
        if not isinstance(r, AuditResult):
            raise DataError(f"audit_table: expected AuditResult objects, got {type(r).__name__}")
        row = r.to_frame().iloc[0].to_dict()
        row["verdict"] = r.verdict(lang)
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# helpers

def _num(value, func: str, param: str, *, positive: bool = False, integer: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{func}: {param} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise DataError(f"{func}: {param} must be finite, got {value!r}")
    if positive and v <= 0:
        raise DataError(f"{func}: {param} must be > 0, got {value!r}")
    if integer and v != int(v):
        raise DataError(f"{func}: {param} must be a whole number, got {value!r}")
    return v


def _decimals(value) -> int:
    """Decimals as reported: from the string if given as one, else from the float's repr."""
    text = value if isinstance(value, str) else repr(float(value))
    text = text.strip().lstrip("<>=≤≥ ")
    if "e" in text.lower():
        return 6
    return len(text.split(".")[1]) if "." in text else 0


def _half_unit(value) -> float:
    return 0.5 * 10.0 ** (-_decimals(value))


def _round_half_up(x: float, decimals: int) -> float:
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


_P_RE = re.compile(r"^\s*(p\s*)?(<=|>=|<|>|=|≤|≥)?\s*(0?\.\d+|\d+(\.\d+)?(e-?\d+)?)\s*$", re.I)


def _parse_p(reported_p):
    """('<', 0.05) from '<.05', ('=', 0.032) from 0.032 or 'p = .032'."""
    if isinstance(reported_p, (int, float, np.floating)):
        return "=", float(reported_p), _decimals(float(reported_p))
    m = _P_RE.match(str(reported_p))
    if not m:
        raise DataError(f"check_p: reported_p={reported_p!r} is not a p value such as 0.032, '<.05' or 'p = .001'")
    op = {"≤": "<=", "≥": ">="}.get(m.group(2) or "=", m.group(2) or "=")
    val = float(m.group(3))
    if not 0 <= val <= 1:
        raise DataError(f"check_p: reported_p={reported_p!r} is outside 0–1")
    return op, val, _decimals(m.group(3))


# ---------------------------------------------------------------------------------------------
# p values

def p_value(stat: float, kind: str, df1: float | None = None, df2: float | None = None,
            *, tails: int = 2) -> float:
    """p for a test statistic.

    ``kind`` is 't' (df1 = df; two-sided unless ``tails=1``), 'F' (df1, df2), 'chi2' (df1) or
    'z'. Matches R's ``2*pt(-abs(t), df)``, ``pf(F, df1, df2, lower.tail=FALSE)`` and
    ``pchisq(x, df, lower.tail=FALSE)``.
    """
    func = "p_value"
    stat = _num(stat, func, "stat")
    if tails not in (1, 2):
        raise DataError(f"{func}: tails must be 1 or 2, got {tails!r}")
    kind_l = kind.lower()
    if kind_l == "t":
        df = _num(df1, func, "df1", positive=True)
        return float(tails * stats.t.sf(abs(stat), df))
    if kind_l == "z":
        return float(tails * stats.norm.sf(abs(stat)))
    if kind_l == "f":
        d1 = _num(df1, func, "df1", positive=True)
        d2 = _num(df2, func, "df2", positive=True)
        if stat < 0:
            raise DataError(f"{func}: an F statistic cannot be negative, got {stat}")
        return float(stats.f.sf(stat, d1, d2))
    if kind_l in ("chi2", "chisq", "χ2", "χ²"):
        d = _num(df1, func, "df1", positive=True)
        if stat < 0:
            raise DataError(f"{func}: a χ² statistic cannot be negative, got {stat}")
        return float(stats.chi2.sf(stat, d))
    raise DataError(f"{func}: kind={kind!r} is not one of ['t', 'F', 'chi2', 'z']")


def check_p(stat, kind: str, df1=None, df2=None, *, reported_p, tails: int = 2,
            alpha: float = 0.05) -> AuditResult:
    """Does the reported p follow from the reported statistic and df?

    The statistic is taken as rounded to the decimals it was reported with, so any p between the
    p of the interval's two ends is consistent. ``reported_p`` may be a number or a string such
    as ``'<.05'``, ``'p = .032'``. Give the statistic as a string (``"2.10"``) to keep trailing
    zeros, which a float cannot carry. A *gross* inconsistency is one where the recomputed p and the
    reported p fall on different sides of ``alpha``.
    """
    s = _num(stat, "check_p", "stat")
    op, pval, pdec = _parse_p(reported_p)
    h = _half_unit(stat)
    ends = [p_value(abs(s) - h if abs(s) > h else 0.0, kind, df1, df2, tails=tails),
            p_value(abs(s) + h, kind, df1, df2, tails=tails)]
    p_hi, p_lo = max(ends), min(ends)
    p_mid = p_value(s, kind, df1, df2, tails=tails)
    ph = 0.5 * 10.0 ** (-pdec)
    if op == "=":
        ok = p_lo - ph <= pval <= p_hi + ph
    elif op in ("<", "<="):
        ok = p_lo < pval if op == "<" else p_lo <= pval
    else:
        ok = p_hi > pval if op == ">" else p_hi >= pval
    reported_sig = (pval < alpha) if op in ("<", "<=") else (pval < alpha if op == "=" else False)
    gross = (not ok) and (reported_sig != (p_mid < alpha))
    dfs = ", ".join(str(d) for d in (df1, df2) if d is not None)
    label = f"{kind}({dfs}) = {stat}"
    arithmetic = (f"{label} ± {h:g} (rounding) gives p between {p_lo:.4g} and {p_hi:.4g} "
                  f"({tails}-sided); reported p {op} {pval:g}")
    if ok:
        en = f"Consistent: {label} gives p = {p_mid:.4g}, which fits the reported p {op} {pval:g}."
        zh = f"一致：{label} 对应 p = {p_mid:.4g}，与报告的 p {op} {pval:g} 相符。"
    else:
        kind_en = "grossly inconsistent (changes the conclusion at α = %g)" % alpha if gross else "inconsistent"
        kind_zh = "严重不一致（改变 α = %g 下的结论）" % alpha if gross else "不一致"
        en = f"{kind_en.capitalize()}: {label} gives p = {p_mid:.4g}, not p {op} {pval:g}."
        zh = f"{kind_zh}：{label} 对应 p = {p_mid:.4g}，而非报告的 p {op} {pval:g}。"
    return AuditResult("p from statistic", f"{label}, p {op} {pval:g}", f"p = {p_mid:.4g}", bool(ok),
                       en, zh, arithmetic)


# ---------------------------------------------------------------------------------------------
# regression: R², F, n, k

def f_from_r2(r2: float, n: int, k: int) -> float:
    """Overall F of an OLS regression with ``k`` predictors and an intercept:
    F = (R²/k) / ((1 − R²)/(n − k − 1))."""
    func = "f_from_r2"
    r2 = _num(r2, func, "r2")
    n = _num(n, func, "n", positive=True, integer=True)
    k = _num(k, func, "k", positive=True, integer=True)
    if not 0 <= r2 < 1:
        raise DataError(f"{func}: r2 must be in [0, 1), got {r2}")
    if n - k - 1 <= 0:
        raise DataError(f"{func}: n={n:g} is too small for k={k:g} predictors (needs n > k + 1)")
    return (r2 / k) / ((1 - r2) / (n - k - 1))


def implied_predictors(r2: float, f: float, n: int) -> float:
    """The number of predictors k that makes R², F and n fit: solving
    F = R²(n − k − 1) / (k (1 − R²)) for k gives k = R²(n − 1) / (F(1 − R²) + R²)."""
    func = "implied_predictors"
    r2 = _num(r2, func, "r2")
    f = _num(f, func, "f", positive=True)
    n = _num(n, func, "n", positive=True, integer=True)
    if not 0 < r2 < 1:
        raise DataError(f"{func}: r2 must be in (0, 1), got {r2}")
    return r2 * (n - 1) / (f * (1 - r2) + r2)


def check_regression(r2: float, f: float, n: int, k: int) -> AuditResult:
    """Do the reported R², F, n and number of predictors k fit together?

    R² and F are taken as rounded to the decimals they were reported with; the F that follows
    from any R² in the rounding interval is compared with the reported F's interval.
    """
    func = "check_regression"
    r2v = _num(r2, func, "r2")
    fv = _num(f, func, "f", positive=True)
    hr, hf = _half_unit(r2), _half_unit(f)
    f_lo = f_from_r2(max(r2v - hr, 0.0), n, k)
    f_hi = f_from_r2(min(r2v + hr, 1 - 1e-12), n, k)
    f_mid = f_from_r2(r2v, n, k)
    ok = f_lo <= fv + hf and fv - hf <= f_hi
    k_implied = implied_predictors(r2v, fv, n)
    k_lo = implied_predictors(min(r2v + hr, 1 - 1e-12), fv - hf, n) if fv - hf > 0 else float("inf")
    k_hi = implied_predictors(max(r2v - hr, 1e-12), fv + hf, n)
    k_lo, k_hi = sorted((k_lo, k_hi))
    df2 = int(n - k - 1)
    arithmetic = (f"F = (R²/k)/((1−R²)/(n−k−1)) = ({r2v:g}/{k})/((1−{r2v:g})/{df2}) = {f_mid:.2f} "
                  f"(R² ± {hr:g} gives {f_lo:.2f}–{f_hi:.2f}); reported F = {fv:g}. "
                  f"Solving for k: k = R²(n−1)/(F(1−R²)+R²) = {r2v:g}×{n - 1}/({fv:g}×{1 - r2v:g}+{r2v:g}) "
                  f"= {k_implied:.2f} (rounding range {k_lo:.2f}–{k_hi:.2f}).")
    reported = f"R² = {r2v:g}, F = {fv:g}, n = {n}, k = {k}"
    recomputed = f"F = {f_mid:.2f} with k = {k}; implied k ≈ {k_implied:.1f}"
    if ok:
        en = f"Consistent: with n = {n} and {k} predictor(s), R² = {r2v:g} gives F = {f_mid:.2f}, matching F = {fv:g}."
        zh = f"一致：n = {n}、{k} 个自变量时，R² = {r2v:g} 对应 F = {f_mid:.2f}，与报告的 F = {fv:g} 相符。"
    else:
        en = (f"Inconsistent: with n = {n} and {k} predictor(s), R² = {r2v:g} gives F = {f_mid:.2f}, "
              f"not {fv:g}. The reported R², F and n fit a model with about {k_implied:.0f} predictors "
              f"(k ≈ {k_implied:.1f}), so the model probably had predictors (e.g. control variables) "
              f"that were not reported.")
        zh = (f"不一致：n = {n}、{k} 个自变量时，R² = {r2v:g} 对应 F = {f_mid:.2f}，而非 {fv:g}。"
              f"报告的 R²、F 与 n 只与约 {k_implied:.0f} 个自变量（k ≈ {k_implied:.1f}）的模型相符，"
              f"模型中可能包含未报告的变量（如控制变量）。")
    return AuditResult("R² ↔ F ↔ n ↔ k", reported, recomputed, bool(ok), en, zh, arithmetic)


def check_f_change(r2_reduced: float, r2_full: float, n: int, k_reduced: int, k_full: int,
                   *, reported_f=None, reported_delta_r2=None) -> AuditResult:
    """ΔR² and F change between nested regressions:
    F = (ΔR²/(k₂ − k₁)) / ((1 − R²₂)/(n − k₂ − 1)), with df (k₂ − k₁, n − k₂ − 1)."""
    func = "check_f_change"
    r1 = _num(r2_reduced, func, "r2_reduced")
    r2 = _num(r2_full, func, "r2_full")
    n = _num(n, func, "n", positive=True, integer=True)
    k1 = _num(k_reduced, func, "k_reduced", integer=True)
    k2 = _num(k_full, func, "k_full", positive=True, integer=True)
    if k2 <= k1:
        raise DataError(f"{func}: k_full={k2:g} must exceed k_reduced={k1:g}")
    if r2 < r1:
        raise DataError(f"{func}: r2_full={r2:g} is below r2_reduced={r1:g}; R² cannot fall when predictors are added")
    if n - k2 - 1 <= 0:
        raise DataError(f"{func}: n={n:g} is too small for k_full={k2:g} predictors")
    d1, d2 = int(k2 - k1), int(n - k2 - 1)
    delta = r2 - r1
    fch = (delta / d1) / ((1 - r2) / d2)
    p = float(stats.f.sf(fch, d1, d2))
    arithmetic = (f"ΔR² = {r2:g} − {r1:g} = {delta:.4g}; F change = (ΔR²/{d1})/((1−{r2:g})/{d2}) "
                  f"= {fch:.3f}, df = ({d1}, {d2}), p = {p:.3g}")
    ok = True
    problems_en, problems_zh = [], []
    if reported_delta_r2 is not None:
        rd = _num(reported_delta_r2, func, "reported_delta_r2")
        tol = _half_unit(reported_delta_r2) + _half_unit(r2_full) + _half_unit(r2_reduced)
        if abs(rd - delta) > tol:
            ok = False
            problems_en.append(f"reported ΔR² = {rd:g} but {r2:g} − {r1:g} = {delta:.4g}")
            problems_zh.append(f"报告的 ΔR² = {rd:g}，但 {r2:g} − {r1:g} = {delta:.4g}")
    if reported_f is not None:
        rf = _num(reported_f, func, "reported_f", positive=True)
        hr = _half_unit(r2_full) + _half_unit(r2_reduced)
        lo_delta, hi_delta = max(delta - hr, 0.0), delta + hr
        f_lo = (lo_delta / d1) / ((1 - max(r2 - _half_unit(r2_full), 0)) / d2)
        f_hi = (hi_delta / d1) / ((1 - min(r2 + _half_unit(r2_full), 1 - 1e-12)) / d2)
        hf = _half_unit(reported_f)
        if not (min(f_lo, f_hi) <= rf + hf and rf - hf <= max(f_lo, f_hi)):
            ok = False
            problems_en.append(f"reported F change = {rf:g} but it follows as {fch:.2f} (range {f_lo:.2f}–{f_hi:.2f})")
            problems_zh.append(f"报告的 F 变化量 = {rf:g}，但应为 {fch:.2f}（范围 {f_lo:.2f}–{f_hi:.2f}）")
    if ok:
        en = f"Consistent: ΔR² = {delta:.3f} gives F change({d1}, {d2}) = {fch:.2f}, p = {p:.3g}."
        zh = f"一致：ΔR² = {delta:.3f}，F 变化量({d1}, {d2}) = {fch:.2f}，p = {p:.3g}。"
    else:
        en = "Inconsistent: " + "; ".join(problems_en) + "."
        zh = "不一致：" + "；".join(problems_zh) + "。"
    reported = f"R²: {r1:g} → {r2:g}, n = {n:g}, k: {k1:g} → {k2:g}"
    return AuditResult("ΔR² and F change", reported, f"ΔR² = {delta:.4g}, F = {fch:.3f}, p = {p:.3g}",
                       bool(ok), en, zh, arithmetic)


# ---------------------------------------------------------------------------------------------
# GRIM

def grim(mean, n: int, *, items: int = 1, decimals: int | None = None) -> AuditResult:
    """GRIM test (Brown & Heathers, 2017): is ``mean`` possible as the mean of ``n`` respondents'
    answers to ``items`` integer-scored items, reported to ``decimals`` places (taken from the
    reported value when it is a string, else from the float)?"""
    func = "grim"
    m = _num(mean, func, "mean")
    n = int(_num(n, func, "n", positive=True, integer=True))
    items = int(_num(items, func, "items", positive=True, integer=True))
    d = _decimals(mean) if decimals is None else int(decimals)
    units = n * items
    centre = m * units
    candidates = [int(math.floor(centre)) + j for j in (-1, 0, 1, 2)]
    hits = [c for c in candidates if _round_half_up(c / units, d) == _round_half_up(m, d)]
    ok = bool(hits)
    near = sorted(candidates, key=lambda c: abs(c / units - m))[:2]
    arithmetic = (f"{m:.{d}f} × {n} respondents × {items} item(s) = {centre:.4f}; a sum of integers "
                  f"must be whole: " + ", ".join(f"{c}/{units} = {c / units:.{d + 2}f}" for c in sorted(near)))
    if ok:
        en = f"Possible: a total of {hits[0]} over {units} answers gives a mean of {m:.{d}f}."
        zh = f"可能：{units} 个回答总和为 {hits[0]} 时均值为 {m:.{d}f}。"
    else:
        en = (f"Impossible: no whole-number total of {units} integer answers rounds to a mean of {m:.{d}f} "
              f"(closest: " + ", ".join(f"{c / units:.{d}f}" for c in sorted(near)) + ").")
        zh = (f"不可能：{units} 个整数回答的总和无法得到均值 {m:.{d}f}（最接近："
              + "、".join(f"{c / units:.{d}f}" for c in sorted(near)) + "）。")
    return AuditResult("GRIM (mean)", f"mean = {m:.{d}f}, n = {n}, items = {items}",
                       ", ".join(f"{c}/{units}" for c in hits) or "none", ok, en, zh, arithmetic)


def grim_percent(percent, n: int, *, decimals: int | None = None) -> AuditResult:
    """Is ``percent`` (0–100) possible as a share of ``n`` people, reported to ``decimals``?"""
    func = "grim_percent"
    pct = _num(percent, func, "percent")
    if not 0 <= pct <= 100:
        raise DataError(f"{func}: percent must be between 0 and 100, got {percent!r}")
    n = int(_num(n, func, "n", positive=True, integer=True))
    d = _decimals(percent) if decimals is None else int(decimals)
    centre = pct / 100 * n
    candidates = [c for c in (int(math.floor(centre)) + j for j in (-1, 0, 1, 2)) if 0 <= c <= n]
    hits = [c for c in candidates if _round_half_up(100 * c / n, d) == _round_half_up(pct, d)]
    ok = bool(hits)
    arithmetic = (f"{pct:.{d}f} % of {n} = {centre:.3f} people; " +
                  ", ".join(f"{c}/{n} = {100 * c / n:.{d + 2}f} %" for c in candidates))
    if ok:
        en = f"Possible: {hits[0]} of {n} is {100 * hits[0] / n:.{d}f} %."
        zh = f"可能：{n} 人中 {hits[0]} 人即 {100 * hits[0] / n:.{d}f}%。"
    else:
        en = f"Impossible: no whole number of the {n} respondents gives {pct:.{d}f} %."
        zh = f"不可能：{n} 名受访者中不存在整数人数使比例为 {pct:.{d}f}%。"
    return AuditResult("GRIM (percentage)", f"{pct:.{d}f} %, n = {n}",
                       ", ".join(f"{c}/{n}" for c in hits) or "none", ok, en, zh, arithmetic)


# ---------------------------------------------------------------------------------------------
# alpha

def check_alpha(k: int, mean_r: float, *, reported_alpha=None) -> AuditResult:
    """Standardised α implied by ``k`` items with mean inter-item correlation ``mean_r``:
    α = k r̄ / (1 + (k − 1) r̄) (Cronbach, 1951; the Spearman–Brown form)."""
    func = "check_alpha"
    k = int(_num(k, func, "k", positive=True, integer=True))
    if k < 2:
        raise DataError(f"{func}: k must be at least 2 items, got {k}")
    r = _num(mean_r, func, "mean_r")
    if not -1 / (k - 1) < r <= 1:
        raise DataError(f"{func}: mean_r must be in (−1/(k−1), 1], got {r}")
    a = k * r / (1 + (k - 1) * r)
    arithmetic = f"α = k r̄/(1+(k−1) r̄) = {k}×{r:g}/(1+{k - 1}×{r:g}) = {a:.4f}"
    if reported_alpha is None:
        en = f"Implied standardised α = {a:.3f}."
        zh = f"推算的标准化 α = {a:.3f}。"
        return AuditResult("α from k and r̄", f"k = {k}, r̄ = {r:g}", f"α = {a:.4f}", True, en, zh, arithmetic)
    ra = _num(reported_alpha, func, "reported_alpha")
    hr = _half_unit(mean_r)
    lo = k * (r - hr) / (1 + (k - 1) * (r - hr))
    hi = k * (r + hr) / (1 + (k - 1) * (r + hr))
    ha = _half_unit(reported_alpha)
    ok = lo - ha <= ra <= hi + ha
    if ok:
        en = f"Consistent: {k} items with r̄ = {r:g} imply α = {a:.3f}, matching α = {ra:g}."
        zh = f"一致：{k} 个题项、r̄ = {r:g} 推算 α = {a:.3f}，与报告的 α = {ra:g} 相符。"
    else:
        en = f"Inconsistent: {k} items with r̄ = {r:g} imply α = {a:.3f} ({lo:.3f}–{hi:.3f}), not {ra:g}."
        zh = f"不一致：{k} 个题项、r̄ = {r:g} 推算 α = {a:.3f}（{lo:.3f}–{hi:.3f}），而非报告的 {ra:g}。"
    return AuditResult("α from k and r̄", f"k = {k}, r̄ = {r:g}, α = {ra:g}", f"α = {a:.4f}", bool(ok),
                       en, zh, arithmetic)


# ---------------------------------------------------------------------------------------------
# percentages reported without their n

def smallest_n(percents, *, decimals: int | None = None, max_n: int = 100_000) -> int | None:
    """The smallest number of respondents for which every percentage in ``percents`` is possible
    (each a whole count out of the same n, rounded half-up to ``decimals``). None if none up to
    ``max_n``. Useful when a paper reports percentages but not the base."""
    func = "smallest_n"
    vals = [_num(p, func, "percents") for p in percents]
    if not vals:
        raise DataError(f"{func}: percents is empty")
    if any(not 0 <= v <= 100 for v in vals):
        raise DataError(f"{func}: every percentage must be between 0 and 100, got {vals}")
    decs = [(_decimals(p) if decimals is None else int(decimals)) for p in percents]
    for n in range(1, int(max_n) + 1):
        ok = True
        for v, d in zip(vals, decs):
            c = round(v / 100 * n)
            if not any(0 <= cc <= n and _round_half_up(100 * cc / n, d) == _round_half_up(v, d)
                       for cc in (c - 1, c, c + 1)):
                ok = False
                break
        if ok:
            return n
    return None


def check_percent_total(percents, *, decimals: int | None = None, labels=None) -> AuditResult:
    """Do mutually exclusive percentages add up to 100 within rounding?

    Each value rounded to ``d`` decimals is off by at most half a unit, so the total of m values
    may differ from 100 by at most m × 0.5 × 10⁻ᵈ.
    """
    func = "check_percent_total"
    vals = [_num(p, func, "percents") for p in percents]
    if len(vals) < 2:
        raise DataError(f"{func}: needs at least two percentages, got {len(vals)}")
    d = max(_decimals(p) for p in percents) if decimals is None else int(decimals)
    total = sum(vals)
    slack = len(vals) * 0.5 * 10.0 ** (-d)
    ok = abs(total - 100) <= slack + 1e-9
    names = labels or [f"{v:g}" for v in vals]
    shown = " + ".join(f"{v:.{d}f}" for v in vals)
    arithmetic = f"{shown} = {total:.{d}f}; rounding allows 100 ± {slack:.{d + 2}g}"
    if ok:
        en = f"Consistent: the {len(vals)} shares add up to {total:.{d}f} %, within rounding of 100 %."
        zh = f"一致：{len(vals)} 个比例合计 {total:.{d}f}%，在四舍五入误差内等于 100%。"
    else:
        en = (f"Inconsistent: the {len(vals)} shares add up to {total:.{d}f} %, more than rounding "
              f"(±{slack:.{d + 2}g}) allows if they are mutually exclusive shares of one base.")
        zh = (f"不一致：{len(vals)} 个比例合计 {total:.{d}f}%，超出四舍五入误差（±{slack:.{d + 2}g}）；"
              f"若为同一基数下互斥的比例则不可能。")
    return AuditResult("percentages add to 100", ", ".join(map(str, names)), f"total = {total:.{d}f}",
                       bool(ok), en, zh, arithmetic)
