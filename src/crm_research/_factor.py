"""Small numerical helpers shared by reliability and validity (no input checking here)."""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["ml_one_factor", "smc"]


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations 1 − 1/diag(R⁻¹), clipped to [0, 1] as ``psych::smc`` does
    (an indefinite pairwise correlation matrix gives values outside that range).

    Raises ``numpy.linalg.LinAlgError`` when R is singular (callers decide what that means).
    """
    if np.linalg.matrix_rank(r) < r.shape[0]:
        raise np.linalg.LinAlgError("singular correlation matrix")
    return np.clip(1.0 - 1.0 / np.diag(np.linalg.inv(r)), 0.0, 1.0)


def ml_one_factor(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Maximum-likelihood one-factor model of a correlation matrix.

    Minimises the concentrated discrepancy over the uniquenesses ψ (Jöreskog, 1967; as R's
    ``factanal``): for given ψ the loadings follow from the largest eigenpair of
    Ψ^{-1/2} R Ψ^{-1/2}. Returns standardised loadings λ, uniquenesses ψ and a convergence flag.
    ML is scale invariant, so for a covariance matrix S with SDs s the unstandardised loadings are
    λ·s and the residual variances ψ·s².
    """
    p = r.shape[0]

    def parts(psi):
        sq = np.sqrt(psi)
        rs = r / np.outer(sq, sq)
        vals, vecs = np.linalg.eigh(rs)
        return vals, vecs, sq

    def f(psi):
        vals = parts(psi)[0][:-1]           # all but the largest eigenvalue
        return float(np.sum(vals - np.log(vals) - 1.0))

    def grad(psi):
        vals, vecs, sq = parts(psi)
        theta, v = vals[-1], vecs[:, -1]
        lam = sq * v * np.sqrt(max(theta - 1.0, 0.0))
        resid = np.diag(r) - lam**2          # gradient of the concentrated ML function (factanal)
        return (psi - resid) / psi**2

    start = np.clip(1.0 - smc(r), 0.005, 1.0)
    res = optimize.minimize(f, start, jac=grad, method="L-BFGS-B", bounds=[(0.005, 1.0)] * p,
                            options={"maxiter": 1000, "ftol": 1e-14, "gtol": 1e-10})
    vals, vecs, sq = parts(res.x)
    v = vecs[:, -1]
    v = v if v.sum() >= 0 else -v
    lam = sq * v * np.sqrt(max(vals[-1] - 1.0, 0.0))
    # a saturated model (3 items) reaches F = 0, where the line search may stop 'abnormally'
    converged = bool(res.success) or res.fun < 1e-10 or float(np.max(np.abs(grad(res.x)))) < 1e-6
    return lam, res.x, converged
