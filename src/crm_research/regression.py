"""Descriptives, correlation tables, OLS and hierarchical regression, ordinal logistic regression,
and PROCESS-style mediation (model 4), moderation (model 1) and moderated mediation (model 7).

Reference implementations (tests/reference/regression): R's ``lm``/``anova`` (coefficients, R²,
F change to 1e-8), ``glm(family = binomial)`` with Hosmer–Lemeshow and LMG by their definitions, HC3 by its definition, HC0–HC3 and weighted ``lm`` with ``sandwich::vcovHC``, ``psych::describe(type = 2)``, ``MASS::polr``. Bootstrap
intervals are checked against a plain one-resample-at-a-time loop over the same draws and, in
benchmarks/, against ``pingouin.mediation_analysis``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._core import lstsq
from ._core.bootstrap import resample_sums
from ._core.errors import DataError, StatWarning
from ._core.results import Result, result
from ._core.params import Integer, Probability, validate_params
from ._core.validation import (format_rows, numeric_frame, require_columns, require_frame, require_positive_int,
                          require_probability)

__all__ = ["describe", "correlation_table", "ols", "hierarchical", "ordinal_logit", "logistic", "relative_importance",
           "mediation", "moderation", "moderated_mediation", "OLSResult", "LogisticResult", "HierarchicalResult", "MediationResult", "ModerationResult",
           "ModeratedMediationResult", "OrdinalResult", "process", "ProcessResult"]


# ---------------------------------------------------------------------------------------------
# preparing data


def _prepare(data, y: str, x: list, func: str, categorical: dict | None = None):
    """Listwise-complete numeric design with named dummies; returns (y, X without constant, n_dropped)."""
    frame = require_frame(data, func)
    categorical = dict(categorical or {})
    cols = [y] + list(x)
    require_columns(frame, cols, func, "variables")
    for c in categorical:
        if c not in x:
            raise DataError(f"{func}: categorical variable {c!r} is not among the predictors {list(x)}")
    sub = frame[cols]
    complete = sub.notna().all(axis=1)
    sub = sub[complete]
    n_dropped = int((~complete).sum())
    parts = [numeric_frame(sub, [y], func)]
    for c in x:
        if c in categorical:
            ref = categorical[c]
            levels = sorted(sub[c].astype(str).unique())
            if str(ref) not in levels:
                raise DataError(f"{func}: reference level {ref!r} of {c!r} not found; levels are {levels}")
            dummies = pd.DataFrame({f"{c}[{lv}]": (sub[c].astype(str) == lv).astype(float)
                                    for lv in levels if lv != str(ref)}, index=sub.index)
            parts.append(dummies)
        else:
            parts.append(numeric_frame(sub, [c], func))
    design = pd.concat(parts, axis=1)
    yv, xv = design[y], design.drop(columns=[y])
    if yv.nunique() < 2:
        raise DataError(f"{func}: outcome {y!r} is constant ({yv.iloc[0] if len(yv) else 'no cases'}); nothing to explain")
    k = xv.shape[1]
    if len(yv) <= k + 1:
        raise DataError(f"{func}: {len(yv)} complete cases for {k} predictors; needs more than {k + 1}")
    const = [c for c in xv.columns if xv[c].nunique() < 2]
    if const:
        raise DataError(f"{func}: predictors with no variance: {const}")
    rank = np.linalg.matrix_rank(np.column_stack([np.ones(len(xv)), xv.to_numpy()]))
    if rank < k + 1:
        culprits = _collinear(xv)
        raise DataError(f"{func}: predictors are perfectly collinear: {culprits}; drop one of them")
    return yv, xv, n_dropped


def _collinear(xv: pd.DataFrame) -> list:
    a = np.column_stack([np.ones(len(xv)), xv.to_numpy()])
    _, sv, vt = np.linalg.svd(a, full_matrices=False)
    null = vt[-1]
    names = ["(intercept)"] + list(xv.columns)
    return [names[i] for i in np.where(np.abs(null) > 1e-6 * np.abs(null).max())[0] if i > 0]


# ---------------------------------------------------------------------------------------------
# descriptives and correlations


def describe(data, columns=None) -> pd.DataFrame:
    """n, missing, mean, SD, skewness and excess kurtosis per variable (SPSS's bias-corrected G1
    and G2, ``psych::describe(type = 2)``), min and max."""
    func = "describe"
    frame = require_frame(data, func)
    columns = list(frame.columns) if columns is None else require_columns(frame, columns, func)
    x = numeric_frame(frame, columns, func)
    out = pd.DataFrame({"n": x.notna().sum(), "missing": x.isna().sum(), "mean": x.mean(), "sd": x.std(ddof=1),
                        "skew": x.skew(), "kurtosis": x.kurt(), "min": x.min(), "max": x.max()})
    out.index.name = "variable"
    return out


@result
class CorrelationResult(Result):
    """Correlations ``r`` and their ``p`` (square DataFrames), pairwise ``n``, each variable's
    ``mean`` and ``sd``, and ``sqrt_ave`` (√AVE by variable, for the Fornell–Larcker diagonal, or
    None). ``cells`` is the lower triangle as a thesis prints it ("0.45**", √AVE in brackets)."""

    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame
    mean: pd.Series
    sd: pd.Series
    sqrt_ave: pd.Series | None
    method: str

    title = "Correlations"

    @property
    def cells(self) -> pd.DataFrame:
        from .present.table import format_value, stars

        cols = list(self.r.columns)
        out = pd.DataFrame("", index=cols, columns=cols)
        for i, a in enumerate(cols):
            for j in range(i):
                out.iloc[i, j] = format_value(self.r.iloc[i, j], "coef") + stars(self.p.iloc[i, j])
            has = self.sqrt_ave is not None and a in self.sqrt_ave.index
            out.iloc[i, i] = f"({format_value(self.sqrt_ave[a], 'coef')})" if has else "1"
        return out

    def to_frame(self) -> pd.DataFrame:
        return self.cells

    def table(self, lang: str = "zh", *, names=None):
        """M, SD and the lower triangle with stars; √AVE on the diagonal when given. ``names``
        (a mapping or an Instrument) gives the variables' display names."""
        from .present.thesis import correlation_table as _table

        return _table(self, lang, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        """The range of the correlations and, with √AVE, the Fornell–Larcker (1981) criterion."""
        from .present.thesis import correlation_verdict

        return correlation_verdict(self, lang, names=names)


def correlation_table(data, columns=None, *, method: str = "pearson", sqrt_ave=None,
                      warn_above: float = 0.9) -> CorrelationResult:
    """Correlations with significance stars (* p<.05, ** p<.01, *** p<.001), means and SDs.

    ``sqrt_ave`` (a Series by variable, **the square root** of AVE — pass ``np.sqrt(cfa.ave)`` —
    or the :class:`~crm_research.validity.CFAResult` itself, whose AVE is then square-rooted here)
    puts √AVE on the diagonal (Fornell & Larcker, 1981). Pairs correlating above ``warn_above``
    raise a StatWarning: the source documents treat them as too similar to be separate constructs.
    """
    func = "correlation_table"
    frame = require_frame(data, func)
    columns = list(frame.columns) if columns is None else require_columns(frame, columns, func)
    if method not in ("pearson", "spearman"):
        raise DataError(f"{func}: method={method!r} is not one of ['pearson', 'spearman']")
    x = numeric_frame(frame, columns, func)
    k = len(columns)
    r = pd.DataFrame(np.eye(k), index=columns, columns=columns)
    p = pd.DataFrame(np.zeros((k, k)), index=columns, columns=columns)
    for i in range(k):
        for j in range(i):
            pair = x[[columns[i], columns[j]]].dropna()
            if len(pair) < 3:
                raise DataError(f"{func}: {columns[i]!r} and {columns[j]!r} have fewer than 3 complete pairs")
            test = stats.pearsonr if method == "pearson" else stats.spearmanr
            rv, pv = test(pair.iloc[:, 0], pair.iloc[:, 1])
            r.iloc[i, j] = r.iloc[j, i] = rv
            p.iloc[i, j] = p.iloc[j, i] = pv
    high = [(columns[i], columns[j], r.iloc[i, j]) for i in range(k) for j in range(i) if abs(r.iloc[i, j]) > warn_above]
    if high:
        warnings.warn(f"{func}: correlations above {warn_above}: " + ", ".join(f"{a}–{b} = {v:.2f}" for a, b, v in high)
                      + "; such constructs are too similar to be told apart — consider merging them",
                      StatWarning, stacklevel=2)
    nn = pd.DataFrame(x.notna().astype(int).T @ x.notna().astype(int), index=columns, columns=columns)
    if sqrt_ave is not None:
        if hasattr(sqrt_ave, "ave") and hasattr(sqrt_ave, "fornell_larcker"):   # a CFAResult
            sqrt_ave = np.sqrt(sqrt_ave.ave)
        sqrt_ave = pd.Series(sqrt_ave, dtype=float)
        if ((sqrt_ave < 0) | (sqrt_ave > 1)).any():
            raise DataError(f"{func}: sqrt_ave must hold √AVE values between 0 and 1, got {sqrt_ave.round(3).to_dict()}")
    return CorrelationResult(r, p, nn, x.mean(), x.std(ddof=1), sqrt_ave, method)


# ---------------------------------------------------------------------------------------------
# OLS and hierarchical regression


@result
class OLSResult(Result):
    coefficients: pd.DataFrame
    r2: float
    adj_r2: float
    f: float
    df_model: int
    df_resid: int
    f_p: float
    n: int
    n_dropped: int
    robust: str | None

    y: str = ""
    weights: str | None = None

    title = "OLS regression"

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients

    def table(self, lang: str = "zh", *, names=None):
        """B, SE, β (with stars), t, p and VIF per predictor; R², adjusted R² and F in the note."""
        from .present.thesis import ols_table

        return ols_table(self, lang, y=self.y, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from .present.thesis import ols_verdict

        return ols_verdict(self, lang, y=self.y, names=names)


def _vif(xv: pd.DataFrame, w: np.ndarray | None = None) -> np.ndarray:
    """1/(1 − R²ⱼ): the diagonal of the inverse (weighted) correlation matrix of the predictors."""
    if xv.shape[1] < 2:
        return np.ones(xv.shape[1])
    c = np.cov(xv.to_numpy(), rowvar=False, aweights=w)
    d = np.sqrt(np.diag(c))
    return np.diag(np.linalg.inv(c / np.outer(d, d)))


_HC = ("HC0", "HC1", "HC2", "HC3")


def _fit(yv: pd.Series, xv: pd.DataFrame, robust: str | None, w: np.ndarray | None = None):
    """(Weighted) least squares with the classical or an HC0–HC3 covariance.

    With case weights w the fit is OLS of √w·y on √w·[1, X] (R's ``lm(weights = w)``); residuals,
    hat values and R² are those of that transformed fit, R² about the weighted mean of y.
    """
    n, k = xv.shape
    sw = np.ones(n) if w is None else np.sqrt(w)
    a = np.column_stack([np.ones(n), xv.to_numpy()]) * sw[:, None]
    yy = yv.to_numpy() * sw
    ls = lstsq.fit(a, yy)
    b, resid, df_resid, xtx_inv = ls.b, ls.resid, ls.df, ls.xtx_inv
    if robust in _HC:
        h = np.einsum("ij,jk,ik->i", a, xtx_inv, a)
        omega = resid**2 * {"HC0": np.ones(n), "HC1": np.full(n, n / df_resid),
                            "HC2": 1 / (1 - h), "HC3": 1 / (1 - h) ** 2}[robust]
        cov = xtx_inv @ (a.T @ (a * omega[:, None])) @ xtx_inv
    else:
        cov = ls.sigma2 * xtx_inv
    se = np.sqrt(np.diag(cov))
    ybar = np.average(yv.to_numpy(), weights=w)
    tss = float(np.sum((sw * (yv.to_numpy() - ybar)) ** 2))
    r2 = 1 - ls.rss / tss
    return b, se, cov, r2, df_resid, resid


def _case_weights(frame: pd.DataFrame, weights: str | None, index, func: str) -> np.ndarray | None:
    """The ``weights`` column at the rows of ``index`` as floats; every weight must be positive."""
    if weights is None:
        return None
    w = numeric_frame(frame.loc[index], [weights], func)[weights]
    bad = w[~(w > 0) | ~np.isfinite(w)]
    if len(bad):
        raise DataError(f"{func}: weights column {weights!r} must hold positive finite numbers; found "
                        f"{[float(v) for v in bad.unique()[:3]]} in {format_rows(bad.index)}; drop those rows "
                        f"(SPSS's WLS leaves out cases with a weight of 0 or less)")
    return w.to_numpy()


def _wsd(v: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Standard deviations of the columns of v (weighted by w; the normalisation cancels in β)."""
    if w is None:
        return v.std(axis=0, ddof=1)
    mu = np.average(v, axis=0, weights=w)
    return np.sqrt(np.average((v - mu) ** 2, axis=0, weights=w))


def ols(data, y: str, x, *, categorical: dict | None = None, robust: str | None = None, weights: str | None = None,
        ci: float = 0.95) -> OLSResult:
    """Ordinary (or weighted) least squares with b, SE, standardised β, t, p, CI and VIF.

    The model is y = Xb + e; ``weights`` (a column of positive case weights wᵢ, SPSS's *WLS
    weight*, R's ``lm(weights = )``) gives weighted least squares, b = (X′WX)⁻¹X′Wy, with
    σ̂² = Σwᵢeᵢ² / (n − k − 1) and R² about the weighted mean of y.

    ``categorical`` maps a predictor to its reference level, e.g. ``{"customer_type":
    "manufacturer"}``; the others become 0/1 dummies named ``customer_type[retailer]``.
    ``robust`` gives heteroskedasticity-consistent SEs, Cov(b) = (X′X)⁻¹ X′ diag(ωᵢ) X (X′X)⁻¹ with
    ωᵢ = eᵢ² (``"HC0"``, White, 1980), eᵢ² n/(n − k − 1) (``"HC1"``, Stata's ``robust``),
    eᵢ²/(1 − hᵢ) (``"HC2"``) or eᵢ²/(1 − hᵢ)² (``"HC3"``, MacKinnon & White, 1985; Long & Ervin,
    2000, recommend it below n = 250), hᵢ the leverages; with weights, X and e are those of the
    transformed fit √w·y on √w·X. The overall F is then the robust Wald test of all slopes.
    β are the coefficients of z-scored variables (dummies included, as SPSS reports them;
    weighted SDs with weights), VIF from the (weighted) correlations of the predictors. Rows
    with a missing value in any model variable or weight are dropped and counted (``n_dropped``).

    Checked against R's ``lm``, ``sandwich::vcovHC`` and ``car::vif``
    (tests/reference/regression/make_reference.R and make_hc_wls.R).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "x": [1, 2, 3, 4, 5, 6], "w": [1, 1, 2, 2, 1, 1]})
    >>> round(float(ols(d, "y", "x", weights="w", robust="HC1").coefficients.loc["x", "b"]), 4)
    0.9444
    """
    func = "ols"
    x = [x] if isinstance(x, str) else list(x)
    if robust not in (None,) + _HC:
        raise DataError(f"{func}: robust={robust!r} is not one of [None, 'HC0', 'HC1', 'HC2', 'HC3']")
    level = require_probability(ci, func, "ci")
    frame = require_frame(data, func)
    if weights is not None:
        if not isinstance(weights, str):
            raise DataError(f"{func}: weights must be the name of a column of case weights, got {weights!r}")
        require_columns(frame, [weights], func, "weights column")
        if weights in [y] + x:
            raise DataError(f"{func}: the weights column {weights!r} is also a model variable")
        frame = frame[frame[weights].notna()]
    yv, xv, dropped = _prepare(frame, y, x, func, categorical)
    dropped += len(data) - len(frame)
    w = _case_weights(frame, weights, yv.index, func)
    b, se, cov, r2, df_resid, _ = _fit(yv, xv, robust, w)
    n, k = xv.shape
    t = b / se
    p = 2 * stats.t.sf(np.abs(t), df_resid)
    q = stats.t.ppf(0.5 + level / 2, df_resid)
    beta = np.concatenate([[np.nan], b[1:] * _wsd(xv.to_numpy(), w) / _wsd(yv.to_numpy(), w)])
    vif = np.concatenate([[np.nan], _vif(xv, w)])
    terms = ["(intercept)"] + list(xv.columns)
    coef = pd.DataFrame({"b": b, "se": se, "beta": beta, "t": t, "p": p, "ci_low": b - q * se,
                         "ci_high": b + q * se, "vif": vif}, index=pd.Index(terms, name="term"))
    high = [f"{tm} ({v:.1f})" for tm, v in zip(terms[1:], vif[1:]) if v > 10]
    if high:
        warnings.warn(f"{func}: VIF above 10 for {', '.join(high)}: strong multicollinearity, the coefficients "
                      f"of these predictors are unstable", StatWarning, stacklevel=2)
    adj = 1 - (1 - r2) * (n - 1) / df_resid
    if robust is not None:
        # Wald test of all slopes with the robust covariance
        rb = b[1:]
        f = float(rb @ np.linalg.solve(cov[1:, 1:], rb) / k)
    else:
        f = (r2 / k) / ((1 - r2) / df_resid)
    return OLSResult(coef, float(r2), float(adj), float(f), k, int(df_resid), float(stats.f.sf(f, k, df_resid)),
                     int(n), dropped, robust, y, weights)


@result
class HierarchicalResult(Result):
    steps: pd.DataFrame
    coefficients: pd.DataFrame
    n: int
    n_dropped: int
    y: str = ""

    title = "Hierarchical regression"

    def to_frame(self) -> pd.DataFrame:
        return self.steps

    def table(self, lang: str = "zh", *, coef: str = "beta", names=None):
        """The models side by side as theses print them: β (``coef="beta"``, default) or B
        (``coef="b"``) with stars and t per model, then R², adjusted R², ΔR², F and ΔF.
        ``names`` (a mapping or an Instrument) gives the variables' display names."""
        from .present.thesis import hierarchical_table

        return hierarchical_table(self, lang, coef=coef, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from .present.thesis import hierarchical_verdict

        return hierarchical_verdict(self, lang, names=names)


def hierarchical(data, y: str, blocks, *, categorical: dict | None = None) -> HierarchicalResult:
    """Hierarchical (blockwise) regression: each step adds a block of predictors.

    ``steps`` has one row per step with ``r2``, ``adj_r2``, ``delta_r2``, ``f_change``, ``df1``,
    ``df2``, ``p_change`` (for step 1 the change is against the empty model, i.e. its overall F);
    ``coefficients`` one row per (step, term) with ``b``, ``se``, ``beta``, ``t``, ``p``, ``vif``.
    All steps use the same cases: those complete on every variable of the last step.
    """
    func = "hierarchical"
    if isinstance(blocks, str) or not blocks or not all(isinstance(b, (list, tuple)) and b for b in blocks):
        raise DataError(f"{func}: blocks must be a list of non-empty lists of predictors, e.g. [['age'], ['quality', 'value']]")
    allx = [c for blk in blocks for c in blk]
    dup = sorted({c for c in allx if allx.count(c) > 1})
    if dup:
        raise DataError(f"{func}: predictors entered in more than one block: {dup}")
    frame = require_frame(data, func)
    require_columns(frame, [y] + allx, func, "variables")
    complete = frame[[y] + allx].notna().all(axis=1)
    sub = frame[complete]
    rows, coefs = [], []
    prev_r2, prev_k = 0.0, 0
    for s, _ in enumerate(blocks, start=1):
        xs = [c for blk in blocks[:s] for c in blk]
        cat = {c: v for c, v in (categorical or {}).items() if c in xs}
        res = ols(sub, y, xs, categorical=cat)
        k = res.df_model
        d1, d2 = k - prev_k, res.df_resid
        fch = ((res.r2 - prev_r2) / d1) / ((1 - res.r2) / d2)
        rows.append({"step": s, "r2": res.r2, "adj_r2": res.adj_r2, "delta_r2": res.r2 - prev_r2,
                     "f_change": fch, "df1": d1, "df2": d2, "p_change": float(stats.f.sf(fch, d1, d2)),
                     "f": res.f, "p": res.f_p})
        c = res.coefficients.reset_index()
        c.insert(0, "step", s)
        coefs.append(c[["step", "term", "b", "se", "beta", "t", "p", "vif"]])
        prev_r2, prev_k = res.r2, k
    return HierarchicalResult(pd.DataFrame(rows), pd.concat(coefs, ignore_index=True), int(complete.sum()),
                              int((~complete).sum()), y)


# ---------------------------------------------------------------------------------------------
# ordinal logistic regression


@result
class OrdinalResult(Result):
    """Proportional-odds fit: ``coefficients`` (b, se, z, p, odds_ratio by predictor),
    ``thresholds`` θⱼ (named 'j|j+1'), ``n``, ``log_likelihood`` and the outcome's ordered
    ``levels``; :meth:`predict_proba` gives each category's probability for new cases."""

    coefficients: pd.DataFrame
    thresholds: pd.Series
    n: int
    log_likelihood: float
    levels: tuple = ()

    title = "Ordinal logistic regression (proportional odds)"

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients

    def predict_proba(self, data) -> pd.DataFrame:
        """P(Y = j | x) for every row of ``data`` (rows × categories, columns the outcome's levels).

        P(Y ≤ j) = 1 / (1 + exp(−(θⱼ − xβ))), and P(Y = j) = P(Y ≤ j) − P(Y ≤ j − 1): the
        probabilities of ``predict(polr, newdata, type = "probs")`` in R's MASS (checked in
        tests/reference/regression/make_polr_predict.R). ``data`` needs the predictor columns (by
        name; other columns are ignored); a row with a missing predictor gets NaN probabilities.
        """
        func = "OrdinalResult.predict_proba"
        frame = require_frame(data, func)
        x = list(self.coefficients.index)
        require_columns(frame, x, func, "predictors")
        xv = numeric_frame(frame, x, func).to_numpy()
        eta = xv @ self.coefficients["b"].to_numpy()
        cum = stats.logistic.cdf(self.thresholds.to_numpy()[None, :] - eta[:, None])
        cum = np.column_stack([np.zeros(len(eta)), cum, np.ones(len(eta))])
        return pd.DataFrame(np.diff(cum, axis=1), index=frame.index,
                            columns=pd.Index(list(self.levels), name="category"))


def ordinal_logit(data, y: str, x) -> OrdinalResult:
    """Proportional-odds logistic regression, logit P(Y ≤ j) = θ_j − xβ (the parameterisation of
    ``MASS::polr``), for Likert-type outcomes; odds ratios exp(β) included."""
    func = "ordinal_logit"
    x = [x] if isinstance(x, str) else list(x)
    yv, xv, _ = _prepare(data, y, x, func)
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.sort(yv.unique())
    if len(levels) < 3:
        raise DataError(f"{func}: outcome {y!r} has {len(levels)} categories; use logistic regression for 2")
    cat = pd.Categorical(yv, categories=levels, ordered=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = OrderedModel(cat, xv, distr="logit").fit(method="bfgs", disp=False, maxiter=2000, gtol=1e-8)
    k = xv.shape[1]
    params = np.asarray(fit.params)
    bse = np.asarray(fit.bse)
    beta = params[:k]
    # statsmodels stores thresholds as the first cut and log increments
    cuts = np.cumsum(np.concatenate([[params[k]], np.exp(params[k + 1:])]))
    z = beta / bse[:k]
    coef = pd.DataFrame({"b": beta, "se": bse[:k], "z": z, "p": 2 * stats.norm.sf(np.abs(z)), "odds_ratio": np.exp(beta)},
                        index=pd.Index(xv.columns, name="term"))
    names = [f"{levels[i]:g}|{levels[i + 1]:g}" for i in range(len(levels) - 1)]
    return OrdinalResult(coef, pd.Series(cuts, index=names, name="threshold"), len(yv), float(fit.llf),
                         tuple(float(v) for v in levels))


# ---------------------------------------------------------------------------------------------
# bootstrap machinery (vectorised)


def _boot_fits(n: int, n_boot: int, rng, fits, extra: np.ndarray | None = None) -> list[np.ndarray]:
    """Bootstrap coefficients of several regressions on the same resamples: ``fits`` is a list of
    (design a, outcome y); one pass over the resamples sums every fit's cross-products at once.
    ``extra`` (cases × columns) is summed over the same resamples and its sums come last."""
    tables = [lstsq.cross_products(a, y) for a, y in fits]
    sums = resample_sums(np.concatenate(tables + ([] if extra is None else [extra]), axis=1), n_boot, rng)
    out, at = [], 0
    for (a, _), t in zip(fits, tables):
        out.append(lstsq.solve_sums(sums[:, at: at + t.shape[1]], a.shape[1]))
        at += t.shape[1]
    if extra is not None:
        out.append(sums[:, at:])
    return out


def _intervals(boot: np.ndarray, est: float, level: float) -> tuple[tuple, tuple]:
    g = 1 - level
    pct = tuple(float(v) for v in np.quantile(boot, [g / 2, 1 - g / 2]))
    prop = np.mean(boot < est) + 0.5 * np.mean(boot == est)
    prop = min(max(prop, 1 / (len(boot) + 1)), 1 - 1 / (len(boot) + 1))
    z0 = stats.norm.ppf(prop)
    zq = stats.norm.ppf([g / 2, 1 - g / 2])
    bc = tuple(float(v) for v in np.quantile(boot, stats.norm.cdf(2 * z0 + zq)))
    return pct, bc


def _ols_coef(a: np.ndarray, y: np.ndarray):
    ls = lstsq.fit(a, y)
    return ls.b, ls.se, ls.df, ls.cov


# ---------------------------------------------------------------------------------------------
# mediation (PROCESS model 4, simple and parallel)


@result
class MediationResult(Result):
    """Fields never change type with the number of mediators:

    - ``a``, ``b``: the a and b paths (floats; NaN with several mediators — see ``effects``);
    - ``direct`` (c′), ``total`` (c), ``indirect``: the (total) indirect effect Σ aⱼbⱼ;
    - ``ci``, ``ci_bc``: percentile and bias-corrected bootstrap intervals of ``indirect``
      ((nan, nan) without bootstrap), ``se_boot`` its bootstrap SE (NaN without);
    - ``effects``: one row per mediator (and 'total' with several): ``a``, ``b``, ``indirect``,
      ``se_boot``, ``ci_low``, ``ci_high``, ``bc_low``, ``bc_high``;
    - ``paths``: every regression path with SE, t, p (as PROCESS prints them).
    """

    a: float
    b: float
    direct: float
    total: float
    indirect: float
    ci: tuple
    ci_bc: tuple
    se_boot: float
    effects: pd.DataFrame
    paths: pd.DataFrame
    n: int
    n_boot: int
    x: str = ""
    y: str = ""
    level: float = 0.95

    title = "Mediation (PROCESS model 4)"

    def to_frame(self) -> pd.DataFrame:
        return self.paths

    def table(self, lang: str = "zh", *, names=None):
        """Total, direct and indirect effects as PROCESS prints them: Effect, SE, t, p, LLCI, ULCI
        for the total and direct effects; Effect, BootSE, BootLLCI, BootULCI for each indirect one."""
        from .present.thesis import mediation_table

        return mediation_table(self, lang, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from .present.thesis import mediation_verdict

        return mediation_verdict(self, lang, names=names)


@validate_params(n_boot=Integer(min=0), ci=Probability())
def mediation(data, x: str, m, y: str, *, covariates=(), n_boot: int = 5000, ci: float = 0.95, seed=None) -> MediationResult:
    """Simple or parallel mediation X → M(s) → Y with covariates (Hayes' PROCESS model 4).

    Paths by OLS: a (M on X and covariates), b and c′ (Y on X, M and covariates), c (Y on X and
    covariates); indirect effect a·b per mediator (and their total for several mediators), with
    percentile (``ci``) and bias-corrected (``ci_bc``) bootstrap intervals from ``n_boot``
    resamples, all computed at once (no Python loop over resamples). ``seed`` makes them repeatable.
    ``indirect`` and ``ci`` are those of the total indirect effect (the only one with one
    mediator); per-mediator effects are in ``effects``.
    """
    func = "mediation"
    ms = [m] if isinstance(m, str) else list(m)
    covs = [covariates] if isinstance(covariates, str) else list(covariates)
    level = float(ci)
    names = [x] + ms + covs
    if len(set(names + [y])) != len(names) + 1:
        raise DataError(f"{func}: x, m, y and covariates must be different variables, got x={x!r}, m={ms}, y={y!r}, covariates={covs}")
    yv, xv, dropped = _prepare(data, y, names, func)
    n = len(yv)
    X = xv[x].to_numpy()
    C = xv[covs].to_numpy() if covs else np.empty((n, 0))
    M = xv[ms].to_numpy()
    Y = yv.to_numpy()
    one = np.ones((n, 1))
    A_a = np.column_stack([one, X, C])               # M_j ~ X + C
    A_b = np.column_stack([one, X, M, C])            # Y ~ X + M + C
    A_c = np.column_stack([one, X, C])               # Y ~ X + C
    a_est, rows = [], []
    for j, mj in enumerate(ms):
        coef, se, df, _ = _ols_coef(A_a, M[:, j])
        a_est.append(coef[1])
        rows.append(("a", f"{x} → {mj}", coef[1], se[1], df))
    coef_b, se_b, df_b, _ = _ols_coef(A_b, Y)
    b_est = coef_b[2: 2 + len(ms)]
    for j, mj in enumerate(ms):
        rows.append(("b", f"{mj} → {y}", coef_b[2 + j], se_b[2 + j], df_b))
    rows.append(("direct", f"{x} → {y} (c′)", coef_b[1], se_b[1], df_b))
    coef_c, se_c, df_c, _ = _ols_coef(A_c, Y)
    rows.append(("total", f"{x} → {y} (c)", coef_c[1], se_c[1], df_c))
    paths = pd.DataFrame(rows, columns=["path", "effect", "estimate", "se", "df"])
    paths["t"] = paths["estimate"] / paths["se"]
    paths["p"] = 2 * stats.t.sf(paths["t"].abs(), paths["df"])
    a_est = np.array(a_est)
    ind = a_est * b_est
    labels = ms + (["total"] if len(ms) > 1 else [])
    ind_all = np.concatenate([ind, [ind.sum()]]) if len(ms) > 1 else ind
    cis, bcs, ses = {}, {}, {}
    if n_boot:
        rng = np.random.default_rng(seed)
        *fits_a, fit_b = _boot_fits(n, n_boot, rng, [(A_a, M[:, j]) for j in range(len(ms))] + [(A_b, Y)])
        boot_a = np.column_stack([f[:, 1] for f in fits_a])
        boot_b = fit_b[:, 2: 2 + len(ms)]
        boot_ind = boot_a * boot_b
        if len(ms) > 1:
            boot_ind = np.column_stack([boot_ind, boot_ind.sum(axis=1)])
        for j, lab in enumerate(labels):
            cis[lab], bcs[lab] = _intervals(boot_ind[:, j], ind_all[j], level)
            ses[lab] = float(boot_ind[:, j].std(ddof=1))
    for j, lab in enumerate(labels):
        paths.loc[len(paths)] = ["indirect", f"{x} → {lab} → {y}" if lab != "total" else "total indirect",
                                 ind_all[j], ses.get(lab, np.nan), np.nan, np.nan, np.nan]
    # PROCESS's LLCI/ULCI of the regression paths: estimate ± t(1 − γ/2, df)·SE
    q_t = stats.t.ppf(0.5 + level / 2, paths["df"].to_numpy(dtype=float))
    paths["ci_low"] = paths["estimate"] - q_t * paths["se"]
    paths["ci_high"] = paths["estimate"] + q_t * paths["se"]
    for j, lab in enumerate(labels):
        if lab in cis:
            row = paths.index[(paths["path"] == "indirect")][j]
            paths.loc[row, ["ci_low", "ci_high"]] = cis[lab]
    nan2 = (float("nan"), float("nan"))
    effects = pd.DataFrame({
        "a": list(a_est) + ([np.nan] if len(ms) > 1 else []),
        "b": list(b_est) + ([np.nan] if len(ms) > 1 else []),
        "indirect": ind_all,
        "se_boot": [ses.get(lab, np.nan) for lab in labels],
        "ci_low": [cis.get(lab, nan2)[0] for lab in labels], "ci_high": [cis.get(lab, nan2)[1] for lab in labels],
        "bc_low": [bcs.get(lab, nan2)[0] for lab in labels], "bc_high": [bcs.get(lab, nan2)[1] for lab in labels],
    }, index=pd.Index(labels, name="mediator"))
    last = labels[-1]
    one = len(ms) == 1
    return MediationResult(float(a_est[0]) if one else float("nan"), float(b_est[0]) if one else float("nan"),
                           float(coef_b[1]), float(coef_c[1]), float(ind_all[-1]), cis.get(last, nan2),
                           bcs.get(last, nan2), float(ses.get(last, np.nan)), effects, paths, n, n_boot, x, y, level)


# ---------------------------------------------------------------------------------------------
# moderation (model 1) and moderated mediation (model 7)


@result
class ModerationResult(Result):
    coefficients: pd.DataFrame
    simple_slopes: pd.DataFrame
    johnson_neyman: tuple
    r2: float
    delta_r2_interaction: float
    n: int
    level: float = 0.95
    w_range: tuple = (float("nan"), float("nan"))

    title = "Moderation (PROCESS model 1)"

    def to_frame(self) -> pd.DataFrame:
        return self.simple_slopes

    @property
    def johnson_neyman_in_range(self) -> tuple:
        """The Johnson–Neyman points inside the observed range of W (``w_range``, same metric):
        the only ones PROCESS prints — a point outside the data is an extrapolation (Hayes, 2022,
        sec. 7.4)."""
        lo, hi = self.w_range
        return tuple(v for v in self.johnson_neyman if lo <= v <= hi)

    def table(self, lang: str = "zh", *, names=None):
        """Coefficients (constant, X, W, X × W, covariates) and the simple slopes of X at the
        mean of W ± 1 SD with their confidence intervals, as PROCESS prints them."""
        from .present.thesis import moderation_table

        return moderation_table(self, lang, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from .present.thesis import moderation_verdict

        return moderation_verdict(self, lang, names=names)


def moderation(data, x: str, w: str, y: str, *, covariates=(), center: bool = True, ci: float = 0.95) -> ModerationResult:
    """Y = b0 + b1·X + b2·W + b3·X·W (+ covariates), with X and W mean-centred (``center``).

    Simple slopes of X at W = −1 SD, mean and +1 SD with SE, t and p; the Johnson–Neyman points
    where the slope of X is exactly significant at 1 − ``ci`` (roots of
    (b1 + b3 w)² = t²(v11 + 2 w v13 + w² v33)), in the centred metric of W when ``center``.
    ``johnson_neyman`` holds every real root; ``w_range`` the observed range of W in the same
    metric, and ``johnson_neyman_in_range`` the roots inside it — the interpretation reports only
    those and says when a root lies outside the data (Hayes, 2022).
    """
    func = "moderation"
    covs = [covariates] if isinstance(covariates, str) else list(covariates)
    level = require_probability(ci, func, "ci")
    yv, xv, _ = _prepare(data, y, [x, w] + covs, func)
    xx, ww = xv[x].to_numpy(), xv[w].to_numpy()
    if center:
        xx, ww = xx - xx.mean(), ww - ww.mean()
    n = len(yv)
    a = np.column_stack([np.ones(n), xx, ww, xx * ww] + [xv[c].to_numpy() for c in covs])
    b, se, df, cov = _ols_coef(a, yv.to_numpy())
    terms = ["(intercept)", x, w, f"{x}×{w}"] + covs
    t = b / se
    coef = pd.DataFrame({"b": b, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), df)}, index=pd.Index(terms, name="term"))
    sd = ww.std(ddof=1)
    pts = np.array([-sd, 0.0, sd]) + (0 if center else ww.mean())
    slope = b[1] + b[3] * pts
    sse = np.sqrt(cov[1, 1] + pts**2 * cov[3, 3] + 2 * pts * cov[1, 3])
    st = slope / sse
    q = stats.t.ppf(0.5 + level / 2, df)
    slopes = pd.DataFrame({"w": pts, "slope": slope, "se": sse, "t": st, "p": 2 * stats.t.sf(np.abs(st), df),
                           "ci_low": slope - q * sse, "ci_high": slope + q * sse},
                          index=pd.Index(["-1 SD", "mean", "+1 SD"], name="moderator"))
    qa = b[3] ** 2 - q**2 * cov[3, 3]
    qb = 2 * (b[1] * b[3] - q**2 * cov[1, 3])
    qc = b[1] ** 2 - q**2 * cov[1, 1]
    disc = qb**2 - 4 * qa * qc
    jn = tuple(sorted(float(r) for r in (-qb + np.array([-1, 1]) * np.sqrt(disc)) / (2 * qa))) if disc >= 0 and qa != 0 else ()
    resid_full = yv.to_numpy() - a @ b
    a0 = np.delete(a, 3, axis=1)
    b0 = lstsq.solve(a0, yv.to_numpy())
    tss = ((yv - yv.mean()) ** 2).sum()
    r2 = 1 - resid_full @ resid_full / tss
    r2_0 = 1 - ((yv.to_numpy() - a0 @ b0) ** 2).sum() / tss
    return ModerationResult(coef, slopes, jn, float(r2), float(r2 - r2_0), n, level,
                            (float(ww.min()), float(ww.max())))


@result
class ModeratedMediationResult(Result):
    index: float
    ci: tuple
    conditional_indirect: pd.DataFrame
    paths: pd.DataFrame
    n: int

    title = "First-stage moderated mediation (PROCESS model 7)"

    def to_frame(self) -> pd.DataFrame:
        return self.conditional_indirect


def moderated_mediation(data, x: str, m: str, y: str, w: str, *, covariates=(), n_boot: int = 5000,
                        ci: float = 0.95, seed=None) -> ModeratedMediationResult:
    """PROCESS model 7: M = a0 + a1 X + a2 W + a3 XW (+C); Y = c′X + bM (+C). The index of
    moderated mediation a3·b and the conditional indirect effects (a1 + a3 w)·b at W = −1 SD, mean,
    +1 SD (W mean-centred), each with a percentile bootstrap interval."""
    func = "moderated_mediation"
    covs = [covariates] if isinstance(covariates, str) else list(covariates)
    level = require_probability(ci, func, "ci")
    require_positive_int(n_boot, func, "n_boot")
    yv, xv, _ = _prepare(data, y, [x, m, w] + covs, func)
    n = len(yv)
    X, M, W = xv[x].to_numpy(), xv[m].to_numpy(), xv[w].to_numpy()
    X, W = X - X.mean(), W - W.mean()
    C = [xv[c].to_numpy() for c in covs]
    A1 = np.column_stack([np.ones(n), X, W, X * W] + C)
    A2 = np.column_stack([np.ones(n), X, M] + C)
    Y = yv.to_numpy()
    ca, sa, dfa, _ = _ols_coef(A1, M)
    cb, sb, dfb, _ = _ols_coef(A2, Y)
    idx = ca[3] * cb[2]
    sd = W.std(ddof=1)
    pts = np.array([-sd, 0.0, sd])
    cond = (ca[1] + ca[3] * pts) * cb[2]
    rng = np.random.default_rng(seed)
    ba, bb = _boot_fits(n, n_boot, rng, [(A1, M), (A2, Y)])
    bb = bb[:, 2]
    b_idx = ba[:, 3] * bb
    g = 1 - level
    q = [g / 2, 1 - g / 2]
    idx_ci = tuple(float(v) for v in np.quantile(b_idx, q))
    b_cond = (ba[:, 1][:, None] + ba[:, 3][:, None] * pts[None, :]) * bb[:, None]
    lo, hi = np.quantile(b_cond, q, axis=0)
    table = pd.DataFrame({"w": pts, "indirect": cond, "se": b_cond.std(axis=0, ddof=1), "ci_low": lo, "ci_high": hi},
                         index=pd.Index(["-1 SD", "mean", "+1 SD"], name="moderator"))
    paths = pd.DataFrame({"estimate": [ca[1], ca[2], ca[3], cb[2], cb[1]], "se": [sa[1], sa[2], sa[3], sb[2], sb[1]]},
                         index=[f"a1 ({x} → {m})", f"a2 ({w} → {m})", f"a3 ({x}×{w} → {m})", f"b ({m} → {y})", f"c′ ({x} → {y})"])
    return ModeratedMediationResult(float(idx), idx_ci, table, paths, n)


# ---------------------------------------------------------------------------------------------
# conditional process analysis: PROCESS models 4, 6, 7, 8, 14, 58 and 59 in one engine

#: model number → (first stage X → M moderated by W, second stage M → Y moderated, direct X → Y
#: moderated, mediators in series). Hayes (2022), appendix A, gives the conceptual diagrams.
_PROCESS_MODELS = {4: (False, False, False, False), 6: (False, False, False, True),
                   7: (True, False, False, False), 8: (True, False, True, False),
                   14: (False, True, False, False), 58: (True, True, False, False),
                   59: (True, True, True, False)}

_PROBE_PCT = (0.16, 0.50, 0.84)


@result
class ProcessResult(Result):
    """A PROCESS model (Hayes, 2022) fitted by OLS, its effects and their bootstrap intervals.

    - ``paths``: every regression coefficient by (``equation``, ``term``) — the outcome of each
      equation and its predictor (products named ``x×w``) — with ``b``, ``se``, ``t``, ``p``,
      ``ci_low``, ``ci_high`` (t-based, ``level``), as PROCESS prints each model;
    - ``indirect``: one row per specific indirect effect (``path`` such as 'x → m1 → m2 → y',
      plus 'total indirect' in models 4 and 6 with several mediators) and value ``w`` of the
      moderator (NaN when the effect is not moderated): ``effect``, ``boot_se``, ``ci_low``,
      ``ci_high`` (percentile bootstrap), and in models 4 and 6 the completely standardised
      effect ``std_effect`` = effect × SD(X)/SD(Y) with ``std_ci_low``/``std_ci_high``;
    - ``index``: the index of moderated mediation per mediator (models 7, 8, 14) with ``index``,
      ``boot_se``, ``ci_low``, ``ci_high``; empty where the indirect effect is not linear in W;
    - ``direct``: the direct effect of X (conditional on each ``w`` in models 8 and 59) with
      ``effect``, ``se``, ``t``, ``p``, ``ci_low``, ``ci_high``;
    - ``total``: the total effect c of X (models 4 and 6; empty otherwise);
    - ``w_values``: the values of W where the effects are probed, chosen by ``probe``.
    """

    model: int
    paths: pd.DataFrame
    indirect: pd.DataFrame
    index: pd.DataFrame
    direct: pd.DataFrame
    total: pd.DataFrame
    w_values: tuple
    probe: str
    n: int
    n_dropped: int
    n_boot: int
    x: str
    y: str
    m: tuple
    w: str | None = None
    level: float = 0.95

    @property
    def title(self) -> str:
        return f"PROCESS model {self.model}"

    def to_frame(self) -> pd.DataFrame:
        return self.indirect

    def table(self, lang: str = "zh", *, names=None):
        """Direct, total, (conditional) indirect effects and the index of moderated mediation, with
        their (bootstrap) intervals, as PROCESS prints them."""
        from .present.thesis import process_table

        return process_table(self, lang, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from .present.thesis import process_verdict

        return process_verdict(self, lang, names=names)


def _probe_values(wv: np.ndarray, probe, func: str) -> tuple[np.ndarray, str]:
    """The values of W at which conditional effects are estimated, and the rule's name."""
    distinct = np.unique(wv)
    if not isinstance(probe, str):
        try:
            vals = np.asarray(list(probe), dtype=float)
        except (TypeError, ValueError):
            vals = np.array([])
        if vals.ndim != 1 or not len(vals) or not np.isfinite(vals).all():
            raise DataError(f"{func}: probe must be 'percentiles', 'sd' or a list of numbers (values of W), got {probe!r}")
        return vals, "values"
    if probe not in ("percentiles", "sd"):
        raise DataError(f"{func}: probe must be 'percentiles', 'sd' or a list of numbers (values of W), got {probe!r}")
    if len(distinct) == 2:               # a dichotomous moderator: its two values (PROCESS does the same)
        return distinct.astype(float), "binary"
    if probe == "sd":
        mu, sd = wv.mean(), wv.std(ddof=1)
        return np.array([mu - sd, mu, mu + sd]), "sd"
    return np.quantile(wv, _PROBE_PCT), "percentiles"


def _process_equations(model: int, x: str, ms: list, y: str, w, covs: list, xv: pd.DataFrame, yv: pd.Series):
    """[(outcome, [term names], design, response)] of the model's regressions (mediators first,
    then Y); every equation has a constant and the covariates."""
    a_mod, b_mod, c_mod, serial = _PROCESS_MODELS[model]
    n = len(yv)
    col = {c: xv[c].to_numpy() for c in xv.columns}
    cov_terms = [(c, col[c]) for c in covs]
    eqs = []
    for j, mj in enumerate(ms):
        terms = [("(intercept)", np.ones(n)), (x, col[x])]
        terms += [(ms[i], col[ms[i]]) for i in range(j)] if serial else []
        terms += [(w, col[w]), (f"{x}×{w}", col[x] * col[w])] if a_mod else []
        eqs.append((mj, terms + cov_terms, col[mj]))
    terms = [("(intercept)", np.ones(n)), (x, col[x])] + [(mj, col[mj]) for mj in ms]
    terms += [(w, col[w])] if (b_mod or c_mod) else []
    terms += [(f"{mj}×{w}", col[mj] * col[w]) for mj in ms] if b_mod else []
    terms += [(f"{x}×{w}", col[x] * col[w])] if c_mod else []
    eqs.append((y, terms + cov_terms, yv.to_numpy()))
    return [(out, [t for t, _ in terms], np.column_stack([v for _, v in terms]), resp) for out, terms, resp in eqs]


def _process_indirect(model: int, x: str, ms: list, y: str, w, coefs: list, terms: list, wv: np.ndarray) -> dict:
    """Indirect effects {path label: array (..., len(wv))} from the equations' coefficients
    ``coefs`` (each (k,) for the estimate or (B, k) for the bootstrap) — one formula for both.

    Parallel mediators: (a₁ⱼ + a₃ⱼw)(bⱼ + b₃ⱼw), the moderated terms present as the model says.
    Serial mediators (model 6): the product of the coefficients along each chain X → Mᵢ → … → Y.
    """
    a_mod, b_mod, _, serial = _PROCESS_MODELS[model]
    ny = len(ms)

    def c(eq: int, term: str):
        return coefs[eq][..., terms[eq].index(term)][..., None]

    out = {}
    if serial:
        from itertools import combinations

        for size in range(1, len(ms) + 1):
            for chain in combinations(range(len(ms)), size):
                eff = c(chain[0], x) * c(ny, ms[chain[-1]])
                for i, j in zip(chain[:-1], chain[1:]):
                    eff = eff * c(j, ms[i])
                out[" → ".join([x] + [ms[i] for i in chain] + [y])] = eff * np.ones(len(wv))
    else:
        for j, mj in enumerate(ms):
            a = c(j, x) + (c(j, f"{x}×{w}") * wv if a_mod else 0)
            b = c(ny, mj) + (c(ny, f"{mj}×{w}") * wv if b_mod else 0)
            out[f"{x} → {mj} → {y}"] = a * b
    if not (a_mod or b_mod) and len(out) > 1:
        out["total indirect"] = sum(out.values())
    return out


def _process_index(model: int, x: str, ms: list, y: str, w, coefs: list, terms: list) -> dict:
    """Index of moderated mediation per mediator where the indirect effect is linear in W:
    a₃ⱼ·bⱼ (first stage moderated only: models 7, 8), a₁ⱼ·b₃ⱼ (second stage only: model 14)."""
    a_mod, b_mod, _, _ = _PROCESS_MODELS[model]
    if a_mod == b_mod:
        return {}
    ny = len(ms)

    def c(eq: int, term: str):
        return coefs[eq][..., terms[eq].index(term)]

    if a_mod:
        return {f"{x} → {mj} → {y}": c(j, f"{x}×{w}") * c(ny, mj) for j, mj in enumerate(ms)}
    return {f"{x} → {mj} → {y}": c(j, x) * c(ny, f"{mj}×{w}") for j, mj in enumerate(ms)}


def _linear_effect(fit, terms: list, names: list, at: np.ndarray, df: int, level: float) -> pd.DataFrame:
    """b₁ + b₃w at each w (b₃ absent: b₁) with SE √(v₁₁ + 2w v₁₃ + w² v₃₃), t, p and t-interval."""
    i = terms.index(names[0])
    j = terms.index(names[1]) if len(names) > 1 else None
    cov = fit.cov
    if j is None:
        eff, se = np.full(len(at), fit.b[i]), np.full(len(at), np.sqrt(cov[i, i]))
    else:
        eff = fit.b[i] + fit.b[j] * at
        se = np.sqrt(cov[i, i] + 2 * at * cov[i, j] + at**2 * cov[j, j])
    t = eff / se
    q = stats.t.ppf(0.5 + level / 2, df)
    return pd.DataFrame({"w": at, "effect": eff, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), df),
                         "ci_low": eff - q * se, "ci_high": eff + q * se})


@validate_params(n_boot=Integer(min=0), ci=Probability())
def process(data, model: int, *, x: str, y: str, m, w: str | None = None, covariates=(), n_boot: int = 5000,
            ci: float = 0.95, seed=None, probe="percentiles") -> ProcessResult:
    """Conditional process analysis: Hayes's PROCESS models 4, 6, 7, 8, 14, 58 and 59 by OLS.

    Each model is a set of regressions (covariates C in every equation; W and the products are
    not centred, as in PROCESS v4, so the coefficients are those of ``lm`` on the raw variables
    and the conditional effects are at the raw values of W):

    - model 4 (parallel mediation): Mⱼ = a₀ⱼ + aⱼX; Y = c′₀ + c′X + Σ bⱼMⱼ;
    - model 6 (serial mediation, 2–6 mediators): Mⱼ = a₀ⱼ + aⱼX + Σᵢ₍ᵢ<ⱼ₎ dⱼᵢMᵢ; Y as in model 4;
      specific indirect effects along every chain, e.g. a₁b₁, a₂b₂ and a₁d₂₁b₂ for two mediators;
    - model 7: Mⱼ = a₀ⱼ + a₁ⱼX + a₂ⱼW + a₃ⱼXW; Y as in model 4;
    - model 8: Mⱼ as in model 7; Y = c′₀ + c′₁X + Σ bⱼMⱼ + c′₂W + c′₃XW;
    - model 14: Mⱼ = a₀ⱼ + aⱼX; Y = c′₀ + c′X + Σ b₁ⱼMⱼ + b₂W + Σ b₃ⱼMⱼW;
    - model 58: Mⱼ as in model 7; Y as in model 14;
    - model 59: Mⱼ as in model 7; Y as in model 14 plus c′₃XW.

    The conditional indirect effect through Mⱼ is (a₁ⱼ + a₃ⱼw)(b₁ⱼ + b₃ⱼw) with the terms the
    model lacks set to 0; the index of moderated mediation is a₃ⱼb₁ⱼ (models 7, 8) or a₁ⱼb₃ⱼ
    (model 14) — in models 58 and 59 the indirect effect is quadratic in W and has no index
    (Hayes, 2015; 2022, ch. 11–12). The conditional direct effect (models 8, 59) is c′₁ + c′₃w with
    a t-based interval. In models 4 and 6 the total effect c (Y on X and C) and completely
    standardised indirect effects, effect × SD(X)/SD(Y), are reported as well.

    Parameters
    ----------
    data : DataFrame
    model : int
        4, 6, 7, 8, 14, 58 or 59.
    x, y : str
        The antecedent and the outcome.
    m : str or list of str
        The mediator(s): in series for model 6 (in causal order), in parallel otherwise.
    w : str, optional
        The moderator (required for models 7–59; a column with at least two distinct values).
    covariates : str or list of str
        Entered in every equation.
    n_boot : int
        Percentile bootstrap resamples (0: no bootstrap intervals); ``seed`` makes them repeatable.
    ci : float
        Confidence level of every interval.
    probe : 'percentiles', 'sd' or list of float
        Where to estimate conditional effects: the 16th, 50th and 84th percentiles of W (PROCESS
        v4's default; R's ``quantile`` type 7 — PROCESS may print nearby observed values, pass
        them as a list to reproduce its rows), the mean and ± 1 SD, or the values given. A
        moderator with two values (e.g. 0/1) is probed at those two values unless a list is given.

    Returns
    -------
    ProcessResult

    References
    ----------
    Hayes, A. F. (2022). *Introduction to Mediation, Moderation, and Conditional Process
    Analysis: A Regression-Based Approach* (3rd ed.). Guilford Press.
    Hayes, A. F. (2015). An index and test of linear moderated mediation. *Multivariate
    Behavioral Research, 50*(1), 1–22.

    The coefficients and the products that make each effect are checked against R's ``lm``
    (tests/reference/regression/make_process.R); the bootstrap against a loop that refits every
    resample with ``numpy.linalg.lstsq``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"x": rng.normal(size=200), "w": rng.normal(size=200)})
    >>> d["m"] = 0.5 * d.x + 0.3 * d.x * d.w + rng.normal(size=200)
    >>> d["y"] = 0.4 * d.m + rng.normal(size=200)
    >>> res = process(d, 7, x="x", m="m", y="y", w="w", n_boot=1000, seed=1)
    >>> res.index[["index", "ci_low", "ci_high"]].round(2).to_numpy().tolist()
    [[0.1, 0.03, 0.19]]
    """
    func = "process"
    if isinstance(model, bool) or model not in _PROCESS_MODELS:
        raise DataError(f"{func}: model={model!r} is not supported; the supported PROCESS models are "
                        f"{sorted(_PROCESS_MODELS)}")
    a_mod, b_mod, c_mod, serial = _PROCESS_MODELS[model]
    moderated = a_mod or b_mod or c_mod
    ms = [m] if isinstance(m, str) else list(m)
    covs = [covariates] if isinstance(covariates, str) else list(covariates)
    if not ms:
        raise DataError(f"{func}: m must name at least one mediator")
    if serial and not 2 <= len(ms) <= 6:
        raise DataError(f"{func}: model 6 (serial mediation) needs 2 to 6 mediators in causal order, got m={ms}")
    if moderated and w is None:
        raise DataError(f"{func}: model {model} has a moderator; name it with w=")
    if not moderated and w is not None:
        raise DataError(f"{func}: model {model} has no moderator, got w={w!r}; use model 7, 8, 14, 58 or 59 "
                        f"for moderated mediation")
    names = [x] + ms + ([w] if moderated else []) + covs
    if len(set(names + [y])) != len(names) + 1:
        raise DataError(f"{func}: x, m, w, y and covariates must be different variables, got x={x!r}, m={ms}, "
                        f"w={w!r}, y={y!r}, covariates={covs}")
    level = float(ci)
    frame = require_frame(data, func)
    require_columns(frame, names + [y], func, "variables")
    if moderated:
        complete = frame.loc[frame[names + [y]].notna().all(axis=1), w]
        if complete.nunique() < 2:
            raise DataError(f"{func}: moderator {w!r} has a single value ({complete.iloc[0] if len(complete) else 'none'}) "
                            f"in the {len(complete)} complete cases; a moderator needs at least two")
    yv, xv, dropped = _prepare(frame, y, names, func)
    n = len(yv)
    if moderated:
        wv, probe_name = _probe_values(xv[w].to_numpy(), probe, func)
    else:
        wv, probe_name = np.array([np.nan]), "none"
    eqs = _process_equations(model, x, ms, y, w, covs, xv, yv)
    fits = [lstsq.fit(a, r) for _, _, a, r in eqs]
    terms = [t for _, t, _, _ in eqs]
    q_t = [stats.t.ppf(0.5 + level / 2, f.df) for f in fits]
    paths = pd.concat([pd.DataFrame({"equation": out, "term": t, "b": f.b, "se": f.se, "t": f.b / f.se,
                                     "p": 2 * stats.t.sf(np.abs(f.b / f.se), f.df),
                                     "ci_low": f.b - q * f.se, "ci_high": f.b + q * f.se})
                       for (out, t, _, _), f, q in zip(eqs, fits, q_t)]).set_index(["equation", "term"])
    coefs = [f.b for f in fits]
    est = _process_indirect(model, x, ms, y, w, coefs, terms, wv)
    idx_est = _process_index(model, x, ms, y, w, coefs, terms)
    sd_ratio = xv[x].std(ddof=1) / yv.std(ddof=1)
    boot, boot_idx, boot_ratio = {}, {}, None
    if n_boot:
        rng = np.random.default_rng(seed)
        X, Y = xv[x].to_numpy(), yv.to_numpy()
        moments = np.column_stack([np.ones(n), X, X**2, Y, Y**2])
        *bcoefs, moment_sums = _boot_fits(n, n_boot, rng, [(a, r) for _, _, a, r in eqs], extra=moments)
        s1, sx, sxx, sy, syy = moment_sums.T
        boot_ratio = np.sqrt((sxx - sx**2 / s1) / (syy - sy**2 / s1))     # SD(X)/SD(Y) of each resample
        boot = _process_indirect(model, x, ms, y, w, bcoefs, terms, wv)
        boot_idx = _process_index(model, x, ms, y, w, bcoefs, terms)
    g = (1 - level) / 2
    nan = np.full(len(wv), np.nan)

    def interval(draws, k):
        if draws is None:
            return nan[:k], nan[:k], nan[:k]
        lo, hi = np.quantile(draws, [g, 1 - g], axis=0)
        return draws.std(axis=0, ddof=1), lo, hi

    rows = []
    for path, eff in est.items():
        se, lo, hi = interval(boot.get(path), len(wv))
        row = {"path": path, "w": wv, "effect": eff, "boot_se": se, "ci_low": lo, "ci_high": hi}
        if not moderated:
            _, slo, shi = interval(None if boot_ratio is None else boot[path] * boot_ratio[:, None], 1)
            row.update(std_effect=eff * sd_ratio, std_ci_low=slo, std_ci_high=shi)
        rows.append(pd.DataFrame(row))
    indirect = pd.concat(rows, ignore_index=True)
    index_rows = []
    for path, v in idx_est.items():
        se, lo, hi = interval(boot_idx[path][:, None] if path in boot_idx else None, 1)
        index_rows.append({"path": path, "index": float(v), "boot_se": se[0], "ci_low": lo[0], "ci_high": hi[0]})
    index = pd.DataFrame(index_rows, columns=["path", "index", "boot_se", "ci_low", "ci_high"]).astype(
        {"path": object, "index": float, "boot_se": float, "ci_low": float, "ci_high": float})
    direct = _linear_effect(fits[-1], terms[-1], [x, f"{x}×{w}"] if c_mod else [x],
                            wv if c_mod else np.array([np.nan]), fits[-1].df, level)
    if moderated:
        total = pd.DataFrame(columns=["effect", "se", "t", "p", "ci_low", "ci_high"], dtype=float)
    else:
        a_c = np.column_stack([np.ones(n), xv[[x] + covs].to_numpy()])
        fit_c = lstsq.fit(a_c, yv.to_numpy())
        total = _linear_effect(fit_c, ["(intercept)", x] + covs, [x], np.array([np.nan]), fit_c.df,
                               level).drop(columns="w")
    return ProcessResult(int(model), paths, indirect, index, direct, total,
                         tuple(float(v) for v in wv) if moderated else (), probe_name, n, dropped, int(n_boot),
                         x, y, tuple(ms), w if moderated else None, level)


# ---------------------------------------------------------------------------------------------
# binary logistic regression


@result
class LogisticResult(Result):
    """Binary logistic regression. ``coefficients`` by term: ``b``, ``se``, ``z``, ``p``,
    ``odds_ratio`` and its Wald interval ``or_ci_low``/``or_ci_high``; ``fit``: ``n``, ``loglik``,
    ``aic``, ``bic``, ``mcfadden_r2``, ``nagelkerke_r2``, ``hosmer_lemeshow_chi2``,
    ``hosmer_lemeshow_p``; ``classification``: observed (rows 0, 1) × predicted (columns 0, 1)
    counts at ``cutoff`` with each row's ``pct_correct``; ``pct_correct`` overall."""

    coefficients: pd.DataFrame
    fit: dict
    classification: pd.DataFrame
    pct_correct: float
    cutoff: float
    n: int
    n_dropped: int
    converged: bool

    title = "Binary logistic regression"

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients


def _irls(a: np.ndarray, y: np.ndarray, max_iter: int = 100, tol: float = 1e-10):
    """Maximum likelihood of the logit model by iteratively reweighted least squares (each step a
    weighted least-squares fit in :mod:`._core.lstsq`); returns b, (X'WX)⁻¹, fitted p, converged."""
    b = np.zeros(a.shape[1])
    dev_old = np.inf
    for _ in range(max_iter):
        eta = a @ b
        p = 1 / (1 + np.exp(-eta))
        w = np.clip(p * (1 - p), 1e-12, None)
        sw = np.sqrt(w)
        step = lstsq.fit(a * sw[:, None], sw * (eta + (y - p) / w))
        b = step.b
        p = 1 / (1 + np.exp(-(a @ b)))
        dev = -2 * float(np.sum(y * np.log(np.clip(p, 1e-300, None)) + (1 - y) * np.log(np.clip(1 - p, 1e-300, None))))
        if abs(dev - dev_old) < tol * (abs(dev) + 0.1):     # glm's convergence rule
            w = p * (1 - p)
            return b, lstsq.fit(a * np.sqrt(w)[:, None], np.zeros(len(y))).xtx_inv, p, True
        dev_old = dev
    return b, step.xtx_inv, p, False


def _hosmer_lemeshow(y: np.ndarray, p: np.ndarray, groups: int = 10) -> tuple[float, float]:
    """Hosmer–Lemeshow χ² over groups cut at the quantiles of the fitted probabilities (R's type-7
    quantiles, intervals closed on the right, the lowest closed on both sides — as
    ``ResourceSelection::hoslem.test``), summed over both outcome columns; df = groups − 2."""
    breaks = np.unique(np.quantile(p, np.linspace(0, 1, groups + 1)))
    g = np.clip(np.searchsorted(breaks, p, side="left"), 1, len(breaks) - 1)
    obs = np.array([[y[g == k].sum(), (1 - y[g == k]).sum()] for k in np.unique(g)])
    exp = np.array([[p[g == k].sum(), (1 - p[g == k]).sum()] for k in np.unique(g)])
    with np.errstate(divide="ignore", invalid="ignore"):     # an expected count of 0 under separation
        chi2 = float(np.sum((obs - exp) ** 2 / exp))
    return chi2, float(stats.chi2.sf(chi2, groups - 2))


@validate_params(ci=Probability(), cutoff=Probability())
def logistic(data, y: str, x, *, categorical: dict | None = None, ci: float = 0.95,
             cutoff: float = 0.5) -> LogisticResult:
    """Binary logistic regression, logit P(y = 1) = b₀ + Σ bⱼxⱼ, by maximum likelihood (IRLS).

    ``y`` must hold 0/1 (or True/False), e.g. churned or not; ``categorical`` maps a predictor to its
    reference level, as in :func:`ols`. Odds ratios exp(b) with Wald intervals exp(b ± z·se) — the
    intervals of R's ``confint.default``, not the profile-likelihood ones of ``confint``.
    McFadden R² = 1 − lnL/lnL₀ (McFadden, 1974); Nagelkerke R² = [1 − exp(2(lnL₀ − lnL)/n)] /
    [1 − exp(2 lnL₀/n)] (Nagelkerke, 1991); Hosmer–Lemeshow test with 10 groups (Hosmer &
    Lemeshow, 1980; as ``ResourceSelection::hoslem.test``); AIC = −2 lnL + 2k, BIC = −2 lnL + k ln n.
    The classification table counts observed against predicted (p̂ ≥ ``cutoff``) outcomes.
    Rows with a missing value in any model variable are dropped and counted (``n_dropped``).

    Checked against R's ``glm(family = binomial)`` (tests/reference/regression/make_logistic.R).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"churned": [0, 0, 1, 0, 1, 1, 0, 1, 0, 1], "complaints": [0, 1, 2, 0, 3, 2, 1, 1, 2, 4]})
    >>> round(float(logistic(d, "churned", ["complaints"]).coefficients.loc["complaints", "odds_ratio"]), 3)
    7.824
    """
    func = "logistic"
    x = [x] if isinstance(x, str) else list(x)
    yv, xv, dropped = _prepare(data, y, x, func, categorical)
    bad = sorted(set(yv.unique()) - {0.0, 1.0})
    if bad:
        raise DataError(f"{func}: outcome {y!r} must be coded 0/1 (or True/False); found the values "
                        f"{[float(v) for v in bad[:5]]}; recode it, e.g. (data[{y!r}] == 'yes').astype(int)")
    n, k = xv.shape
    a = np.column_stack([np.ones(n), xv.to_numpy()])
    yy = yv.to_numpy()
    b, cov, p, converged = _irls(a, yy)
    with np.errstate(divide="ignore"):
        loglik = float(np.sum(np.where(yy == 1, np.log(p), np.log1p(-p))))
    if not converged or p.min() < 1e-8 or p.max() > 1 - 1e-8:
        warnings.warn(f"{func}: fitted probabilities of 0 or 1 (complete or quasi-complete separation) or no "
                      f"convergence; the coefficients and SEs of the predictors involved are not reliable",
                      StatWarning, stacklevel=2)
    se = np.sqrt(np.diag(cov))
    z = b / se
    q = stats.norm.ppf(0.5 + ci / 2)
    with np.errstate(over="ignore"):           # separated data: odds ratios overflow to inf
        coef = pd.DataFrame({"b": b, "se": se, "z": z, "p": 2 * stats.norm.sf(np.abs(z)), "odds_ratio": np.exp(b),
                             "or_ci_low": np.exp(b - q * se), "or_ci_high": np.exp(b + q * se)},
                            index=pd.Index(["(intercept)"] + list(xv.columns), name="term"))
    ybar = yy.mean()
    loglik0 = float(n * (ybar * np.log(ybar) + (1 - ybar) * np.log(1 - ybar)))
    hl_chi2, hl_p = _hosmer_lemeshow(yy, p)
    fit = {"n": int(n), "loglik": loglik, "aic": -2 * loglik + 2 * (k + 1), "bic": -2 * loglik + (k + 1) * np.log(n),
           "mcfadden_r2": 1 - loglik / loglik0,
           "nagelkerke_r2": (1 - np.exp(2 * (loglik0 - loglik) / n)) / (1 - np.exp(2 * loglik0 / n)),
           "hosmer_lemeshow_chi2": hl_chi2, "hosmer_lemeshow_p": hl_p}
    pred = (p >= cutoff).astype(int)
    counts = pd.crosstab(pd.Categorical(yy.astype(int), [0, 1]), pd.Categorical(pred, [0, 1]), dropna=False)
    table = pd.DataFrame(counts.to_numpy(), index=pd.Index([0, 1], name="observed"),
                         columns=pd.Index([0, 1], name="predicted"))
    table["pct_correct"] = 100 * np.diag(table[[0, 1]].to_numpy()) / table[[0, 1]].sum(axis=1).to_numpy()
    return LogisticResult(coef, {kk: float(v) if kk != "n" else v for kk, v in fit.items()}, table,
                          float(100 * (pred == yy).mean()), float(cutoff), int(n), dropped, converged)


# ---------------------------------------------------------------------------------------------
# relative importance (key-driver analysis)


def relative_importance(data, y: str, x) -> pd.DataFrame:
    """LMG relative importance (Lindeman, Merenda & Gold, 1980): each predictor's increase in R²
    averaged over all orderings of entry into the model — Shapley values of R² (Grömping, 2006).

    Computed over the 2^k subsets: LMGⱼ = Σ_{S ⊆ others} |S|!(k − |S| − 1)!/k! · [R²(S ∪ j) − R²(S)].
    Returns a DataFrame by predictor with ``lmg`` (adds up to the full model's R², as R's
    ``relaimpo::calc.relimp(type = "lmg")`` with ``rela = FALSE``), ``share`` (lmg / R², as
    ``rela = TRUE``) and ``rank`` (1 = most important). Numeric predictors, 2 to 15 of them;
    complete cases. Checked against the average over all k! orderings in R
    (tests/reference/regression/make_logistic.R).
    """
    func = "relative_importance"
    x = [x] if isinstance(x, str) else list(x)
    if not 2 <= len(x) <= 15:
        raise DataError(f"{func}: x must list 2 to 15 predictors (2^k submodels are fitted), got {len(x)}")
    yv, xv, _ = _prepare(data, y, x, func)
    from math import factorial

    n, k = xv.shape
    xa, ya = xv.to_numpy(), yv.to_numpy()
    r2 = np.zeros(1 << k)
    for mask in range(1, 1 << k):
        cols = [j for j in range(k) if mask >> j & 1]
        r2[mask] = lstsq.fit(np.column_stack([np.ones(n), xa[:, cols]]), ya).r2(ya)
    size = np.array([bin(m).count("1") for m in range(1 << k)])
    weight = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)])
    lmg = np.zeros(k)
    for j in range(k):
        without = np.array([m for m in range(1 << k) if not m >> j & 1])
        lmg[j] = np.sum(weight[size[without]] * (r2[without | (1 << j)] - r2[without]))
    out = pd.DataFrame({"lmg": lmg, "share": lmg / r2[-1]}, index=pd.Index(list(xv.columns), name="predictor"))
    out["rank"] = out["lmg"].rank(ascending=False, method="min").astype(int)
    return out
