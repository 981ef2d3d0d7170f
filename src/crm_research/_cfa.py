"""Maximum-likelihood confirmatory factor analysis (simple structure: each item on one factor).

Identification and estimator as lavaan's defaults: the first loading of each factor fixed to 1,
factor variances and covariances free, residual variances free, S the biased (divide-by-N)
covariance matrix, F_ML = log|Σ| + tr(SΣ⁻¹) − log|S| − p, χ² = N·F_ML, standard errors from the
expected information matrix (N), standardised solution and its SEs by the delta method.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

__all__ = ["fit_cfa"]


class _Model:
    def __init__(self, assign: np.ndarray, m: int):
        self.assign = assign            # factor index of each item
        self.p = assign.size
        self.m = m
        markers = {}
        for i, f in enumerate(assign):
            markers.setdefault(int(f), i)
        self.free_load = np.array([i for i in range(self.p) if markers[int(assign[i])] != i], dtype=int)
        self.markers = markers
        self.tri = np.tril_indices(m)
        self.n_load = self.free_load.size
        self.n_phi = len(self.tri[0])
        self.q = self.n_load + self.n_phi + self.p

    def unpack(self, theta):
        lam = np.zeros((self.p, self.m))
        for f, i in self.markers.items():
            lam[i, f] = 1.0
        lam[self.free_load, self.assign[self.free_load]] = theta[: self.n_load]
        phi = np.zeros((self.m, self.m))
        phi[self.tri] = theta[self.n_load: self.n_load + self.n_phi]
        phi = phi + np.tril(phi, -1).T
        psi = theta[self.n_load + self.n_phi:]
        return lam, phi, psi

    def sigma(self, theta):
        lam, phi, psi = self.unpack(theta)
        return lam @ phi @ lam.T + np.diag(psi)

    def dsigma(self, theta):
        """∂Σ/∂θ_k for every parameter, shape (q, p, p)."""
        lam, phi, psi = self.unpack(theta)
        out = np.zeros((self.q, self.p, self.p))
        lp = lam @ phi
        for k, i in enumerate(self.free_load):
            f = self.assign[i]
            d = np.zeros((self.p, self.p))
            d[i, :] += lp[:, f]
            d[:, i] += lp[:, f]
            out[k] = d
        for k, (a, b) in enumerate(zip(*self.tri)):
            e = np.zeros((self.m, self.m))
            e[a, b] = e[b, a] = 1.0
            out[self.n_load + k] = lam @ e @ lam.T
        for i in range(self.p):
            out[self.n_load + self.n_phi + i, i, i] = 1.0
        return out


def _fml(sig, s, logdet_s, p):
    sign, logdet = np.linalg.slogdet(sig)
    if sign <= 0:
        return np.inf
    return logdet + np.trace(np.linalg.solve(sig, s)) - logdet_s - p


def fit_cfa(s: np.ndarray, n: int, assign: np.ndarray, m: int) -> dict:
    """Fit the model to the biased covariance matrix ``s`` of ``n`` cases."""
    model = _Model(assign, m)
    p = model.p
    logdet_s = np.linalg.slogdet(s)[1]
    # start values: loadings from covariances with the marker, factor variances half the marker variance
    theta0 = np.empty(model.q)
    for k, i in enumerate(model.free_load):
        mk = model.markers[int(assign[i])]
        theta0[k] = s[i, mk] / max(s[mk, mk] / 2, 1e-6)
    phi0 = np.zeros((m, m))
    for f, mk in model.markers.items():
        phi0[f, f] = s[mk, mk] / 2
    for a in range(m):
        for b in range(a):
            phi0[a, b] = 0.5 * s[model.markers[a], model.markers[b]]
    theta0[model.n_load: model.n_load + model.n_phi] = phi0[model.tri]
    theta0[model.n_load + model.n_phi:] = np.diag(s) / 2

    def f(theta):
        return _fml(model.sigma(theta), s, logdet_s, p)

    def g(theta):
        sig = model.sigma(theta)
        try:
            inv = np.linalg.inv(sig)
        except np.linalg.LinAlgError:
            return np.zeros_like(theta)
        gm = inv @ (sig - s) @ inv
        return np.einsum("kij,ij->k", model.dsigma(theta), gm)

    lb = np.full(model.q, -np.inf)
    lb[model.n_load + model.n_phi:] = 1e-8
    for k, (a, b) in enumerate(zip(*model.tri)):
        if a == b:
            lb[model.n_load + k] = 1e-8

    def info_of(theta):
        inv = np.linalg.inv(model.sigma(theta))
        a = np.einsum("kij,jl->kil", model.dsigma(theta), inv)
        return np.einsum("kij,lji->kl", a, a)          # expected Hessian of F_ML

    # Fisher scoring with step halving: every accepted step keeps Σ positive definite, the
    # variances positive, and lowers F (the usual SEM estimation scheme)
    theta = theta0
    fcur = f(theta)
    it = 0
    for it in range(1, 1001):
        grad = g(theta)
        # parameters held at their bound (a variance at zero: a Heywood case) stay there
        free = ~((theta <= lb + 1e-12) & (grad > 0))
        step = np.zeros_like(theta)
        try:
            step[free] = np.linalg.solve(info_of(theta)[np.ix_(free, free)], grad[free])
        except np.linalg.LinAlgError:
            step[free] = grad[free]
        alpha = 1.0
        moved = False
        while alpha > 1e-10:
            cand = theta - alpha * step
            cand = np.maximum(cand, lb)
            fc = f(cand)
            if np.isfinite(fc) and fc <= fcur + 1e-15:
                moved = True
                break
            alpha /= 2
        if not moved:
            break
        change = np.max(np.abs(cand - theta))
        theta, fcur = cand, fc
        if change < 1e-11:
            break

    class _Res:
        success = True
        nit = it

    res = _Res()
    fmin = f(theta)
    sig = model.sigma(theta)
    inv = np.linalg.inv(sig)
    d = model.dsigma(theta)
    a = np.einsum("kij,jl->kil", d, inv)
    info = 0.5 * n * np.einsum("kij,lji->kl", a, a)
    try:
        vcov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        vcov = np.full((model.q, model.q), np.nan)
    gfin = g(theta)
    free = ~((theta <= lb + 1e-12) & (gfin > 0))
    grad_norm = float(np.max(np.abs(gfin[free])))
    return {"theta": theta, "fmin": fmin, "vcov": vcov, "model": model, "sigma": sig,
            "converged": bool(res.success or grad_norm < 1e-6) and grad_norm < 1e-4, "grad_norm": grad_norm,
            "iterations": int(res.nit)}


def standardized(fit: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardised loadings (one per item), their delta-method SEs, factor correlations and the
    standardised residual variances."""
    model, theta, vcov = fit["model"], fit["theta"], fit["vcov"]

    def std_of(t):
        lam, phi, psi = model.unpack(t)
        sig = lam @ phi @ lam.T + np.diag(psi)
        sd_item = np.sqrt(np.diag(sig))
        sd_f = np.sqrt(np.diag(phi))
        l = lam[np.arange(model.p), model.assign] * sd_f[model.assign] / sd_item
        corr = phi / np.outer(sd_f, sd_f)
        return np.concatenate([l, corr[np.tril_indices(model.m, -1)], psi / sd_item**2])

    base = std_of(theta)
    jac = np.empty((base.size, theta.size))
    for k in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[k]))
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        jac[:, k] = (std_of(tp) - std_of(tm)) / (2 * h)
    se = np.sqrt(np.maximum(np.einsum("ik,kl,il->i", jac, vcov, jac), 0))
    p, m = model.p, model.m
    nc = m * (m - 1) // 2
    corr = np.eye(m)
    corr[np.tril_indices(m, -1)] = base[p: p + nc]
    corr = corr + np.tril(corr, -1).T
    return base[:p], se[:p], corr, base[p + nc:], se[p: p + nc]


def fit_measures(fit: dict, s: np.ndarray, n: int) -> dict:
    p = s.shape[0]
    model = fit["model"]
    chi2 = n * fit["fmin"]
    df = p * (p + 1) // 2 - model.q
    sd = np.sqrt(np.diag(s))
    r = s / np.outer(sd, sd)
    chi2_b = -n * np.linalg.slogdet(r)[1]
    df_b = p * (p - 1) // 2
    cfi = 1 - max(chi2 - df, 0) / max(chi2_b - df_b, chi2 - df, 0) if max(chi2_b - df_b, chi2 - df, 0) > 0 else 1.0
    tli = ((chi2_b / df_b) - (chi2 / df)) / ((chi2_b / df_b) - 1) if df > 0 else np.nan
    rmsea = np.sqrt(max(chi2 - df, 0) / (df * n)) if df > 0 else np.nan

    def ncp_for(prob):
        # the noncentrality at which P(χ²_df(ncp) ≤ chi2) = prob
        if df <= 0 or stats.chi2.cdf(chi2, df) < prob:
            return 0.0
        hi = max(chi2, 1.0)
        while stats.ncx2.cdf(chi2, df, hi) > prob:
            hi *= 2
        return optimize.brentq(lambda lam: stats.ncx2.cdf(chi2, df, lam) - prob, 1e-12, hi, xtol=1e-12)

    lo = np.sqrt(ncp_for(0.95) / (df * n)) if df > 0 else np.nan
    hi = np.sqrt(ncp_for(0.05) / (df * n)) if df > 0 else np.nan
    sig = fit["sigma"]
    resid = (s - sig) / np.outer(sd, sd)
    srmr = np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2))
    a = np.linalg.solve(sig, s)
    gfi = 1 - np.trace((a - np.eye(p)) @ (a - np.eye(p))) / np.trace(a @ a)
    agfi = 1 - (p * (p + 1) / (2 * df)) * (1 - gfi) if df > 0 else np.nan
    return {"chi2": chi2, "df": df, "p": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan, "cfi": cfi,
            "tli": tli, "rmsea": rmsea, "rmsea_ci_low": lo, "rmsea_ci_high": hi, "srmr": srmr, "gfi": gfi,
            "agfi": agfi, "baseline_chi2": chi2_b, "baseline_df": df_b}
