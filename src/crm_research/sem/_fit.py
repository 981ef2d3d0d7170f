"""Maximum-likelihood estimation: the discrepancy function, its analytic gradient, the expected
information, Fisher scoring, and FIML for incomplete data.

Complete data, group g with n_g cases, biased covariance S_g and means ȳ_g (Jöreskog, 1969)::

    F_g = log|Σ| + tr(Σ⁻¹ S*) − log|S| − p,   S* = S + (ȳ − μ)(ȳ − μ)ᵀ  (meanstructure)
    F   = Σ_g (n_g / N) F_g,                    χ² = N · F_min

∂F_g/∂θ = tr(W ∂Σ/∂θ) + vᵀ ∂μ/∂θ with W = Σ⁻¹ − Σ⁻¹S*Σ⁻¹ and v = −2Σ⁻¹(ȳ − μ); the expected
second derivative is tr(Σ⁻¹Σ_kΣ⁻¹Σ_l) + 2 μ_kᵀΣ⁻¹μ_l, and the covariance matrix of the estimates
is (N/2 · H)⁻¹ (expected information, lavaan's default). FIML (Arbuckle, 1996) sums the same
terms over missing-data patterns, each on the rows and columns observed in it.
"""

from __future__ import annotations

import numpy as np

from ._model import RAM


# ---------------------------------------------------------------------------------------------
# derivatives of Σ and μ with respect to the free parameters


def _scatter(out, k, vals):
    """out[:, k] += vals, with repeated indices summed."""
    if k.size == 0:
        return
    if np.unique(k).size == k.size:
        out[:, k] += vals
    else:
        np.add.at(out, (slice(None), k), vals)


def _targets(ram: RAM, g: int, extra):
    """How many derivatives are taken and the (row, col, position) indices of the A, S and M
    entries they are taken for: the model's free parameters of group ``g``, or the ``extra``
    (kind, row, col) entries of modification indices."""
    if extra is None:
        return ram.q, ram.freeA[g], ram.freeS[g], ram.freeM[g]
    kind, row, col = extra
    ar = np.arange(kind.size)
    return (kind.size,) + tuple((row[kind == i], col[kind == i], ar[kind == i]) for i in range(3))


def deltas(ram: RAM, g: int, E, G, S, M, q=None, extra=None):
    """∂Σ/∂θ (B, q, p, p) and ∂μ/∂θ (B, q, p) of group ``g``.

    ``extra`` (kind, row, col arrays) gives derivatives for entries that are not parameters of
    the model (modification indices) instead of the model's own parameters."""
    B = G.shape[0]
    p = ram.p
    H = E @ S @ np.swapaxes(G, 1, 2)          # (B, v, p)
    EM = np.einsum("bvw,bw->bv", E, M)
    q, A_idx, S_idx, M_idx = _targets(ram, g, extra)
    dS = np.zeros((B, q, p, p))
    dm = np.zeros((B, q, p))
    r, c, k = A_idx
    if k.size:
        gi = G[:, :, r]                         # (B, p, e)
        hj = H[:, c, :]                         # (B, e, p)
        d = np.einsum("bae,bec->beac", gi, hj)
        d = d + np.swapaxes(d, 2, 3)
        _scatter(dS, k, d)
        _scatter(dm, k, np.swapaxes(gi, 1, 2) * EM[:, c][:, :, None])
    r, c, k = S_idx
    if k.size:
        gi = G[:, :, r]
        gj = G[:, :, c]
        d = np.einsum("bae,bce->beac", gi, gj)
        off = (r != c)
        d[:, off] = d[:, off] + np.swapaxes(d[:, off], 2, 3)
        _scatter(dS, k, d)
    r, c, k = M_idx
    if k.size:
        _scatter(dm, k, np.swapaxes(G[:, :, r], 1, 2))
    return dS, dm


def grad_from(ram: RAM, g: int, W, vvec, E, G, S, M, extra=None):
    """∂F_g/∂θ (B, q) from W = ∂F/∂Σ and v = ∂F/∂μ by the chain rule (no Δ needed)."""
    B = G.shape[0]
    H = E @ S @ np.swapaxes(G, 1, 2)
    EM = np.einsum("bvw,bw->bv", E, M)
    GW = np.swapaxes(G, 1, 2) @ W               # (B, v, p)
    GWH = GW @ np.swapaxes(H, 1, 2)             # (B, v, v)
    GWG = GW @ G                                # (B, v, v)
    Gv = np.einsum("bpv,bp->bv", G, vvec)
    q, A_idx, S_idx, M_idx = _targets(ram, g, extra)
    out = np.zeros((B, q))
    r, c, k = A_idx
    _scatter(out, k, 2 * GWH[:, r, c] + Gv[:, r] * EM[:, c])
    r, c, k = S_idx
    _scatter(out, k, GWG[:, r, c] * np.where(r != c, 2.0, 1.0))
    r, c, k = M_idx
    _scatter(out, k, Gv[:, r])
    return out


def info_from(dS, dm, sinv):
    """Expected Hessian of F: tr(Σ⁻¹Σ_kΣ⁻¹Σ_l) + 2 μ_kᵀΣ⁻¹μ_l, batched (B, q, q)."""
    B, q, p, _ = dS.shape
    try:
        L = np.linalg.cholesky(sinv)             # Σ⁻¹ = L Lᵀ
    except np.linalg.LinAlgError:
        # Σ near singular at a trial point (a Heywood case on the way): any L with L Lᵀ = Σ⁻¹ gives
        # the same traces, so take the symmetric square root with rounding errors clipped
        w, V = np.linalg.eigh((sinv + np.swapaxes(sinv, 1, 2)) / 2)
        L = V * np.sqrt(np.clip(w, 0, None))[:, None, :]
    T = np.swapaxes(L, 1, 2)[:, None] @ dS @ L[:, None]     # Lᵀ Σ_k L, symmetric
    # tr(T_k T_l) over the lower triangle only (off-diagonal terms weighted by √2)
    r, c = np.tril_indices(p)
    T = T[:, :, r, c] * np.where(r == c, 1.0, np.sqrt(2.0))
    H = T @ np.swapaxes(T, 1, 2)
    U = dm @ L                                    # (B, q, p)
    H += 2 * U @ np.swapaxes(U, 1, 2)
    return H


# ---------------------------------------------------------------------------------------------
# complete-data objective (batched over resamples)


class Complete:
    """F, ∂F and the expected information for complete data; ``S``/``ybar`` per group with a
    leading batch axis (one row per resample)."""

    def __init__(self, ram: RAM, S: list, ybar: list, n: list):
        self.ram = ram
        self.S = [np.asarray(s, dtype=float) for s in S]          # (B, p, p)
        self.ybar = [np.asarray(y, dtype=float) for y in ybar]    # (B, p)
        self.n = np.asarray(n, dtype=float)
        self.N = float(self.n.sum())
        self.w = self.n / self.N
        self.logdetS = [np.linalg.slogdet(s)[1] for s in self.S]
        self.ms = ram.meanstructure

    def subset(self, idx):
        new = object.__new__(Complete)
        new.__dict__.update(self.__dict__)
        new.S = [s[idx] for s in self.S]
        new.ybar = [y[idx] for y in self.ybar]
        new.logdetS = [l[idx] for l in self.logdetS]
        return new

    def _parts(self, x, g):
        sigma, mu, E, G, S, M = self.ram.implied(x, g, (self.S[g], self.ybar[g]))
        sign, logdet = np.linalg.slogdet(sigma)
        # a positive determinant is not enough: two negative eigenvalues give one too
        sign = np.where(np.linalg.eigvalsh(sigma)[:, 0] > 0, sign, -1.0)
        return sigma, mu, E, G, S, M, sign, logdet

    def f(self, x):
        p = self.ram.p
        out = np.zeros(x.shape[0])
        for g in range(self.ram.ng):
            sigma, mu, *_, sign, logdet = self._parts(x, g)
            bad = sign <= 0
            sigma = np.where(bad[:, None, None], np.eye(p), sigma)
            sinv = np.linalg.inv(sigma)
            val = logdet + np.einsum("bij,bji->b", sinv, self.S[g]) - self.logdetS[g] - p
            if self.ms:
                d = self.ybar[g] - mu
                val = val + np.einsum("bi,bij,bj->b", d, sinv, d)
            out += self.w[g] * np.where(bad, np.inf, val)
        return out

    def fg(self, x, info=True):
        """F (B,), gradient (B, q) and, with ``info``, the expected information (B, q, q)."""
        B, q = x.shape[0], self.ram.q
        f = np.zeros(B)
        grad = np.zeros((B, q))
        H = np.zeros((B, q, q)) if info else None
        p = self.ram.p
        for g in range(self.ram.ng):
            sigma, mu, E, G, S, M, sign, logdet = self._parts(x, g)
            bad = ~(sign > 0)
            if bad.any():       # trial points where Σ is not positive definite: F = ∞
                sigma = np.where(bad[:, None, None], np.eye(p), sigma)
            sinv = np.linalg.inv(sigma)
            sstar = self.S[g]
            val = logdet + np.einsum("bij,bji->b", sinv, sstar) - self.logdetS[g] - p
            val = np.where(bad, np.inf, val)
            vvec = np.zeros((B, p))
            if self.ms:
                d = self.ybar[g] - mu
                val = val + np.einsum("bi,bij,bj->b", d, sinv, d)
                sstar = sstar + d[:, :, None] * d[:, None, :]
                vvec = -2 * np.einsum("bij,bj->bi", sinv, d)
            f += self.w[g] * val
            W = sinv - sinv @ sstar @ sinv
            grad += self.w[g] * grad_from(self.ram, g, W, vvec, E, G, S, M)
            if info:
                dS, dm = deltas(self.ram, g, E, G, S, M)
                if not self.ms:
                    dm = np.zeros_like(dm)
                H += self.w[g] * info_from(dS, dm, sinv)
        return f, grad, H


# ---------------------------------------------------------------------------------------------
# FIML


class Patterns:
    """Missing-data patterns of one group: observed columns, count, mean and biased covariance."""

    def __init__(self, y: np.ndarray):
        obs = ~np.isnan(y)
        keys, inv = np.unique(obs, axis=0, return_inverse=True)
        inv = np.asarray(inv).ravel()
        self.items = []
        for k, key in enumerate(keys):
            if not key.any():
                continue
            rows = y[inv == k][:, key]
            mean = rows.mean(axis=0)
            cov = np.cov(rows, rowvar=False, ddof=0).reshape(key.sum(), key.sum())
            self.items.append((np.flatnonzero(key), rows.shape[0], mean, cov))
        self.n = int(sum(it[1] for it in self.items))
        self.y = y

    def loglik(self, sigma, mu):
        """Casewise normal log-likelihood summed over the group."""
        ll = 0.0
        if np.linalg.eigvalsh(sigma)[0] <= 0:
            return -np.inf
        for o, n, mean, cov in self.items:
            so = sigma[np.ix_(o, o)]
            sign, logdet = np.linalg.slogdet(so)
            if sign <= 0:
                return -np.inf
            d = mean - mu[o]
            sinv = np.linalg.inv(so)
            ll -= 0.5 * n * (o.size * np.log(2 * np.pi) + logdet + np.trace(sinv @ cov) + d @ sinv @ d)
        return ll


class FIML:
    """−2 logL / N as the objective (B = 1), analytic gradient, pattern-wise expected information."""

    def __init__(self, ram: RAM, patterns: list[Patterns]):
        self.ram = ram
        self.pat = patterns
        self.n = np.array([pt.n for pt in patterns], dtype=float)
        self.N = float(self.n.sum())

    def loglik(self, x):
        total = 0.0
        for g in range(self.ram.ng):
            sigma, mu, *_ = self.ram.implied(x[None] if x.ndim == 1 else x[:1], g)
            total += self.pat[g].loglik(sigma[0], mu[0])
        return total

    def f(self, x):
        return np.array([-2 * self.loglik(x[0]) / self.N])

    def fg(self, x, info=True):
        q, p = self.ram.q, self.ram.p
        f = 0.0
        grad = np.zeros((1, q))
        H = np.zeros((1, q, q)) if info else None
        for g in range(self.ram.ng):
            sigma, mu, E, G, S, M = self.ram.implied(x, g)
            sg, mg = sigma[0], mu[0]
            W = np.zeros((p, p))
            vvec = np.zeros(p)
            if info:
                dS, dm = deltas(self.ram, g, E, G, S, M)
            if np.linalg.eigvalsh(sg)[0] <= 0:          # Σ not positive definite: F = ∞
                return np.array([np.inf]), grad, H
            for o, n, mean, cov in self.pat[g].items:
                so = sg[np.ix_(o, o)]
                sign, logdet = np.linalg.slogdet(so)
                if sign <= 0:
                    return np.array([np.inf]), grad, H
                sinv = np.linalg.inv(so)
                d = mean - mg[o]
                sstar = cov + np.outer(d, d)
                f += n * (o.size * np.log(2 * np.pi) + logdet + np.trace(sinv @ sstar))
                W[np.ix_(o, o)] += n * (sinv - sinv @ sstar @ sinv)
                vvec[o] += n * (-2 * sinv @ d)
                if info:
                    sub = dS[:, :, o][:, :, :, o]
                    H += n * info_from(sub, dm[:, :, o], sinv[None])
            grad += grad_from(self.ram, g, W[None], vvec[None], E, G, S, M)
        f /= self.N
        grad /= self.N
        if info:
            H /= self.N
        return np.array([f]), grad, H


def em_saturated(y: np.ndarray, tol=1e-10, max_iter=5000):
    """Unrestricted ML mean and covariance of incomplete normal data by EM (H1 of FIML)."""
    p = y.shape[1]
    obs = ~np.isnan(y)
    mu = np.nanmean(y, axis=0)
    sigma = np.diag(np.nanvar(y, axis=0))
    keys, inv = np.unique(obs, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    groups = [(key, y[inv == k]) for k, key in enumerate(keys)]
    n = y.shape[0]
    for _ in range(max_iter):
        t1 = np.zeros(p)
        t2 = np.zeros((p, p))
        for key, rows in groups:
            o, m = key, ~key
            if not o.any():
                t1 += rows.shape[0] * mu
                t2 += rows.shape[0] * (sigma + np.outer(mu, mu))
                continue
            yo = rows[:, o]
            if m.any():
                soo = sigma[np.ix_(o, o)]
                beta = np.linalg.solve(soo, sigma[np.ix_(o, m)])
                ym = mu[m] + (yo - mu[o]) @ beta
                full = np.empty((rows.shape[0], p))
                full[:, o] = yo
                full[:, m] = ym
                cond = sigma[np.ix_(m, m)] - sigma[np.ix_(m, o)] @ beta
                t1 += full.sum(axis=0)
                t2 += full.T @ full
                t2[np.ix_(m, m)] += rows.shape[0] * cond
            else:
                t1 += yo.sum(axis=0)
                t2 += yo.T @ yo
        mu_new = t1 / n
        sigma_new = t2 / n - np.outer(mu_new, mu_new)
        change = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma)))
        mu, sigma = mu_new, sigma_new
        if change < tol:
            break
    return mu, sigma


# ---------------------------------------------------------------------------------------------
# Fisher scoring, then quasi-Newton (batched)


def fisher_scoring(obj, x0: np.ndarray, *, max_iter=500, tol=1e-10, n_fisher=6, H0=None):
    """Minimise ``obj`` from ``x0`` (B, q).

    The first ``n_fisher`` steps are Fisher scoring (expected information); from then on the
    last expected information is refined by BFGS updates from the analytic gradients, which
    turns the linear convergence of Fisher scoring for misfitting models into superlinear
    convergence without recomputing the information. Every step is halved until F decreases and
    Σ stays positive definite. With ``H0`` (q, q) given and ``n_fisher=0`` no information is
    computed at all (the bootstrap starts every resample from the full-sample solution and its
    information). Returns x, F, gradient, iterations and converged (B,)."""
    x = np.array(x0, dtype=float)
    B, q = x.shape
    active = np.ones(B, dtype=bool)
    converged = np.zeros(B, dtype=bool)
    iters = np.zeros(B, dtype=int)
    if H0 is not None and n_fisher == 0:
        f, g, _ = obj.fg(x, info=False)
        H = np.broadcast_to(H0, (B, q, q)).copy()
    else:
        f, g, H = obj.fg(x)
    for it in range(1, max_iter + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sub = obj.subset(idx) if hasattr(obj, "subset") and idx.size < B else obj
        xa, fa, ga, Ha = x[idx], f[idx], g[idx], H[idx]
        try:
            step = np.linalg.solve(Ha, ga[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(h, gi, rcond=None)[0] for h, gi in zip(Ha, ga)])
        bad = ~np.all(np.isfinite(step), axis=1)
        step[bad] = ga[bad]
        alpha = np.ones(idx.size)
        todo = np.ones(idx.size, dtype=bool)
        xnew = xa.copy()
        for _ in range(40):
            t = np.flatnonzero(todo)
            if t.size == 0:
                break
            cand = xa[t] - alpha[t, None] * step[t]
            subt = sub.subset(t) if hasattr(sub, "subset") and t.size < idx.size else sub
            with np.errstate(all="ignore"):
                fc = subt.f(cand)
            ok = np.isfinite(fc) & (fc <= fa[t] + 1e-13 * np.maximum(1.0, np.abs(fa[t])))
            xnew[t[ok]] = cand[ok]
            todo[t[ok]] = False
            alpha[t[~ok]] /= 2
        fisher = it < n_fisher
        fn, gn, Hn = sub.fg(xnew, info=fisher)
        if not fisher:
            # BFGS update of the curvature (skipped where it would lose positive definiteness)
            sv = xnew - xa
            yv = gn - ga
            sy = np.einsum("bi,bi->b", sv, yv)
            Hs = np.einsum("bij,bj->bi", Ha, sv)
            sHs = np.einsum("bi,bi->b", sv, Hs)
            upd = (sy > 1e-12 * np.maximum(sHs, 1e-300)) & (sHs > 0)
            Hn = Ha.copy()
            if upd.any():
                u = np.flatnonzero(upd)
                Hn[u] += yv[u, :, None] * yv[u, None, :] / sy[u, None, None] \
                    - Hs[u, :, None] * Hs[u, None, :] / sHs[u, None, None]
        moved = np.max(np.abs(xnew - xa) / np.maximum(1.0, np.abs(xa)), axis=1)
        x[idx], f[idx], g[idx], H[idx] = xnew, fn, gn, Hn
        iters[idx] = it
        gmax = np.max(np.abs(gn), axis=1)
        done = ((moved < tol) & (it >= 2)) | (gmax < 1e-12) | todo
        converged[idx[done & ~todo]] = True
        converged[idx[todo & (gmax < 1e-7)]] = True
        active[idx[done]] = False
    return x, f, g, iters, converged & (np.max(np.abs(g), axis=1) < 1e-5)


def lbfgs(obj, x0: np.ndarray, Hinv0: np.ndarray, *, memory=8, max_iter=200, tol=1e-9):
    """Limited-memory BFGS for a batch of problems sharing one initial inverse Hessian ``Hinv0``
    (q, q) — the bootstrap: every resample starts at the full-sample solution with the inverse
    of the full-sample information. Each iteration costs one F-and-gradient evaluation per
    resample (no information matrix, no q×q matrix per resample). Returns as :func:`fisher_scoring`."""
    x = np.array(x0, dtype=float)
    B, q = x.shape
    f, g, _ = obj.fg(x, info=False)
    S = np.zeros((memory, B, q))
    Y = np.zeros((memory, B, q))
    rho = np.zeros((memory, B))
    k = 0
    active = np.ones(B, dtype=bool)
    converged = np.zeros(B, dtype=bool)
    iters = np.zeros(B, dtype=int)
    for it in range(1, max_iter + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sub = obj.subset(idx) if idx.size < B else obj
        ga = g[idx]
        # two-loop recursion over the stored pairs, newest first
        order = [(k - 1 - j) % memory for j in range(min(k, memory))]
        qv = ga.copy()
        alphas = []
        for j in order:
            a = rho[j, idx] * np.einsum("bi,bi->b", S[j, idx], qv)
            qv -= a[:, None] * Y[j, idx]
            alphas.append(a)
        r = qv @ Hinv0
        for j, a in zip(reversed(order), reversed(alphas)):
            b = rho[j, idx] * np.einsum("bi,bi->b", Y[j, idx], r)
            r += S[j, idx] * (a - b)[:, None]
        d = -r
        xa, fa = x[idx], f[idx]
        step = np.ones(idx.size)
        xn, fn, gn = xa.copy(), fa.copy(), ga.copy()
        todo = np.arange(idx.size)
        for _ in range(30):
            cand = xa[todo] + step[todo, None] * d[todo]
            st = sub.subset(todo) if todo.size < idx.size else sub
            with np.errstate(all="ignore"):
                fc, gc, _ = st.fg(cand, info=False)
            ok = np.isfinite(fc) & (fc <= fa[todo] + 1e-13 * np.maximum(1.0, np.abs(fa[todo])))
            acc = todo[ok]
            xn[acc], fn[acc], gn[acc] = cand[ok], fc[ok], gc[ok]
            todo = todo[~ok]
            if todo.size == 0:
                break
            step[todo] /= 2
        sv, yv = xn - xa, gn - ga
        sy = np.einsum("bi,bi->b", sv, yv)
        slot = k % memory
        S[slot, idx], Y[slot, idx] = sv, yv
        rho[slot, idx] = np.where(sy > 1e-16, 1.0 / np.where(sy > 1e-16, sy, 1.0), 0.0)
        k += 1
        x[idx], f[idx], g[idx] = xn, fn, gn
        iters[idx] = it
        moved = np.max(np.abs(sv) / np.maximum(1.0, np.abs(xa)), axis=1)
        gmax = np.max(np.abs(gn), axis=1)
        stuck = np.zeros(idx.size, dtype=bool)
        stuck[todo] = True
        done = (moved < tol) | (gmax < 1e-12) | stuck
        converged[idx[done & ~stuck]] = True
        converged[idx[stuck & (gmax < 1e-7)]] = True
        active[idx[done]] = False
    return x, f, g, iters, converged & (np.max(np.abs(g), axis=1) < 1e-5)
