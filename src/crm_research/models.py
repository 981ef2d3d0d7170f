"""Satisfaction index and loyalty models: PLS path modelling (ACSI/ECSI, the logistics
instrument's model), the 0–100 customer satisfaction index, importance–performance maps, and the
non-linear satisfaction → loyalty curve of the source documents.

PLS-PM follows Lohmöller (1989) / Tenenhaus et al. (2005): standardised indicators, mode A outer
estimation, path (default), factorial or centroid inner weighting, iteration until the largest
change of an outer weight is below 1e-7. The algorithm is written in batched form, so the
bootstrap runs all resamples through one vectorised iteration. Validated against the published
ECSI results on the mobile-phone data (tests/reference/models).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._core import lstsq
from ._core.bootstrap import resample_counts
from ._core.errors import DataError, StatWarning
from ._core.results import Result, result
from ._core.validation import numeric_frame, require_frame
from ._core.params import Integer, OneOf, Probability, validate_params
from .spec import parse_model

__all__ = ["pls_path", "PLSResult", "pls_predict", "pls_mga", "ecsi_model", "logistics_model", "importance_performance", "loyalty_curve",
           "LoyaltyCurveResult", "loyalty_stages"]


# ---------------------------------------------------------------------------------------------
# model specification


def ecsi_model():
    """Measurement and structural model of the ECSI on the mobi data (item codes of that data set)."""
    measurement = {"Image": [f"IMAG{i}" for i in range(1, 6)], "Expectation": [f"CUEX{i}" for i in range(1, 4)],
                   "Quality": [f"PERQ{i}" for i in range(1, 8)], "Value": ["PERV1", "PERV2"],
                   "Satisfaction": [f"CUSA{i}" for i in range(1, 4)], "Complaints": ["CUSCO"],
                   "Loyalty": [f"CUSL{i}" for i in range(1, 4)]}
    structural = [("Image", ["Expectation", "Satisfaction", "Loyalty"]),
                  ("Expectation", ["Quality", "Value", "Satisfaction"]),
                  ("Quality", ["Value", "Satisfaction"]), ("Value", "Satisfaction"),
                  ("Satisfaction", ["Complaints", "Loyalty"]), ("Complaints", "Loyalty")]
    return measurement, structural


def logistics_model(instrument="logistics_csl"):
    """The logistics instrument's model: the seven service-quality dimensions → perceived value →
    satisfaction → loyalty (conative), with relational benefits and switching cost → loyalty."""
    from .survey import load_instrument

    spec = load_instrument(instrument).spec()
    return {c: list(items) for c, items in spec.measurement.items()}, list(spec.paths)


def _path_pairs(structural, func):
    """(source, target) pairs of construct names, a ``(source, [targets])`` entry giving one per target."""
    out = []
    for pair in structural:
        try:
            src, tgt = pair
        except (TypeError, ValueError):
            raise DataError(f"{func}: structural entries must be (source, target) pairs, got {pair!r}") from None
        out += [(src, t) for t in ([tgt] if isinstance(tgt, str) else list(tgt))]
    return out


def _parse(data, measurement, structural, func, missing="listwise"):
    """Measurement from the one model parser (:func:`crm_research.spec.parse_model`: a dict
    construct → items, lavaan syntax or a ModelSpec); structural paths as (source, target) pairs
    or, when ``structural`` is None, the ``~`` paths of the model syntax."""
    frame = require_frame(data, func)
    if isinstance(measurement, dict):
        measurement = {c: [v] if isinstance(v, str) else v for c, v in measurement.items()}
    spec = parse_model(measurement)
    measurement = {c: list(v) for c, v in spec.measurement.items()}
    if structural is None:
        structural = list(spec.paths)
    names = list(measurement)
    items = [i for cols in measurement.values() for i in cols]
    for c, cols in measurement.items():
        absent = [i for i in cols if i not in frame.columns]
        if absent:
            raise DataError(f"{func}: construct {c!r}: items not found in data: {absent}")
    edges = []
    for src, t in _path_pairs(structural, func):
        for end in (src, t):
            if end not in measurement:
                raise DataError(f"{func}: structural path {src!r} → {t!r} names unknown construct {end!r}; "
                                f"constructs are {names}")
        edges.append((names.index(src), names.index(t)))
    m = len(names)
    adj = np.zeros((m, m), bool)
    for s, t in edges:
        adj[s, t] = True
    # acyclic?
    order, indeg = [], adj.sum(axis=0).astype(int)
    ready = [j for j in range(m) if indeg[j] == 0]
    while ready:
        j = ready.pop()
        order.append(j)
        for k in np.where(adj[j])[0]:
            indeg[k] -= 1
            if indeg[k] == 0:
                ready.append(k)
    if len(order) < m:
        raise DataError(f"{func}: the structural model has a cycle among {[names[j] for j in range(m) if j not in order]}")
    x = numeric_frame(frame, items, func)
    empty = [c for c in items if x[c].isna().all()]
    if empty:
        raise DataError(f"{func}: indicators with no answers at all: {empty}; drop them from the model")
    holes = x.isna()
    replaced = 0
    if missing == "mean":      # SmartPLS's and seminr's default: each missing answer → its item's mean
        replaced = int(holes.to_numpy().sum())
        x = x.fillna(x.mean())
        complete = pd.Series(True, index=x.index)
    else:
        complete = ~holes.any(axis=1)
        x = x[complete]
    if len(x) < 10:
        raise DataError(f"{func}: needs at least 10 complete cases, found {len(x)}")
    const = [c for c in items if x[c].nunique() < 2]
    if const:
        raise DataError(f"{func}: indicators with no variance: {const}")
    block = np.zeros((len(items), m))
    pos = 0
    for j, c in enumerate(names):
        k = len(measurement[c])
        block[pos: pos + k, j] = 1
        pos += k
    return x, items, names, block, adj, int((~complete).sum()), replaced


# ---------------------------------------------------------------------------------------------
# batched PLS algorithm


def _standardise(a):
    """Column-standardise along axis 1 of a (B, n, k) array (sd with n − 1, as R's scale())."""
    mu = a.mean(axis=1, keepdims=True)
    sd = a.std(axis=1, ddof=1, keepdims=True)
    return (a - mu) / sd


def _inner_weights(r, adj, scheme):
    """Inner weights e (B, m, m) from the scores' correlations r (B, m, m): path weighting (the
    regression of a construct on its predictors, correlations with its successors), factorial
    (correlations with its neighbours) or centroid (their signs)."""
    b_, m, _ = r.shape
    conn = adj | adj.T
    e = np.zeros((b_, m, m))
    for j in range(m):
        if scheme == "path":
            pred = np.where(adj[:, j])[0]
            succ = np.where(adj[j, :])[0]
            if len(pred):
                e[:, j, pred] = np.linalg.solve(r[:, pred][:, :, pred], r[:, pred, j][..., None])[..., 0]
            e[:, j, succ] = r[:, j, succ]
        elif scheme == "factorial":
            e[:, j, conn[j]] = r[:, j, conn[j]]
        else:  # centroid
            e[:, j, conn[j]] = np.sign(r[:, j, conn[j]])
    return e


def _pls_cov(S, block, adj, scheme, tol=1e-7, max_iter=300, mode_b=()):
    """The PLS algorithm on item correlation matrices S (B, p, p): one per fit or resample.

    With standardised indicators every quantity of the iteration is a function of S (Lohmöller,
    1989): a score's variance is w'Sw, the scores' correlations W'SW, the items' covariances with
    the inner proxies S·W·E'. Outer weights of mode A blocks are those covariances; those of the
    constructs in ``mode_b`` (formative) the coefficients of the proxy regressed on the block's
    items. A resample costs p × p work per iteration instead of n × p.
    Returns weights (B, p) scaled to unit-variance scores, iterations and convergence."""
    b_, p, _ = S.shape
    w = np.broadcast_to(block.sum(axis=1), (b_, p)).astype(float).copy()

    def scaled(w):
        wm = w[:, :, None] * block
        sd = np.sqrt((wm * (S @ wm)).sum(axis=1))     # w'Sw per block, by batched matmul (BLAS)
        return w / (block @ sd.transpose(1, 0)).T, wm / sd[:, None, :]

    it, converged = 0, False
    for it in range(1, max_iter + 1):
        w, wm = scaled(w)
        sw = S @ wm                                  # (B, p, m): items with scores
        r = wm.transpose(0, 2, 1) @ sw               # (B, m, m): score correlations
        e = _inner_weights(r, adj, scheme)
        sd_z = np.sqrt(np.einsum("bjk,bkl,bjl->bj", e, r, e))
        cov = (sw @ e.transpose(0, 2, 1)) / sd_z[:, None, :]     # items with standardised proxies
        w_new = (cov * block).sum(axis=2)
        for j in mode_b:
            sel = block[:, j] == 1
            w_new[:, sel] = np.linalg.solve(S[:, sel][:, :, sel], cov[:, sel, j][..., None])[..., 0]
        w_new, _ = scaled(w_new)
        delta = np.abs(w_new - w).max()
        w = w_new
        if delta < tol:
            converged = True
            break
    return w, it, converged


def _rho_a(S, w, block):
    """ρA (B, m) of every construct from item correlations S (B, p, p) and weights w (B, p) scaled to
    unit-variance scores (Dijkstra & Henseler, 2015): with R_b the block's correlations,
    ρA = (w'w)² · w'(R_b − diag R_b)w / w'(ww' − diag(ww'))w = (w'w)²(w'R_b w − w'w)/((w'w)² − Σw⁴);
    1 for a single-item construct."""
    m = block.shape[1]
    out = np.ones((len(S), m))
    for j in range(m):
        sel = np.where(block[:, j] == 1)[0]
        if len(sel) < 2:
            continue
        wb = w[:, sel]
        ww = (wb * wb).sum(axis=1)
        quad = np.einsum("bi,bij,bj->b", wb, S[:, sel][:, :, sel], wb)
        out[:, j] = ww ** 2 * (quad - ww) / (ww ** 2 - (wb ** 4).sum(axis=1))
    return out


def _cov_estimates(S, w, block, adj, common=()):
    """Loadings (B, p), paths (B, m, m) and R² (B, m) from correlation matrices and weights.

    Constructs in ``common`` are common factors estimated consistently (PLSc; Dijkstra &
    Henseler, 2015): their scores' correlations are divided by √(ρA,i ρA,j) before the paths and R²
    are solved, and their loadings are λ = w·√ρA/(w'w), as seminr's ``PLSc()``."""
    wm = w[:, :, None] * block
    sw = S @ wm
    r = wm.transpose(0, 2, 1) @ sw
    load = (sw * block).sum(axis=2)
    m = block.shape[1]
    if len(common):
        rho = np.ones(r.shape[:2])
        rho[:, list(common)] = _rho_a(S, w, block)[:, list(common)]
        r = r / np.sqrt(rho[:, :, None] * rho[:, None, :])
        r[:, np.arange(m), np.arange(m)] = 1.0
        fixed = block[:, list(common)].sum(axis=1) == 1
        scale = np.sqrt(rho) / ((w ** 2) @ block)            # √ρA/(w'w) per construct
        load[:, fixed] = (w * (scale @ block.T))[:, fixed]
    paths = np.zeros_like(r)
    r2 = np.full(r.shape[:2], np.nan)
    for j in range(m):
        pred = np.where(adj[:, j])[0]
        if len(pred):
            coef = np.linalg.solve(r[:, pred][:, :, pred], r[:, pred, j][..., None])[..., 0]
            paths[:, pred, j] = coef
            r2[:, j] = (coef * r[:, pred, j]).sum(axis=1)
    return load, paths, r2


def _resample_corr(a, counts):
    """Correlation matrices (B, p, p) of the resamples given by case counts (B, n) of data a (n, p)."""
    n = a.shape[0]
    mean = counts @ a / n
    m2 = (counts[:, :, None] * a[None]).transpose(0, 2, 1) @ a
    cov = (m2 - n * mean[:, :, None] * mean[:, None, :]) / (n - 1)
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    return cov / (sd[:, :, None] * sd[:, None, :])


def _htmt_batch(S, block):
    """HTMT (B, m, m) from item correlation matrices: the mean absolute correlation between the
    items of two constructs over the geometric mean of their mean absolute within-construct
    correlations (1 for a single item); the diagonal is NaN."""
    ra = np.abs(S)
    m = block.shape[1]
    sels = [np.where(block[:, j] == 1)[0] for j in range(m)]
    def mono_of(s_):
        if len(s_) < 2:
            return np.ones(len(S))
        iu, ju = np.triu_indices(len(s_), 1)
        return ra[:, s_[iu], s_[ju]].mean(axis=1)

    mono = np.stack([mono_of(s_) for s_ in sels], axis=1)
    out = np.full((len(S), m, m), np.nan)
    for a in range(m):
        for b in range(m):
            if a != b:
                out[:, a, b] = ra[:, sels[a]][:, :, sels[b]].mean(axis=(1, 2)) / np.sqrt(mono[:, a] * mono[:, b])
    return out


def _chains(adj):
    """Every directed chain of two or more paths (i → k … → j), as index tuples."""
    m = adj.shape[0]
    out = []

    def walk(chain):
        for k in np.where(adj[chain[-1]])[0]:
            nxt = chain + (int(k),)
            if len(nxt) >= 3:
                out.append(nxt)
            walk(nxt)

    for i in range(m):
        walk((i,))
    return out


def _total(paths):
    """Total effects B(I − B)⁻¹ of path matrices B (m, m) or (B, m, m)."""
    return paths @ np.linalg.inv(np.eye(paths.shape[-1]) - paths)


def _vif_diag(r: np.ndarray) -> np.ndarray:
    """VIFs of a set of variables from their correlation matrix, diag(R⁻¹) (1 for a single one)."""
    return np.ones(1) if r.shape[0] == 1 else np.diag(np.linalg.inv(r))


def _assessment(r, w, block, adj, names, items, load):
    """The quality criteria SmartPLS reports, from one fit: the item correlations ``r`` (p, p) and
    the weights ``w`` (p,) scaled to unit-variance scores.

    - cross-loadings: correlations of every item with every construct score;
    - reliability per construct from the item correlations R_b and loadings λ (``load``: PLSc's
      corrected ones for a consistent fit): Cronbach's α on standardised items,
      k/(k − 1)·(1 − k/ΣR_b); ρC = (Σλ)²/((Σλ)² + Σ(1 − λ²)); AVE = mean λ²; ρA (:func:`_rho_a`);
      1 for a single-item construct, as seminr and SmartPLS print;
    - HTMT: mean absolute correlation between the items of two constructs over the geometric mean
      of their mean absolute within-construct correlations (Henseler, Ringle & Sarstedt, 2015, the
      original arithmetic form, with absolute values as SmartPLS and seminr; 1 for a single item);
    - inner VIF of each predictor of an endogenous construct, outer VIF of each item in its block.
    """
    p = r.shape[0]
    m = len(names)
    wm = w[:, None] * block
    cross = r @ wm                                   # items with the unit-variance scores
    rel, outer_vif = [], np.ones(p)
    rho = _rho_a(r[None], w[None], block)[0]
    for j, c in enumerate(names):
        sel = np.where(block[:, j] == 1)[0]
        k = len(sel)
        lam = load[sel]
        if k == 1:
            rel.append({"construct": c, "alpha": 1.0, "rho_a": 1.0, "rho_c": 1.0, "ave": float(lam[0] ** 2)})
            continue
        rb = r[np.ix_(sel, sel)]
        rel.append({"construct": c, "alpha": k / (k - 1) * (1 - k / rb.sum()), "rho_a": float(rho[j]),
                    "rho_c": lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), "ave": float((lam**2).mean())})
        outer_vif[sel] = _vif_diag(rb)
    htmt = _htmt_batch(r[None], block)[0]
    ry = wm.T @ cross                                # the scores' correlations
    vif = []
    for j in range(m):
        pred = list(np.where(adj[:, j])[0])
        for i, v in zip(pred, _vif_diag(ry[np.ix_(pred, pred)]) if pred else []):
            vif.append({"from": names[i], "to": names[j], "vif": float(v)})
    return (pd.DataFrame(rel).set_index("construct"), pd.DataFrame(htmt, index=names, columns=names),
            pd.DataFrame(vif), pd.Series(outer_vif, index=items, name="vif"),
            pd.DataFrame(cross, index=items, columns=names))


def _f2(S, block, adj, scheme, mode_b, r2, names, common=()) -> pd.DataFrame:
    """f² of every path i → j = (R²_j − R²_j,excluded)/(1 − R²_j) (Cohen, 1988), R²_j,excluded from
    the model re-estimated without that path, as seminr and SmartPLS compute it (constructs left
    without any path are left out of that re-estimation; a target left without predictors has R² 0).
    A consistent fit (``common``) is re-estimated consistently, as seminr's summary of a PLSc model."""
    rows = []
    for i, j in zip(*np.where(adj)):
        cut = adj.copy()
        cut[i, j] = False
        r2_without = 0.0
        if cut[:, j].any():
            keep = np.where((cut | cut.T).any(axis=0))[0]
            sel = block[:, keep].sum(axis=1) > 0
            sub = block[np.ix_(sel, keep)]
            cut_k = cut[np.ix_(keep, keep)]
            mb = tuple(int(np.where(keep == q)[0][0]) for q in mode_b if q in keep)
            cm = tuple(int(np.where(keep == q)[0][0]) for q in common if q in keep)
            s_sel = S[:, sel][:, :, sel]
            w, _, _ = _pls_cov(s_sel, sub, cut_k, scheme, mode_b=mb)
            r2_without = _cov_estimates(s_sel, w, sub, cut_k, cm)[2][0, int(np.where(keep == j)[0][0])]
        rows.append({"from": names[i], "to": names[j], "f2": (r2[0, j] - r2_without) / (1 - r2[0, j])})
    return pd.DataFrame(rows)


@result
class PLSResult(Result):
    """Estimates of a PLS path model and the quality criteria SmartPLS reports: ``reliability``
    (by construct: ``alpha``, ``rho_a``, ``rho_c``, ``ave``), ``htmt`` (construct × construct),
    ``f2`` (``from``, ``to``, ``f2``), ``vif`` (inner model: ``from``, ``to``, ``vif``),
    ``outer_vif`` (by item), ``cross_loadings`` (item × construct); ``n_used`` cases,
    ``n_replaced`` answers mean-replaced (``missing="mean"``), ``modes`` construct → "A"/"B",
    ``consistent`` whether paths, R² and loadings are PLSc's; ``higher_order`` the higher-order
    constructs' dimensions and ``stage1`` the first-stage fit of the two-stage approach."""

    paths: pd.DataFrame
    r2: pd.Series
    loadings: pd.DataFrame
    weights: pd.DataFrame
    scores: pd.DataFrame
    index: pd.Series
    total_effects: pd.DataFrame
    n: int
    iterations: int
    converged: bool
    scheme: str
    reliability: pd.DataFrame
    htmt: pd.DataFrame
    f2: pd.DataFrame
    vif: pd.DataFrame
    outer_vif: pd.Series
    cross_loadings: pd.DataFrame
    n_used: int
    n_replaced: int
    modes: dict
    bootstrap: pd.DataFrame | None = None
    n_boot: int = 0
    consistent: bool = False
    higher_order: dict | None = None
    stage1: "PLSResult | None" = None

    title = "PLS path model"

    def to_frame(self) -> pd.DataFrame:
        return self.paths

    def table(self, lang: str = "zh", *, kind: str = "paths", names=None):
        """The table a PLS-SEM thesis prints: ``kind`` "reliability" (α, ρA, ρC, AVE), "htmt",
        "paths" (β with bootstrap SE, t, p and interval, f², VIF; R² in the note) or "indirect"
        (specific indirect effects); ``names`` maps constructs to display names (or an Instrument)."""
        from .present.pls import pls_table

        return pls_table(self, lang, kind=kind, names=names)

    def interpret(self, lang: str = "zh", *, names=None) -> str:
        """Reliability, convergent and discriminant validity, R² and the paths judged against
        Hair et al. (2019), Henseler et al. (2015) and Cohen (1988)."""
        from .present.pls import pls_verdict

        return pls_verdict(self, lang, names=names)


def _bootstrap(a, S0, block, adj, scheme, mode_b, n_boot, seed, ci, names, items, w, load, paths, common=()):
    """Bootstrap of every estimate SmartPLS bootstraps, all resamples at once in covariance space:
    paths, total and total indirect effects, specific indirect effects (every chain of two or more
    paths; the product of its coefficients), outer loadings and weights, HTMT. One row per
    estimate: ``kind``, ``from``, ``to``, ``via`` (the chain), ``estimate``, ``boot_mean``, ``se``
    (sd of the resamples), ``t``, ``p`` (t with n − 1 df, as seminr) and percentile ``ci_low``,
    ``ci_high``. Resamples are drawn as ``rng.integers(0, n, (chunk, n))`` in chunks of 1,000."""
    rng = np.random.default_rng(seed)
    n = a.shape[0]
    m = len(names)
    edges = [(i, j) for i in range(m) for j in range(m) if adj[i, j]]
    chains = _chains(adj)
    indirect = sorted({(c[0], c[-1]) for c in chains})
    totals = sorted(set(edges) | set(indirect))
    item_of = block.argmax(axis=1)

    def stats_of(S, wb, lb, pb):
        tb = _total(pb)
        hb = _htmt_batch(S, block)
        cols = [pb[:, i, j] for i, j in edges]
        cols += [tb[:, i, j] for i, j in totals]
        cols += [tb[:, i, j] - pb[:, i, j] for i, j in indirect]
        cols += [np.prod([pb[:, c[k], c[k + 1]] for k in range(len(c) - 1)], axis=0) for c in chains]
        cols += [lb[:, k] for k in range(len(items))] + [wb[:, k] for k in range(len(items))]
        cols += [hb[:, i, j] for i in range(m) for j in range(i + 1, m)]
        return np.stack(cols, axis=1)

    rows = [("path", names[i], names[j], "") for i, j in edges]
    rows += [("total", names[i], names[j], "") for i, j in totals]
    rows += [("total_indirect", names[i], names[j], "") for i, j in indirect]
    rows += [("specific_indirect", names[c[0]], names[c[-1]], " → ".join(names[k] for k in c)) for c in chains]
    rows += [("loading", names[item_of[k]], it, "") for k, it in enumerate(items)]
    rows += [("weight", names[item_of[k]], it, "") for k, it in enumerate(items)]
    rows += [("htmt", names[i], names[j], "") for i in range(m) for j in range(i + 1, m)]
    point = stats_of(S0, w, load, paths)[0]           # the fit's own estimates (batch of one)
    draws = []
    for start in range(0, n_boot, 1000):
        counts = resample_counts(n, min(1000, n_boot - start), rng)
        S = _resample_corr(a, counts)
        wb, _, _ = _pls_cov(S, block, adj, scheme, mode_b=mode_b)
        lb, pb, _ = _cov_estimates(S, wb, block, adj, common)
        draws.append(stats_of(S, wb, lb, pb))
    draws = np.concatenate(draws)
    ok = np.isfinite(draws).all(axis=1)
    if not ok.all():
        warnings.warn(f"pls_path: {int((~ok).sum())} of {len(ok)} bootstrap resamples gave no estimate (a constant "
                      f"item in the resample) and were left out", StatWarning, stacklevel=3)
    draws = draws[ok]
    se = draws.std(axis=0, ddof=1)
    g = 1 - ci
    with np.errstate(all="ignore"):
        t = point / se
    frame = pd.DataFrame(rows, columns=["kind", "from", "to", "via"])
    frame["estimate"] = point
    frame["boot_mean"] = draws.mean(axis=0)
    frame["se"] = se
    frame["t"] = t
    frame["p"] = 2 * stats.t.sf(np.abs(t), n - 1)
    # HTMT is judged by its interval against 0.85/0.90/1 (Henseler et al., 2015), not tested against 0
    frame.loc[frame["kind"] == "htmt", ["t", "p"]] = np.nan
    frame["ci_low"], frame["ci_high"] = np.quantile(draws, [g / 2, 1 - g / 2], axis=0)
    return frame, int(len(draws))


@validate_params(scheme=OneOf("path", "factorial", "centroid"), n_boot=Integer(min=0), ci=Probability(),
                 missing=OneOf("mean", "listwise"), consistent=OneOf(False, True),
                 hoc_method=OneOf("two_stage", "repeated"))
def pls_path(data, measurement, structural=None, *, scheme="path", n_boot=0, seed=None, ci: float = 0.95,
             scale=None, missing="mean", modes=None, consistent=False, higher_order=None,
             hoc_method="two_stage") -> PLSResult:
    """PLS path modelling (standardised indicators; mode A, or mode B for formative constructs).

    Parameters
    ----------
    measurement : dict
        construct → item columns.
    structural : list of (source, target) pairs
        ``target`` may be a list (several paths from one source).
    scheme : {"path", "factorial", "centroid"}
        Inner weighting scheme (path weighting, as SmartPLS and seminr default).
    n_boot : int
        Bootstrap resamples for SEs, t, p and percentile CIs of the paths (0 = none).
    scale : (min, max), optional
        The answer scale for the 0–100 index; default the smallest and largest answer in the data.
    missing : {"mean", "listwise"}
        ``"mean"`` (SmartPLS's and seminr's default) replaces each missing answer by its item's
        mean and counts the cells replaced (``n_replaced``); ``"listwise"`` drops incomplete cases.
    modes : dict, optional
        construct → ``"A"`` (reflective, default) or ``"B"`` (formative: outer weights by
        regression of the inner proxy on the block's items).
    consistent : bool
        Consistent PLS (PLSc; Dijkstra & Henseler, 2015), as seminr's ``PLSc()`` and SmartPLS's
        PLSc: the mode A constructs are common factors. With the PLS weights scaled to
        unit-variance scores and ρA = (w'w)²·w'(R_b − diag R_b)w / ((w'w)² − Σw⁴) (1 for a single
        item, and for mode B composites), the scores' correlations are disattenuated,
        r̃_ij = r_ij/√(ρA,i ρA,j), the paths and R² solved from r̃ (β_j = R̃_pp⁻¹ r̃_pj,
        R²_j = β_j'r̃_pj), and the loadings corrected, λ = w·√ρA/(w'w); ρC, AVE, f², the
        total effects and the bootstrap follow (each resample re-estimated consistently). Weights,
        scores, cross-loadings, HTMT and the index are those of PLS. Checked against R seminr's
        PLSc fixtures and the seminr port (tests/reference/models/make_pls_consistent.py).
    higher_order : dict, optional
        Higher-order construct → its lower-order constructs (two or more constructs of
        ``measurement``), e.g. ``{"Satisfaction": ["Image", "Value"]}``; the higher-order construct
        appears in ``structural`` only, its dimensions in ``measurement`` only. ``modes`` may set it
        to "B". See ``hoc_method``.
    hoc_method : {"two_stage", "repeated"}
        ``"two_stage"`` (Becker, Klein & Wetzels, 2012; seminr's
        ``higher_composite(method = two_stage)``): stage 1 estimates the model with the higher-order
        construct replaced by its dimensions (its antecedents → each dimension, each dimension → its
        outcomes); stage 2 the model itself, the higher-order construct measured by the dimensions'
        stage-1 scores (unit variance). Paths, R², f², HTMT and the bootstrap are stage 2's (the
        scores fixed, as SmartPLS users run stage 2 on saved scores); ``loadings``, ``weights`` and
        ``reliability`` also list the dimensions' items from stage 1, ``stage1`` holds that fit, and
        the higher-order index is the weighted mean of its dimensions' indices.
        ``"repeated"`` (repeated indicators; Lohmöller, 1989; Becker et al., 2012): the
        higher-order construct is measured by all its dimensions' items again and linked to them
        by paths, higher-order → dimension for mode A (reflective–reflective) and dimension →
        higher-order for mode B (reflective–formative); one PLS fit.

    Returns paths (``from``, ``to``, ``estimate`` [+ ``se``, ``t``, ``p``, ``ci_low``,
    ``ci_high``]), R² by endogenous construct, outer loadings and weights, construct scores,
    total effects, the quality criteria of :class:`PLSResult` (checked against the seminr port,
    which follows R's seminr and SmartPLS: tests/reference/models/make_pls_assessment.py) and ``index``: the ACSI-style 0–100 index of each construct,
    100 · (Σ w̃ᵢ x̄ᵢ − min)/(max − min) with w̃ the unstandardised outer weights rescaled to sum to 1
    (Fornell et al., 1996).
    """
    func = "pls_path"
    if higher_order is not None:
        return _higher_order(data, measurement, structural, higher_order, hoc_method, func,
                             dict(scheme=scheme, n_boot=n_boot, seed=seed, ci=ci, scale=scale, missing=missing,
                                  modes=modes, consistent=consistent))
    x, items, names, block, adj, dropped, replaced = _parse(data, measurement, structural, func, missing)
    modes = dict(modes or {})
    unknown = [c for c in modes if c not in names]
    if unknown:
        raise DataError(f"{func}: modes names unknown constructs {unknown}; constructs are {names}")
    bad = {c: v for c, v in modes.items() if v not in ("A", "B")}
    if bad:
        raise DataError(f"{func}: modes must map a construct to 'A' (reflective) or 'B' (formative), got {bad}")
    modes = {c: modes.get(c, "A") for c in names}
    mode_b = tuple(j for j, c in enumerate(names) if modes[c] == "B")
    a = x.to_numpy(float)[None]
    xs = _standardise(a)
    S = (xs.transpose(0, 2, 1) @ xs) / (xs.shape[1] - 1)       # the item correlations
    w, it, conv = _pls_cov(S, block, adj, scheme, mode_b=mode_b)
    common = tuple(j for j, c in enumerate(names) if modes[c] == "A") if consistent else ()
    if not conv:
        warnings.warn(f"{func}: the PLS iteration did not converge in {it} iterations; estimates are not stable",
                      StatWarning, stacklevel=2)
    load, paths, r2 = _cov_estimates(S, w, block, adj, common)
    y = xs @ (w[:, :, None] * block)                           # scores, unit variance by the weights' scale
    edges = [(i, j) for i in range(len(names)) for j in range(len(names)) if adj[i, j]]
    out = pd.DataFrame({"from": [names[i] for i, _ in edges], "to": [names[j] for _, j in edges],
                        "estimate": [paths[0, i, j] for i, j in edges]})
    total = _total(paths[0])
    boot_table, n_ok = None, 0
    if n_boot:
        boot_table, n_ok = _bootstrap(a[0], S, block, adj, scheme, mode_b, n_boot, seed, ci, names, items,
                                      w, load, paths, common)
        path_rows = boot_table[boot_table["kind"] == "path"].set_index(["from", "to"])
        keys = list(zip(out["from"], out["to"]))
        for c in ("se", "t", "p", "ci_low", "ci_high"):
            out[c] = path_rows.loc[keys, c].to_numpy()
    reliability, htmt, vif, outer_vif, cross = _assessment(S[0], w[0], block, adj, names, items, load[0])
    sd = x.std(ddof=1).to_numpy()
    lo, hi = (float(x.min().min()), float(x.max().max())) if scale is None else map(float, scale)
    raw_w = w[0] / sd
    index = {}
    for j, c in enumerate(names):
        sel = block[:, j] == 1
        ww = raw_w[sel] / raw_w[sel].sum()
        index[c] = 100 * ((x.to_numpy()[:, sel] @ ww).mean() - lo) / (hi - lo)
    loadings = pd.DataFrame({"construct": [names[j] for j in block.argmax(axis=1)], "item": items, "loading": load[0]})
    weights = pd.DataFrame({"construct": loadings["construct"], "item": items, "weight": w[0]})
    r2s = pd.Series({names[j]: r2[0, j] for j in range(len(names)) if not np.isnan(r2[0, j])}, name="r2")
    scores = pd.DataFrame(y[0], index=x.index, columns=names)
    return PLSResult(out, r2s, loadings, weights, scores, pd.Series(index, name="index"),
                     pd.DataFrame(total, index=names, columns=names), len(x), it, conv, scheme,
                     reliability, htmt, _f2(S, block, adj, scheme, mode_b, r2, names, common), vif, outer_vif, cross,
                     len(x), replaced, modes, boot_table, n_ok, bool(consistent))


# ---------------------------------------------------------------------------------------------
# PLSpredict


def _subset_moments(a, masks):
    """Means, sds (n − 1) and correlation matrices of the rows of ``a`` (n, p) selected by each
    0/1 row of ``masks`` (B, n): one training sample per row, all at once."""
    k = masks.sum(axis=1)
    mean = masks @ a / k[:, None]
    m2 = (masks[:, :, None] * a[None]).transpose(0, 2, 1) @ a
    cov = (m2 - k[:, None, None] * mean[:, :, None] * mean[:, None, :]) / (k - 1)[:, None, None]
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    return mean, sd, cov / (sd[:, :, None] * sd[:, None, :])


def _cv_folds(n, folds, repeats, rng):
    """Fold of every case in each repetition (repeats, n): the cases shuffled by
    ``rng.permutation(n)`` and cut into ``folds`` contiguous blocks of the shuffled order, the
    blocks of R's ``cut(seq(1, n), breaks = folds)`` that seminr's ``predict_pls`` uses (position i,
    1-based, falls in block ⌈(i − 1)·folds/(n − 1)⌉, position 1 in block 1)."""
    pos = np.arange(n)
    block = np.maximum(-(-(pos * folds) // (n - 1)), 1) - 1
    out = np.empty((repeats, n), int)
    for r in range(repeats):
        out[r, rng.permutation(n)] = block
    return out


@validate_params(folds=Integer(min=2), repeats=Integer(min=1), technique=OneOf("EA", "DA"),
                 scheme=OneOf("path", "factorial", "centroid"), missing=OneOf("mean", "listwise"))
def pls_predict(data, measurement, structural=None, *, folds=10, repeats=10, seed=None, technique="EA",
                scheme="path", missing="mean") -> pd.DataFrame:
    """PLSpredict (Shmueli et al., 2016, 2019): k-fold cross-validated predictions of the indicators
    of the endogenous constructs, against two benchmarks.

    In each of ``repeats`` repetitions the cases are shuffled and cut into ``folds`` blocks; the
    model is estimated on the cases outside a block and predicts the cases inside it:

    - construct scores of the held-out cases from their standardised answers, z = (x − x̄_train)/s_train,
      and the training weights; then, with ``technique="EA"`` (earliest antecedents, as SmartPLS), the
      endogenous scores from the exogenous ones through the total effects B(I − B)⁻¹, with
      ``technique="DA"`` (direct antecedents, seminr's default) from each construct's direct
      predictors' scores through the paths;
    - an indicator's prediction is its construct's predicted score times its training loading,
      back on the answer scale: x̂ = λ·ŷ·s_train + x̄_train;
    - the LM benchmark regresses each endogenous indicator (with intercept) on the indicators of all
      exogenous constructs (``"EA"``, as SmartPLS and Shmueli et al. 2019) or of the construct's
      direct antecedents (``"DA"``, as seminr), fitted on the same training cases;
    - the naive benchmark predicts the training mean x̄_train.

    A case's predictions are averaged over the repetitions (as seminr's ``predict_pls`` with
    ``reps``), then, over the n cases, RMSE = √(Σ(x − x̂)²/n), MAE = Σ|x − x̂|/n and
    Q²predict = 1 − Σ(x − x̂_PLS)²/Σ(x − x̂_naive)². Q²predict > 0: the model predicts better than
    the training mean; PLS RMSE (or MAE) below LM's for all, most, few or none of the indicators is
    high, medium, low or no predictive power (Shmueli et al., 2019).

    Parameters
    ----------
    data, measurement, structural
        As :func:`pls_path` (mode A outer weights).
    folds : int
        Number of folds k (2 ≤ k ≤ n; 10 as SmartPLS and Shmueli et al. recommend).
    repeats : int
        Repetitions of the k-fold split (SmartPLS's default 10).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; repetition r shuffles the cases by its r-th
        ``permutation(n)``.
    technique : {"EA", "DA"}
        Earliest (SmartPLS) or direct (seminr's ``predict_DA``) antecedents.

    Returns
    -------
    DataFrame indexed by ``indicator`` (the endogenous constructs' items in model order) with
    ``construct``, ``q2_predict``, ``rmse``, ``mae``, ``lm_rmse``, ``lm_mae``.

    References
    ----------
    Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B. (2016). The elephant in the room:
    predictive performance of PLS models. *Journal of Business Research*, 69(10), 4552–4564.
    Shmueli, G., Sarstedt, M., Hair, J. F., et al. (2019). Predictive model assessment in PLS-SEM:
    guidelines for using PLSpredict. *European Journal of Marketing*, 53(11), 2322–2347.

    Tested against the seminr port's ``predict_pls`` given the same shuffles
    (tests/reference/models/make_pls_predict.py).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_research.models import ecsi_model, pls_predict
    >>> mobi = pd.read_csv("tests/data/mobi.csv")                       # doctest: +SKIP
    >>> pls_predict(mobi, *ecsi_model(), folds=10, repeats=10, seed=1)  # doctest: +SKIP
    """
    func = "pls_predict"
    x, items, names, block, adj, _, _ = _parse(data, measurement, structural, func, missing)
    a = x.to_numpy(float)
    n = len(a)
    if folds > n:
        raise DataError(f"{func}: folds={folds} is more than the {n} cases; use at most {n} (leave-one-out)")
    endo = np.where(adj.any(axis=0))[0]
    exo = np.where(~adj.any(axis=0))[0]
    if not len(endo):
        raise DataError(f"{func}: the structural model has no endogenous construct to predict")
    item_of = block.argmax(axis=1)
    target = np.where(np.isin(item_of, endo))[0]           # endogenous items, model order
    fold_of = _cv_folds(n, folds, repeats, np.random.default_rng(seed))
    test = (fold_of[:, None, :] == np.arange(folds)[None, :, None]).reshape(-1, n)   # (repeats·folds, n)
    mean, sd, S = _subset_moments(a, (~test).astype(float))
    flat = np.isclose(sd, 0)
    if flat.any():
        b, k = np.argwhere(flat)[0]
        raise DataError(f"{func}: indicator {items[k]!r} is constant in the training cases of fold {b % folds + 1} "
                        f"(repetition {b // folds + 1}); use fewer folds")
    w, _, _ = _pls_cov(S, block, adj, scheme)
    load, paths, _ = _cov_estimates(S, w, block, adj)
    lm_cols = {j: (np.where(np.isin(item_of, exo))[0] if technique == "EA"
                   else np.where(np.isin(item_of, np.where(adj[:, j])[0]))[0]) for j in endo}
    pls_hat = np.zeros((repeats, n, len(target)))
    lm_hat = np.zeros_like(pls_hat)
    naive = np.zeros_like(pls_hat)
    for b in range(len(test)):
        r = b // folds
        te, tr = test[b], ~test[b]
        scores = ((a[te] - mean[b]) / sd[b]) @ (w[b][:, None] * block)
        if technique == "EA":
            pred = scores[:, exo] @ _total(paths[b])[exo]
        else:
            pred = scores @ paths[b]
        z = pred[:, item_of[target]] * load[b, target]
        pls_hat[r][np.ix_(te, range(len(target)))] = z * sd[b, target] + mean[b, target]
        naive[r][te] = mean[b, target]
        for j in endo:
            cols = lm_cols[j]
            out = np.where(item_of[target] == j)[0]
            design = np.column_stack([np.ones(tr.sum()), a[tr][:, cols]])
            coef = np.linalg.lstsq(design, a[tr][:, target[out]], rcond=None)[0]
            lm_hat[r][np.ix_(te, out)] = np.column_stack([np.ones(te.sum()), a[te][:, cols]]) @ coef
    y = a[:, target]
    e_pls, e_lm, e_naive = (y - pls_hat.mean(axis=0), y - lm_hat.mean(axis=0), y - naive.mean(axis=0))
    frame = pd.DataFrame({"construct": [names[j] for j in item_of[target]],
                          "q2_predict": 1 - (e_pls ** 2).sum(axis=0) / (e_naive ** 2).sum(axis=0),
                          "rmse": np.sqrt((e_pls ** 2).mean(axis=0)), "mae": np.abs(e_pls).mean(axis=0),
                          "lm_rmse": np.sqrt((e_lm ** 2).mean(axis=0)), "lm_mae": np.abs(e_lm).mean(axis=0)},
                         index=pd.Index([items[k] for k in target], name="indicator"))
    return frame


# ---------------------------------------------------------------------------------------------
# multi-group analysis


@validate_params(n_perm=Integer(min=1), scheme=OneOf("path", "factorial", "centroid"),
                 missing=OneOf("mean", "listwise"))
def pls_mga(data, measurement, structural=None, group=None, *, n_perm=1000, seed=None, scheme="path",
            missing="mean") -> pd.DataFrame:
    """PLS multi-group analysis by the permutation test (Chin & Dibbern, 2010), as SmartPLS's
    permutation MGA: are the path coefficients of two groups different?

    The model is estimated in each group separately (indicators standardised within the group) and
    the difference of each path, d = β₁ − β₂, compared with its distribution when the group labels
    are shuffled: ``n_perm`` times the labels are permuted (group sizes kept), both groups
    re-estimated and d* computed; p = #{|d*| ≥ |d|}/P over the P permutations that gave an estimate
    (two-sided).

    Parameters
    ----------
    data, measurement, structural
        As :func:`pls_path` (mode A outer weights); missing answers are handled on the pooled data.
    group : str
        Column holding the group of each case; exactly two groups.
    n_perm : int
        Permutations (SmartPLS suggests 1,000 or more).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; permutation k relabels the cases by its k-th
        ``permutation`` of the group column.

    Returns
    -------
    DataFrame with one row per path: ``from``, ``to``, the estimate in each group (columns named by
    the group values, in sorted order), ``difference`` (first minus second) and ``p``.

    References
    ----------
    Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation based procedure for
    multi-group PLS analysis. In V. Esposito Vinzi et al. (Eds.), *Handbook of Partial Least
    Squares* (pp. 171–193). Springer.

    Tested: each group's estimates equal :func:`pls_path` on that group's cases, and every
    permutation difference equals refitting the permuted groups one by one.

    Examples
    --------
    >>> mobi = pd.read_csv("tests/data/mobi.csv").assign(young=lambda d: d.index % 2)   # doctest: +SKIP
    >>> pls_mga(mobi, *ecsi_model(), group="young", n_perm=1000, seed=1)               # doctest: +SKIP
    """
    func = "pls_mga"
    frame = require_frame(data, func)
    if group is None or not isinstance(group, str) or group not in frame.columns:
        raise DataError(f"{func}: group must name a column of data holding each case's group, got {group!r}")
    x, items, names, block, adj, _, _ = _parse(frame, measurement, structural, func, missing)
    labels = frame.loc[x.index, group]
    if labels.isna().any():
        from ._core.validation import format_rows

        raise DataError(f"{func}: group column {group!r} is empty in {int(labels.isna().sum())} cases "
                        f"({format_rows(labels.index[labels.isna()])}); fill or drop them")
    levels = sorted(labels.unique(), key=str)
    if len(levels) != 2:
        raise DataError(f"{func}: group column {group!r} must hold exactly two groups, found {len(levels)}: "
                        f"{[str(v) for v in levels[:10]]}")
    first = (labels == levels[0]).to_numpy()
    for lv, mask in zip(levels, (first, ~first)):
        if mask.sum() < 10:
            raise DataError(f"{func}: group {lv!r} of {group!r} has {int(mask.sum())} cases; each group needs at least 10")
    a = x.to_numpy(float)
    rng = np.random.default_rng(seed)
    perms = np.stack([rng.permutation(first) for _ in range(n_perm)])
    masks = np.concatenate([first[None], perms])                  # row 0: the observed groups
    masks = np.concatenate([masks, ~masks]).astype(float)          # then the second groups
    _, sd, S = _subset_moments(a, masks)
    ok = ~np.isclose(sd, 0).any(axis=1)
    if not ok[[0, n_perm + 1]].all():
        flat = [items[k] for k in np.where(np.isclose(sd[[0, n_perm + 1]], 0).any(axis=0))[0]]
        raise DataError(f"{func}: indicators constant within a group: {flat}; they cannot be estimated by group")
    S[~ok] = np.eye(len(items))                                   # placeholder, dropped below
    w, _, _ = _pls_cov(S, block, adj, scheme)
    _, paths, _ = _cov_estimates(S, w, block, adj)
    edges = [(i, j) for i in range(len(names)) for j in range(len(names)) if adj[i, j]]
    est = np.stack([paths[:, i, j] for i, j in edges], axis=1)
    est[~ok] = np.nan
    b1, b2 = est[: n_perm + 1], est[n_perm + 1:]
    d = b1 - b2
    valid = np.isfinite(d[1:]).all(axis=1)
    if not valid.all():
        warnings.warn(f"{func}: {int((~valid).sum())} of {n_perm} permutations left an indicator constant within "
                      f"a group and were left out", StatWarning, stacklevel=2)
    dp = d[1:][valid]
    out = pd.DataFrame({"from": [names[i] for i, _ in edges], "to": [names[j] for _, j in edges]})
    out[str(levels[0])] = b1[0]
    out[str(levels[1])] = b2[0]
    out["difference"] = d[0]
    out["p"] = (np.abs(dp) >= np.abs(d[0]) - 1e-12).mean(axis=0)
    return out


# ---------------------------------------------------------------------------------------------
# higher-order constructs


def _hoc_spec(measurement, structural, higher_order, func):
    """Checked measurement dict, (source, target) pairs and higher-order map of a model with
    higher-order constructs."""
    spec = parse_model({c: [v] if isinstance(v, str) else v for c, v in measurement.items()}
                       if isinstance(measurement, dict) else measurement)
    meas = {c: list(v) for c, v in spec.measurement.items()}
    if structural is None:
        structural = list(spec.paths)
    if not isinstance(higher_order, dict) or not higher_order:
        raise DataError(f"{func}: higher_order must map a higher-order construct to its lower-order constructs, "
                        f"e.g. {{'Satisfaction': ['Image', 'Value']}}; got {higher_order!r}")
    edges = _path_pairs(structural, func)
    hoc = {}
    used = []
    in_paths = {c for e in edges for c in e}
    for h, dims in higher_order.items():
        dims = [dims] if isinstance(dims, str) else list(dims)
        if h in meas:
            raise DataError(f"{func}: higher-order construct {h!r} must not have items in measurement; "
                            f"it is measured by its lower-order constructs {dims}")
        if h not in in_paths:
            raise DataError(f"{func}: higher-order construct {h!r} is in no structural path")
        absent = [d for d in dims if d not in meas]
        if len(dims) < 2 or absent:
            raise DataError(f"{func}: higher_order[{h!r}] must list two or more constructs of measurement; "
                            + (f"not in measurement: {absent}" if absent else f"got {dims}"))
        twice = [d for d in dims if d in used or d in in_paths]
        if twice:
            raise DataError(f"{func}: lower-order constructs {twice} of {h!r} may belong to one higher-order construct "
                            f"only and may not appear in structural paths themselves")
        used += dims
        hoc[h] = dims
    return meas, edges, hoc


def _higher_order(data, measurement, structural, higher_order, method, func, options):
    """pls_path with higher-order constructs, by the two-stage or the repeated indicators approach."""
    frame = require_frame(data, func)
    meas, edges, hoc = _hoc_spec(measurement, structural, higher_order, func)
    modes = dict(options.pop("modes") or {})
    if method == "repeated":
        copies = {}
        rep_frame = frame.copy()
        rep_meas = dict(meas)
        rep_edges = list(edges)
        for h, dims in hoc.items():
            names = []
            for d in dims:
                for it in meas[d]:
                    copy = f"{it}@{h}"
                    rep_frame[copy] = frame[it]
                    copies[copy] = it
                    names.append(copy)
            rep_meas[h] = names
            rep_edges += [(d, h) if modes.get(h) == "B" else (h, d) for d in dims]
        res = pls_path(rep_frame, rep_meas, rep_edges, modes=modes, **options)
        back = lambda v: copies.get(v, v)
        fields = {"loadings": res.loadings.assign(item=res.loadings["item"].map(back)),
                  "weights": res.weights.assign(item=res.weights["item"].map(back)),
                  "outer_vif": res.outer_vif.rename(index=back),
                  "cross_loadings": res.cross_loadings.rename(index=back)}
        if res.bootstrap is not None:
            fields["bootstrap"] = res.bootstrap.assign(to=res.bootstrap["to"].map(back))
        return dataclasses.replace(res, higher_order=hoc, **fields)
    # two-stage: stage 1 with each higher-order construct replaced by its dimensions
    expand = lambda c: hoc.get(c, [c])
    edges1 = [(a, b) for s_, t_ in edges for a in expand(s_) for b in expand(t_)]
    meas1 = {c: v for c, v in meas.items() if any(c in e for e in edges1)}
    first = pls_path(frame, meas1, edges1, modes={c: v for c, v in modes.items() if c in meas1},
                     **{**options, "n_boot": 0, "consistent": False})
    dims = [d for ds in hoc.values() for d in ds]
    clash = [d for d in dims if d in frame.columns]
    if clash:
        raise DataError(f"{func}: data has columns named like the lower-order constructs {clash}; rename them")
    stage2 = frame.loc[first.scores.index].join(first.scores[dims])
    meas2 = {c: v for c, v in meas.items() if c not in dims} | {h: list(ds) for h, ds in hoc.items()}
    items = [i for c in meas1 for i in meas1[c]]
    scale = options.pop("scale")
    if scale is None:                          # the answer scale of the items, not of the scores
        raw = numeric_frame(frame, items, func)
        scale = (float(raw.min().min()), float(raw.max().max()))
    res = pls_path(stage2, meas2, edges, modes=modes, scale=scale, **options)
    low = lambda t: t[t["construct"].isin(dims)]
    index = res.index.copy()
    for h, ds in hoc.items():
        w = res.weights.set_index("item").loc[ds, "weight"]     # the scores have unit variance
        index[h] = float((w / w.sum() * first.index[ds]).sum())
    return dataclasses.replace(
        res, loadings=pd.concat([res.loadings, low(first.loadings)], ignore_index=True),
        weights=pd.concat([res.weights, low(first.weights)], ignore_index=True),
        reliability=pd.concat([res.reliability, first.reliability.loc[dims]]),
        scores=res.scores.join(first.scores[dims]), index=index, higher_order=hoc, stage1=first)


def importance_performance(result_: PLSResult, target: str) -> pd.DataFrame:
    """Importance–performance map data: importance = total effect on ``target``, performance =
    the 0–100 index, for every construct with an effect on it."""
    if target not in result_.total_effects.columns:
        raise DataError(f"importance_performance: target {target!r} is not a construct of the model")
    imp = result_.total_effects[target]
    imp = imp[imp.abs() > 0]
    if imp.empty:
        raise DataError(f"importance_performance: no construct has an effect on {target!r}")
    out = pd.DataFrame({"importance": imp, "performance": result_.index[imp.index]})
    out.index.name = "construct"
    mi, mp = out["importance"].mean(), out["performance"].mean()
    out["priority"] = np.where((out["importance"] >= mi) & (out["performance"] < mp), "improve first",
                               np.where(out["importance"] >= mi, "keep up", np.where(out["performance"] < mp, "low priority", "possible overkill")))
    return out.sort_values("importance", ascending=False)


# ---------------------------------------------------------------------------------------------
# satisfaction → loyalty curve


@result
class LoyaltyCurveResult(Result):
    comparison: pd.DataFrame
    breakpoints: tuple
    slopes: tuple
    zones: pd.DataFrame
    f_test: dict
    n: int

    title = "Satisfaction → loyalty: linear, quadratic and segmented fits"

    def to_frame(self) -> pd.DataFrame:
        return self.comparison

    def predict(self, s):
        """Fitted loyalty of the segmented model at satisfaction ``s``."""
        b1, b2 = self.breakpoints
        c = self._coef
        s = np.asarray(s, float)
        return c[0] + c[1] * s + c[2] * np.maximum(s - b1, 0) + c[3] * np.maximum(s - b2, 0)


def _seg_design(s, b1, b2):
    return np.column_stack([np.ones_like(s), s, np.maximum(s - b1, 0), np.maximum(s - b2, 0)])


def loyalty_curve(data, satisfaction: str, loyalty: str, *, grid: int = 60, min_share: float = 0.05) -> LoyaltyCurveResult:
    """Fit loyalty on satisfaction as linear, quadratic and segmented (two estimated break-points,
    continuous broken-stick) regressions and compare them by AIC and BIC.

    The break-points minimise the residual sum of squares over a grid of pairs of sample
    quantiles (each segment holding at least ``min_share`` of the cases), refined by Nelder–Mead.
    The F test of segmented against linear treats the break-points as known, so its p is
    optimistic; AIC/BIC count them as parameters (6 for the segmented model with σ). The three
    zones follow the source documents: defection (below the first break), indifference (between),
    affection (above the second).
    """
    func = "loyalty_curve"
    frame = require_frame(data, func)
    from ._core.validation import require_columns

    require_columns(frame, [satisfaction, loyalty], func)
    d = numeric_frame(frame, [satisfaction, loyalty], func).dropna()
    if len(d) < 30:
        raise DataError(f"{func}: needs at least 30 complete cases, found {len(d)}")
    s, yv = d[satisfaction].to_numpy(), d[loyalty].to_numpy()
    n = len(s)
    if np.unique(s).size < 8:
        raise DataError(f"{func}: {satisfaction!r} takes only {np.unique(s).size} distinct values; break-points need a finer scale")

    def rss_of(a):
        coef = lstsq.solve(a, yv)
        r = yv - a @ coef
        return float(r @ r), coef

    def ic(rss, k):
        ll = -n / 2 * (np.log(2 * np.pi * rss / n) + 1)
        return ll, -2 * ll + 2 * k, -2 * ll + np.log(n) * k

    lin_rss, lin_c = rss_of(np.column_stack([np.ones(n), s]))
    quad_rss, quad_c = rss_of(np.column_stack([np.ones(n), s, s**2]))
    qs = np.quantile(s, np.linspace(min_share, 1 - min_share, grid))
    qs = np.unique(qs)
    best = (np.inf, None)
    for i, b1 in enumerate(qs):
        for b2 in qs[i + 1:]:
            if ((s > b1) & (s <= b2)).mean() < min_share:
                continue
            r, _ = rss_of(_seg_design(s, b1, b2))
            if r < best[0]:
                best = (r, (b1, b2))
    if best[1] is None:
        raise DataError(f"{func}: no pair of break-points leaves {min_share:.0%} of cases in each segment")
    from scipy.optimize import minimize

    res = minimize(lambda b: rss_of(_seg_design(s, *sorted(b)))[0], np.array(best[1]), method="Nelder-Mead",
                   options={"xatol": 1e-6, "fatol": 1e-10})
    b1, b2 = sorted(res.x) if res.fun < best[0] else best[1]
    seg_rss, seg_c = rss_of(_seg_design(s, b1, b2))
    rows = []
    for name, rss, k in (("linear", lin_rss, 3), ("quadratic", quad_rss, 4), ("segmented", seg_rss, 6)):
        ll, aic, bic = ic(rss, k)
        rows.append({"model": name, "rss": rss, "r2": 1 - rss / ((yv - yv.mean()) ** 2).sum(), "parameters": k,
                     "log_likelihood": ll, "aic": aic, "bic": bic})
    comp = pd.DataFrame(rows).set_index("model")
    df1, df2 = 2, n - 4
    f = ((lin_rss - seg_rss) / df1) / (seg_rss / df2)
    slopes = (seg_c[1], seg_c[1] + seg_c[2], seg_c[1] + seg_c[2] + seg_c[3])
    zones = pd.DataFrame({"zone": ["defection", "indifference", "affection"],
                          "from": [s.min(), b1, b2], "to": [b1, b2, s.max()], "slope": slopes,
                          "n": [int((s <= b1).sum()), int(((s > b1) & (s <= b2)).sum()), int((s > b2).sum())]})
    out = LoyaltyCurveResult(comp, (float(b1), float(b2)), tuple(float(v) for v in slopes), zones,
                             {"f": float(f), "df1": df1, "df2": df2, "p": float(stats.f.sf(f, df1, df2))}, n)
    object.__setattr__(out, "_coef", seg_c)
    return out


def loyalty_stages(scores: pd.DataFrame, stages=("loyalty_cognitive", "loyalty_affective", "loyalty_conative",
                                                 "loyalty_action")) -> pd.DataFrame:
    """Oliver's (1999) four loyalty stages as construct scores, with each respondent's highest
    stage reached (the last stage, in Oliver's order, whose score is at least 4 on a 5-point scale)."""
    from ._core.validation import require_columns

    require_columns(scores, list(stages), "loyalty_stages", "stage scores")
    out = scores[list(stages)].copy()
    reached = pd.Series("none", index=out.index)
    for st in stages:
        reached = reached.where(~(out[st] >= 4), st)
    out["stage_reached"] = reached
    return out
