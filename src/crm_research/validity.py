"""Construct validity: KMO, Bartlett's test, EFA with parallel analysis, CFA with the fit indices
a thesis reports, CR/AVE, Fornell–Larcker, HTMT, and Harman's single-factor test.

Reference implementations (tests/reference/validity): ``psych::KMO``, ``psych::cortest.bartlett``,
``psych::fa`` and ``fa.parallel``; ``lavaan::cfa`` with its defaults (ML, marker-variable
identification, N in the likelihood) and ``fitMeasures``/``standardizedSolution``;
``semTools::htmt``.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._core.errors import DataError, StatWarning
from ._core.results import Result, result
from ._core.params import Integer, OneOf, validate_params
from ._core.validation import require_frame, require_positive_int
from .reliability import _items, cronbach_alpha
from .spec import parse_model

__all__ = ["kmo", "bartlett", "efa", "parallel_analysis", "cfa", "harman", "htmt", "construct_summary",
           "KMOResult", "BartlettResult", "EFAResult", "CFAResult", "HarmanResult", "THRESHOLDS"]

#: default decision rules (change any by passing thresholds={...}); the notes give the seed study's
#: more lenient rules
THRESHOLDS = {"alpha": 0.7, "loading": 0.5, "cr": 0.7, "ave": 0.5, "htmt": 0.85, "r": 0.9}


def _corr(x: pd.DataFrame, func: str) -> np.ndarray:
    r = np.corrcoef(x.to_numpy(), rowvar=False)
    vals = np.linalg.eigvalsh(r)
    if vals.min() < 1e-10:
        # name the items most involved in the near-singularity
        v = np.linalg.eigh(r)[1][:, 0]
        worst = [x.columns[i] for i in np.argsort(-np.abs(v))[:3]]
        raise DataError(f"{func}: the correlation matrix is not positive definite (smallest eigenvalue "
                        f"{vals.min():.2e}): some items are (almost) linear combinations of others, "
                        f"most involved: {worst}; drop or merge duplicated items")
    return r


# ---------------------------------------------------------------------------------------------
# KMO and Bartlett


@result
class KMOResult(Result):
    overall: float
    per_item: pd.Series

    title = "Kaiser–Meyer–Olkin measure of sampling adequacy"

    @property
    def verdict(self) -> str:
        """Kaiser's (1974) labels."""
        k = self.overall
        return ("marvelous" if k >= 0.9 else "meritorious" if k >= 0.8 else "middling" if k >= 0.7
                else "mediocre" if k >= 0.6 else "miserable" if k >= 0.5 else "unacceptable")

    def to_frame(self) -> pd.DataFrame:
        return self.per_item.rename("msa").to_frame()

    def interpret(self, lang: str = "zh") -> str:
        from .present.text import kmo_verdict

        return kmo_verdict(self, lang)

    def table(self, lang: str = "zh", *, bartlett=None):
        """KMO (and, given a :class:`BartlettResult`, Bartlett's χ², df and p) as theses print them."""
        from .present.thesis import kmo_table

        return kmo_table(self, lang, bartlett=bartlett)


def kmo(items) -> KMOResult:
    """KMO overall and per item: Σr² / (Σr² + Σq²) with q the partial (anti-image) correlations
    (Kaiser, 1970). Agrees with ``psych::KMO`` to 1e-12."""
    x = _items(items, "kmo", "listwise")
    r = _corr(x, "kmo")
    inv = np.linalg.inv(r)
    d = np.sqrt(np.diag(inv))
    q = -inv / np.outer(d, d)
    np.fill_diagonal(q, 0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0)
    r2, q2 = (r0**2).sum(axis=0), (q**2).sum(axis=0)
    return KMOResult(float(r2.sum() / (r2.sum() + q2.sum())), pd.Series(r2 / (r2 + q2), index=x.columns, name="msa"))


@result
class BartlettResult(Result):
    chi2: float
    df: int
    p: float
    n: int

    title = "Bartlett's test of sphericity"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"chi2": self.chi2, "df": self.df, "p": self.p, "n": self.n}])

    def interpret(self, lang: str = "zh") -> str:
        from .present.thesis import bartlett_verdict

        return bartlett_verdict(self, lang)


def bartlett(items) -> BartlettResult:
    """χ² = −(n − 1 − (2p + 5)/6) ln|R|, df = p(p − 1)/2 (Bartlett, 1951); as ``psych::cortest.bartlett``."""
    x = _items(items, "bartlett", "listwise")
    r = _corr(x, "bartlett")
    n, p = x.shape
    chi2 = -(n - 1 - (2 * p + 5) / 6) * np.linalg.slogdet(r)[1]
    df = p * (p - 1) // 2
    return BartlettResult(float(chi2), int(df), float(stats.chi2.sf(chi2, df)), int(n))


# ---------------------------------------------------------------------------------------------
# EFA


@result
class EFAResult(Result):
    """Loadings (pattern matrix for oblique rotations), ``factor_correlations`` (Φ; identity for
    orthogonal rotations), communalities, eigenvalues of R, and ``variance_table``: SPSS's "Total
    variance explained", one row per component/factor 1 … p with ``initial_total``,
    ``initial_pct``, ``initial_cum_pct`` (eigenvalues of R), ``extraction_total``/``_pct``/
    ``_cum_pct`` (sums of squared unrotated loadings, first k rows) and ``rotation_total``/``_pct``/
    ``_cum_pct`` (orthogonal rotation: sums of squared rotated loadings; oblique: sums of squared
    structure loadings, with % and cumulative % NaN, as SPSS leaves them blank because correlated
    factors' variances do not add)."""

    loadings: pd.DataFrame
    n_factors: int
    variance: pd.DataFrame
    communalities: pd.Series
    eigenvalues: pd.Series
    n_eigen_gt_1: int
    method: str
    rotation: str
    variance_table: pd.DataFrame
    factor_correlations: pd.DataFrame

    title = "Exploratory factor analysis"

    def loadings_shown(self, cut: float = 0.4) -> pd.DataFrame:
        """Loadings with |λ| < ``cut`` blanked, plus communality and a cross-loading flag."""
        shown = self.loadings.where(self.loadings.abs() >= cut)
        shown["communality"] = self.communalities
        shown["cross_loading"] = (self.loadings.abs() >= cut).sum(axis=1) > 1
        return shown

    def table(self, lang: str = "zh", *, cut: float = 0.4, names=None):
        """The rotated loading matrix as theses print it: loadings below ``cut`` left blank,
        communalities, then the sums of squared loadings, % of variance and cumulative %.
        ``names`` (a mapping or an Instrument) gives the items' display names."""
        from .present.thesis import efa_table

        return efa_table(self, lang, cut=cut, names=names)

    def interpret(self, lang: str = "zh", *, cut: float = 0.4) -> str:
        from .present.thesis import efa_verdict

        return efa_verdict(self, lang, cut=cut)

    def to_frame(self) -> pd.DataFrame:
        return self.loadings_shown()


def _reduced_eigenvalues(r: np.ndarray) -> np.ndarray:
    """Eigenvalues of R with one-factor communalities on the diagonal (iterated principal axes,
    which converge to the minres/ULS solution), as psych's fa.parallel(fa = "fa") uses them."""
    from ._factor import smc

    h2 = smc(r)
    for _ in range(200):
        rr = r.copy()
        np.fill_diagonal(rr, h2)
        vals, vecs = np.linalg.eigh(rr)
        new = np.clip(vecs[:, -1] ** 2 * vals[-1], 0.005, 0.995)
        if np.max(np.abs(new - h2)) < 1e-8:
            h2 = new
            break
        h2 = new
    rr = r.copy()
    np.fill_diagonal(rr, h2)
    return np.sort(np.linalg.eigvalsh(rr))[::-1]


def parallel_analysis(items, *, n_iter: int = 20, seed=0, quantile: float | None = 0.95) -> tuple[int, pd.DataFrame]:
    """Horn's (1965) parallel analysis of common factors: eigenvalues of the reduced correlation
    matrix (one-factor communalities on the diagonal, as psych's ``fa.parallel(fa = "fa")``) against
    those of random normal data of the same size: their ``quantile`` over ``n_iter`` draws (0.95 by
    default, as ``fa.parallel``'s ``quant = .95``; ``quantile=None`` compares with their mean, Horn's
    original rule); the number of factors is the count of leading eigenvalues above the random ones."""
    x = _items(items, "parallel_analysis", "listwise", min_items=3)
    n, p = x.shape
    r = _corr(x, "parallel_analysis")
    obs = _reduced_eigenvalues(r)
    rng = np.random.default_rng(seed)
    sims = np.array([_reduced_eigenvalues(np.corrcoef(rng.standard_normal((n, p)), rowvar=False))
                     for _ in range(n_iter)])
    ref = sims.mean(axis=0) if quantile is None else np.quantile(sims, quantile, axis=0)
    above = obs > ref
    k = int(np.argmin(above)) if not above.all() else p
    return max(k, 1), pd.DataFrame({"observed": obs, "simulated": ref}, index=range(1, p + 1))


def _extract(r: np.ndarray, n_factors: int, method: str) -> np.ndarray:
    """Unrotated loadings: principal components (eigenvectors × √eigenvalues, SPSS's and
    ``psych::principal``'s extraction) or a common-factor solution (minres, ml) by factor-analyzer."""
    if method == "principal":
        vals, vecs = np.linalg.eigh(r)
        top = np.argsort(vals)[::-1][:n_factors]
        return vecs[:, top] * np.sqrt(np.maximum(vals[top], 0.0))
    from factor_analyzer import FactorAnalyzer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)   # sklearn's force_all_finite rename
        warnings.simplefilter("ignore", UserWarning)
        fa = FactorAnalyzer(n_factors=n_factors, rotation=None, method=method, is_corr_matrix=True).fit(r)
    return np.asarray(fa.loadings_)


def _rotate(load: np.ndarray, rotation) -> tuple[np.ndarray, np.ndarray | None]:
    """Rotated loadings and Φ (None for orthogonal rotations), by factor-analyzer's Rotator."""
    if rotation is None or load.shape[1] < 2:
        return load, None
    from factor_analyzer import Rotator

    rot = Rotator(method=rotation)
    out = np.asarray(rot.fit_transform(load))
    phi = getattr(rot, "phi_", None)
    return out, (None if phi is None else np.asarray(phi))


def _variance_table(eig: np.ndarray, unrotated: np.ndarray, rotated: np.ndarray, phi) -> pd.DataFrame:
    p, k = unrotated.shape

    def block(name, total, additive=True):
        col = np.full(p, np.nan)
        col[: len(total)] = total
        pct = 100 * col / p
        return {f"{name}_total": col, f"{name}_pct": pct if additive else np.full(p, np.nan),
                f"{name}_cum_pct": np.where(np.isnan(col), np.nan, np.nancumsum(pct)) if additive else np.full(p, np.nan)}

    structure = rotated if phi is None else rotated @ phi
    out = {**block("initial", eig), **block("extraction", (unrotated**2).sum(axis=0)),
           **block("rotation", (structure**2).sum(axis=0), additive=phi is None)}
    return pd.DataFrame(out, index=pd.RangeIndex(1, p + 1, name="component"))


@validate_params(method=OneOf("minres", "ml", "principal"), rotation=OneOf("varimax", "promax", "oblimin", None),
                 n_factors=Integer(min=1, none_ok=True))
def efa(items, n_factors=None, *, rotation="promax", method="minres") -> EFAResult:
    """Exploratory factor analysis as SPSS and ``psych`` report it.

    ``method``: ``"minres"`` or ``"ml"`` (common factors, extracted by factor-analyzer behind our
    own checks) or ``"principal"`` (SPSS's principal-component extraction: the first k
    eigenvectors of R scaled by the square roots of their eigenvalues, as ``psych::principal``).
    ``rotation``: varimax, promax, oblimin or None. ``n_factors=None`` takes the number from
    :func:`parallel_analysis`; the count of eigenvalues above 1 (Kaiser) is reported beside it.

    Factors are signed so that their column sums of loadings are positive and ordered by variance
    explained (orthogonal: Σλ²; oblique: diag(ΦΛ'Λ) for common factors as ``psych::fa``, Σλ² of the
    pattern for components as ``psych::principal``). ``variance_table`` is SPSS's "Total variance
    explained" (see :class:`EFAResult`). A common-factor solution with a communality ≥ 0.995 (a
    uniqueness at or past its bound: a Heywood case) gives a StatWarning.

    Checked against ``psych::principal`` and ``psych::fa`` (tests/reference/validity/make_efa_spss.R).
    """
    func = "efa"
    x = _items(items, func, "listwise", min_items=3)
    r = _corr(x, func)
    eig = np.sort(np.linalg.eigvalsh(r))[::-1]
    if n_factors is None:
        n_factors = parallel_analysis(x)[0]
    require_positive_int(n_factors, func, "n_factors")
    if n_factors >= x.shape[1]:
        raise DataError(f"{func}: n_factors={n_factors} must be below the number of items ({x.shape[1]})")
    unrotated = _extract(r, n_factors, method)
    h2 = (unrotated**2).sum(axis=1)
    if method != "principal" and h2.max() >= 0.995:
        worst = [str(c) for c, h in zip(x.columns, h2) if h >= 0.995]
        warnings.warn(f"{func}: Heywood case — communality {h2.max():.4f} (≥ 0.995: uniqueness at or below zero) "
                      f"for {worst}; the solution is improper: try fewer factors, another method, or drop the item",
                      StatWarning, stacklevel=3)
    load, phi = _rotate(unrotated, rotation)
    oblique = phi is not None
    if not oblique or method == "principal":
        ss = (load**2).sum(axis=0)
    else:
        ss = np.diag(phi @ load.T @ load)
    order = np.argsort(-ss, kind="stable")
    signs = np.sign(load.sum(axis=0))
    signs[signs == 0] = 1
    load = (load * signs)[:, order]
    ss = ss[order]
    phi = (phi * np.outer(signs, signs))[np.ix_(order, order)] if oblique else np.eye(n_factors)
    names = [f"F{i + 1}" for i in range(n_factors)]
    p = x.shape[1]
    variance = pd.DataFrame({"ss_loadings": ss, "proportion": ss / p, "cumulative": np.cumsum(ss) / p}, index=names)
    table = _variance_table(eig, unrotated, load, phi if oblique else None)
    return EFAResult(pd.DataFrame(load, index=x.columns, columns=names), int(n_factors), variance,
                     pd.Series(h2, index=x.columns, name="communality"), pd.Series(eig, index=range(1, p + 1)),
                     int((eig > 1).sum()), method, str(rotation), table, pd.DataFrame(phi, index=names, columns=names))


# ---------------------------------------------------------------------------------------------
# CFA


@result
class CFAResult(Result):
    fit: dict
    loadings: pd.DataFrame
    cr: pd.Series
    ave: pd.Series
    factor_correlations: pd.DataFrame
    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    estimates: pd.DataFrame
    n: int
    converged: bool
    sem: object = None

    title = "Confirmatory factor analysis (ML)"

    def fit_table(self) -> pd.DataFrame:
        keys = ["chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "gfi", "agfi"]
        return pd.DataFrame({"value": [self.fit[k] for k in keys]}, index=keys)

    def table(self, lang: str = "zh"):
        """Fit indices as a thesis prints them, with the usual criterion beside each."""
        from .present.text import fit_table

        return fit_table(self.fit, lang)

    def interpret(self, lang: str = "zh") -> str:
        from .present.text import fit_verdict

        return fit_verdict(self.fit, lang)

    def to_frame(self) -> pd.DataFrame:
        return self.loadings


def _model_items(data: pd.DataFrame, model, func: str):
    """Items in model order and the construct index of each, from the one model parser."""
    if isinstance(model, dict):
        short = {k: v for k, v in model.items() if isinstance(v, str) or len(v) < 2}
        if short:
            name, cols = next(iter(short.items()))
            raise DataError(f"{func}: construct {name!r} has {0 if isinstance(cols, str) else len(cols)} item(s); "
                            f"each construct needs at least 2 items (3 or more to be identified on its own)")
    spec = parse_model(model)
    items, assign = [], []
    for f, cols in enumerate(spec.measurement.values()):
        items += list(cols)
        assign += [f] * len(cols)
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise DataError(f"{func}: items not found in data: {missing}")
    return items, np.array(assign)


def htmt(data, model, *, htmt2: bool = True) -> pd.DataFrame:
    """Heterotrait–monotrait ratio of correlations between constructs.

    With ``htmt2=True`` (default, as ``semTools::htmt``) the means of absolute item correlations are
    geometric (HTMT2; Roemer, Schuberth & Henseler, 2021); ``htmt2=False`` gives the original
    arithmetic-mean HTMT (Henseler, Ringle & Sarstedt, 2015): the mean correlation between the
    items of two constructs over the geometric mean of their mean within-construct correlations.
    """
    func = "htmt"
    frame = require_frame(data, func)
    items, assign = _model_items(frame, model, func)
    x = _items(frame[items], func, "listwise")
    r = np.abs(np.corrcoef(x.to_numpy(), rowvar=False))
    mean = (lambda a: float(np.exp(np.mean(np.log(a))))) if htmt2 else (lambda a: float(np.mean(a)))
    names = list(parse_model(model).measurement)
    m = len(names)
    mono = np.empty(m)
    for f in range(m):
        idx = np.where(assign == f)[0]
        mono[f] = mean(r[np.ix_(idx, idx)][np.triu_indices(len(idx), 1)])
    out = np.eye(m)
    for a, b in itertools.combinations(range(m), 2):
        hetero = mean(r[np.ix_(np.where(assign == a)[0], np.where(assign == b)[0])].ravel())
        out[a, b] = out[b, a] = hetero / np.sqrt(mono[a] * mono[b])
    return pd.DataFrame(out, index=names, columns=names)


def cfa(data, model) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, as ``lavaan::cfa`` with its defaults.

    ``model`` maps construct → item columns (matched by name, so column order never matters).
    Returns the fit indices (χ², df, p, CFI, TLI, RMSEA with its 90 % CI, SRMR, GFI, AGFI),
    standardised loadings with delta-method SE and p, CR = (Σλ)²/((Σλ)² + Σ(1 − λ²)) and
    AVE = mean λ² from standardised loadings (Fornell & Larcker, 1981), factor correlations,
    the Fornell–Larcker table (√AVE on the diagonal) and HTMT. Agrees with lavaan/semTools to 1e-6
    on HolzingerSwineford1939.

    The model is fitted by :func:`crm_research.sem.sem` (the one ML engine), so ``fit`` carries every
    key of :attr:`crm_research.sem.SEMResult.fit` (χ²/df, NFI, IFI, RMR, AIC, BIC, … besides the
    above) and ``sem`` is the fitted :class:`~crm_research.sem.SEMResult` (modification indices,
    path diagram); pass the result to :func:`construct_summary` to avoid fitting again.
    """
    func = "cfa"
    frame = require_frame(data, func)
    items, assign = _model_items(frame, model, func)
    x = _items(frame[items], func, "listwise")
    n, p = x.shape
    measurement = parse_model(model).measurement
    names = list(measurement)
    m = len(names)
    q = (p - m) + m * (m + 1) // 2 + p          # free parameters (identification is checked by the engine)
    if n < max(2 * q, 50):
        warnings.warn(f"{func}: {n} complete cases for {q} parameters; ML estimates and fit indices are "
                      f"unreliable below about {max(2 * q, 50)} (better 10 per parameter)", StatWarning, stacklevel=2)
    _corr(x, func)
    from .sem._api import _sem

    res = _sem(x, {c: list(v) for c, v in measurement.items()}, func)
    est = res.estimates
    std = res.standardized_solution()
    load = std[std["op"] == "=~"].set_index("rhs")
    lam = load.loc[items, "std_all"].to_numpy()
    se = load.loc[items, "se"].to_numpy()
    z = lam / np.where(se > 0, se, np.nan)
    loadings = pd.DataFrame({"construct": [names[a] for a in assign], "item": items, "std_loading": lam,
                             "se": se, "z": z, "p": 2 * stats.norm.sf(np.abs(z))})
    cr, ave = {}, {}
    for f, name in enumerate(names):
        v = lam[assign == f]
        cr[name] = v.sum() ** 2 / (v.sum() ** 2 + (1 - v**2).sum())
        ave[name] = float(np.mean(v**2))
    cr, ave = pd.Series(cr, name="cr"), pd.Series(ave, name="ave")
    fc = pd.DataFrame(np.eye(m), index=names, columns=names)
    lv = std[(std["op"] == "~~") & std["lhs"].isin(names) & std["rhs"].isin(names) & (std["lhs"] != std["rhs"])]
    for r in lv.itertuples():
        fc.loc[r.lhs, r.rhs] = fc.loc[r.rhs, r.lhs] = r.std_all
    fl = fc.copy()
    for name in names:
        fl.loc[name, name] = np.sqrt(ave[name])
    free = est[est["se"] > 0]
    table = free[["lhs", "op", "rhs"]].assign(estimate=free["est"], se=free["se"]).reset_index(drop=True)
    return CFAResult({k: float(v) for k, v in res.fit.items() if np.isscalar(v)}, loadings, cr, ave, fc,
                     htmt(x, model), fl, table, int(res.n), bool(res.converged), res)


# ---------------------------------------------------------------------------------------------
# Harman and the summary table


@result
class HarmanResult(Result):
    first_factor_share: float
    n_items: int

    title = "Harman's single-factor test"

    @property
    def common_method_bias(self) -> bool:
        """True when one unrotated factor takes 50 % or more of the variance (Podsakoff et al., 2003)."""
        return self.first_factor_share >= 0.5

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"first_factor_share": self.first_factor_share,
                              "common_method_bias": self.common_method_bias}])

    def interpret(self, lang: str = "zh") -> str:
        from .present.thesis import harman_verdict

        return harman_verdict(self, lang)


def harman(items) -> HarmanResult:
    """Share of total variance taken by the first unrotated principal component of all items."""
    x = _items(items, "harman", "listwise", min_items=3)
    r = _corr(x, "harman")
    return HarmanResult(float(np.linalg.eigvalsh(r)[-1] / r.shape[0]), int(r.shape[0]))


@result
class ConstructSummary(Result):
    """``constructs``: k, n, α, CR, AVE, smallest and largest loading, largest HTMT and inter-construct r per
    construct with a pass flag for each; ``thresholds`` used (defaults :data:`THRESHOLDS`)."""

    constructs: pd.DataFrame
    thresholds: dict

    title = "Reliability and validity"

    def to_frame(self) -> pd.DataFrame:
        return self.constructs

    def table(self, lang: str = "zh", *, names=None):
        """Per construct: items, range of standardised loadings, α, CR, AVE, √AVE and the largest
        HTMT, with the criteria and their sources in the note."""
        from .present.thesis import construct_summary_table

        return construct_summary_table(self, lang, names=names)

    def interpret(self, lang: str = "zh") -> str:
        from .present.text import construct_summary_verdict

        return construct_summary_verdict(self, lang)


def construct_summary(data, model, *, thresholds: dict | None = None, cfa_result=None) -> ConstructSummary:
    """The per-construct table a thesis prints: k, n, α, CR, AVE, smallest loading, largest HTMT
    and inter-construct r, each judged against ``thresholds`` (defaults :data:`THRESHOLDS`: α ≥ 0.7
    Nunnally 1978; loadings ≥ 0.5 and CR ≥ 0.7 Hair et al. 2010; AVE ≥ 0.5 Fornell & Larcker 1981;
    HTMT < 0.85 Henseler et al. 2015; r < 0.9). The bank CRM study of the source documents accepts
    α > 0.6 and loadings > 0.4. Pass a fitted ``cfa_result`` (from :func:`cfa` on the same data and
    model) to reuse it instead of fitting again."""
    th = dict(THRESHOLDS)
    if thresholds:
        unknown = set(thresholds) - set(th)
        if unknown:
            raise DataError(f"construct_summary: unknown thresholds {sorted(unknown)}; known: {sorted(th)}")
        th.update(thresholds)
    res = cfa_result if cfa_result is not None else cfa(data, model)
    model = {c: list(v) for c, v in parse_model(model).measurement.items()}
    rows = []
    for name, cols in model.items():
        a = cronbach_alpha(require_frame(data, "construct_summary")[list(cols)])
        others = [c for c in model if c != name]
        max_htmt = res.htmt.loc[name, others].max() if others else np.nan
        max_r = res.factor_correlations.loc[name, others].abs().max() if others else np.nan
        own = res.loadings.loc[res.loadings["construct"] == name, "std_loading"]
        min_load = own.min()
        rows.append({"construct": name, "k": len(cols), "n": res.n, "alpha": a.alpha, "cr": res.cr[name],
                     "ave": res.ave[name], "min_loading": min_load, "max_loading": own.max(), "max_htmt": max_htmt, "max_r": max_r,
                     "alpha_ok": a.alpha >= th["alpha"], "loading_ok": min_load >= th["loading"],
                     "cr_ok": res.cr[name] >= th["cr"], "ave_ok": res.ave[name] >= th["ave"],
                     "htmt_ok": bool(np.isnan(max_htmt) or max_htmt < th["htmt"]),
                     "r_ok": bool(np.isnan(max_r) or max_r < th["r"])})
    return ConstructSummary(pd.DataFrame(rows).set_index("construct"), th)
