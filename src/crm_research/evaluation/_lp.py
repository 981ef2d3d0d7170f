"""The envelopment linear programmes of DEA, solved with scipy's HiGHS.

Every evaluated unit o has its own programme (Charnes, Cooper & Rhodes, 1978; Banker, Charnes &
Cooper, 1984), in the two-phase form of Cooper, Seiford & Tone (2007, ch. 3):

input orientation, phase 1      min θ   s.t.  θ x_o − X λ − s⁻ = 0,  Y λ − s⁺ = y_o,  (1ᵀλ = 1 for BCC)
output orientation, phase 1     max φ   s.t.  X λ + s⁻ = x_o,  φ y_o − Y λ + s⁺ = 0,  (1ᵀλ = 1 for BCC)
phase 2 (both)                  max 1ᵀs⁻ + 1ᵀs⁺ with θ (φ) fixed at its phase-1 optimum

λ, s⁻, s⁺ ≥ 0. Two devices make a thousand units fast without changing any programme's optimum:

* **Column generation.** Each programme is first solved over a small candidate reference set E
  (units that maximise a ratio or a difference of weighted outputs and inputs, which are efficient),
  plus the unit itself. Its optimal dual prices (v, u, u₀) then price every unit j of the full
  reference set: the reduced cost of λ_j is −(v·x_j + u·y_j + u₀) in the equality form. If none is
  negative the restricted optimum is optimal for the full programme (LP duality); otherwise the
  most negative units join E and the programme is solved again. So every reported optimum is
  certified against all n units.
  A warm-up solves a sample of programmes first; the columns they needed start every programme's
  set, which saves pricing rounds.
* **Skipping phase 2.** If at the phase-1 optimum every slack's reduced cost is positive, complementary
  slackness makes every optimal slack zero, so phase 2 has nothing to find and is not solved.
* **Blocks.** The programmes of many units are stacked as the independent diagonal blocks of one
  sparse LP handed to ``scipy.optimize.linprog(method="highs")``: the blocks share no variable and
  no constraint, so the stacked optimum is each unit's own optimum. This saves scipy's fixed cost
  per call (about 1 ms), which would otherwise dominate.

Data are divided by each column's mean before solving (the scores do not depend on units of
measurement); phase 2 weighs each slack by that mean, so it maximises the sum of slacks in the
data's own units, as the textbook programme does.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._core.errors import DataError

#: reduced cost below which a column prices out (HiGHS' dual feasibility tolerance is 1e-7)
PRICE_TOL = 1e-7
#: units added to a programme's reference set per pricing round
ADD_PER_ROUND = 5
#: phase 2 is skipped when every slack's reduced cost exceeds this (relative to the duals)
SKIP_TOL = 1e-6
#: points solved first to learn the frontier units most programmes need
WARMUP = 40
#: programmes stacked into one LP
CHUNK = 100


def initial_candidates(X: np.ndarray, Y: np.ndarray, vrs: bool, n_random: int = 24) -> np.ndarray:
    """Units that are efficient for sure: maximisers of y_r/x_i (CRS), of weighted ratios with
    random positive weights, and for VRS also the minimisers of each input, maximisers of each
    output and of weighted differences. X is m × n, Y is s × n (scaled)."""
    m, n = X.shape
    s = Y.shape[0]
    rng = np.random.default_rng(20261124)
    cand = set()
    for i in range(m):
        for r in range(s):
            cand.add(int(np.argmax(Y[r] / X[i])))
    v = rng.dirichlet(np.ones(m), n_random)
    u = rng.dirichlet(np.ones(s), n_random)
    ratio = (u @ Y) / (v @ X)
    cand.update(int(k) for k in np.argmax(ratio, axis=1))
    if vrs:
        cand.update(int(k) for k in np.argmin(X, axis=1))
        cand.update(int(k) for k in np.argmax(Y, axis=1))
        cand.update(int(k) for k in np.argmax(u @ Y - v @ X, axis=1))
    return np.array(sorted(cand), dtype=int)


class Envelopment:
    """Solve the envelopment programmes of K evaluated points against a reference set.

    ``X`` (m × n), ``Y`` (s × n): the reference units; ``Xe`` (m × K), ``Ye`` (s × K): the points
    evaluated. ``own=True`` means point k *is* reference unit k (K = n), so its own column is
    always in its block (this keeps BCC programmes feasible). ``weights_x``/``weights_y``: the
    scale of each input/output, used as phase-2 slack weights.
    """

    def __init__(self, X, Y, Xe, Ye, *, vrs: bool, orientation: str, own: bool, weights_x=None, weights_y=None):
        self.X, self.Y, self.Xe, self.Ye = X, Y, Xe, Ye
        self.m, self.n = X.shape
        self.s = Y.shape[0]
        self.K = Xe.shape[1]
        self.vrs, self.orientation, self.own = vrs, orientation, own
        self.wx = np.ones(self.m) if weights_x is None else np.asarray(weights_x, float)
        self.wy = np.ones(self.s) if weights_y is None else np.asarray(weights_y, float)
        E = initial_candidates(X, Y, vrs)
        self.sets = [E for _ in range(self.K)]
        self.nr = self.m + self.s + (1 if vrs else 0)

    # -- one stacked LP ---------------------------------------------------------------------------
    def _solve(self, units: np.ndarray, phase: int, t_star: np.ndarray | None = None):
        """Stack the programmes of ``units`` (each over its own reference columns) and solve them.

        Returns per block: t, the reference columns, their λ, s⁻, s⁺ and the dual prices."""
        m, s, nr = self.m, self.s, self.nr
        B = len(units)
        sets = [self.sets[u] for u in units]
        if self.own:
            sets = [np.append(c, u) for c, u in zip(sets, units)]
        lens = np.array([len(c) for c in sets])
        nv = 1 + lens + m + s
        start = np.concatenate([[0], np.cumsum(nv)[:-1]])
        cols = np.concatenate(sets)
        blk = np.repeat(np.arange(B), lens)
        pos = np.arange(len(cols)) - np.repeat(np.cumsum(lens) - lens, lens)
        lam_var = start[blk] + 1 + pos
        r_parts, c_parts, v_parts = [], [], []
        for i in range(m):  # λ in the input rows
            r_parts.append(blk * nr + i); c_parts.append(lam_var); v_parts.append(self.X[i, cols])
        for r in range(s):  # λ in the output rows
            r_parts.append(blk * nr + m + r); c_parts.append(lam_var); v_parts.append(self.Y[r, cols])
        if self.vrs:
            r_parts.append(blk * nr + m + s); c_parts.append(lam_var); v_parts.append(np.ones(len(cols)))
        bb = np.arange(B)
        for i in range(m):  # s⁻
            r_parts.append(bb * nr + i); c_parts.append(start + 1 + lens + i); v_parts.append(np.ones(B))
        for r in range(s):  # s⁺
            r_parts.append(bb * nr + m + r); c_parts.append(start + 1 + lens + m + r); v_parts.append(-np.ones(B))
        xo, yo = self.Xe[:, units], self.Ye[:, units]  # m × B, s × B
        b = np.zeros((B, nr))
        if self.vrs:
            b[:, m + s] = 1.0
        if self.orientation == "input":
            b[:, m:m + s] = yo.T
            if phase == 1:
                for i in range(m):
                    r_parts.append(bb * nr + i); c_parts.append(start); v_parts.append(-xo[i])
            else:
                b[:, :m] = xo.T * t_star[:, None]
        else:
            b[:, :m] = xo.T
            if phase == 1:
                for r in range(s):
                    r_parts.append(bb * nr + m + r); c_parts.append(start); v_parts.append(-yo[r])
            else:
                b[:, m:m + s] = yo.T * t_star[:, None]
        total = int(nv.sum())
        A_eq = sp.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
                             shape=(B * nr, total))
        c = np.zeros(total)
        lo = np.zeros(total)
        hi = np.full(total, np.inf)
        if phase == 1:
            c[start] = 1.0 if self.orientation == "input" else -1.0
        else:
            for i in range(m):
                c[start + 1 + lens + i] = -self.wx[i]
            for r in range(s):
                c[start + 1 + lens + m + r] = -self.wy[r]
            lo[start] = t_star
            hi[start] = t_star
        res = linprog(c, A_eq=A_eq, b_eq=b.ravel(), bounds=np.column_stack([lo, hi]), method="highs",
                      options={"presolve": False})
        if res.status != 0:
            raise DataError(f"dea: the linear programme could not be solved ({res.message}); check the data for "
                            f"extreme magnitudes or duplicated units")
        x = res.x
        t = x[start]
        lam = x[lam_var]
        sx = np.stack([x[start + 1 + lens + i] for i in range(m)], axis=1)
        sy = np.stack([x[start + 1 + lens + m + r] for r in range(s)], axis=1)
        duals = res.eqlin.marginals.reshape(B, nr)
        return t, (blk, cols, lam), sx, sy, duals

    def _solve_chunked(self, pending: np.ndarray, phase: int, t: np.ndarray):
        """``_solve`` in stacks of at most ``CHUNK`` programmes (simplex time grows faster than the
        number of rows, so several medium stacks beat one large one)."""
        if len(pending) <= CHUNK:
            return self._solve(pending, phase, None if phase == 1 else t[pending])
        parts = [self._solve(p, phase, None if phase == 1 else t[p])
                 for p in np.array_split(pending, int(np.ceil(len(pending) / CHUNK)))]
        offset, blks = 0, []
        for p, part in zip(np.array_split(pending, int(np.ceil(len(pending) / CHUNK))), parts):
            blks.append(part[1][0] + offset)
            offset += len(p)
        return (np.concatenate([q[0] for q in parts]),
                (np.concatenate(blks), np.concatenate([q[1][1] for q in parts]),
                 np.concatenate([q[1][2] for q in parts])),
                np.concatenate([q[2] for q in parts]), np.concatenate([q[3] for q in parts]),
                np.concatenate([q[4] for q in parts]))

    def _warm_up(self):
        """Solve the phase-1 programmes of a sample of points to convergence and give every point the
        columns they needed: frontier units that many points use are then there from the start."""
        rng = np.random.default_rng(7)
        sample = rng.choice(self.K, WARMUP, replace=False)
        base = self.sets[sample[0]]
        pending = sample
        while len(pending):
            _, (blk, cols, lb), _, _, duals = self._solve(pending, 1, None)
            bad = self._extend(pending, duals, blk, cols)
            pending = pending[bad]
        learned = np.unique(np.concatenate([self.sets[k] for k in sample]))
        pool = np.union1d(base, learned)
        for k in range(self.K):
            self.sets[k] = pool

    def _extend(self, pending, duals, blk, cols) -> np.ndarray:
        """Add to each pending point's reference set the columns (at most ``ADD_PER_ROUND``) whose
        reduced cost at the block's duals is negative; True where a set grew (solve again)."""
        d = self._price(duals)
        d[blk, cols] = np.inf
        tol = PRICE_TOL * max(1.0, float(np.abs(duals).max()))
        order = np.argsort(d, axis=1)[:, :ADD_PER_ROUND]
        picked = d[np.arange(len(pending))[:, None], order] < -tol
        bad = picked.any(axis=1)
        for row in np.flatnonzero(bad):
            self.sets[pending[row]] = np.append(self.sets[pending[row]], order[row, picked[row]])
        return bad

    def _price(self, duals: np.ndarray) -> np.ndarray:
        """Reduced costs of every reference column for each block: B × n."""
        m, s = self.m, self.s
        d = -(duals[:, :m] @ self.X + duals[:, m:m + s] @ self.Y)
        if self.vrs:
            d = d - duals[:, m + s][:, None]
        return d

    def run(self, phases: int = 2):
        """Solve every point's programme; return t (θ or φ), λ (K × n), s⁻ (K × m), s⁺ (K × s)."""
        K, m, s = self.K, self.m, self.s
        t = np.full(K, np.nan)
        lam = np.zeros((K, self.n))
        sx = np.zeros((K, m))
        sy = np.zeros((K, s))
        needs_phase2 = np.ones(K, dtype=bool)
        if K > 4 * WARMUP:
            self._warm_up()
        for phase in range(1, phases + 1):
            pending = np.arange(K) if phase == 1 else np.flatnonzero(needs_phase2)
            while len(pending):
                tb, (blk, cols, lb), sxb, syb, duals = self._solve_chunked(pending, phase, t)
                bad = self._extend(pending, duals, blk, cols)
                done = ~bad
                u = pending[done]
                if phase == 1:
                    t[u] = tb[done]
                    # reduced costs of s⁻ (column +e_i) and s⁺ (column −e_r) at the optimal duals: when all
                    # are positive, complementary slackness makes every optimal slack zero, so phase 2
                    # would return zero slacks and can be skipped
                    rc = np.hstack([-duals[done, :m], duals[done, m:m + s]])
                    skip_tol = SKIP_TOL * np.maximum(1.0, np.abs(duals[done]).max(axis=1))
                    needs_phase2[u] = ~(rc > skip_tol[:, None]).all(axis=1)
                lam[u] = 0.0
                keep = done[blk]
                np.add.at(lam, (pending[blk[keep]], cols[keep]), lb[keep])
                sx[u] = sxb[done]
                sy[u] = syb[done]
                pending = pending[bad]
        return t, lam, sx, sy


def single(X, Y, xo, yo, *, vrs: bool, orientation: str, weights_x=None, weights_y=None, phases: int = 1):
    """One unit's programme against the full reference set (X, Y) — used for super-efficiency, where
    the unit is left out of its own reference set and a BCC programme may be infeasible.

    Returns (t, λ, s⁻, s⁺), or (nan, None, None, None) when infeasible.
    """
    m, n = X.shape
    s = Y.shape[0]
    nv = 1 + n + m + s
    nr = m + s + (1 if vrs else 0)
    A = np.zeros((nr, nv))
    A[:m, 1:1 + n] = X
    A[m:m + s, 1:1 + n] = Y
    A[:m, 1 + n:1 + n + m] = np.eye(m)
    A[m:m + s, 1 + n + m:] = -np.eye(s)
    if vrs:
        A[m + s, 1:1 + n] = 1.0
    b = np.zeros(nr)
    if vrs:
        b[m + s] = 1.0
    if orientation == "input":
        A[:m, 0] = -xo
        b[m:m + s] = yo
    else:
        A[m:m + s, 0] = -yo
        b[:m] = xo
    c = np.zeros(nv)
    c[0] = 1.0 if orientation == "input" else -1.0
    res = linprog(c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    if res.status == 2:
        return np.nan, None, None, None
    if res.status == 3:  # unbounded φ: no reference unit uses as little input
        return np.inf if orientation == "output" else np.nan, None, None, None
    if res.status != 0:
        raise DataError(f"dea: a super-efficiency programme could not be solved ({res.message})")
    t = res.x[0]
    if phases == 1:
        return t, res.x[1:1 + n], res.x[1 + n:1 + n + m], res.x[1 + n + m:]
    wx = np.ones(m) if weights_x is None else weights_x
    wy = np.ones(s) if weights_y is None else weights_y
    c2 = np.zeros(nv)
    c2[1 + n:1 + n + m] = -wx
    c2[1 + n + m:] = -wy
    bounds = [(t, t)] + [(0, None)] * (nv - 1)
    A2, b2 = A.copy(), b.copy()
    res2 = linprog(c2, A_eq=A2, b_eq=b2, bounds=bounds, method="highs")
    z = res2.x
    return t, z[1:1 + n], z[1 + n:1 + n + m], z[1 + n + m:]
