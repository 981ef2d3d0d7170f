"""The one least-squares kernel of the package.

Every regression in the package (OLS, hierarchical steps, PROCESS models, PLS inner and outer
estimation, segmented loyalty curves, replications) solves its normal equations here, so that
numerical choices (QR for one fit, batched Cholesky-free solves for bootstrap batches) are made once.

``fit(a, y)``            one design: QR decomposition, returns coefficients, residuals, (A'A)⁻¹, df.
``solve(a, y, w=None)``  coefficients only, batched: ``a`` (n, k) or (B, n, k), ``y`` (n,) or (B, n),
                         ``w`` (B, n) case weights (bootstrap counts) — one solve per batch row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LSFit", "fit", "solve", "cross_products", "solve_sums"]


@dataclass(frozen=True, eq=False)
class LSFit:
    """Coefficients ``b``, ``resid``, ``xtx_inv`` = (A'A)⁻¹, residual ``df`` and ``rss``."""

    b: np.ndarray
    resid: np.ndarray
    xtx_inv: np.ndarray
    df: int
    rss: float

    @property
    def sigma2(self) -> float:
        return self.rss / self.df if self.df > 0 else float("nan")

    @property
    def cov(self) -> np.ndarray:
        """Classical covariance of the coefficients, σ² (A'A)⁻¹."""
        return self.sigma2 * self.xtx_inv

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def r2(self, y: np.ndarray) -> float:
        tss = float(((y - y.mean()) ** 2).sum())
        return 1 - self.rss / tss


def fit(a: np.ndarray, y: np.ndarray) -> LSFit:
    """Least squares of ``y`` (n,) on the columns of ``a`` (n, k) by QR decomposition."""
    a = np.asarray(a, dtype=float)
    y = np.asarray(y, dtype=float)
    q, r = np.linalg.qr(a)
    d = np.abs(np.diag(r))
    if d.size and d.min() > 1e-10 * max(d.max(), 1.0):
        b = np.linalg.solve(r, q.T @ y)
        r_inv = np.linalg.inv(r)
        xtx_inv = r_inv @ r_inv.T
    else:   # rank-deficient design: the minimum-norm solution and a pseudo-inverse
        b = np.linalg.lstsq(a, y, rcond=None)[0]
        xtx_inv = np.linalg.pinv(a.T @ a)
    resid = y - a @ b
    return LSFit(b, resid, xtx_inv, int(len(y) - a.shape[1]), float(resid @ resid))


def solve(a: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Coefficients of ``y`` on ``a``, for one design or a batch.

    - ``a`` (n, k), ``y`` (n,), no ``w``: one fit (QR), shape (k,).
    - ``a`` (B, n, k), ``y`` (B, n): one fit per batch row, shape (B, k).
    - ``a`` (n, k), ``y`` (n,), ``w`` (B, n): weighted fits (A'WA) b = A'Wy for every weight row, shape
      (B, k). The cross-products are one BLAS product of the weights with the n × (k² + k) table of
      per-case products, then one batched solve — how every bootstrap in the package runs.
    """
    a = np.asarray(a, dtype=float)
    y = np.asarray(y, dtype=float)
    if w is not None:
        return solve_sums(np.asarray(w, dtype=float) @ cross_products(a, y), a.shape[1])
    if a.ndim == 2:
        return fit(a, y).b
    at = a.transpose(0, 2, 1)
    return np.linalg.solve(at @ a, (at @ y[..., None]))[..., 0]


def cross_products(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The n × (k² + k) table of per-case products [aᵢaⱼ, aᵢy] whose weighted column sums are A'WA
    and A'Wy (for :func:`solve_sums`, or :func:`crm_research._core.bootstrap.resample_sums`)."""
    a = np.asarray(a, dtype=float)
    y = np.asarray(y, dtype=float)
    k = a.shape[1]
    return np.concatenate([(a[:, :, None] * a[:, None, :]).reshape(len(a), k * k), a * y[:, None]], axis=1)


def solve_sums(sums: np.ndarray, k: int) -> np.ndarray:
    """(B, k) coefficients from B rows of summed :func:`cross_products` (A'WA b = A'Wy, batched)."""
    return np.linalg.solve(sums[:, : k * k].reshape(-1, k, k), sums[:, k * k:][..., None])[..., 0]
