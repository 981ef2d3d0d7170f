"""crm_research.models: PLS-PM reproduces the published ECSI results and the seminr port; the
loyalty curve finds the break-points a brute-force search finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError
from crm_research.models import (ecsi_model, importance_performance, logistics_model, loyalty_curve, loyalty_stages,
                                  pls_mga, pls_path, pls_predict)

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference" / "models"


@pytest.fixture(scope="module")
def mobi():
    return pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")


@pytest.fixture(scope="module")
def fit(mobi):
    return pls_path(mobi, *ecsi_model())


def test_published_ecsi_paths(fit):
    p = fit.paths.set_index(["from", "to"])["estimate"]
    # Tenenhaus et al. (2005) / SmartPLS / seminr, path weighting
    assert round(p[("Image", "Expectation")], 4) == 0.5049
    assert round(p[("Quality", "Satisfaction")], 4) == 0.5120
    assert round(p[("Satisfaction", "Loyalty")], 4) == 0.4855


def test_all_estimates_match_seminr(fit):
    paths = pd.read_csv(REF / "seminr_path_coef.csv", index_col=0)
    for row in fit.paths.itertuples():
        assert_allclose(row.estimate, paths.loc[row._1, row.to], atol=1e-6)
    load = pd.read_csv(REF / "seminr_outer_loadings.csv", index_col=0)
    w = pd.read_csv(REF / "seminr_outer_weights.csv", index_col=0)
    for row in fit.loadings.itertuples():
        assert_allclose(row.loading, load.loc[row.item, row.construct], atol=1e-6)
    for row in fit.weights.itertuples():
        assert_allclose(row.weight, w.loc[row.item, row.construct], atol=1e-6)
    r2 = pd.read_csv(REF / "seminr_r_squared.csv", index_col=0).loc["Rsq"]
    assert_allclose(fit.r2[r2.index], r2, atol=1e-6)


def test_total_effects_and_index(fit, mobi):
    p = fit.paths.set_index(["from", "to"])["estimate"]
    # Quality → Loyalty runs only through Satisfaction (directly and via Value, then Complaints)
    q_sat = p[("Quality", "Satisfaction")] + p[("Quality", "Value")] * p[("Value", "Satisfaction")]
    sat_loy = p[("Satisfaction", "Loyalty")] + p[("Satisfaction", "Complaints")] * p[("Complaints", "Loyalty")]
    assert_allclose(fit.total_effects.loc["Quality", "Loyalty"], q_sat * sat_loy, rtol=1e-10)
    # index of a one-item construct is its rescaled mean
    assert_allclose(fit.index["Complaints"], 100 * (mobi["CUSCO"].mean() - 1) / 9, rtol=1e-10)
    ipm = importance_performance(fit, "Satisfaction")
    assert set(ipm.index) == {"Image", "Expectation", "Quality", "Value"}
    assert_allclose(ipm.loc["Value", "importance"], p[("Value", "Satisfaction")])


def test_bootstrap_is_seeded_and_sensible(mobi):
    a = pls_path(mobi, *ecsi_model(), n_boot=200, seed=4)
    b = pls_path(mobi, *ecsi_model(), n_boot=200, seed=4)
    pd.testing.assert_frame_equal(a.paths, b.paths)
    big = a.paths.set_index(["from", "to"]).loc[("Satisfaction", "Loyalty")]
    assert big["ci_low"] < big["estimate"] < big["ci_high"] and big["p"] < 0.001
    assert (a.paths["se"] > 0).all() and (a.paths["se"] < 0.2).all()


def test_invariance_to_column_order(mobi, fit):
    shuffled = mobi[list(reversed(mobi.columns))].sample(frac=1, random_state=2)
    again = pls_path(shuffled, *ecsi_model())
    assert_allclose(again.paths["estimate"], fit.paths["estimate"], atol=1e-9)


def test_logistics_model_on_sample_survey():
    from crm_research.survey import load_survey

    s = load_survey(ROOT / "data" / "sample" / "survey_2026Q1.csv", "logistics_csl")
    kept = s.screen(min_duration=120).kept.index
    data = s.keyed().loc[kept]
    res = pls_path(data, *logistics_model())
    p = res.paths.set_index(["from", "to"])["estimate"]
    assert p[("value", "satisfaction")] > 0 and p[("satisfaction", "loyalty_conative")] > 0.2
    assert res.r2["satisfaction"] > 0.3
    assert ((res.index > 0) & (res.index < 100)).all()


def test_loyalty_curve_matches_brute_force():
    rng = np.random.default_rng(5)
    s = rng.uniform(1, 5, 600)
    truth = np.where(s < 2.2, 1.0 * (s - 2.2), np.where(s > 3.8, 0.2 * 1.6 + 1.2 * (s - 3.8), 0.2 * (s - 2.2)))
    y = 3 + truth + rng.normal(scale=0.25, size=600)
    d = pd.DataFrame({"sat": s, "loy": y})
    res = loyalty_curve(d, "sat", "loy")
    grid = np.linspace(1.3, 4.7, 69)
    best = (np.inf, None)
    for i, b1 in enumerate(grid):
        for b2 in grid[i + 1:]:
            a = np.column_stack([np.ones_like(s), s, np.maximum(s - b1, 0), np.maximum(s - b2, 0)])
            r = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
            if r @ r < best[0]:
                best = (r @ r, (b1, b2))
    assert res.comparison.loc["segmented", "rss"] <= best[0] + 1e-9
    assert_allclose(res.breakpoints, best[1], atol=0.06)
    assert abs(res.breakpoints[0] - 2.2) < 0.2 and abs(res.breakpoints[1] - 3.8) < 0.2
    assert res.comparison["aic"].idxmin() == "segmented" and res.f_test["p"] < 1e-6
    assert list(res.zones["zone"]) == ["defection", "indifference", "affection"]
    lin = np.polyfit(s, y, 1)
    r = y - np.polyval(lin, s)
    assert_allclose(res.comparison.loc["linear", "rss"], r @ r, rtol=1e-10)


def test_loyalty_stages():
    sc = pd.DataFrame({"loyalty_cognitive": [4.5, 3.0], "loyalty_affective": [4.0, 2.0],
                       "loyalty_conative": [3.5, 4.5], "loyalty_action": [2.0, 1.0]})
    out = loyalty_stages(sc)
    assert out["stage_reached"].tolist() == ["loyalty_affective", "loyalty_conative"]


@pytest.mark.parametrize("structural, message", [
    ([("Image", "Nope")], r"names unknown construct 'Nope'"),
    ([("Image", "Value"), ("Value", "Image")], r"structural model has a cycle"),
    (["Image"], r"structural entries must be \(source, target\) pairs"),
])
def test_bad_structural_models(mobi, structural, message):
    mm, _ = ecsi_model()
    with pytest.raises(DataError, match=message):
        pls_path(mobi, mm, structural)


def test_bad_measurement(mobi):
    mm, sm = ecsi_model()
    with pytest.raises(DataError, match=r"construct 'Image': items not found in data: \['IMAG9'\]"):
        pls_path(mobi, {**mm, "Image": ["IMAG1", "IMAG9"]}, sm)
    with pytest.raises(DataError, match=r"indicators with no variance: \['CUSCO'\]"):
        pls_path(mobi.assign(CUSCO=5), mm, sm)


# --- the PLS-SEM assessment SmartPLS reports, against the seminr port (reference/models/make_pls_assessment.py) ---


def _seminr(name):
    return pd.read_csv(REF / f"seminr_{name}.csv", index_col=0)


def _path_errors(paths, ref):
    return [abs(r["estimate"] - ref.loc[r["from"], r["to"]]) for _, r in paths.iterrows()]


def test_reliability_matches_seminr(fit):
    ref = _seminr("reliability").rename(columns={"rhoA": "rho_a", "rhoC": "rho_c", "AVE": "ave"})
    got = fit.reliability
    assert list(got.columns) == ["alpha", "rho_a", "rho_c", "ave"]
    assert_allclose(got.to_numpy(), ref.loc[got.index, got.columns].to_numpy(), rtol=0, atol=1e-8)


def test_htmt_cross_loadings_and_outer_vif_match_seminr(fit):
    ref = _seminr("htmt")               # seminr fills one triangle only
    got = fit.htmt.loc[ref.index, ref.columns].to_numpy()
    have = ~np.isnan(ref.to_numpy())
    assert have.sum() == 21
    assert_allclose(got[have], ref.to_numpy()[have], rtol=0, atol=1e-10)
    assert_allclose(fit.htmt.to_numpy(), fit.htmt.to_numpy().T, equal_nan=True)
    cl = _seminr("cross_loadings")
    assert_allclose(fit.cross_loadings.to_numpy(), cl.loc[fit.cross_loadings.index, fit.cross_loadings.columns],
                    rtol=0, atol=1e-8)
    ov = _seminr("item_vif").iloc[:, 0]
    assert_allclose(fit.outer_vif.to_numpy(), ov.loc[fit.outer_vif.index].to_numpy(), rtol=0, atol=1e-9)


def test_f2_and_inner_vif_match_seminr(fit):
    fs = _seminr("f_square")
    assert len(fit.f2) == len(fit.paths)
    assert max(abs(r["f2"] - fs.loc[r["from"], r["to"]]) for _, r in fit.f2.iterrows()) < 1e-8
    ref = pd.read_csv(REF / "seminr_inner_vif.csv").set_index(["from", "to"])["vif"]
    got = fit.vif.set_index(["from", "to"])["vif"]
    ref = ref.loc[got.index]
    assert_allclose(got[ref.notna()], ref[ref.notna()], rtol=0, atol=1e-8)
    assert (got[ref.isna()] == 1).all()       # a single predictor: VIF 1 (seminr leaves it blank)


def test_mean_replacement_is_the_default_and_matches_seminr(mobi):
    holes = pd.read_csv(REF / "mobi_missing.csv")
    m, s = ecsi_model()
    items = [i for cols in m.values() for i in cols]
    got = pls_path(holes, m, s)
    assert got.n_replaced == int(holes[items].isna().sum().sum()) > 0
    assert got.n_used == len(holes)
    assert max(_path_errors(got.paths, _seminr("missing_path_coef"))) < 1e-8
    lo = _seminr("missing_outer_loadings")
    assert max(abs(r["loading"] - lo.loc[r["item"], r["construct"]]) for _, r in got.loadings.iterrows()) < 1e-8
    lw = pls_path(holes, m, s, missing="listwise")
    assert lw.n_replaced == 0 and lw.n_used == int(holes[items].notna().all(axis=1).sum()) < len(holes)


def test_mode_b_matches_seminr(mobi):
    m, s = ecsi_model()
    got = pls_path(mobi, m, s, modes={"Quality": "B", "Image": "B"})
    assert got.modes["Quality"] == "B" and got.modes["Value"] == "A"
    assert max(_path_errors(got.paths, _seminr("modeB_path_coef"))) < 1e-8
    ow = _seminr("modeB_outer_weights")
    assert max(abs(r["weight"] - ow.loc[r["item"], r["construct"]]) for _, r in got.weights.iterrows()) < 1e-7


@pytest.mark.parametrize("kwargs, message", [
    ({"missing": "drop"}, r"pls_path: missing='drop' is not one of \['mean', 'listwise'\]"),
    ({"modes": {"Imag": "B"}}, r"pls_path: modes names unknown constructs \['Imag'\]"),
    ({"modes": {"Image": "C"}}, r"pls_path: modes must map a construct to 'A' \(reflective\) or 'B'"),
])
def test_pls_bad_missing_and_modes(mobi, kwargs, message):
    m, s = ecsi_model()
    with pytest.raises(DataError, match=message):
        pls_path(mobi, m, s, **kwargs)


def test_bootstrap_equals_refitting_each_resample(mobi):
    """The covariance-space bootstrap gives, resample by resample, what refitting pls_path on the
    resampled rows gives (paths, loadings, weights, total and specific indirect effects), and HTMT
    what validity.htmt computes on those rows."""
    from crm_research.validity import htmt

    meas, struct = ecsi_model()
    n_boot, seed = 40, 11
    res = pls_path(mobi, meas, struct, n_boot=n_boot, seed=seed)
    idx = np.random.default_rng(seed).integers(0, len(mobi), size=(n_boot, len(mobi)))
    rows = {}
    for b in range(n_boot):
        r = pls_path(mobi.iloc[idx[b]].reset_index(drop=True), meas, struct)
        te = r.total_effects
        vals = {("path", f, t): e for f, t, e in r.paths[["from", "to", "estimate"]].itertuples(index=False)}
        vals |= {("loading", c, i): v for c, i, v in r.loadings.itertuples(index=False)}
        vals |= {("weight", c, i): v for c, i, v in r.weights.itertuples(index=False)}
        vals[("total", "Image", "Loyalty")] = te.loc["Image", "Loyalty"]
        vals[("total_indirect", "Expectation", "Satisfaction")] = (te.loc["Expectation", "Satisfaction"]
                                                                    - r.paths.set_index(["from", "to"]).loc[("Expectation", "Satisfaction"), "estimate"])
        p = r.paths.set_index(["from", "to"])["estimate"]
        vals[("specific_indirect", "Image", "Loyalty")] = p[("Image", "Satisfaction")] * p[("Satisfaction", "Complaints")] * p[("Complaints", "Loyalty")]
        h = htmt(mobi.iloc[idx[b]], {c: meas[c] for c in ("Image", "Value")}, htmt2=False)
        vals[("htmt", "Image", "Value")] = h.loc["Image", "Value"]
        for k, v in vals.items():
            rows.setdefault(k, []).append(v)
    boot = res.bootstrap.copy()
    via = "Image → Satisfaction → Complaints → Loyalty"
    boot = boot[(boot["kind"] != "specific_indirect") | (boot["via"] == via)].set_index(["kind", "from", "to"])
    for key, draws in rows.items():
        row = boot.loc[key]
        assert_allclose(row["se"], np.std(draws, ddof=1), rtol=1e-7, atol=1e-12, err_msg=str(key))
        assert_allclose([row["ci_low"], row["ci_high"]], np.quantile(draws, [0.025, 0.975]), rtol=1e-7, atol=1e-12, err_msg=str(key))
    assert_allclose(res.paths["se"], boot.loc["path"].loc[list(zip(res.paths["from"], res.paths["to"])), "se"])


def test_bootstrap_table_is_complete_and_consistent(mobi, fit):
    res = pls_path(mobi, *ecsi_model(), n_boot=100, seed=2)
    b = res.bootstrap
    assert set(b["kind"]) == {"path", "total", "total_indirect", "specific_indirect", "loading", "weight", "htmt"}
    # point estimates are those of the fit
    lo = b[b["kind"] == "loading"].set_index("to")["estimate"]
    assert_allclose(lo[fit.loadings["item"]], fit.loadings["loading"], atol=1e-12)
    h = b[b["kind"] == "htmt"]
    assert_allclose(h["estimate"], [fit.htmt.loc[f, t] for f, t in zip(h["from"], h["to"])], atol=1e-12)
    assert h["p"].isna().all() and (h["ci_low"] < h["estimate"]).all()
    # the specific indirect effects from one construct to another add up to the total indirect effect
    spec = b[b["kind"] == "specific_indirect"].groupby(["from", "to"])["estimate"].sum()
    tot = b[b["kind"] == "total_indirect"].set_index(["from", "to"])["estimate"]
    assert_allclose(spec[tot.index], tot, atol=1e-12)
    assert fit.bootstrap is None


# --- PLSpredict against the seminr port given the same shuffles (reference/models/make_pls_predict.py) ---


@pytest.mark.parametrize("technique", ["EA", "DA"])
def test_pls_predict_matches_seminr(mobi, technique):
    got = pls_predict(mobi, *ecsi_model(), folds=10, repeats=10, seed=2019, technique=technique)
    ref = pd.read_csv(REF / f"seminr_predict_{technique}.csv", index_col=0)
    assert list(got.columns) == ["construct", "q2_predict", "rmse", "mae", "lm_rmse", "lm_mae"]
    assert sorted(got.index) == sorted(ref.index) and len(got) == 19      # the endogenous constructs' items
    assert_allclose(got[ref.columns].to_numpy(), ref.loc[got.index].to_numpy(), rtol=0, atol=1e-9)
    assert got.loc["CUSA1", "construct"] == "Satisfaction"


def test_pls_predict_seeded_and_invariant(mobi):
    a = pls_predict(mobi, *ecsi_model(), folds=5, repeats=2, seed=7)
    b = pls_predict(mobi[list(reversed(mobi.columns))], *ecsi_model(), folds=5, repeats=2, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = pls_predict(mobi, *ecsi_model(), folds=5, repeats=2, seed=8)
    assert not np.allclose(a["rmse"], c["rmse"])
    # Q²predict is 1 − SSE/SSE(naive): with folds = n the naive prediction of case i is the mean of
    # the others, whose error is n/(n − 1) times the deviation from the full mean
    m, s = ecsi_model()
    small = mobi.iloc[:60]
    loo = pls_predict(small, m, s, folds=60, repeats=1, seed=0)
    y = small["CUSL1"]
    sse_naive = ((y - y.mean()) ** 2).sum() * (60 / 59) ** 2
    assert_allclose(loo.loc["CUSL1", "q2_predict"], 1 - loo.loc["CUSL1", "rmse"] ** 2 * 60 / sse_naive, rtol=1e-10)


@pytest.mark.parametrize("kwargs, message", [
    ({"folds": 1}, r"pls_predict: folds=1 .*≥ 2"),
    ({"folds": 251}, r"pls_predict: folds=251 is more than the 250 cases"),
    ({"repeats": 0}, r"pls_predict: repeats=0"),
    ({"technique": "XA"}, r"pls_predict: technique='XA' is not one of \['EA', 'DA'\]"),
])
def test_pls_predict_bad_input(mobi, kwargs, message):
    with pytest.raises(DataError, match=message):
        pls_predict(mobi, *ecsi_model(), **kwargs)


# --- permutation MGA (Chin & Dibbern 2010) against refitting pls_path group by group ---


def test_pls_mga_equals_refitting_each_permutation(mobi):
    meas, struct = ecsi_model()
    d = mobi.assign(segment=np.where(mobi["CUEX1"] + np.arange(len(mobi)) % 3 > 7, "high", "low"))
    n_perm, seed = 25, 3
    got = pls_mga(d, meas, struct, group="segment", n_perm=n_perm, seed=seed)
    assert list(got.columns) == ["from", "to", "high", "low", "difference", "p"]
    first = (d["segment"] == "high").to_numpy()
    fits = [pls_path(d[m], meas, struct).paths for m in (first, ~first)]
    assert_allclose(got["high"], fits[0]["estimate"], rtol=0, atol=1e-8)     # iteration stops at Δw < 1e-7
    assert_allclose(got["low"], fits[1]["estimate"], rtol=0, atol=1e-8)
    assert_allclose(got["difference"], got["high"] - got["low"], rtol=0, atol=1e-15)
    rng = np.random.default_rng(seed)
    exceed = np.zeros(len(got))
    for _ in range(n_perm):
        m = rng.permutation(first)
        diff = pls_path(d[m], meas, struct).paths["estimate"].to_numpy() - pls_path(d[~m], meas, struct).paths["estimate"].to_numpy()
        exceed += np.abs(diff) >= np.abs(got["difference"].to_numpy())
    assert_allclose(got["p"], exceed / n_perm, rtol=0, atol=1e-12)


def test_pls_mga_finds_a_true_difference_and_not_a_false_one():
    rng = np.random.default_rng(9)
    n = 300
    g = np.repeat(["a", "b"], n // 2)
    xi = rng.normal(size=n)
    eta = np.where(g == "a", 0.7, 0.0) * xi + rng.normal(scale=0.7, size=n)
    zeta = 0.5 * eta + rng.normal(scale=0.8, size=n)      # same in both groups
    cols = {f"x{k}": xi + rng.normal(scale=0.6, size=n) for k in range(3)}
    cols |= {f"y{k}": eta + rng.normal(scale=0.6, size=n) for k in range(3)}
    cols |= {f"z{k}": zeta + rng.normal(scale=0.6, size=n) for k in range(3)}
    d = pd.DataFrame(cols).assign(g=g)
    m = {"X": ["x0", "x1", "x2"], "Y": ["y0", "y1", "y2"], "Z": ["z0", "z1", "z2"]}
    out = pls_mga(d, m, [("X", "Y"), ("Y", "Z")], group="g", n_perm=500, seed=1).set_index(["from", "to"])
    assert out.loc[("X", "Y"), "difference"] > 0.4 and out.loc[("X", "Y"), "p"] < 0.01
    assert out.loc[("Y", "Z"), "p"] > 0.05


@pytest.mark.parametrize("change, group, message", [
    (lambda d: d, "nope", r"pls_mga: group must name a column of data .*got 'nope'"),
    (lambda d: d.assign(g=np.arange(len(d)) % 3), "g", r"pls_mga: group column 'g' must hold exactly two groups, found 3"),
    (lambda d: d.assign(g=np.where(np.arange(len(d)) < 5, "few", "many")), "g", r"pls_mga: group 'few' of 'g' has 5 cases"),
    (lambda d: d.assign(g=[np.nan] + [1] * 124 + [2] * 125), "g", r"pls_mga: group column 'g' is empty in 1 cases"),
])
def test_pls_mga_bad_group(mobi, change, group, message):
    with pytest.raises(DataError, match=message):
        pls_mga(change(mobi), *ecsi_model(), group=group, n_perm=10)


# --- consistent PLS (PLSc): R seminr's fixtures and the seminr port (reference/models/make_pls_consistent.py) ---


def test_plsc_matches_r_seminr_fixture(mobi):
    m = {"Image": [f"IMAG{i}" for i in range(1, 6)], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
         "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"]}
    got = pls_path(mobi, m, [(c, "Satisfaction") for c in ("Image", "Expectation", "Value")],
                   scheme="factorial", consistent=True)
    assert got.consistent
    paths = _seminr("R_plsc_path_coef1")
    assert max(_path_errors(got.paths, paths)) < 1e-6       # R's expect_equal tolerance is 1e-5
    lo = _seminr("R_plsc_loadings1")
    assert max(abs(r["loading"] - lo.loc[r["item"], r["construct"]]) for _, r in got.loadings.iterrows()) < 1e-6
    assert_allclose(got.r2["Satisfaction"], _seminr("R_plsc_rsquaredplsc").loc["Rsq", "Satisfaction"], rtol=0, atol=1e-7)
    plain = pls_path(mobi, m, [(c, "Satisfaction") for c in ("Image", "Expectation", "Value")], scheme="factorial")
    assert got.r2["Satisfaction"] > plain.r2["Satisfaction"] + 0.1     # disattenuation raises R²
    assert_allclose(got.weights["weight"], plain.weights["weight"], atol=1e-12)


def test_plsc_ecsi_matches_seminr_port(mobi):
    got = pls_path(mobi, *ecsi_model(), consistent=True)
    assert max(_path_errors(got.paths, _seminr("plsc_path_coef"))) < 1e-8
    lo = _seminr("plsc_outer_loadings")
    assert max(abs(r["loading"] - lo.loc[r["item"], r["construct"]]) for _, r in got.loadings.iterrows()) < 1e-8
    r2 = _seminr("plsc_r_squared").loc["Rsq"]
    assert_allclose(got.r2[r2.index], r2, rtol=0, atol=1e-8)
    rel = _seminr("plsc_reliability").rename(columns={"rhoA": "rho_a", "rhoC": "rho_c", "AVE": "ave"})
    assert_allclose(got.reliability.to_numpy(), rel.loc[got.reliability.index, got.reliability.columns].to_numpy(),
                    rtol=0, atol=1e-8)
    fs = _seminr("plsc_f_square")
    assert max(abs(r["f2"] - fs.loc[r["from"], r["to"]]) for _, r in got.f2.iterrows()) < 1e-7
    p = got.paths.set_index(["from", "to"])["estimate"]
    assert_allclose(got.total_effects.loc["Value", "Loyalty"],
                    p[("Value", "Satisfaction")] * (p[("Satisfaction", "Loyalty")] + p[("Satisfaction", "Complaints")]
                                                    * p[("Complaints", "Loyalty")]), rtol=1e-12)


def test_plsc_mode_b_constructs_are_composites(mobi):
    m, s = ecsi_model()
    got = pls_path(mobi, m, s, modes={"Quality": "B"}, consistent=True)
    plain = pls_path(mobi, m, s, modes={"Quality": "B"})
    q = got.loadings["construct"] == "Quality"
    assert_allclose(got.loadings.loc[q, "loading"], plain.loadings.loc[q, "loading"], atol=1e-12)
    assert not np.allclose(got.loadings.loc[~q, "loading"], plain.loadings.loc[~q, "loading"])


def test_plsc_bootstrap_equals_refitting_each_resample(mobi):
    meas, struct = ecsi_model()
    n_boot, seed = 12, 5
    res = pls_path(mobi, meas, struct, consistent=True, n_boot=n_boot, seed=seed)
    idx = np.random.default_rng(seed).integers(0, len(mobi), size=(n_boot, len(mobi)))
    draws = np.array([pls_path(mobi.iloc[i].reset_index(drop=True), meas, struct, consistent=True).paths["estimate"]
                      for i in idx])
    assert_allclose(res.paths["se"], draws.std(axis=0, ddof=1), rtol=1e-6, atol=1e-9)
    lo = res.bootstrap[res.bootstrap["kind"] == "loading"].set_index("to")["estimate"]
    assert_allclose(lo[res.loadings["item"]], res.loadings["loading"], atol=1e-12)


def test_plsc_bad_flag(mobi):
    with pytest.raises(DataError, match=r"pls_path: consistent='yes' is not one of \[False, True\]"):
        pls_path(mobi, *ecsi_model(), consistent="yes")


# --- higher-order constructs: R seminr's two-stage fixtures and the seminr port (reference/models/make_pls_higher_order.py) ---


HOC_MEAS = {"Image": [f"IMAG{i}" for i in range(1, 6)], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
            "Quality": [f"PERQ{i}" for i in range(1, 8)], "Value": ["PERV1", "PERV2"], "Complaints": ["CUSCO"],
            "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
HOC_PATHS = [("Expectation", "Satisfaction"), ("Quality", "Satisfaction"), ("Satisfaction", ["Complaints", "Loyalty"])]
HOC = {"Satisfaction": ["Image", "Value"]}


def _long(name):
    """A seminr construct matrix as (item, construct) → value, its zeros left out (items may repeat)."""
    t = _seminr(name).stack()
    return t[t != 0]


def test_two_stage_hoc_matches_r_seminr(mobi):
    got = pls_path(mobi, HOC_MEAS, HOC_PATHS, higher_order=HOC)
    assert max(_path_errors(got.paths, _seminr("R_hoc_paths"))) < 1e-8
    for field, col, ref in ((got.loadings, "loading", "R_hoc_loadings"), (got.weights, "weight", "R_hoc_weights")):
        ref = _long(ref)
        assert len(field) == len(ref) == 23
        assert_allclose(field.set_index(["item", "construct"])[col].loc[ref.index], ref, rtol=0, atol=1e-8)
    assert got.higher_order == HOC and got.stage1 is not None
    assert list(got.stage1.paths.query("to == 'Image'")["from"]) == ["Expectation", "Quality"]
    assert {"Image", "Value", "Satisfaction"} <= set(got.reliability.index)
    assert {"Image", "Value"} <= set(got.scores.columns)
    # the stage-2 indicators of Satisfaction are the stage-1 scores: its index lies between theirs
    lo, hi = sorted(got.stage1.index[["Image", "Value"]])
    assert lo < got.index["Satisfaction"] < hi
    boot = pls_path(mobi, HOC_MEAS, HOC_PATHS, higher_order=HOC, n_boot=50, seed=1)
    assert_allclose(boot.paths["estimate"], got.paths["estimate"], atol=1e-12)
    assert (boot.paths["se"] > 0).all()


def test_repeated_indicators_hoc_matches_seminr_port(mobi):
    got = pls_path(mobi, HOC_MEAS, HOC_PATHS, higher_order=HOC, hoc_method="repeated")
    assert max(_path_errors(got.paths, _seminr("repeated_path_coef"))) < 1e-8
    assert set(zip(got.paths["from"], got.paths["to"])) >= {("Satisfaction", "Image"), ("Satisfaction", "Value")}
    ref = _long("repeated_outer_loadings")
    assert len(got.loadings) == len(ref) == 28                 # 21 items, IMAG1–5 and PERV1–2 twice
    assert_allclose(got.loadings.set_index(["item", "construct"])["loading"].loc[ref.index], ref, rtol=0, atol=1e-7)
    r2 = _seminr("repeated_r_squared").loc["Rsq"]
    assert_allclose(got.r2[r2.index], r2, rtol=0, atol=1e-8)
    formative = pls_path(mobi, HOC_MEAS, HOC_PATHS, higher_order=HOC, hoc_method="repeated", modes={"Satisfaction": "B"})
    assert ("Image", "Satisfaction") in set(zip(formative.paths["from"], formative.paths["to"]))


@pytest.mark.parametrize("measurement, structural, higher_order, message", [
    (HOC_MEAS | {"Satisfaction": ["CUSA1"]}, HOC_PATHS, HOC, r"higher-order construct 'Satisfaction' must not have items"),
    (HOC_MEAS, HOC_PATHS, {"Satisfaction": ["Image", "Valu"]}, r"higher_order\['Satisfaction'\] .*not in measurement: \['Valu'\]"),
    (HOC_MEAS, HOC_PATHS, {"Satisfaction": ["Image"]}, r"higher_order\['Satisfaction'\] must list two or more"),
    (HOC_MEAS, HOC_PATHS + [("Image", "Loyalty")], HOC, r"lower-order constructs \['Image'\] of 'Satisfaction'"),
    (HOC_MEAS, HOC_PATHS, {"Delight": ["Image", "Value"]}, r"higher-order construct 'Delight' is in no structural path"),
    (HOC_MEAS, HOC_PATHS, ["Image", "Value"], r"higher_order must map a higher-order construct"),
])
def test_bad_higher_order(mobi, measurement, structural, higher_order, message):
    with pytest.raises(DataError, match="pls_path: " + message):
        pls_path(mobi, measurement, structural, higher_order=higher_order)
    with pytest.raises(DataError, match=r"hoc_method='three_stage' is not one of"):
        pls_path(mobi, HOC_MEAS, HOC_PATHS, higher_order=HOC, hoc_method="three_stage")
