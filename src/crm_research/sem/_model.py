"""The model as RAM matrices (McArdle & McDonald, 1984) built from the parameter table.

Variables are the observed ones (``p``, in data order) followed by the latent ones (``m``). Per
group ``g``::

    A[i, j]  effect of variable j on variable i   (loadings f → x, regressions x → y)
    S[i, j]  (residual) variances and covariances
    M[i]     intercepts (observed) and means (latent)
    E  = (I − A)⁻¹,  G = E[:p]
    Σ  = G S Gᵀ,     μ = G M

Free parameters are numbered once; entries that share a label (and, across groups, the
``equal=`` classes of lavaan's ``group.equal``) share the number. Every function works on a batch
of parameter vectors ``x`` of shape (B, q), so that the bootstrap fits all resamples at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..spec import ModelSpec

EQUAL_CHOICES = ("loadings", "intercepts", "residuals", "residual.covariances", "lv.variances",
                 "lv.covariances", "regressions", "means")

KIND_A, KIND_S, KIND_M = 0, 1, 2


@dataclass
class GroupEntries:
    kind: np.ndarray        # KIND_A / KIND_S / KIND_M
    row: np.ndarray
    col: np.ndarray
    par: np.ndarray         # free parameter index, −1 when fixed
    value: np.ndarray       # fixed value (or start value for free ones)


class RAM:
    """Matrices of a (multi-group) model; ``table`` is the parameter table with a ``group`` and a
    ``par`` (free index or −1) column, one row per group."""

    def __init__(self, spec: ModelSpec, observed: list[str], groups: list, *, meanstructure: bool,
                 equal=()):
        self.spec = spec
        self.ov = list(observed)
        self.lv = list(spec.latent)
        self.names = self.ov + self.lv
        self.p, self.m = len(self.ov), len(self.lv)
        self.v = self.p + self.m
        self.groups = list(groups)
        self.ng = len(self.groups)
        self.meanstructure = meanstructure
        self.equal = tuple(equal)
        pos = {n: i for i, n in enumerate(self.names)}
        self.pos = pos
        base = spec.partable(meanstructure=meanstructure)
        indicators = {v for items in spec.measurement.values() for v in items}
        ov_set = set(self.ov)
        # lavaan's fixed.x: observed variables that only predict keep their sample variances,
        # covariances (and means) as fixed values, not parameters
        ys = {b for _, b in spec.paths}
        xs = {a for a, _ in spec.paths}
        self.ov_x = [v for v in self.ov if v in xs and v not in ys and v not in indicators]
        is_x = base.lhs.isin(self.ov_x) & ((base.op == "~1") | ((base.op == "~~") & base.rhs.isin(self.ov_x)))
        is_x &= base.free & (base.label == "")
        base.loc[is_x, "free"] = False
        base.loc[is_x, "fixed"] = 0.0
        base["exo"] = is_x
        rows = []
        for g in range(self.ng):
            t = base.copy()
            t["group"] = g + 1
            if meanstructure and self.ng > 1 and g > 0 and "intercepts" in equal and "means" not in equal:
                # lavaan: with equal intercepts the latent means are free in all groups but the first
                lvmean = (t.op == "~1") & t.lhs.isin(self.lv) & ~t.user
                t.loc[lvmean, "fixed"] = np.nan
                t.loc[lvmean, "free"] = True
            rows.append(t)
        tab = pd.concat(rows, ignore_index=True)
        # equality classes across groups (lavaan's group.equal)
        keys = []
        for r in tab.itertuples():
            key = None
            if r.free:
                if r.label:
                    key = ("label", r.label)
                elif self.ng > 1:
                    cls = None
                    if r.op == "=~":
                        cls = "loadings"
                    elif r.op == "~":
                        cls = "regressions"
                    elif r.op == "~1":
                        cls = "intercepts" if r.lhs in ov_set else "means"
                    elif r.op == "~~":
                        both_ov = r.lhs in ov_set and r.rhs in ov_set
                        if r.lhs == r.rhs:
                            cls = "residuals" if both_ov else "lv.variances"
                        else:
                            cls = "residual.covariances" if both_ov else "lv.covariances"
                    if cls in equal:
                        key = ("eq", r.lhs, r.op, r.rhs)
            keys.append(key)
        par = np.full(len(tab), -1, dtype=int)
        seen: dict = {}
        q = 0
        for i, (free, key) in enumerate(zip(tab["free"].to_numpy(), keys)):
            if not free:
                continue
            if key is not None and key in seen:
                par[i] = seen[key]
                continue
            par[i] = q
            if key is not None:
                seen[key] = q
            q += 1
        tab["par"] = par
        self.table = tab
        self.q = q
        # parameter names (first row of each free parameter)
        first = tab[tab.par >= 0].drop_duplicates("par").sort_values("par")
        self.par_names = [f"{r.lhs} {r.op} {r.rhs}".strip() + (f" (group {self.groups[r.group - 1]})"
                                                               if self.ng > 1 else "")
                          for r in first.itertuples()]
        self.entries: list[GroupEntries] = []
        for g in range(self.ng):
            t = tab[tab.group == g + 1]
            kind, row, col = [], [], []
            for r in t.itertuples():
                if r.op == "=~":
                    kind.append(KIND_A); row.append(pos[r.rhs]); col.append(pos[r.lhs])
                elif r.op == "~":
                    kind.append(KIND_A); row.append(pos[r.lhs]); col.append(pos[r.rhs])
                elif r.op == "~~":
                    a, b = sorted((pos[r.lhs], pos[r.rhs]))
                    kind.append(KIND_S); row.append(b); col.append(a)
                elif r.op == "~1":
                    kind.append(KIND_M); row.append(pos[r.lhs]); col.append(0)
            fixed = t["fixed"].to_numpy(dtype=float)
            self.entries.append(GroupEntries(np.array(kind, dtype=int), np.array(row, dtype=int),
                                             np.array(col, dtype=int), t["par"].to_numpy(),
                                             np.where(np.isnan(fixed), 0.0, fixed)))
        self.table_index = [np.flatnonzero(tab.group.to_numpy() == g + 1) for g in range(self.ng)]
        self.stats = [None] * self.ng          # (S, ȳ) filling the fixed.x entries, set by the fit
        self._prepare()

    # ---------------------------------------------------------------------------------------------
    def _prepare(self):
        # LISREL shortcut: when no latent variable depends on an observed one and no observed
        # variable on another, (I − A)⁻¹ only needs the inverse of the latent block (I − B)
        p = self.p
        self.lisrel = all(not np.any(((e.row >= p) & (e.col < p) | (e.row < p) & (e.col < p))[e.kind == KIND_A])
                          for e in self.entries)
        self.fixedA, self.fixedS, self.fixedM = [], [], []
        self.freeA, self.freeS, self.freeM = [], [], []
        self.exoS, self.exoM = [], []
        for g, e in enumerate(self.entries):
            exo = self.table.iloc[self.table_index[g]]["exo"].to_numpy(dtype=bool)
            ks, km = exo & (e.kind == KIND_S), exo & (e.kind == KIND_M)
            self.exoS.append((e.row[ks], e.col[ks]))
            self.exoM.append(e.row[km])
            A = np.zeros((self.v, self.v)); S = np.zeros((self.v, self.v)); M = np.zeros(self.v)
            fx = e.par < 0
            for k, r, c, val in zip(e.kind[fx], e.row[fx], e.col[fx], e.value[fx]):
                if k == KIND_A:
                    A[r, c] = val
                elif k == KIND_S:
                    S[r, c] = S[c, r] = val
                else:
                    M[r] = val
            self.fixedA.append(A); self.fixedS.append(S); self.fixedM.append(M)
            fr = ~fx
            sel = lambda k: (e.row[fr & (e.kind == k)], e.col[fr & (e.kind == k)], e.par[fr & (e.kind == k)])
            self.freeA.append(sel(KIND_A)); self.freeS.append(sel(KIND_S)); self.freeM.append(sel(KIND_M))

    def matrices(self, x: np.ndarray, g: int, stats=None):
        """A, S (B, v, v) and M (B, v) of group ``g`` for parameter vectors ``x`` (B, q); the
        fixed.x entries come from ``stats`` = (S (B, p, p), ȳ (B, p)), else from ``self.stats``."""
        B = x.shape[0]
        A = np.broadcast_to(self.fixedA[g], (B, self.v, self.v)).copy()
        S = np.broadcast_to(self.fixedS[g], (B, self.v, self.v)).copy()
        M = np.broadcast_to(self.fixedM[g], (B, self.v)).copy()
        r, c, k = self.freeA[g]
        A[:, r, c] = x[:, k]
        r, c, k = self.freeS[g]
        S[:, r, c] = x[:, k]
        S[:, c, r] = x[:, k]
        r, _, k = self.freeM[g]
        M[:, r] = x[:, k]
        r, c = self.exoS[g]
        if r.size:
            cov, mean = stats if stats is not None else self.stats[g]
            cov = np.broadcast_to(cov, (B, self.p, self.p))
            S[:, r, c] = cov[:, r, c]
            S[:, c, r] = cov[:, r, c]
            rm = self.exoM[g]
            if rm.size:
                M[:, rm] = np.broadcast_to(mean, (B, self.p))[:, rm]
        return A, S, M

    def implied(self, x: np.ndarray, g: int, stats=None):
        """Σ (B, p, p), μ (B, p) and the pieces E, G, S, M used by the derivatives."""
        A, S, M = self.matrices(x, g, stats)
        if self.lisrel:
            p = self.p
            Ell = np.linalg.inv(np.eye(self.m) - A[:, p:, p:])
            E = np.zeros_like(A)
            E[:, :p, :p] = np.eye(p)
            E[:, :p, p:] = A[:, :p, p:] @ Ell
            E[:, p:, p:] = Ell
        else:
            E = np.linalg.inv(np.eye(self.v) - A)
        G = E[:, : self.p, :]
        sigma = G @ S @ np.swapaxes(G, 1, 2)
        mu = np.einsum("bpv,bv->bp", G, M)
        return sigma, mu, E, G, S, M

    def start(self, s_list, mean_list) -> np.ndarray:
        """Start values: loadings from the covariance with the marker indicator, variances half
        the observed ones, latent variances half their marker's, everything else 0 (intercepts at
        the sample means)."""
        x = np.zeros(self.q)
        got = np.zeros(self.q, dtype=bool)
        spec = self.spec
        for g in range(self.ng):
            s, mean = s_list[g], mean_list[g]
            var = {}
            for i, name in enumerate(self.ov):
                var[name] = s[i, i]
            # latent variances bottom-up (first-order factors first)
            lvvar = {}

            def marker_var(f, depth=0):
                if f in lvvar:
                    return lvvar[f]
                items = spec.measurement.get(f, ())
                mk = items[0] if items else None
                if mk in var:
                    val = 0.5 * var[mk]
                elif mk in spec.measurement and depth < 20:
                    val = 0.5 * marker_var(mk, depth + 1)
                else:
                    val = 0.05
                lvvar[f] = max(val, 1e-3)
                return lvvar[f]

            t = self.table.iloc[self.table_index[g]]
            for r in t.itertuples():
                k = r.par
                if k < 0 or got[k]:
                    continue
                got[k] = True
                if not np.isnan(r.start):
                    x[k] = r.start
                elif r.op == "=~":
                    items = spec.measurement[r.lhs]
                    mk = items[0]
                    if r.rhs in var and mk in var and mk != r.rhs:
                        i, j = self.ov.index(r.rhs), self.ov.index(mk)
                        lam = s[i, j] / marker_var(r.lhs)
                        x[k] = float(np.clip(lam, -5, 5)) if np.isfinite(lam) and abs(lam) > 1e-3 else 1.0
                    else:
                        x[k] = 1.0
                elif r.op == "~~" and r.lhs == r.rhs:
                    if r.lhs in var:
                        x[k] = 0.5 * var[r.lhs]
                    else:
                        x[k] = marker_var(r.lhs) if r.lhs not in {b for _, b in spec.paths} and \
                            not any(r.lhs in it for it in spec.measurement.values()) else 0.5 * marker_var(r.lhs)
                elif r.op == "~1" and r.lhs in var:
                    x[k] = mean[self.ov.index(r.lhs)]
        return x
