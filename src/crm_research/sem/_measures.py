"""Fit indices as lavaan's ``fitMeasures`` computes them (lavaan 0.6), standardised solution,
R² and modification indices."""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats


def rmsea_ci(chi2: float, df: float, n: float, g: int, level: float = 0.90) -> tuple[float, float]:
    """Steiger's interval: the noncentralities at which χ²(df, λ) puts ``chi2`` at the upper and
    lower (1 − level)/2 quantiles, as lavaan's ``lav_fit_rmsea_ci``."""
    if not np.isfinite(chi2):
        return np.nan, np.nan
    if df < 1:
        return 0.0, 0.0
    up, lo = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam):
        return stats.ncx2.cdf(chi2, df, lam) if lam > 0 else stats.chi2.cdf(chi2, df)

    if cdf(0) - up < 0:
        low = 0.0
    else:
        lam = optimize.brentq(lambda l: cdf(l) - up, 0, chi2, xtol=1e-12, rtol=1e-14)
        low = np.sqrt(lam / (n * df)) * np.sqrt(g)
    top = max(n, 4 * chi2)
    if cdf(top) - lo > 0 or cdf(0) - lo < 0:
        high = 0.0
    else:
        lam = optimize.brentq(lambda l: cdf(l) - lo, 0, top, xtol=1e-12, rtol=1e-14)
        high = np.sqrt(lam / (n * df)) * np.sqrt(g)
    return float(low), float(high)


def fit_indices(*, chi2, df, chi2_b, df_b, logl, npar, n_groups, N, residuals, x_idx=()):
    """The fit mapping of :class:`SEMResult`; ``residuals`` is a list per group of
    (n_g, S, ybar, Σ̂, μ̂, meanstructure, patterns, S_obs, ybar_obs): ``S``/``ybar`` the H1
    estimates (EM under FIML), ``patterns`` None for complete data or a list of (observed
    columns, share of cases) under FIML, ``S_obs``/``ybar_obs`` the statistics GFI compares."""
    out = {"chi2": chi2, "df": float(df), "p": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
           "chi2_df": chi2 / df if df > 0 else np.nan}
    # incremental indices with lavaan's rules for the edge cases (lav_fit_cfi, _tli, _nfi, _ifi)
    t1 = max(chi2 - df, 0.0)
    t2 = max(chi2 - df, chi2_b - df_b, 0.0)
    out["cfi"] = 1.0 if np.isclose(t1, 0, atol=1e-8) and np.isclose(t2, 0, atol=1e-8) else 1 - t1 / t2
    t1, t2 = (chi2 - df) * df_b, (chi2_b - df_b) * df
    out["tli"] = 1 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0
    if df > df_b or np.isclose(chi2_b, 0, atol=1e-8):
        out["nfi"] = np.nan
    else:
        out["nfi"] = (chi2_b - chi2) / chi2_b if df > 0 else 1.0
    t2 = chi2_b - df
    out["ifi"] = 1.0 if t2 < 0 else np.nan if np.isclose(t2, 0, atol=1e-8) else (chi2_b - chi2) / t2
    out["rmsea"] = float(np.sqrt(max(chi2 / N / df - 1 / N, 0.0)) * np.sqrt(n_groups)) if df > 0 else 0.0
    out["rmsea_ci_low"], out["rmsea_ci_high"] = rmsea_ci(chi2, df, N, n_groups)
    srmr = rmr = gfi = 0.0
    nel = 0
    for n_g, s, ybar, sig, mu, ms, pats, s_obs, y_obs in residuals:
        p = s.shape[0]
        sd = np.sqrt(np.diag(s))
        tri = np.tril_indices(p)
        e = s - sig
        ecor = (e / np.outer(sd, sd))[tri]
        eraw = e[tri]
        k = ecor.size
        num_c, num_r = np.sum(ecor**2), np.sum(eraw**2)
        if ms:
            dm = ybar - mu
            num_c += np.sum((dm / sd) ** 2)
            num_r += np.sum(dm**2)
            k += p
        srmr += n_g / N * np.sqrt(num_c / k)
        rmr += n_g / N * np.sqrt(num_r / k)
        # GFI with lavaan's weight: the expected h1 information at Σ̂ (under FIML summed over the
        # missing-data patterns, each on its observed variables)
        # missing-data patterns, each on its observed variables), the sample statistics as lavaan
        # keeps them (under FIML: available-case means, pairwise covariances times (N − 1)/N)
        t1g = t2g = 0.0
        eo, do = s_obs - sig, y_obs - mu
        if len(x_idx):
            # fixed.x: lavaan's weight has zero rows for the moments of the exogenous covariates
            s_obs = s_obs.copy()
            y_obs = y_obs.copy()
            s_obs[np.ix_(x_idx, x_idx)] = 0.0
            eo = eo.copy()
            eo[np.ix_(x_idx, x_idx)] = 0.0
            y_obs[list(x_idx)] = 0.0
            do = do.copy()
            do[list(x_idx)] = 0.0
        for o, share in (pats if pats is not None else [(np.arange(p), 1.0)]):
            ix = np.ix_(o, o)
            sinv = np.linalg.inv(sig[ix])
            a_e = sinv @ eo[ix]
            a_s = sinv @ s_obs[ix]
            t1g += share * 0.5 * np.trace(a_e @ a_e)
            t2g += share * 0.5 * np.trace(a_s @ a_s)
            if ms:
                t1g += share * do[o] @ sinv @ do[o]
                t2g += share * y_obs[o] @ sinv @ y_obs[o]
        gfi += n_g / N * (1 - t1g / t2g)
        nel += k
    out["srmr"], out["rmr"], out["gfi"] = float(srmr), float(rmr), float(gfi)
    out["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else 1.0
    out["aic"] = -2 * logl + 2 * npar
    out["bic"] = -2 * logl + npar * np.log(N)
    out["logl"] = logl
    out["npar"] = float(npar)
    out["baseline_chi2"] = chi2_b
    out["baseline_df"] = float(df_b)
    return {k: float(v) for k, v in out.items()}
