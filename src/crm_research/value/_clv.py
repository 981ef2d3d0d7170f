"""Customer lifetime value: BG/NBD (Fader, Hardie & Lee, 2005a) and Gamma-Gamma spend
(Fader, Hardie & Lee, 2005b), fitted by maximum likelihood with the likelihoods written out here.

Both are optimised over log-parameters (so every parameter stays positive) from data-based start
values, with L-BFGS-B and analytic-free but well-scaled objectives; a failed optimisation is
restarted from other start values before a StatWarning is raised. Tested against the published
CDNOW estimates (r = 0.243, α = 4.414, a = 0.793, b = 2.426; p = 6.25, q = 3.74, γ = 15.44).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._core.errors import DataError, StatWarning
from .._core.results import Result, result
from .._core.validation import format_rows

__all__ = ["fit_bgnbd", "fit_gamma_gamma", "BGNBDResult", "GammaGammaResult", "summary_from_transactions", "clv"]


def _arrays(func, **cols):
    out = {}
    n = None
    for name, v in cols.items():
        a = pd.to_numeric(pd.Series(v), errors="coerce").to_numpy(float)
        bad = ~np.isfinite(a)
        if bad.any():
            raise DataError(f"{func}: {name} is missing or not a number in {format_rows(np.where(bad)[0])}")
        if (a < 0).any():
            raise DataError(f"{func}: {name} is negative in {format_rows(np.where(a < 0)[0])}")
        if n is not None and len(a) != n:
            raise DataError(f"{func}: {name} has {len(a)} values, expected {n} like the others")
        n = len(a)
        out[name] = a
    return out


def _fit(nll, starts, func):
    best = None
    for s in starts:
        with np.errstate(all="ignore"):
            res = optimize.minimize(nll, np.log(s), method="L-BFGS-B", bounds=[(-12, 12)] * len(s),
                                    options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9})
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise DataError(f"{func}: the likelihood could not be evaluated at any start value; check the data")
    if not best.success:
        warnings.warn(f"{func}: the optimiser stopped without full convergence ({best.message}); "
                      f"estimates may be imprecise", StatWarning, stacklevel=3)
    return best


def _hessian_se(nll, logp):
    """SEs of the parameters from a numerical Hessian of the negative log-likelihood in log space."""
    k = len(logp)
    h = np.zeros((k, k))
    eps = 1e-4
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * eps, np.eye(k)[j] * eps
            h[i, j] = (nll(logp + e_i + e_j) - nll(logp + e_i - e_j) - nll(logp - e_i + e_j) + nll(logp - e_i - e_j)) / (4 * eps**2)
    try:
        cov_log = np.linalg.inv(h)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    p = np.exp(logp)
    return np.sqrt(np.maximum(np.diag(cov_log), 0)) * p   # delta method


@result
class BGNBDResult(Result):
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    se: tuple

    title = "BG/NBD model"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"estimate": [self.r, self.alpha, self.a, self.b], "se": list(self.se)},
                            index=["r", "alpha", "a", "b"])

    def _log_odds_dead(self, x, t_x, T) -> np.ndarray:
        """ln[δ(x>0) · a/(b + x − 1) · ((α+T)/(α+t_x))^(r+x)], −∞ for x = 0 (never overflows)."""
        r, al, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(al + T) - np.log(al + t_x))
        return np.where(x > 0, lo, -np.inf)

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """P(still active | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b + x − 1) · ((α+T)/(α+t_x))^(r+x)),
        computed as exp(−log(1 + e^ℓ)) from the log odds ℓ so that frequent buyers cannot overflow."""
        x, t_x, T = (np.asarray(v, float) for v in (frequency, recency, T))
        return np.exp(-np.logaddexp(0.0, self._log_odds_dead(x, t_x, T)))

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` periods (FHL 2005a, eq. 10):

        (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] · P(alive),
        z = t/(α+T+t). The power and ₂F₁ overflow in opposite directions for frequent buyers, so
        the product is taken through Euler's transformation ₂F₁(p, q; s; z) = (1−z)^(s−p−q)
        ₂F₁(s−p, s−q; s; z), which turns it into (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z): bounded
        for every x. Checked against the series summed in log space in R
        (tests/reference/value/make_bgnbd_log_space.R).
        """
        r, al, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, float) for v in (frequency, recency, T))
        t = np.asarray(t, float)
        z = t / (al + T + t)
        tail = np.exp((a - 1) * np.log1p(-z)) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        return (a + b + x - 1) / (a - 1) * (1 - tail) * self.p_alive(x, t_x, T)


def fit_bgnbd(frequency, recency, T) -> BGNBDResult:
    """Fit the BG/NBD model by maximum likelihood.

    ``frequency`` is the number of repeat purchases x, ``recency`` the time of the last repeat
    purchase since the first t_x (0 when x = 0), ``T`` the customer's age since the first purchase.
    Log-likelihood (FHL 2005a, eq. 6): ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)].
    """
    func = "fit_bgnbd"
    d = _arrays(func, frequency=frequency, recency=recency, T=T)
    x, tx, TT = d["frequency"], d["recency"], d["T"]
    if (tx > TT + 1e-9).any():
        raise DataError(f"{func}: recency exceeds T in {format_rows(np.where(tx > TT + 1e-9)[0])}; t_x must be ≤ T")
    if ((x == 0) & (tx > 0)).any():
        raise DataError(f"{func}: recency must be 0 when frequency is 0 ({format_rows(np.where((x == 0) & (tx > 0))[0])})")
    if len(x) < 10 or x.sum() == 0:
        raise DataError(f"{func}: needs at least 10 customers and some repeat purchases, got {len(x)} customers "
                        f"with {int(x.sum())} repeat purchases")

    def nll(logp):
        r, al, a, b = np.exp(logp)
        c = special.gammaln(r + x) - special.gammaln(r) + r * np.log(al)
        c += special.betaln(a, b + x) - special.betaln(a, b)
        t1 = -(r + x) * np.log(al + TT)
        with np.errstate(divide="ignore", invalid="ignore"):
            t2 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(al + tx), -np.inf)
        ll = c + np.logaddexp(t1, t2)
        v = -ll.sum()
        return v / len(x) if np.isfinite(v) else 1e100

    mean_T = float(TT.mean())
    starts = [(1.0, mean_T, 1.0, 1.0), (0.5, mean_T / 2, 0.5, 2.0), (0.2, 5.0, 1.0, 3.0), (2.0, 2 * mean_T, 2.0, 5.0)]
    res = _fit(nll, starts, func)
    n = len(x)
    se = _hessian_se(lambda lp: nll(lp) * n, res.x)
    r, al, a, b = np.exp(res.x)
    return BGNBDResult(float(r), float(al), float(a), float(b), float(-res.fun * n), n, tuple(float(s) for s in se))


@result
class GammaGammaResult(Result):
    p: float
    q: float
    gamma: float
    log_likelihood: float
    n: int
    se: tuple

    title = "Gamma-Gamma spend model"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"estimate": [self.p, self.q, self.gamma], "se": list(self.se)}, index=["p", "q", "gamma"])

    def expected_spend(self, frequency, monetary_value) -> np.ndarray:
        """E(M | x, m̄) = (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · m̄."""
        x, m = np.asarray(frequency, float), np.asarray(monetary_value, float)
        p, q, g = self.p, self.q, self.gamma
        return (p * g + p * x * m) / (p * x + q - 1)


def fit_gamma_gamma(frequency, monetary_value) -> GammaGammaResult:
    """Fit the Gamma-Gamma model of average spend per transaction by maximum likelihood.

    Uses customers with at least one repeat purchase (x > 0; the others are excluded and counted).
    ln L_i = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px+q) ln(γ + x m̄).
    """
    func = "fit_gamma_gamma"
    d = _arrays(func, frequency=frequency, monetary_value=monetary_value)
    keep = d["frequency"] > 0
    x, m = d["frequency"][keep], d["monetary_value"][keep]
    if (m <= 0).any():
        raise DataError(f"{func}: monetary_value must be positive for customers with repeat purchases "
                        f"({format_rows(np.where(keep)[0][m <= 0])})")
    if len(x) < 10:
        raise DataError(f"{func}: needs at least 10 customers with repeat purchases, got {len(x)}")

    def nll(logp):
        p, q, g = np.exp(logp)
        px = p * x
        ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
              + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m))
        v = -ll.sum()
        return v / len(x) if np.isfinite(v) else 1e100

    mm = float(m.mean())
    starts = [(1.0, 1.0, mm), (5.0, 3.0, mm), (2.0, 5.0, 2 * mm), (10.0, 2.0, mm / 2)]
    res = _fit(nll, starts, func)
    n = len(x)
    se = _hessian_se(lambda lp: nll(lp) * n, res.x)
    p, q, g = np.exp(res.x)
    out = GammaGammaResult(float(p), float(q), float(g), float(-res.fun * n), n, tuple(float(s) for s in se))
    return out


def summary_from_transactions(transactions, *, customer, date, amount, as_of, freq: str = "D",
                              engine=None) -> pd.DataFrame:
    """frequency (repeat purchases), recency (first to last purchase), T (first purchase to
    ``as_of``) and monetary_value (mean of the repeat purchases' amounts) per customer, in units of
    ``freq`` ('D' days, 'W' weeks). Purchases on the same day count once (amounts summed).

    ``transactions``: a DataFrame, a Parquet or CSV path or glob, or a :class:`WarehouseTable`
    (checked and aggregated by DuckDB); ``as_of`` may be a date string. One row per customer
    (sorted), the customer a column. Tested against lifetimes' ``summary_data_from_transaction_data``.
    """
    from ._tx import Session, as_of_date, with_customer

    func = "summary_from_transactions"
    unit = {"D": 1.0, "W": 7.0}.get(freq)
    if unit is None:
        raise DataError(f"{func}: freq={freq!r} is not one of ['D', 'W']")
    as_of = as_of_date(as_of, func)
    with Session(func, engine) as s:
        s.transactions(transactions, customer=customer, amount=amount, date=date, as_of=as_of)
        out = with_customer(s.run("clv_summary", as_of=as_of.date().isoformat()), customer)
    out["frequency"] = out["frequency"].astype("int64")
    out["recency"] = out["recency"].astype(float) / unit
    out["T"] = out["T"].astype(float) / unit
    out["monetary_value"] = out["monetary_value"].astype(float)
    return out


def clv(bgnbd: BGNBDResult, gamma_gamma: GammaGammaResult, summary: pd.DataFrame, *, periods: int = 12,
        period_length: float = 30.0, discount_rate: float = 0.01) -> pd.Series:
    """Discounted customer lifetime value over ``periods`` future periods of ``period_length`` time
    units: Σ_k (E[Y(k·L)] − E[Y((k−1)·L)]) · E(M) / (1 + d)^k, aligned with ``summary``'s rows."""
    for c in ("frequency", "recency", "T", "monetary_value"):
        if c not in summary.columns:
            raise DataError(f"clv: summary lacks column {c!r}; use summary_from_transactions()")
    x, tx, T = summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy()
    spend = gamma_gamma.expected_spend(x, np.where(x > 0, summary["monetary_value"], 0.0))
    value = np.zeros(len(summary))
    prev = np.zeros(len(summary))
    for k in range(1, periods + 1):
        cum = bgnbd.expected_purchases(k * period_length, x, tx, T)
        value += (cum - prev) * spend / (1 + discount_rate) ** k
        prev = cum
    return pd.Series(value, index=summary.index, name="clv")
