"""Data envelopment analysis: CCR and BCC efficiency with slacks, targets and peers, scale
efficiency, super-efficiency, and the Malmquist productivity index.

References: Charnes, Cooper & Rhodes (1978), Banker, Charnes & Cooper (1984), Andersen & Petersen
(1993), Färe, Grosskopf, Norris & Zhang (1994), Cooper, Seiford & Tone (2007). The linear
programmes are in :mod:`._lp`; the tests compare with R's lpSolve (tests/reference/evaluation).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._core.errors import DataError, StatWarning
from .._core.results import Result, result
from .._core.validation import format_rows, require_choice, require_columns, require_frame
from ..present.labels import check_lang
from ..present.table import Table
from . import _lp
from ._checks import complete_numeric

__all__ = ["dea", "dea_result", "DEAResult", "scale_efficiency", "malmquist", "MalmquistResult"]

#: a score within this distance of 1 counts as 1; slacks and λ below it (relative) count as 0
EFF_TOL = 1e-6


def _prepare(data, inputs, outputs, func):
    frame = require_frame(data, func)
    if isinstance(inputs, str):
        inputs = [inputs]
    if isinstance(outputs, str):
        outputs = [outputs]
    inputs = require_columns(frame, inputs, func, "inputs")
    outputs = require_columns(frame, outputs, func, "outputs")
    if not inputs or not outputs:
        raise DataError(f"{func}: needs at least one input and one output, got inputs={inputs}, outputs={outputs}")
    both = [c for c in inputs if c in outputs]
    if both:
        raise DataError(f"{func}: columns listed as both input and output: {both}")
    x = complete_numeric(frame, func, inputs + outputs, what="inputs/outputs")
    for c in inputs + outputs:
        bad = x[c] <= 0
        if bad.any():
            kind = "input" if c in inputs else "output"
            raise DataError(f"{func}: DEA needs positive data; {kind} column {c!r} has values ≤ 0 in "
                            f"{format_rows(x.index[bad])}; replace zeros by a small positive number or "
                            f"drop those units")
    if x.index.has_duplicates:
        dup = x.index[x.index.duplicated()].unique().tolist()
        raise DataError(f"{func}: unit labels (the index) must be unique; repeated: {dup[:10]}")
    if len(x) < 2:
        raise DataError(f"{func}: needs at least 2 units, found {len(x)}")
    m, s = len(inputs), len(outputs)
    if len(x) < max(m * s, 3 * (m + s)):
        warnings.warn(f"{func}: {len(x)} units for {m} inputs and {s} outputs; with fewer than "
                      f"max(m·s, 3(m + s)) = {max(m * s, 3 * (m + s))} units many of them come out efficient "
                      f"(Cooper, Seiford & Tone 2007, rule of thumb)", StatWarning, stacklevel=3)
    return x, inputs, outputs


def _solve(x: pd.DataFrame, inputs, outputs, model: str, orientation: str, phases: int = 2):
    scale_x = x[inputs].mean().to_numpy()
    scale_y = x[outputs].mean().to_numpy()
    X = (x[inputs].to_numpy() / scale_x).T
    Y = (x[outputs].to_numpy() / scale_y).T
    env = _lp.Envelopment(X, Y, X, Y, vrs=model == "BCC", orientation=orientation, own=True,
                          weights_x=scale_x, weights_y=scale_y)
    t, lam, sx, sy = env.run(phases)
    return t, lam, sx * scale_x, sy * scale_y, (X, Y, scale_x, scale_y)


def _frame(x, inputs, outputs, model, orientation, t, lam, sx, sy) -> pd.DataFrame:
    labels = list(x.index)
    xin, yout = x[inputs].to_numpy(), x[outputs].to_numpy()
    sx = np.where(sx > EFF_TOL * xin, sx, 0.0)
    sy = np.where(sy > EFF_TOL * yout, sy, 0.0)
    if orientation == "input":
        eff = t
        tx = t[:, None] * xin - sx
        ty = yout + sy
    else:
        eff = 1.0 / t
        tx = xin - sx
        ty = t[:, None] * yout + sy
    eff = np.where(np.abs(eff - 1) < EFF_TOL, 1.0, eff)
    out = pd.DataFrame({"efficiency": eff}, index=x.index)
    if orientation == "output":
        out["phi"] = np.where(np.abs(t - 1) < EFF_TOL, 1.0, t)
    out["efficient"] = (eff == 1.0) & (sx == 0).all(axis=1) & (sy == 0).all(axis=1)
    peers, lambdas = [], []
    for k in range(len(labels)):
        nz = np.flatnonzero(lam[k] > EFF_TOL)
        peers.append(", ".join(str(labels[j]) for j in nz))
        lambdas.append({labels[j]: float(lam[k, j]) for j in nz})
    out["peers"] = peers
    out["lambdas"] = lambdas
    out["lambda_sum"] = lam.sum(axis=1)
    for i, c in enumerate(inputs):
        out[f"slack_{c}"] = sx[:, i]
    for r, c in enumerate(outputs):
        out[f"slack_{c}"] = sy[:, r]
    for i, c in enumerate(inputs):
        out[f"target_{c}"] = tx[:, i]
    for r, c in enumerate(outputs):
        out[f"target_{c}"] = ty[:, r]
    out.index.name = x.index.name or "unit"
    return out


def dea(data, inputs, outputs, *, model: str = "CCR", orientation: str = "input",
        super_efficiency: bool = False) -> pd.DataFrame:
    """Data envelopment analysis of the units (rows) of ``data``.

    One envelopment programme per unit o, solved in two phases (Cooper, Seiford & Tone, 2007, ch. 3):
    phase 1 finds the radial score — input orientation: min θ s.t. Xλ ≤ θx_o, Yλ ≥ y_o, λ ≥ 0;
    output orientation: max φ s.t. Xλ ≤ x_o, Yλ ≥ φy_o — and phase 2 maximises the sum of the input
    and output slacks with θ (φ) held at its optimum. ``model="CCR"`` assumes constant returns to
    scale (Charnes, Cooper & Rhodes, 1978); ``"BCC"`` adds 1ᵀλ = 1, variable returns to scale
    (Banker, Charnes & Cooper, 1984).

    Returns a DataFrame by unit: ``efficiency`` (θ, or 1/φ for output orientation, so always in
    (0, 1]); ``phi`` (output orientation); ``efficient`` (score 1 and all slacks 0: Pareto–Koopmans
    efficient; a score of 1 with slacks is only weakly efficient); ``peers`` (the reference units,
    comma-separated) and ``lambdas`` (dict peer → λ); ``lambda_sum`` (Σλ; under CCR < 1, = 1, > 1
    suggest increasing, constant, decreasing returns to scale); ``slack_<column>`` for each input
    and output; ``target_<column>`` the projection onto the frontier (input orientation: θx_o − s⁻
    and y_o + s⁺; output: x_o − s⁻ and φy_o + s⁺). With ``super_efficiency=True`` a column
    ``super_efficiency`` gives Andersen & Petersen's (1993) score of each efficient unit against the
    others (> 1 ranks efficient units; NaN where a BCC programme without the unit is infeasible);
    inefficient units keep their score.

    All inputs and outputs must be positive. Fewer units than max(m·s, 3(m + s)) give a
    StatWarning. Each unit's programme is solved exactly with ``scipy.optimize.linprog(method="highs")``
    (many programmes are stacked into one sparse LP, and each is certified against every unit by
    pricing; see :mod:`crm_research.evaluation._lp`); tests compare with R's lpSolve.

    Examples
    --------
    >>> d = pd.DataFrame({"x1": [4, 7, 8, 4, 2, 10], "x2": [3, 3, 1, 2, 4, 1], "y": [1] * 6},
    ...                  index=list("ABCDEF"))
    >>> dea(d, ["x1", "x2"], ["y"])["efficiency"].round(4).tolist()
    [0.8571, 0.6316, 1.0, 1.0, 1.0, 1.0]
    """
    func = "dea"
    require_choice(model, ["CCR", "BCC"], func, "model")
    require_choice(orientation, ["input", "output"], func, "orientation")
    x, inputs, outputs = _prepare(data, inputs, outputs, func)
    t, lam, sx, sy, (X, Y, _, _) = _solve(x, inputs, outputs, model, orientation)
    out = _frame(x, inputs, outputs, model, orientation, t, lam, sx, sy)
    if super_efficiency:
        sup = out["efficiency"].to_numpy(copy=True)
        for k in np.flatnonzero(out["efficiency"].to_numpy() == 1.0):
            others = np.r_[0:k, k + 1:len(x)]
            tk = _lp.single(X[:, others], Y[:, others], X[:, k], Y[:, k], vrs=model == "BCC",
                            orientation=orientation)[0]
            sup[k] = tk if orientation == "input" else (1.0 / tk if np.isfinite(tk) and tk > 0 else np.nan)
        out.insert(1, "super_efficiency", sup)
    return out


def scale_efficiency(data, inputs, outputs, *, orientation: str = "input") -> pd.DataFrame:
    """Scale efficiency SE = θ_CCR / θ_BCC (Banker, Charnes & Cooper, 1984; Cooper, Seiford & Tone,
    2007, ch. 5) by unit, with ``crs`` (CCR score), ``vrs`` (BCC score), ``scale`` and
    ``returns_to_scale`` ("increasing", "constant", "decreasing") from Σλ of the CCR solution —
    with several optimal λ this rule can be ambiguous, read it as indicative.

    Examples
    --------
    >>> d = pd.DataFrame({"x": [2.0, 3, 6, 9], "y": [1.0, 3, 5, 6]}, index=list("ABCD"))
    >>> scale_efficiency(d, ["x"], ["y"])["scale"].round(3).tolist()
    [0.5, 1.0, 0.833, 0.667]
    """
    func = "scale_efficiency"
    require_choice(orientation, ["input", "output"], func, "orientation")
    x, inputs, outputs = _prepare(data, inputs, outputs, func)
    crs = dea(x, inputs, outputs, model="CCR", orientation=orientation)
    vrs = dea(x, inputs, outputs, model="BCC", orientation=orientation)
    out = pd.DataFrame({"crs": crs["efficiency"], "vrs": vrs["efficiency"]})
    out["scale"] = out["crs"] / out["vrs"]
    out.loc[np.abs(out["scale"] - 1) < EFF_TOL, "scale"] = 1.0
    ls = crs["lambda_sum"]
    if orientation == "output":  # projected point scales with φ; Σλ/φ is the input-side measure
        ls = ls / crs["phi"]
    else:
        ls = ls / crs["efficiency"]
    rts = np.where(out["scale"] == 1.0, "constant", np.where(ls < 1, "increasing", "decreasing"))
    out["returns_to_scale"] = rts
    out.index.name = x.index.name or "unit"
    return out


@result
class DEAResult(Result):
    """A DEA run with its settings: ``units`` is what :func:`dea` returns."""

    units: pd.DataFrame
    model: str
    orientation: str
    inputs: tuple
    outputs: tuple

    title = "DEA"

    def to_frame(self) -> pd.DataFrame:
        return self.units

    @property
    def mean_efficiency(self) -> float:
        return float(self.units["efficiency"].mean())

    def table(self, lang: str = "zh") -> Table:
        from ._text import T, label_of

        check_lang(lang)
        u = self.units
        cols = ["efficiency"] + (["super_efficiency"] if "super_efficiency" in u else []) + ["peers"]
        frame = u[cols].copy()
        for c in self.inputs + self.outputs:
            frame[f"{label_of('slack', lang)}: {label_of(c, lang)}"] = u[f"slack_{c}"]
        frame["efficient"] = u["efficient"].map(lambda v: label_of("efficient_yes" if v else "efficient_no", lang))
        kinds = {"efficiency": "coef", "super_efficiency": "coef", "peers": "text", "efficient": "text"}
        kinds.update({c: "stat" for c in frame.columns if c not in kinds})
        title = T("dea_title", lang, model=self.model, orientation=label_of(self.orientation, lang))
        note = T("dea_note", lang, inputs=", ".join(label_of(c, lang) for c in self.inputs),
                 outputs=", ".join(label_of(c, lang) for c in self.outputs))
        return Table.build(frame, title=title, lang=lang, kinds=kinds, ns="evaluation", note=note)

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T, label_of

        check_lang(lang)
        u = self.units
        n = len(u)
        n_eff = int(u["efficient"].sum())
        n_one = int((u["efficiency"] == 1.0).sum())
        worst = u["efficiency"].idxmin()
        src = "Charnes, Cooper & Rhodes 1978" if self.model == "CCR" else "Banker, Charnes & Cooper 1984"
        return T("dea_interpret", lang, model=self.model, src=src, orientation=label_of(self.orientation, lang),
                 n=n, n_eff=n_eff, n_weak=n_one - n_eff, mean=self.mean_efficiency, worst=worst,
                 worst_eff=float(u.loc[worst, "efficiency"]), peers=u.loc[worst, "peers"] or "—")


def dea_result(data, inputs, outputs, *, model: str = "CCR", orientation: str = "input",
               super_efficiency: bool = False) -> DEAResult:
    """:func:`dea` with its settings kept, for ``.table(lang)`` and ``.interpret(lang)``."""
    if isinstance(inputs, str):
        inputs = [inputs]
    if isinstance(outputs, str):
        outputs = [outputs]
    units = dea(data, inputs, outputs, model=model, orientation=orientation, super_efficiency=super_efficiency)
    return DEAResult(units, model, orientation, tuple(inputs), tuple(outputs))


# -- Malmquist ----------------------------------------------------------------------------------------------------
@result
class MalmquistResult(Result):
    """Malmquist productivity index between consecutive periods (CCR distance functions)."""

    #: by (unit, period) for each period after the first: d_tt, d_ss, d_ts, d_st and the indices
    index: pd.DataFrame
    #: by transition "t→t+1": geometric means over units of efficiency_change, technical_change, malmquist
    by_period: pd.DataFrame
    periods: tuple

    title = "Malmquist productivity index"

    def to_frame(self) -> pd.DataFrame:
        return self.index[["efficiency_change", "technical_change", "malmquist"]]

    def table(self, lang: str = "zh") -> Table:
        from ._text import T

        check_lang(lang)
        frame = self.by_period.copy()
        return Table.build(frame, title=T("malmquist_title", lang), lang=lang,
                           kinds={c: "coef" for c in frame.columns}, ns="evaluation",
                           note=T("malmquist_note", lang))

    def interpret(self, lang: str = "zh") -> str:
        from ._text import T

        check_lang(lang)
        g = self.by_period
        overall = float(np.exp(np.log(self.index["malmquist"]).mean()))
        ec = float(np.exp(np.log(self.index["efficiency_change"]).mean()))
        tc = float(np.exp(np.log(self.index["technical_change"]).mean()))
        best = g["malmquist"].idxmax()
        worst = g["malmquist"].idxmin()
        direction = T("mi_up" if overall > 1 else "mi_down" if overall < 1 else "mi_flat", lang)
        driver = T("mi_driver_tc" if abs(np.log(tc)) >= abs(np.log(ec)) else "mi_driver_ec", lang)
        periods = "" if len(g) < 2 else T("mi_periods", lang, best=best, best_mi=float(g.loc[best, "malmquist"]),
                                          worst=worst, worst_mi=float(g.loc[worst, "malmquist"]))
        return T("malmquist_interpret", lang, mi=overall, ec=ec, tc=tc, direction=direction, driver=driver,
                 periods=periods)


def malmquist(data, inputs, outputs, *, unit: str, period: str) -> MalmquistResult:
    """Malmquist productivity index between consecutive periods (Färe, Grosskopf, Norris & Zhang,
    1994), from CCR (constant returns) distance functions D^s(x^t, y^t) — the CCR score of unit's
    period-t data against the period-s frontier (scores against another period's frontier may
    exceed 1):

    MI = EC × TC,  EC = D^{t+1}(x^{t+1}, y^{t+1}) / D^t(x^t, y^t),
    TC = [D^t(x^{t+1}, y^{t+1}) / D^{t+1}(x^{t+1}, y^{t+1}) × D^t(x^t, y^t) / D^{t+1}(x^t, y^t)]^{1/2}.

    MI > 1: productivity grew from t to t+1; EC > 1: the unit caught up with the frontier;
    TC > 1: the frontier moved out. Under constant returns input- and output-oriented scores
    coincide, so there is no orientation to choose. ``data`` is long: one row per unit and period,
    columns ``unit`` and ``period`` naming them; every unit must appear once in every period.

    Examples
    --------
    >>> d = pd.DataFrame({"u": ["A", "B"] * 2, "t": [1, 1, 2, 2], "x": [2.0, 4, 2, 4], "y": [2.0, 2, 4, 2]})
    >>> malmquist(d, ["x"], ["y"], unit="u", period="t").index["malmquist"].round(3).tolist()
    [2.0, 1.0]
    """
    func = "malmquist"
    frame = require_frame(data, func)
    require_columns(frame, [unit, period], func, "unit/period columns")
    if isinstance(inputs, str):
        inputs = [inputs]
    if isinstance(outputs, str):
        outputs = [outputs]
    dup = frame.duplicated([unit, period])
    if dup.any():
        raise DataError(f"{func}: each unit must appear once per period; repeated (unit, period) in "
                        f"{format_rows(frame.index[dup])}")
    periods = sorted(frame[period].unique())
    if len(periods) < 2:
        raise DataError(f"{func}: needs at least 2 periods in column {period!r}, found {periods}")
    units = sorted(frame[unit].unique(), key=str)
    per = {}
    for p in periods:
        part = frame[frame[period] == p].set_index(unit)
        missing = [u for u in units if u not in part.index]
        if missing:
            raise DataError(f"{func}: the panel must be balanced; period {p} lacks units {missing[:10]}; "
                            f"drop those units or fill the period")
        x, _, _ = _prepare(part.loc[units], inputs, outputs, func)
        per[p] = x
    allx = pd.concat(per.values())
    scale_x = allx[inputs].mean().to_numpy()
    scale_y = allx[outputs].mean().to_numpy()
    XY = {p: ((v[inputs].to_numpy() / scale_x).T, (v[outputs].to_numpy() / scale_y).T) for p, v in per.items()}

    def score(ref, ev):
        X, Y = XY[ref]
        Xe, Ye = XY[ev]
        env = _lp.Envelopment(X, Y, Xe, Ye, vrs=False, orientation="input", own=ref == ev)
        return env.run(phases=1)[0]

    own = {p: score(p, p) for p in periods}
    rows = []
    for a, b in zip(periods[:-1], periods[1:]):
        d_ab = score(a, b)  # D^t(x^{t+1}, y^{t+1})
        d_ba = score(b, a)  # D^{t+1}(x^t, y^t)
        ec = own[b] / own[a]
        tc = np.sqrt((d_ab / own[b]) * (own[a] / d_ba))
        rows.append(pd.DataFrame({unit: units, period: b, "d_tt": own[a], "d_ss": own[b], "d_ts": d_ab,
                                  "d_st": d_ba, "efficiency_change": ec, "technical_change": tc,
                                  "malmquist": ec * tc}))
    index = pd.concat(rows).set_index([unit, period])
    logs = np.log(index[["efficiency_change", "technical_change", "malmquist"]])
    by_period = np.exp(logs.groupby(level=period).mean())
    by_period.index = pd.Index([f"{a}→{b}" for a, b in zip(periods[:-1], periods[1:])], name="period")
    return MalmquistResult(index, by_period, tuple(periods))
