"""``sem()`` and ``invariance()``: the public entry points and their result objects."""

from __future__ import annotations

import ast
import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .._core.bootstrap import resample_sums
from .._core.errors import DataError, StatWarning
from .._core.results import Result, result
from .._core.validation import numeric_frame, require_choice, require_frame, require_positive_int
from ..spec import ModelSpec, parse_model
from . import _fit, _measures
from ._model import EQUAL_CHOICES, KIND_A, KIND_S, RAM

__all__ = ["sem", "invariance", "SEMResult", "InvarianceResult"]

#: iteration limit of the optimiser (Fisher scoring, then quasi-Newton)
_MAX_ITER = 500

_SAFE = {"sqrt": np.sqrt, "exp": np.exp, "log": np.log, "abs": np.abs}


# ---------------------------------------------------------------------------------------------
# results


@result
class SEMResult(Result):
    """A fitted structural equation model (see :func:`sem`)."""

    fit: dict
    estimates: pd.DataFrame
    r2: pd.Series
    n: int
    n_dropped: int
    converged: bool
    n_boot: int
    spec: ModelSpec
    groups: tuple
    _state: dict

    title = "Structural equation model (ML)"

    def to_frame(self) -> pd.DataFrame:
        return self.estimates

    def modification_indices(self) -> pd.DataFrame:
        """Modification indices as lavaan's ``modindices()``: one row per parameter that is not in
        the model (lavaan's candidate set), with the χ² drop ``mi`` (Sörbom, 1989), the expected
        parameter change ``epc`` and its completely standardised value ``sepc_all``; largest
        ``mi`` first."""
        return _modindices(self)

    def standardized_solution(self) -> pd.DataFrame:
        """``std_all`` of every parameter with its delta-method SE, z and p, as lavaan's
        ``standardizedSolution()`` (type std.all): one row per row of :attr:`estimates`
        (defined parameters excluded)."""
        return _standardized_solution(self)

    def fit_table(self, lang: str = "zh"):
        from ._present import fit_table

        return fit_table(self, lang)

    def table(self, lang: str = "zh", *, names=None):
        """Estimates as AMOS prints them; ``names`` maps variable names to the labels shown."""
        from ._present import estimates_table

        return estimates_table(self, lang, names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        from ._present import interpret

        return interpret(self, lang, names)


class _LevelTable(pd.DataFrame):
    """The invariance table as a DataFrame that is also callable: ``res.table`` is the frame of the
    API (indexed by level), ``res.table(lang)`` the thesis table every result offers."""

    _metadata = ["_owner"]

    @property
    def _constructor(self):
        return pd.DataFrame

    def __call__(self, lang: str = "zh"):
        from ._present import invariance_table

        return invariance_table(self._owner, lang)


@result
class InvarianceResult(Result):
    """Measurement invariance across groups (see :func:`invariance`).

    ``table`` is a DataFrame indexed by level; calling it, ``table(lang)``, gives the thesis table."""

    table: pd.DataFrame = dataclasses.field()
    fits: dict = dataclasses.field()
    group: str = dataclasses.field()

    title = "Measurement invariance"

    def __post_init__(self):
        frame = _LevelTable(self.table)
        frame._owner = self
        object.__setattr__(self, "table", frame)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.table)

    def interpret(self, lang: str = "zh") -> str:
        from ._present import interpret_invariance

        return interpret_invariance(self, lang)


# ---------------------------------------------------------------------------------------------
# sem()


def sem(data, model, *, group=None, equal=(), missing="listwise", se="standard", n_boot=0, seed=None,
        ci=0.95) -> SEMResult:
    """Fit a structural equation model by maximum likelihood, as ``lavaan::sem`` with its defaults.

    Parameters
    ----------
    data : DataFrame with one column per observed variable (matched by name)
    model : lavaan model syntax, a dict construct → items (a CFA) or a :class:`ModelSpec`
    group : column naming the groups of a multi-group model (groups in order of appearance)
    equal : any of "loadings", "intercepts", "residuals", "residual.covariances", "lv.variances",
        "lv.covariances", "regressions", "means" (lavaan's ``group.equal``)
    missing : "listwise" (cases with any missing answer dropped, counted in ``n_dropped``) or
        "fiml" (full-information ML over missing-data patterns, Arbuckle 1996)
    se : "standard" (expected information; observed information under FIML, as lavaan) or
        "bootstrap" (SEs and percentile CIs from ``n_boot`` resamples, 1000 when 0)
    n_boot, seed : bootstrap resamples and seed; with ``n_boot`` > 0 the estimates also get the
        bootstrap columns ``boot_se``, ``pct_low``/``pct_high`` (percentile) and ``bc_low``/
        ``bc_high`` (bias-corrected, Efron 1987)
    ci : level of the confidence intervals

    Method
    ------
    Identification as lavaan: the first loading of each factor is fixed to 1, residual and latent
    variances are free, exogenous latent variables covary, and so do the residuals of endogenous
    variables that predict nothing. F = log|Σ| + tr(SΣ⁻¹) − log|S| − p (+ mean part) with S the
    covariance matrix with N in the denominator, minimised by Fisher scoring with the analytic
    gradient and expected information; χ² = N·F. Defined parameters (``:=``) get delta-method SEs.
    Fit indices as ``lavaan::fitMeasures`` (Hu & Bentler 1999 for the usual cut-offs); AIC/BIC
    are −2 logL + 2q and −2 logL + q ln N.

    Checked against lavaan 0.6-14 (tests/reference/sem): PoliticalDemocracy (Bollen 1989),
    HolzingerSwineford1939 with invariance by school, FIML with missing answers.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_research.sem import sem
    >>> hs = pd.read_csv("tests/reference/sem/holzinger_swineford.csv")  # doctest: +SKIP
    >>> res = sem(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")  # doctest: +SKIP
    >>> round(res.fit["chi2"], 3)  # doctest: +SKIP
    85.306
    """
    return _sem(data, model, "sem", group=group, equal=equal, missing=missing, se=se, n_boot=n_boot,
                seed=seed, ci=ci)


def _sem(data, model, func, *, group=None, equal=(), missing="listwise", se="standard", n_boot=0, seed=None,
         ci=0.95) -> SEMResult:
    """:func:`sem` with the name of the calling function in its messages (``validity.cfa`` runs here)."""
    frame = require_frame(data, func)
    spec = parse_model(model)
    require_choice(missing, ("listwise", "fiml"), func, "missing")
    require_choice(se, ("standard", "bootstrap"), func, "se")
    n_boot = require_positive_int(n_boot, func, "n_boot", allow_zero=True)
    if se == "bootstrap" and n_boot == 0:
        n_boot = 1000
    if isinstance(equal, str):
        equal = (equal,)
    bad = [e for e in equal if e not in EQUAL_CHOICES]
    if bad:
        raise DataError(f"{func}: equal={bad} not understood; use any of {list(EQUAL_CHOICES)}")
    if equal and group is None:
        raise DataError(f"{func}: equal={list(equal)} constrains parameters across groups; name the group "
                        f"column with group=...")
    if not (0 < ci < 1):
        raise DataError(f"{func}: ci must be between 0 and 1, got {ci!r}")
    if spec.constraints:
        raise DataError(f"{func}: constraints {[' '.join(c) for c in spec.constraints]} are not supported; give "
                        f"equal parameters the same label instead (e.g. 'y ~ a*x1 + a*x2')")
    observed = [v for v in spec.observed]
    absent = [v for v in observed if v not in frame.columns]
    if absent:
        kind = "indicators" if any(v in it for it in spec.measurement.values() for v in absent) else "variables"
        raise DataError(f"{func}: {kind} of the model not found in data: {absent}; available columns are "
                        f"{list(map(str, frame.columns))[:20]}")
    # observed variables in data order (so column order never matters to the result)
    observed = [c for c in frame.columns if c in set(observed)]
    x = numeric_frame(frame, observed, func)
    if group is not None:
        if group not in frame.columns:
            raise DataError(f"{func}: group column {group!r} not found in data")
        gcol = frame[group]
        keep = gcol.notna()
    else:
        gcol = pd.Series(1, index=frame.index)
        keep = pd.Series(True, index=frame.index)
    n_total = len(frame)
    if missing == "listwise":
        keep &= x.notna().all(axis=1)
    else:
        keep &= x.notna().any(axis=1)
        # as lavaan (fixed.x): cases missing an exogenous covariate cannot be used
        indicators = {v for items in spec.measurement.values() for v in items}
        ys, xs = {b for _, b in spec.paths}, {a for a, _ in spec.paths}
        ov_x = [v for v in observed if v in xs and v not in ys and v not in indicators]
        lost = keep & ~x[ov_x].notna().all(axis=1) if ov_x else None
        if lost is not None and lost.any():
            warnings.warn(f"{func}: {int(lost.sum())} cases dropped for missing values in the exogenous "
                          f"covariates {ov_x} (their moments are fixed at the sample values, lavaan's fixed.x); "
                          f"model them as outcomes or latent indicators to keep these cases", StatWarning,
                          stacklevel=3)
            keep &= ~lost
    x, gcol = x[keep], gcol[keep]
    n_dropped = int(n_total - keep.sum())
    levels = list(pd.unique(gcol))
    if len(levels) < 1 or len(x) == 0:
        raise DataError(f"{func}: no cases left after dropping incomplete ones ({n_dropped} dropped); "
                        f"use missing='fiml'")
    if group is not None and len(levels) < 2:
        raise DataError(f"{func}: group column {group!r} has one value ({levels[0]!r}); a multi-group model "
                        f"needs two or more")
    meanstructure = group is not None or missing == "fiml" or bool(spec.intercepts)
    ram = RAM(spec, observed, levels if group is not None else [None], meanstructure=meanstructure,
              equal=tuple(equal))
    data_g = [x[gcol == lv].to_numpy() for lv in levels]
    state = dict(func=func, ram=ram, data=data_g, missing=missing, ci=ci, group=group, levels=levels)
    return _estimate(state, spec, n_boot=n_boot, se=se, seed=seed, n_dropped=n_dropped)


def _check_identification(ram: RAM, func: str):
    tab = ram.table
    p = ram.p
    px = len(ram.ov_x)
    moments = ram.ng * (p * (p + 1) // 2 + (p if ram.meanstructure else 0)
                        - px * (px + 1) // 2 - (px if ram.meanstructure else 0))
    if ram.q > moments:
        raise DataError(f"{func}: the model is not identified: it has {ram.q} free parameters but only {moments} "
                        f"sample variances, covariances{' and means' if ram.meanstructure else ''} "
                        f"(df = {moments - ram.q}); fix parameters or add indicators (3 or more per factor)")
    g1 = tab[tab.group == 1]
    for f in ram.lv:
        load = g1[(g1.op == "=~") & (g1.lhs == f)]
        var = g1[(g1.op == "~~") & (g1.lhs == f) & (g1.rhs == f)]
        if load["free"].all() and var["free"].all():
            raise DataError(f"{func}: the model is not identified: latent variable {f!r} has no scale (all its "
                            f"loadings and its variance are free); fix one loading (1*{load.rhs.iloc[0]}) or its "
                            f"variance ({f} ~~ 1*{f})")
    return moments


def _estimate(state, spec, *, n_boot, se, seed, n_dropped, x_start=None):
    func, ram, data_g, missing = state["func"], state["ram"], state["data"], state["missing"]
    moments = _check_identification(ram, func)
    df = moments - ram.q
    ns = [d.shape[0] for d in data_g]
    p = ram.p
    if missing == "listwise":
        S = [np.cov(d, rowvar=False, ddof=0).reshape(p, p) for d in data_g]
        ybar = [d.mean(axis=0) for d in data_g]
        for g, s in enumerate(S):
            _check_pd(s, ram.ov, func, state["levels"][g] if ram.ng > 1 else None)
        obj = _fit.Complete(ram, [s[None] for s in S], [y[None] for y in ybar], ns)
        s_h1, y_h1 = S, ybar
    else:
        pats = [_fit.Patterns(d) for d in data_g]
        obj = _fit.FIML(ram, pats)
        h1 = [_fit.em_saturated(d) for d in data_g]
        y_h1 = [h[0] for h in h1]
        s_h1 = [h[1] for h in h1]
        for g, s in enumerate(s_h1):
            _check_pd(s, ram.ov, func, state["levels"][g] if ram.ng > 1 else None)
    N = float(sum(ns))
    ram.stats = list(zip(s_h1, y_h1))
    x0 = ram.start(s_h1, y_h1) if x_start is None else x_start
    xh, fmin, grad, iters, conv = _fit.fisher_scoring(obj, x0[None], max_iter=_MAX_ITER)
    xh, converged = xh[0], bool(conv[0])
    if not np.isfinite(fmin[0]):
        raise DataError(f"{func}: the estimation failed: the model-implied covariance matrix is not positive "
                        f"definite at every trial value; check the model (start values, fixed values)")
    # information and identification
    _, _, H = obj.fg(xh[None])
    H = H[0]
    _identified(H, ram, func)
    if missing == "fiml":
        Hobs = _numeric_hessian(obj, xh)
        vcov = _inv(0.5 * N * Hobs)
    else:
        vcov = _inv(0.5 * N * H)
    if not converged:
        warnings.warn(f"{func}: the estimation did not converge (largest gradient {np.max(np.abs(grad)):.2e} after "
                      f"{int(iters[0])} iterations); results are not trustworthy — check for items that barely "
                      f"load, factors with two items, or very different variances", StatWarning, stacklevel=4)
    # log-likelihoods and χ²
    imp = [ram.implied(xh[None], g) for g in range(ram.ng)]
    if missing == "listwise":
        logl = 0.0
        logl1 = 0.0
        chi2_b = 0.0
        for g in range(ram.ng):
            sig, mu = imp[g][0][0], imp[g][1][0]
            d = ybar[g] - mu if ram.meanstructure else np.zeros(p)
            sinv = np.linalg.inv(sig)
            logl += -0.5 * ns[g] * (p * np.log(2 * np.pi) + np.linalg.slogdet(sig)[1]
                                    + np.trace(sinv @ S[g]) + d @ sinv @ d)
            logl1 += -0.5 * ns[g] * (p * np.log(2 * np.pi) + np.linalg.slogdet(S[g])[1] + p)
            # baseline: independent variables, exogenous covariates keeping their covariances
            ix = [ram.ov.index(v) for v in ram.ov_x]
            iy = [i for i in range(p) if i not in ix]
            base = np.sum(np.log(np.diag(S[g])[iy])) + (np.linalg.slogdet(S[g][np.ix_(ix, ix)])[1] if ix else 0.0)
            chi2_b += ns[g] * (base - np.linalg.slogdet(S[g])[1])
    else:
        logl = obj.loglik(xh)
        logl1 = 0.0
        logl_b = 0.0
        for g in range(ram.ng):
            sig1, mu1 = s_h1[g], y_h1[g]
            logl1 += obj.pat[g].loglik(sig1, mu1)
            d = data_g[g]
            ix = [ram.ov.index(v) for v in ram.ov_x]
            for j in range(p):
                if j in ix:
                    continue
                col = d[:, j][~np.isnan(d[:, j])]
                logl_b += -0.5 * col.size * (np.log(2 * np.pi) + np.log(col.var()) + 1)
            if ix:
                mx, sx = _fit.em_saturated(d[:, ix])
                logl_b += _fit.Patterns(d[:, ix]).loglik(sx, mx)
        chi2_b = 2 * (logl1 - logl_b)
    chi2 = max(2 * (logl1 - logl), 0.0) if missing == "fiml" else float(N * fmin[0])
    px = len(ram.ov_x)
    df_b = ram.ng * (p * (p - 1) // 2 - px * (px - 1) // 2)
    pats = [None] * ram.ng if missing == "listwise" else \
        [[(o, n_p / ns[g]) for o, n_p, _, _ in obj.pat[g].items] for g in range(ram.ng)]
    if missing == "listwise":
        obs_stats = list(zip(s_h1, y_h1))
    else:
        obs_stats = []
        for d in data_g:
            pw = pd.DataFrame(d).cov().to_numpy() * (d.shape[0] - 1) / d.shape[0]
            obs_stats.append((pw, np.nanmean(d, axis=0)))
    resid = [(ns[g], s_h1[g], y_h1[g], imp[g][0][0], imp[g][1][0], ram.meanstructure, pats[g], *obs_stats[g])
             for g in range(ram.ng)]
    npar = ram.q
    # fixed.x: lavaan's logL is that of the model given the covariates (their own part removed)
    ix = [ram.ov.index(v) for v in ram.ov_x]
    if ix:
        for g in range(ram.ng):
            if missing == "listwise":
                sxx = S[g][np.ix_(ix, ix)]
                logl -= -0.5 * ns[g] * (len(ix) * np.log(2 * np.pi) + np.linalg.slogdet(sxx)[1] + len(ix))
            else:
                mx, sx = _fit.em_saturated(data_g[g][:, ix])
                logl -= _fit.Patterns(data_g[g][:, ix]).loglik(sx, mx)
    fit = _measures.fit_indices(chi2=chi2, df=df, chi2_b=chi2_b, df_b=df_b, logl=logl, npar=npar,
                                n_groups=ram.ng, N=N, residuals=resid, x_idx=ix)
    state.update(x=xh, vcov=vcov, H=H, obj=obj, N=N, ns=ns, imp=imp, s_h1=s_h1, y_h1=y_h1)
    est = _estimates_frame(state, spec)
    r2 = _r2(state)
    _heywood(state, est, func)
    boot = None
    if n_boot > 0:
        boot = _bootstrap(state, spec, n_boot, seed, func)
        est = _add_bootstrap(est, boot, state, use_for_se=(se == "bootstrap"))
    state["boot"] = boot
    return SEMResult(fit=fit, estimates=est, r2=r2, n=int(N), n_dropped=int(n_dropped), converged=converged,
                     n_boot=int(n_boot if boot is None else boot["n_ok"]),
                     spec=spec, groups=tuple(state["levels"]) if ram.ng > 1 else (), _state=state)


def _check_pd(s, names, func, grp):
    where = f" in group {grp!r}" if grp is not None else ""
    var = np.diag(s)
    zero = [names[i] for i in np.flatnonzero(var <= 1e-12)]
    if zero:
        raise DataError(f"{func}: variables with zero variance{where}: {zero}; every answer is the same — drop them")
    sd = np.sqrt(var)
    r = s / np.outer(sd, sd)
    vals, vecs = np.linalg.eigh(r)
    if vals[0] < 1e-10:
        worst = [names[i] for i in np.argsort(-np.abs(vecs[:, 0]))[:3]]
        raise DataError(f"{func}: the sample covariance matrix{where} is not positive definite (smallest eigenvalue "
                        f"{vals[0]:.2e}): some variables are (almost) linear combinations of others, most involved: "
                        f"{worst}; drop or merge duplicated items")


def _inv(h):
    try:
        return np.linalg.inv(h)
    except np.linalg.LinAlgError:
        return np.full_like(h, np.nan)


def _identified(H, ram, func):
    vals, vecs = np.linalg.eigh(0.5 * (H + H.T))
    top = max(vals[-1], 1e-300)
    if vals[0] < 1e-10 * top:
        k = int(np.argmax(np.abs(vecs[:, 0])))
        raise DataError(f"{func}: the model is not identified: the information matrix is singular (smallest "
                        f"eigenvalue {vals[0]:.2e}); parameter '{ram.par_names[k]}' cannot be estimated from the "
                        f"data — fix it, constrain it, or add indicators")


def _numeric_hessian(obj, x, h=1e-6):
    """Observed information: central differences of the analytic gradient (as lavaan does)."""
    q = x.size
    Hs = np.empty((q, q))
    for k in range(q):
        step = h * max(1.0, abs(x[k]))
        xp, xm = x.copy(), x.copy()
        xp[k] += step
        xm[k] -= step
        gp = obj.fg(xp[None], info=False)[1][0]
        gm = obj.fg(xm[None], info=False)[1][0]
        Hs[:, k] = (gp - gm) / (2 * step)
    return 0.5 * (Hs + Hs.T)


# ---------------------------------------------------------------------------------------------
# estimates, standardised solution, R², defined parameters


def _std_factors(state, x, g):
    """Model-implied variances of every variable and the parameter matrices of group g."""
    ram = state["ram"]
    A, S, M = ram.matrices(x[None], g)
    E = np.linalg.inv(np.eye(ram.v) - A[0])
    V = E @ S[0] @ E.T
    return np.diag(V), S[0]


def _standardize(state, x, rows_est):
    """std.all of every table row (as lavaan's standardizedSolution, type std.all): loadings and
    paths times sd(predictor)/sd(outcome); variances over the total variance; covariances over the
    square root of the two (residual) variances; intercepts over the sd."""
    ram = state["ram"]
    tab = ram.table
    out = np.full(len(tab), np.nan)
    pos = ram.pos
    lhs = np.array([pos[v] for v in tab["lhs"]])
    rhs = np.array([pos.get(v, 0) for v in tab["rhs"]])
    op = tab["op"].to_numpy()
    for g in range(ram.ng):
        idx = ram.table_index[g]
        var, S = _std_factors(state, x, g)
        sd = np.sqrt(np.maximum(var, 0))
        a, b, o, est = lhs[idx], rhs[idx], op[idx], rows_est[idx]
        with np.errstate(all="ignore"):
            val = np.select(
                [o == "=~", o == "~", (o == "~~") & (a == b), o == "~~", o == "~1"],
                [est * sd[a] / sd[b], est * sd[b] / sd[a], est / var[a],
                 est / np.sqrt(S[a, a] * S[b, b]), est / sd[a]], np.nan)
        out[idx] = val
    return out


def _standardized_solution(res: SEMResult) -> pd.DataFrame:
    state = res._state
    x, vcov = state["x"], state["vcov"]
    base = _standardize(state, x, _row_values(state, x))
    # Jacobian of std_all over the free parameters by central differences
    jac = np.empty((base.size, x.size))
    for k in range(x.size):
        h = 1e-6 * max(1.0, abs(x[k]))
        xp, xm = x.copy(), x.copy()
        xp[k] += h
        xm[k] -= h
        jac[:, k] = (_standardize(state, xp, _row_values(state, xp))
                     - _standardize(state, xm, _row_values(state, xm))) / (2 * h)
    se = np.sqrt(np.maximum(np.einsum("ik,kl,il->i", np.nan_to_num(jac), vcov, np.nan_to_num(jac)), 0))
    out = res.estimates.iloc[:base.size][["lhs", "op", "rhs", "group", "label"]].copy()
    out["std_all"] = base
    out["se"] = se
    with np.errstate(all="ignore"):
        out["z"] = np.where(se > 0, base / se, np.nan)
    out["p"] = 2 * stats.norm.sf(np.abs(out["z"]))
    return out


def _row_values(state, x):
    ram = state["ram"]
    tab = ram.table
    par = tab["par"].to_numpy()
    fixed = tab["fixed"].to_numpy(dtype=float).copy()
    # fixed.x rows hold the sample moments of the exogenous covariates
    for i in np.flatnonzero(tab["exo"].to_numpy(dtype=bool)):
        r = tab.iloc[i]
        cov, mean = ram.stats[int(r.group) - 1]
        a = ram.ov.index(r.lhs)
        fixed[i] = mean[a] if r.op == "~1" else cov[a, ram.ov.index(r.rhs)]
    return np.where(par >= 0, x[np.maximum(par, 0)], fixed)


def _label_env(state, values_by_row):
    """label → value (first row with the label)."""
    tab = state["ram"].table
    env = {}
    for i, lab in enumerate(tab["label"].to_numpy()):
        if lab and lab not in env:
            env[lab] = values_by_row[..., i] if np.ndim(values_by_row) > 1 else values_by_row[i]
    return env


def _eval_defined(spec, env):
    env = dict(env)
    out = {}
    for name, expr in spec.defined.items():
        val = eval(compile(ast.parse(expr, mode="eval"), "<:=>", "eval"), {"__builtins__": {}, **_SAFE}, env)
        env[name] = val
        out[name] = val
    return out


def _defined_values(state, spec, X):
    """Defined parameters for parameter vectors X (B, q) → dict name → (B,)."""
    ram = state["ram"]
    tab = ram.table
    par = tab["par"].to_numpy()
    fixed = tab["fixed"].to_numpy(dtype=float)
    vals = np.where(par[None] >= 0, X[:, np.maximum(par, 0)], fixed[None])
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (X.shape[0],))
            for k, v in _eval_defined(spec, _label_env(state, vals)).items()}


def _estimates_frame(state, spec):
    ram, x, vcov, ci = state["ram"], state["x"], state["vcov"], state["ci"]
    tab = ram.table
    par = tab["par"].to_numpy()
    est = _row_values(state, x)
    se_par = np.sqrt(np.maximum(np.diag(vcov), 0))
    se = np.where(par >= 0, se_par[np.maximum(par, 0)], 0.0)
    std = _standardize(state, x, est)
    zq = stats.norm.ppf(0.5 + ci / 2)
    with np.errstate(all="ignore"):
        z = np.where(par >= 0, est / se, np.nan)
    levels = state["levels"]
    groups = [levels[g - 1] if ram.ng > 1 else 1 for g in tab["group"]]
    frame = pd.DataFrame({"lhs": tab["lhs"], "op": tab["op"], "rhs": tab["rhs"], "group": groups,
                          "label": tab["label"], "est": est, "se": se, "z": z,
                          "p": 2 * stats.norm.sf(np.abs(z)), "ci_low": est - zq * se, "ci_high": est + zq * se,
                          "std_all": std})
    if spec.defined:
        names = list(spec.defined)
        # delta method: Jacobian by central differences on all parameters at once (vectorised)
        q = x.size
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        X = np.vstack([x[None], x[None] + np.diag(h), x[None] - np.diag(h)])
        vals = _defined_values(state, spec, X)
        # std_all of defined parameters: the expression on the standardised labelled values
        std_env = _label_env(state, std)
        std_def = _eval_defined(spec, std_env)
        rows = []
        for name in names:
            v = vals[name]
            jac = (v[1:q + 1] - v[q + 1:]) / (2 * h)
            s = float(np.sqrt(max(jac @ vcov @ jac, 0)))
            e = float(v[0])
            zz = e / s if s > 0 else np.nan
            rows.append({"lhs": name, "op": ":=", "rhs": spec.defined[name], "group": 0 if ram.ng > 1 else 1,
                         "label": name, "est": e, "se": s, "z": zz, "p": 2 * stats.norm.sf(abs(zz)),
                         "ci_low": e - zq * s, "ci_high": e + zq * s, "std_all": float(std_def[name])})
        frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
    return frame


def _r2(state):
    ram, x = state["ram"], state["x"]
    endo = sorted({r for g in range(ram.ng) for r in ram.entries[g].row[ram.entries[g].kind == KIND_A]})
    names = [ram.names[i] for i in endo]
    out = {}
    for g in range(ram.ng):
        var, S = _std_factors(state, x, g)
        vals = [1 - S[i, i] / var[i] for i in endo]
        key = state["levels"][g] if ram.ng > 1 else None
        if key is None:
            return pd.Series(vals, index=pd.Index(names, name="variable"), name="r2")
        out[key] = vals
    frame = pd.DataFrame(out, index=pd.Index(names, name="variable"))
    return frame.stack().rename("r2").reorder_levels([1, 0]).sort_index(level=0, sort_remaining=False)


def _heywood(state, est, func):
    neg = est[(est.op == "~~") & (est.lhs == est.rhs) & (est.est < 0)]
    big = est[(est.op == "=~") & (est.std_all.abs() > 1)]
    names = list(dict.fromkeys(list(neg.lhs) + list(big.rhs)))
    if names:
        warnings.warn(f"{func}: Heywood case — negative variance or standardised loading above 1 for {names}; "
                      f"the model is misspecified or the sample too small (drop or merge these variables, or "
                      f"check the model)", StatWarning, stacklevel=5)
    # the model-implied covariance matrix of the latent variables must be positive definite too
    ram, x = state["ram"], state["x"]
    if ram.m:
        for g in range(ram.ng):
            A, S, _ = ram.matrices(x[None], g)
            E = np.linalg.inv(np.eye(ram.v) - A[0])
            V = (E @ S[0] @ E.T)[ram.p:, ram.p:]
            low = np.linalg.eigvalsh(V)[0]
            if low < -1e-10:
                sd = np.sqrt(np.abs(np.diag(V)))
                with np.errstate(all="ignore"):
                    r = V / np.outer(sd, sd)
                np.fill_diagonal(r, 0)
                i, j = np.unravel_index(np.nanargmax(np.abs(r)), r.shape)
                where = f" in group {state['levels'][g]!r}" if ram.ng > 1 else ""
                warnings.warn(f"{func}: the covariance matrix of the latent variables{where} is not positive "
                              f"definite (smallest eigenvalue {low:.2e}; most correlated: {ram.lv[i]!r} and "
                              f"{ram.lv[j]!r}, r = {r[i, j]:.3f}); some constructs are not distinct "
                              f"or a variance is negative — a Heywood case", StatWarning, stacklevel=5)


# ---------------------------------------------------------------------------------------------
# bootstrap (all resamples fitted at once)


def _bootstrap(state, spec, n_boot, seed, func):
    if state["missing"] == "fiml":
        raise DataError(f"{func}: bootstrap with missing='fiml' is not supported; use missing='listwise' "
                        f"or se='standard'")
    ram = state["ram"]
    rng = np.random.default_rng(seed)
    S_b, y_b = [], []
    for d in state["data"]:
        n, p = d.shape
        sums = resample_sums(np.concatenate([d, (d[:, :, None] * d[:, None, :]).reshape(n, p * p)], axis=1),
                             n_boot, rng) / n
        mean, m2 = sums[:, :p], sums[:, p:].reshape(-1, p, p)
        S_b.append(m2 - mean[:, :, None] * mean[:, None, :])
        y_b.append(mean)
    ok_pd = np.ones(n_boot, dtype=bool)
    for s in S_b:
        ok_pd &= np.linalg.eigvalsh(s)[:, 0] > 1e-10
    obj = _fit.Complete(ram, [s[ok_pd] for s in S_b], [y[ok_pd] for y in y_b], state["ns"])
    x0 = np.broadcast_to(state["x"], (int(ok_pd.sum()), ram.q)).copy()
    # limited-memory quasi-Newton from the full-sample solution and (inverse) information: no
    # information matrix per resample
    # (resample estimates to 1e-7 relative: far below their sampling spread)
    X, f, g, it, conv = _fit.lbfgs(obj, x0, np.linalg.inv(state["H"]), max_iter=300, tol=1e-7)
    X = X[conv]
    defined = _defined_values(state, spec, X) if spec.defined else {}
    return {"X": X, "defined": defined, "n_ok": int(X.shape[0]), "n_failed": int(n_boot - X.shape[0])}


def _add_bootstrap(est, boot, state, use_for_se):
    ram = state["ram"]
    ci = state["ci"]
    X = boot["X"]
    tab = ram.table
    par = tab["par"].to_numpy()
    n_rows = len(tab)
    draws = np.full((X.shape[0], len(est)), np.nan)
    draws[:, :n_rows] = np.where(par[None] >= 0, X[:, np.maximum(par, 0)], est["est"].to_numpy()[None, :n_rows])
    for j, name in enumerate(boot["defined"]):
        draws[:, n_rows + j] = boot["defined"][name]
    lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
    est = est.copy()
    free = np.concatenate([par >= 0, np.ones(len(est) - n_rows, dtype=bool)])
    bse = np.where(free, draws.std(axis=0, ddof=1), 0.0)
    est["boot_se"] = bse
    est["pct_low"] = np.quantile(draws, lo, axis=0)
    est["pct_high"] = np.quantile(draws, hi, axis=0)
    theta = est["est"].to_numpy()
    with np.errstate(all="ignore"):
        prop = np.mean(draws < theta[None], axis=0)
        z0 = stats.norm.ppf(np.clip(prop, 1 / (X.shape[0] + 1), 1 - 1 / (X.shape[0] + 1)))
        zl, zh = stats.norm.ppf(lo), stats.norm.ppf(hi)
        ql, qh = stats.norm.cdf(2 * z0 + zl), stats.norm.cdf(2 * z0 + zh)
    est["bc_low"] = [np.quantile(draws[:, j], ql[j]) if free[j] else theta[j] for j in range(len(est))]
    est["bc_high"] = [np.quantile(draws[:, j], qh[j]) if free[j] else theta[j] for j in range(len(est))]
    if use_for_se:
        with np.errstate(all="ignore"):
            est["se"] = bse
            est["z"] = np.where(free, theta / bse, np.nan)
            est["p"] = 2 * stats.norm.sf(np.abs(est["z"]))
        est["ci_low"] = est["pct_low"]
        est["ci_high"] = est["pct_high"]
    return est


# ---------------------------------------------------------------------------------------------
# modification indices


def _candidates(ram: RAM):
    """lavaan's candidate parameters (``lav_partable_full``) that are not in the model."""
    spec = ram.spec
    ov, lv = ram.ov, ram.lv
    ys = [b for _, b in spec.paths]
    xs = [a for a, _ in spec.paths]
    eqs = list(dict.fromkeys(ys + xs))
    indicators = {v for items in spec.measurement.values() for v in items}
    ov_ind = [v for v in ov if v in indicators]
    ov_other = [v for v in ov if v not in indicators]
    out = []
    for f in lv:
        for v in ov:
            if v not in eqs:
                out.append((f, "=~", v))
    for i, a in enumerate(ov):
        for b in ov[: i + 1]:
            if a in ov_other or b in ov_other:
                continue
            out.append((b, "~~", a))
    for i, a in enumerate(lv):
        for b in lv[: i + 1]:
            out.append((b, "~~", a))
    for y in eqs:
        for x in eqs:
            # no paths into an exogenous covariate (fixed.x): lavaan lists them, with values that
            # depend on its extended-model internals; they contradict the covariate's role
            if x == y or (y in ov_ind and x in lv) or y in ram.ov_x:
                continue
            out.append((y, "~", x))
    tab = ram.table[ram.table.group == 1]
    have = set()
    for r in tab.itertuples():
        have.add((r.lhs, r.op, r.rhs))
        if r.op == "~~":
            have.add((r.rhs, r.op, r.lhs))
    out = [c for c in out if c not in have]
    if ram.ng > 1 and "loadings" in ram.equal:
        # lavaan lists the fixed marker loadings too when loadings are held equal across groups
        out += [(r.lhs, r.op, r.rhs) for r in tab.itertuples() if r.op == "=~" and not r.free]
    return out


def _modindices(res: SEMResult) -> pd.DataFrame:
    st = res._state
    ram, x = st["ram"], st["x"]
    cands = _candidates(ram)
    cols = ["lhs", "op", "rhs", "group", "mi", "epc", "sepc_all"]
    if not cands:
        return pd.DataFrame(columns=cols)
    pos = ram.pos
    kind, row, col = [], [], []
    for lhs, op, rhs in cands:
        if op == "=~":
            kind.append(KIND_A); row.append(pos[rhs]); col.append(pos[lhs])
        elif op == "~":
            kind.append(KIND_A); row.append(pos[lhs]); col.append(pos[rhs])
        else:
            a, b = sorted((pos[lhs], pos[rhs]))
            kind.append(KIND_S); row.append(b); col.append(a)
    extra = (np.array(kind), np.array(row), np.array(col))
    ne, q = len(cands), ram.q
    obj, N = st["obj"], st["N"]
    w = np.asarray(st["ns"], dtype=float) / N
    # per-observation information blocks (½ of F's expected Hessian) across groups
    I22 = 0.5 * st["H"]
    frames = []
    for g in range(ram.ng):
        sigma, mu, E, G, S, M = ram.implied(x[None], g)
        p = ram.p
        dS_m, dm_m = _fit.deltas(ram, g, E, G, S, M)
        dS_e, dm_e = _fit.deltas(ram, g, E, G, S, M, extra=extra)
        if st["missing"] == "fiml":
            # FIML: score and expected information summed over the missing-data patterns
            blocks = [(o, n_p / N, cov, mean) for o, n_p, mean, cov in obj.pat[g].items]
        else:
            blocks = [(np.arange(p), w[g], st["s_h1"][g], st["y_h1"][g])]
        W = np.zeros((p, p))
        vvec = np.zeros(p)
        I21 = np.zeros((ne, q))
        I11 = np.zeros(ne)
        for o, share, cov, mean in blocks:
            ix = np.ix_(o, o)
            sinv = np.linalg.inv(sigma[0][ix])
            sstar = cov.copy()
            if ram.meanstructure:
                d = mean - mu[0][o]
                sstar = sstar + np.outer(d, d)
                vvec[o] += share * (-2 * sinv @ d)
            W[ix] += share * (sinv - sinv @ sstar @ sinv)
            L = np.linalg.cholesky(sinv)
            k = o.size
            Tm = (L.T[None] @ dS_m[0][:, o][:, :, o] @ L[None]).reshape(q, k * k)
            Te = (L.T[None] @ dS_e[0][:, o][:, :, o] @ L[None]).reshape(ne, k * k)
            I21 += 0.5 * share * (Te @ Tm.T)
            I11 += 0.5 * share * np.sum(Te * Te, axis=1)
            if ram.meanstructure:
                Um, Ue = dm_m[0][:, o] @ L, dm_e[0][:, o] @ L
                I21 += share * (Ue @ Um.T)
                I11 += share * np.sum(Ue * Ue, axis=1)
        gext = _fit.grad_from(ram, g, W[None], vvec[None], E, G, S, M, extra=extra)[0]
        score = -0.5 * gext                     # ∂(logL/N)/∂θ
        V = I11 - np.einsum("ek,kl,el->e", I21, np.linalg.inv(I22), I21)
        V = np.where(V < np.finfo(float).eps ** (1 / 3), np.nan, V)
        mi = N * score**2 / V
        epc = score / V
        var, Smat = _std_factors(st, x, g)
        sd = np.sqrt(var)
        sepc = np.empty(ne)
        for j, (lhs, op, rhs) in enumerate(cands):
            a, b = pos[lhs], pos[rhs]
            if op == "=~":
                sepc[j] = epc[j] * sd[a] / sd[b]
            elif op == "~":
                sepc[j] = epc[j] * sd[b] / sd[a]
            else:
                sepc[j] = epc[j] / np.sqrt(Smat[a, a] * Smat[b, b])
        frames.append(pd.DataFrame({"lhs": [c[0] for c in cands], "op": [c[1] for c in cands],
                                    "rhs": [c[2] for c in cands],
                                    "group": st["levels"][g] if ram.ng > 1 else 1,
                                    "mi": mi, "epc": epc, "sepc_all": sepc}))
    out = pd.concat(frames, ignore_index=True)
    out = out[out["mi"].notna()]
    return out.sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# invariance


LEVELS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
          "strict": ("loadings", "intercepts", "residuals")}


def invariance(data, model, group, *, levels=("configural", "metric", "scalar", "strict"),
               missing="listwise") -> InvarianceResult:
    """Measurement invariance across the groups of ``group``: configural (same pattern), metric
    (equal loadings), scalar (+ equal intercepts), strict (+ equal residual variances), each fitted
    with :func:`sem` and compared with the previous level.

    ``table`` (indexed by level) has ``chi2``, ``df``, ``cfi``, ``tli``, ``rmsea``, ``srmr``, the
    likelihood-ratio test against the previous level (``d_chi2``, ``d_df``, ``p_d_chi2``), ``d_cfi``,
    ``d_rmsea`` and ``holds``: ΔCFI ≥ −0.010 and ΔRMSEA ≤ 0.015 (Chen 2007; for strict invariance
    the same cut-offs are used). Agrees with lavaan's ``group.equal`` fits (tests/reference/sem).
    """
    func = "invariance"
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        raise DataError(f"{func}: levels {bad or levels} not understood; use any of {list(LEVELS)} in that order")
    fits = {}
    rows = []
    prev = None
    for lv in levels:
        res = sem(data, model, group=group, equal=LEVELS[lv], missing=missing)
        fits[lv] = res
        f = res.fit
        row = {"chi2": f["chi2"], "df": f["df"], "cfi": f["cfi"], "tli": f["tli"], "rmsea": f["rmsea"],
               "srmr": f["srmr"]}
        if prev is None:
            row.update(d_chi2=np.nan, d_df=np.nan, p_d_chi2=np.nan, d_cfi=np.nan, d_rmsea=np.nan, holds=True)
        else:
            pf = prev.fit
            dchi, ddf = f["chi2"] - pf["chi2"], f["df"] - pf["df"]
            row.update(d_chi2=dchi, d_df=ddf, p_d_chi2=float(stats.chi2.sf(dchi, ddf)) if ddf > 0 else np.nan,
                       d_cfi=f["cfi"] - pf["cfi"], d_rmsea=f["rmsea"] - pf["rmsea"])
            row["holds"] = bool(row["d_cfi"] >= -0.010 and row["d_rmsea"] <= 0.015)
        rows.append(row)
        prev = res
    table = pd.DataFrame(rows, index=pd.Index(list(levels), name="level"))
    table["holds"] = table["holds"].astype(bool)
    return InvarianceResult(table=table, fits=fits, group=group)
