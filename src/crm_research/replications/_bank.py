"""The bank CRM study (source document 001, example 9), simulated to match what it reports.

The paper reports: 500 questionnaires issued, 492 returned (98.4 %), 481 valid (96.2 % of
returned — but 481/492 is 97.8 %; 96.2 % is 481 of the 500 *issued*, which the replication
notebook points out); three constructs (customer relationship orientation, customer-centric management
system, relational information process), factor loadings all > 0.638, Cronbach's α all > 0.863;
hierarchical regression on relational information process: model 1 orientation β = 0.36,
F = 29.31, R² = 0.38; model 2 adds the management system, β = 0.32, R² = 0.46.

R² = 0.38 with F = 29.31 and n = 481 fits only a model with about ten predictors
(crm_research.audit.implied_predictors), so model 1 here holds orientation plus nine control
variables (the usual respondent and branch controls of such studies). The data are generated from
a latent-variable model whose four structural parameters are calibrated, with the random draws
held fixed, until the four published regression figures are reproduced at the precision they were
published with; the calibration is deterministic and its result is stored in ``_CALIBRATED``
(re-run :func:`calibrate` to regenerate it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core import lstsq

__all__ = ["bank_study", "calibrate", "BANK_STUDY_PUBLISHED", "CONTROLS"]

BANK_STUDY_PUBLISHED = {
    "issued": 500, "returned": 492, "valid": 481,
    "returned_rate": 98.4, "valid_rate": 96.2,
    "min_loading": 0.638, "min_alpha": 0.863,
    "model1_beta_orientation": 0.36, "model1_r2": 0.38, "model1_f": 29.31,
    "model2_beta_system": 0.32, "model2_r2": 0.46,
}

CONSTRUCTS = {"orientation": ["CRO1", "CRO2", "CRO3", "CRO4"],
              "system": ["CMS1", "CMS2", "CMS3", "CMS4"],
              "info_process": ["RIP1", "RIP2", "RIP3", "RIP4"]}

#: nine controls: respondent gender, age band, education, tenure, position; branch size;
#: bank type as three dummies (reference: state-owned)
CONTROLS = ["gender", "age_band", "education", "tenure_years", "position", "branch_staff_log",
            "bank_joint_stock", "bank_city_commercial", "bank_rural"]

_LOADINGS = {"orientation": (0.86, 0.83, 0.88, 0.80),
             "system": (0.84, 0.87, 0.81, 0.85),
             "info_process": (0.85, 0.82, 0.87, 0.84)}
_THRESHOLDS = np.array([-1.9, -1.0, -0.05, 1.05])       # 5-point answers, mildly agreeable
_CONTROL_EFFECTS = np.array([0.05, 0.30, 0.25, 0.35, 0.30, 0.40, -0.20, -0.25, -0.30])
_SEED = 2005
_N_RETURNED, _N_VALID = 492, 481

# (b_orientation, b_system, control_scale, residual_sd, rho_orientation_system); see calibrate()
_CALIBRATED = (0.2946999030053441, 0.5018812298484283, 0.715995192198516, 0.9528992819159654,
               0.5282278954847074)


def _draws(seed: int):
    rng = np.random.default_rng(seed)
    n = _N_RETURNED
    return {
        "z": rng.standard_normal((n, 3)),
        "controls": rng.standard_normal((n, 9)),
        "items": rng.standard_normal((n, 12)),
        "e": rng.standard_normal(n),
        "bank": rng.choice(4, size=n, p=[0.35, 0.30, 0.20, 0.15]),
        "invalid": rng.permutation(n)[: n - _N_VALID],
        "missing_items": rng.random((n, 12)),
    }


def _generate(params, d) -> pd.DataFrame:
    b_o, b_s, c_scale, sd_e, rho = params
    n = _N_RETURNED
    z = d["z"]
    ctrl_latent = d["controls"]
    o = z[:, 0]
    s = rho * o + np.sqrt(1 - rho**2) * z[:, 1]
    # controls: discrete/continuous respondent and branch characteristics built from the draws
    gender = (ctrl_latent[:, 0] > 0.1).astype(float)
    age_band = np.clip(np.round(3 + ctrl_latent[:, 1]), 1, 5)
    education = np.clip(np.round(2.6 + 0.8 * ctrl_latent[:, 2]), 1, 4)
    tenure = np.round(np.exp(1.6 + 0.6 * ctrl_latent[:, 3]), 1)
    position = np.clip(np.round(1.7 + 0.7 * ctrl_latent[:, 4]), 1, 3)
    branch = np.round(3.2 + 0.5 * ctrl_latent[:, 5], 3)
    bank = d["bank"]
    dummies = np.stack([(bank == k).astype(float) for k in (1, 2, 3)], axis=1)
    controls = np.column_stack([gender, age_band, education, tenure, position, branch, dummies])
    cz = (controls - controls.mean(0)) / controls.std(0)
    y = b_o * o + b_s * s + c_scale * cz @ _CONTROL_EFFECTS + sd_e * d["e"]
    y = (y - y.mean()) / y.std()
    latent = {"orientation": o, "system": s, "info_process": y}
    cols = {}
    j = 0
    for name, items in CONSTRUCTS.items():
        for item, lam in zip(items, _LOADINGS[name]):
            cont = lam * latent[name] + np.sqrt(1 - lam**2) * d["items"][:, j]
            cols[item] = 1 + np.searchsorted(_THRESHOLDS, cont).astype(float)
            j += 1
    frame = pd.DataFrame(cols)
    for k, c in enumerate(CONTROLS):
        frame[c] = controls[:, k]
    frame.insert(0, "respondent_id", [f"B{i + 1:03d}" for i in range(n)])
    # the 11 returned questionnaires that are not valid: most items left blank
    bad = d["invalid"]
    mask = d["missing_items"][bad] < 0.6
    item_cols = [c for items in CONSTRUCTS.values() for c in items]
    block = frame.loc[bad, item_cols].to_numpy()
    block[mask] = np.nan
    frame.loc[bad, item_cols] = block
    return frame


def _stats(frame: pd.DataFrame) -> dict:
    valid = frame.dropna(subset=[c for items in CONSTRUCTS.values() for c in items])
    score = {k: valid[v].mean(axis=1).to_numpy() for k, v in CONSTRUCTS.items()}
    y = score["info_process"]
    z = lambda a: (a - a.mean()) / a.std(ddof=1)
    X1 = np.column_stack([score["orientation"], valid[CONTROLS].to_numpy()])
    X2 = np.column_stack([X1, score["system"]])
    out = {"n_valid": len(valid)}
    for name, X in (("m1", X1), ("m2", X2)):
        Xs = np.column_stack([np.ones(len(y)), np.apply_along_axis(z, 0, X)])
        beta = lstsq.solve(Xs, z(y))
        resid = z(y) - Xs @ beta
        r2 = 1 - resid @ resid / ((len(y) - 1))
        out[name] = (beta, r2)
    k1 = X1.shape[1]
    r2_1 = out["m1"][1]
    return {"n_valid": out["n_valid"], "beta1": out["m1"][0][1], "r2_1": r2_1,
            "f1": (r2_1 / k1) / ((1 - r2_1) / (len(y) - k1 - 1)),
            "beta2_system": out["m2"][0][-1], "r2_2": out["m2"][1]}


def _loss(params, d):
    st = _stats(_generate(params, d))
    return ((st["beta1"] - 0.36) ** 2 + ((st["f1"] - 29.31) / 60) ** 2
            + (st["beta2_system"] - 0.32) ** 2 + (st["r2_2"] - 0.46) ** 2)


def matches_published(st: dict) -> bool:
    """Every published regression figure reproduced at the precision it was published with."""
    return (round(st["beta1"], 2) == 0.36 and round(st["r2_1"], 2) == 0.38
            and round(st["f1"], 2) == 29.31 and round(st["beta2_system"], 2) == 0.32
            and round(st["r2_2"], 2) == 0.46)


def calibrate(seed: int = _SEED, max_steps: int = 20000):
    """Find structural parameters that reproduce the published regression figures.

    Nelder–Mead from a sensible start, then (because 5-point answers make the figures step
    functions of the parameters) a seeded local random search until :func:`matches_published`.
    """
    from scipy.optimize import minimize

    d = _draws(seed)
    start = np.array([0.5, 0.45, 0.7, 0.8, 0.45])
    best = minimize(lambda p: _loss(p, d), start, method="Nelder-Mead",
                    options={"xatol": 1e-6, "fatol": 1e-12, "maxiter": 4000}).x
    best_loss = _loss(best, d)
    rng = np.random.default_rng(seed + 1)
    scale = 0.02
    for step in range(max_steps):
        if matches_published(_stats(_generate(best, d))):
            return tuple(float(x) for x in best)
        cand = best + rng.normal(scale=scale, size=best.size)
        cand[4] = np.clip(cand[4], 0.05, 0.9)
        loss = _loss(cand, d)
        if loss < best_loss:
            best, best_loss = cand, loss
        elif step % 500 == 499:
            scale = max(scale * 0.7, 1e-4)
    raise RuntimeError("bank study calibration did not reproduce the published figures")


def bank_study(seed: int = _SEED, params=None) -> pd.DataFrame:
    """The 492 returned questionnaires (481 valid, 11 with most answers missing).

    Columns: respondent_id, CRO1–CRO4 (orientation), CMS1–CMS4 (management system), RIP1–RIP4
    (relational information process), answered 1–5, and the nine controls in :data:`CONTROLS`.
    500 were issued (``BANK_STUDY_PUBLISHED["issued"]``).
    """
    p = params or _CALIBRATED or calibrate(seed)
    return _generate(p, _draws(seed))
