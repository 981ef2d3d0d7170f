"""crm_research.regression agrees with R's lm/anova, psych::describe and MASS::polr."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError, StatWarning
from crm_research import regression as r

REF = Path(__file__).parent / "reference" / "regression"
BLOCKS = [["type"], ["quality", "value"], ["satisfaction"]]
CAT = {"type": "manufacturer"}


@pytest.fixture(scope="module")
def d():
    return pd.read_csv(REF / "survey.csv")


@pytest.fixture(scope="module")
def hier(d):
    return r.hierarchical(d, "loyalty", BLOCKS, categorical=CAT)


def _rterm(t):
    return {"(Intercept)": "(intercept)", "typedistributor": "type[distributor]", "typeretailer": "type[retailer]"}.get(t, t)


def test_hierarchical_steps_match_r_anova(hier):
    ref = pd.read_csv(REF / "hierarchical_steps.csv")
    for col in ["r2", "adj_r2", "f_change", "df1", "df2", "p_change"]:
        assert_allclose(hier.steps[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-8, atol=1e-12, err_msg=col)
    assert_allclose(hier.steps["delta_r2"], np.diff(np.concatenate([[0], ref["r2"]])), rtol=1e-8)
    assert hier.n == 298 and hier.n_dropped == 2


def test_hierarchical_coefficients_match_r_lm(hier):
    ref = pd.read_csv(REF / "hierarchical_coefs.csv")
    ref["term"] = ref["term"].map(_rterm)
    got = hier.coefficients.set_index(["step", "term"])
    want = ref.set_index(["step", "term"])
    for col in ["b", "se", "t", "p"]:
        assert_allclose(got.loc[want.index, col], want[col], rtol=1e-8, atol=1e-14, err_msg=col)


def test_beta_hc3_and_vif_match_r(d):
    res = r.ols(d, "loyalty", ["type", "quality", "value", "satisfaction"], categorical=CAT)
    beta = pd.read_csv(REF / "betas_step3.csv").assign(term=lambda t: t["term"].map(_rterm)).set_index("term")["beta"]
    assert_allclose(res.coefficients.loc[beta.index, "beta"], beta, rtol=1e-8)
    vif = pd.read_csv(REF / "vif_step3.csv").assign(term=lambda t: t["term"].map(_rterm)).set_index("term")["vif"]
    assert_allclose(res.coefficients.loc[vif.index, "vif"], vif, rtol=1e-8)
    rob = r.ols(d, "loyalty", ["type", "quality", "value", "satisfaction"], categorical=CAT, robust="HC3")
    hc3 = pd.read_csv(REF / "hc3_step3.csv").assign(term=lambda t: t["term"].map(_rterm)).set_index("term")["se_hc3"]
    assert_allclose(rob.coefficients.loc[hc3.index, "se"], hc3, rtol=1e-8)
    assert_allclose(rob.coefficients["b"], res.coefficients["b"], rtol=1e-12)


def test_describe_matches_psych_type2(d):
    ref = pd.read_csv(REF / "describe.csv").set_index("var")
    got = r.describe(d, ["quality", "value", "satisfaction", "loyalty"])
    for col in ["n", "mean", "sd", "skew", "kurtosis"]:
        assert_allclose(got[col].to_numpy(float), ref.loc[got.index, col].to_numpy(float), rtol=1e-10, err_msg=col)


def test_ordinal_logit_matches_polr(d):
    ref = pd.read_csv(REF / "polr.csv").set_index("term")["estimate"]
    res = r.ordinal_logit(d, "likert", ["satisfaction", "switching"])
    assert_allclose(res.coefficients["b"], ref[["satisfaction", "switching"]], atol=1e-4)
    assert_allclose(res.thresholds.to_numpy(), ref[["1|2", "2|3", "3|4", "4|5"]].to_numpy(), atol=1e-4)


def test_mediation_paths_match_r(d):
    ref = pd.read_csv(REF / "mediation_paths.csv").iloc[0]
    m = r.mediation(d, "quality", "satisfaction", "loyalty", covariates=["switching"], n_boot=0)
    assert_allclose([m.a, m.b, m.direct, m.total, m.indirect], ref[["a", "b", "direct", "total", "indirect"]], rtol=1e-10)
    # in OLS the total effect decomposes exactly: c = c' + a·b
    assert_allclose(m.total, m.direct + m.indirect, rtol=1e-10)


def test_mediation_bootstrap_equals_plain_loop(d):
    m = r.mediation(d, "quality", "satisfaction", "loyalty", covariates=["switching"], n_boot=400, seed=7)
    sub = d[["quality", "satisfaction", "loyalty", "switching"]].dropna().to_numpy()
    n = len(sub)
    idx = np.random.default_rng(7).integers(0, n, size=(400, n))
    boot = []
    for row in idx:
        s = sub[row]
        one = np.ones(n)
        a = np.linalg.lstsq(np.column_stack([one, s[:, 0], s[:, 3]]), s[:, 1], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, s[:, 0], s[:, 1], s[:, 3]]), s[:, 2], rcond=None)[0][2]
        boot.append(a * b)
    assert_allclose(m.ci, np.quantile(boot, [0.025, 0.975]), rtol=1e-9)
    assert_allclose(m.se_boot, np.std(boot, ddof=1), rtol=1e-9)
    again = r.mediation(d, "quality", "satisfaction", "loyalty", covariates=["switching"], n_boot=400, seed=7)
    assert again.ci == m.ci and again.ci_bc == m.ci_bc


def test_parallel_mediation(d):
    m = r.mediation(d, "quality", ["satisfaction", "value"], "loyalty", n_boot=300, seed=1)
    e = m.effects
    assert list(e.index) == ["satisfaction", "value", "total"]
    assert_allclose(e.loc["total", "indirect"], e.loc["satisfaction", "indirect"] + e.loc["value", "indirect"])
    assert_allclose(m.indirect, e.loc["total", "indirect"])
    assert np.isnan(m.a)
    assert_allclose(m.total, m.direct + m.indirect, rtol=1e-10)
    assert m.ci == (e.loc["total", "ci_low"], e.loc["total", "ci_high"]) and m.ci[0] < m.ci[1]
    single = r.mediation(d, "quality", "satisfaction", "loyalty", n_boot=0)
    assert type(single.a) is float and type(single.indirect) is float and len(single.effects) == 1
    assert np.isnan(single.ci[0]) and np.isnan(single.se_boot)


def test_moderation_matches_r(d):
    ref = pd.read_csv(REF / "moderation_slopes.csv")
    mo = r.moderation(d.dropna(), "quality", "switching", "loyalty")
    for col in ["w", "slope", "se", "t", "p"]:
        assert_allclose(mo.simple_slopes[col].to_numpy(), ref[col].to_numpy(), rtol=1e-8, err_msg=col)
    jn = pd.read_csv(REF / "moderation_jn.csv")
    assert_allclose(mo.johnson_neyman, jn["jn"].to_numpy(), rtol=1e-8)
    assert_allclose(mo.coefficients.loc["quality×switching", "b"], jn["b_int"].iloc[0], rtol=1e-10)


def test_moderated_mediation_index(d):
    mm = r.moderated_mediation(d, "quality", "satisfaction", "loyalty", "switching", n_boot=300, seed=2)
    a3 = mm.paths.iloc[2]["estimate"]
    b = mm.paths.iloc[3]["estimate"]
    assert_allclose(mm.index, a3 * b)
    ci = mm.conditional_indirect
    assert_allclose(ci["indirect"].diff().dropna().to_numpy(), a3 * b * ci["w"].diff().dropna().to_numpy())
    assert mm.ci[0] < mm.ci[1]


def test_correlation_table_stars_and_warning(d):
    res = r.correlation_table(d, ["quality", "satisfaction", "loyalty"], sqrt_ave=pd.Series({"quality": 0.8}))
    t, rr = res.cells, res.r
    assert_allclose(rr.loc["satisfaction", "quality"], d["satisfaction"].corr(d["quality"]), rtol=1e-12)
    assert t.loc["satisfaction", "quality"] == f"{rr.loc['satisfaction', 'quality']:.3f}***"
    assert t.loc["quality", "quality"] == "(0.800)" and t.loc["quality", "loyalty"] == ""
    assert_allclose(res.mean["loyalty"], d["loyalty"].mean())
    assert res.sd["quality"] > 0
    tab = res.table("zh").frame
    assert list(tab.columns[:2]) == ["均值", "标准差"]
    with pytest.raises(DataError, match=r"sqrt_ave must hold √AVE values between 0 and 1"):
        r.correlation_table(d, ["quality", "loyalty"], sqrt_ave=pd.Series({"quality": 1.5}))
    near = d.assign(copy=d["quality"] + 0.01 * np.arange(len(d)) % 3 * 0.01)
    with pytest.warns(StatWarning, match=r"correlations above 0.9: copy–quality"):
        r.correlation_table(near, ["quality", "copy"])


def test_invariance_to_row_order(d):
    a = r.hierarchical(d, "loyalty", BLOCKS, categorical=CAT)
    b = r.hierarchical(d.sample(frac=1, random_state=5), "loyalty", BLOCKS, categorical=CAT)
    pd.testing.assert_frame_equal(a.steps, b.steps, rtol=1e-10)


def test_bad_input(d):
    with pytest.raises(DataError, match=r"predictors are perfectly collinear: \['quality', 'q2'\]"):
        r.ols(d.assign(q2=2 * d["quality"]), "loyalty", ["quality", "q2"])
    with pytest.raises(DataError, match=r"outcome 'k' is constant"):
        r.ols(d.assign(k=1.0), "k", ["quality"])
    with pytest.raises(DataError, match=r"3 complete cases for 3 predictors; needs more than 4"):
        r.ols(d.head(3), "loyalty", ["quality", "value", "switching"])
    with pytest.raises(DataError, match=r"column 'type' must be numeric"):
        r.ols(d, "loyalty", ["type"])
    with pytest.raises(DataError, match=r"reference level 'farmer' of 'type' not found"):
        r.ols(d, "loyalty", ["type"], categorical={"type": "farmer"})
    with pytest.raises(DataError, match=r"variables not found in data: \['nps'\]"):
        r.hierarchical(d, "loyalty", [["quality"], ["nps"]])
    with pytest.raises(DataError, match=r"predictors entered in more than one block: \['quality'\]"):
        r.hierarchical(d, "loyalty", [["quality"], ["quality", "value"]])
    with pytest.raises(DataError, match=r"x, m, y and covariates must be different variables"):
        r.mediation(d, "quality", "quality", "loyalty")


def test_high_vif_warns(d):
    near = d.assign(q2=d["quality"] + np.random.default_rng(0).normal(scale=0.05, size=len(d)))
    with pytest.warns(StatWarning, match=r"VIF above 10 for quality"):
        r.ols(near, "loyalty", ["quality", "q2"])


# --- binary logistic regression and LMG relative importance (tests/reference/regression/make_logistic.R) ---

CHURN_X = ["tenure", "complaints", "price_index", "type"]


@pytest.fixture(scope="module")
def churn():
    return pd.read_csv(REF / "churn.csv")


@pytest.fixture(scope="module")
def logit(churn):
    return r.logistic(churn, "churned", CHURN_X, categorical={"type": "manufacturer"})


def test_logistic_coefficients_and_wald_or_ci_match_glm(logit):
    ref = pd.read_csv(REF / "logistic_coefs.csv").set_index("term")
    got = logit.coefficients
    assert list(got.index) == list(ref.index)
    for c in ["b", "se", "z", "p", "odds_ratio", "or_ci_low", "or_ci_high"]:
        assert_allclose(got[c], ref[c], rtol=1e-8, atol=0, err_msg=c)


def test_logistic_fit_measures_and_classification_match_r(logit):
    ref = pd.read_csv(REF / "logistic_fit.csv").set_index("measure")["value"]
    for key in ["loglik", "aic", "bic", "mcfadden_r2", "nagelkerke_r2", "hosmer_lemeshow_chi2", "hosmer_lemeshow_p"]:
        assert_allclose(logit.fit[key], ref[key], rtol=1e-8, atol=1e-12, err_msg=key)
    assert logit.fit["n"] == ref["n"] == logit.n and logit.n_dropped == 2 and logit.converged
    t = logit.classification
    assert [t.loc[0, 0], t.loc[0, 1], t.loc[1, 0], t.loc[1, 1]] == ref[["n00", "n01", "n10", "n11"]].tolist()
    assert_allclose(logit.pct_correct, 100 * (ref["n00"] + ref["n11"]) / ref["n"], rtol=1e-12)
    assert_allclose(t.loc[1, "pct_correct"], 100 * ref["n11"] / (ref["n10"] + ref["n11"]), rtol=1e-12)


def test_logistic_is_invariant_to_row_and_column_order(churn, logit):
    shuffled = churn.sample(frac=1, random_state=1)[list(reversed(churn.columns))]
    again = r.logistic(shuffled, "churned", CHURN_X, categorical={"type": "manufacturer"})
    assert_allclose(again.coefficients.to_numpy(), logit.coefficients.to_numpy(), rtol=1e-9)
    assert_allclose(again.fit["hosmer_lemeshow_chi2"], logit.fit["hosmer_lemeshow_chi2"], rtol=1e-9)


def test_logistic_bad_input_messages(churn):
    with pytest.raises(DataError, match=r"logistic: outcome 'complaints' must be coded 0/1.*found the values"):
        r.logistic(churn, "complaints", ["tenure"])
    with pytest.raises(DataError, match=r"logistic: variables not found in data: \['tenur'\]"):
        r.logistic(churn, "churned", ["tenur"])
    with pytest.raises(DataError, match=r"logistic: ci=1.5 is not a number between 0 and 1"):
        r.logistic(churn, "churned", ["tenure"], ci=1.5)


def test_logistic_separation_warns():
    d = pd.DataFrame({"y": [0, 0, 0, 0, 1, 1, 1, 1], "x": [1, 2, 3, 4, 5, 6, 7, 8]})
    with pytest.warns(StatWarning, match="separation"):
        r.logistic(d, "y", ["x"])


def test_relative_importance_matches_lmg_over_all_orderings(d):
    ref = pd.read_csv(REF / "lmg.csv").set_index("predictor")
    x = ["quality", "value", "switching", "satisfaction"]
    got = r.relative_importance(d, "loyalty", x)
    assert_allclose(got["lmg"], ref.loc[got.index, "lmg"], rtol=1e-10, atol=0)
    assert_allclose(got["lmg"].sum(), ref["r2"].iloc[0], rtol=1e-10)
    assert_allclose(got["share"].sum(), 1, rtol=1e-12)
    assert got["rank"].tolist() == ref.loc[got.index, "lmg"].rank(ascending=False).astype(int).tolist()
    again = r.relative_importance(d.sample(frac=1, random_state=2), "loyalty", list(reversed(x)))
    assert_allclose(again.loc[got.index, "lmg"], got["lmg"], rtol=1e-10)


def test_relative_importance_bad_input(d):
    with pytest.raises(DataError, match=r"relative_importance: x must list 2 to 15 predictors.*got 1"):
        r.relative_importance(d, "loyalty", ["quality"])


def test_resample_sums_equal_a_loop_over_index_vectors():
    """The blocked resampling draws the resamples a loop over index vectors would draw, in order."""
    from crm_research._core.bootstrap import resample_sums

    table = np.random.default_rng(2).standard_normal((37, 5))
    got = resample_sums(table, 103, np.random.default_rng(9), cells=100)     # 2 rows a block, last one short
    idx = np.random.default_rng(9).integers(0, 37, size=(103, 37))
    want = np.stack([table[i].sum(axis=0) for i in idx])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_mediation_bootstrap_equals_refitting_each_resample_by_hand():
    """Percentile interval of a·b from 400 resamples: the same resamples refitted one by one with
    numpy's least squares give the same interval."""
    from crm_research.regression import mediation

    rng = np.random.default_rng(4)
    n = 120
    x = rng.standard_normal(n)
    m = 0.5 * x + rng.standard_normal(n)
    y = 0.4 * m + 0.2 * x + rng.standard_normal(n)
    res = mediation(pd.DataFrame({"x": x, "m": m, "y": y}), "x", "m", "y", n_boot=400, seed=11)
    idx = np.random.default_rng(11).integers(0, n, size=(400, n))
    ind = []
    for i in idx:
        a = np.linalg.lstsq(np.column_stack([np.ones(n), x[i]]), m[i], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([np.ones(n), x[i], m[i]]), y[i], rcond=None)[0][2]
        ind.append(a * b)
    np.testing.assert_allclose(res.ci, np.quantile(ind, [0.025, 0.975]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.se_boot, np.std(ind, ddof=1), rtol=1e-9)


# --- HC0–HC3 and weighted least squares (tests/reference/regression/make_hc_wls.R) ---

OLS_X = ["type", "quality", "value", "satisfaction"]


@pytest.fixture(scope="module")
def weighted(d):
    return d.assign(w=pd.read_csv(REF / "survey_weights.csv")["w"])


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
def test_ols_hc_and_wls_match_sandwich_and_lm(weighted, robust, weights):
    ref = pd.read_csv(REF / "hc_wls.csv")
    ref = ref[(ref["weights"] == (weights or "none")) & (ref["type"] == (robust or "classical"))]
    ref = ref.assign(term=ref["term"].map(_rterm)).set_index("term")
    res = r.ols(weighted, "loyalty", OLS_X, categorical=CAT, robust=robust, weights=weights)
    got = res.coefficients.loc[ref.index]
    for col in ["b", "se", "beta", "vif"]:
        assert_allclose(got[col], ref[col], rtol=1e-8, atol=1e-14, err_msg=col)
    assert_allclose([res.r2, res.adj_r2, res.f], ref[["r2", "adj_r2", "f"]].iloc[0], rtol=1e-8)
    assert res.n == ref["n"].iloc[0] and res.n + res.n_dropped == len(weighted)
    assert_allclose(res.coefficients["t"], res.coefficients["b"] / res.coefficients["se"], rtol=1e-12)


def test_wls_with_equal_weights_is_ols_and_weights_act_as_replication(d):
    plain = r.ols(d, "loyalty", ["quality", "switching"])
    same = r.ols(d.assign(w=2.5), "loyalty", ["quality", "switching"], weights="w")
    assert_allclose(same.coefficients.to_numpy(float), plain.coefficients.to_numpy(float), rtol=1e-9)
    # an integer weight of 2 gives the coefficients of a data set with that case twice
    w = np.where(np.arange(len(d)) % 3 == 0, 2.0, 1.0)
    wls = r.ols(d.assign(w=w), "loyalty", ["quality", "switching"], weights="w")
    doubled = r.ols(pd.concat([d, d[w == 2]]), "loyalty", ["quality", "switching"])
    assert_allclose(wls.coefficients["b"], doubled.coefficients["b"], rtol=1e-9)
    assert_allclose(wls.r2, doubled.r2, rtol=1e-9)


def test_ols_robust_and_weights_bad_input(weighted):
    with pytest.raises(DataError, match=r"ols: robust='HC4' is not one of \[None, 'HC0', 'HC1', 'HC2', 'HC3'\]"):
        r.ols(weighted, "loyalty", ["quality"], robust="HC4")
    with pytest.raises(DataError, match=r"ols: weights column not found in data: \['wt'\]"):
        r.ols(weighted, "loyalty", ["quality"], weights="wt")
    with pytest.raises(DataError, match=r"ols: weights must be the name of a column"):
        r.ols(weighted, "loyalty", ["quality"], weights=np.ones(len(weighted)))
    neg = weighted.assign(w=weighted["w"].where(weighted.index != 3, -1.0))
    with pytest.raises(DataError, match=r"ols: weights column 'w' must hold positive finite numbers; found \[-1.0\] in row 3"):
        r.ols(neg, "loyalty", ["quality"], weights="w")
    with pytest.raises(DataError, match=r"ols: the weights column 'quality' is also a model variable"):
        r.ols(weighted, "loyalty", ["quality"], weights="quality")


def test_ols_table_notes_name_the_weights_and_the_robust_type(weighted):
    res = r.ols(weighted, "loyalty", ["quality", "value"], robust="HC1", weights="w")
    assert "HC1" in res.table("en").note and "weighted by w" in res.table("en").note
    assert "（HC1）" in res.table("zh").note and "权重变量为 w" in res.table("zh").note
    assert "WLS" not in r.ols(weighted, "loyalty", ["quality"]).table("en").note


# --- ordinal logit predicted probabilities (tests/reference/regression/make_polr_predict.R) ---


def test_ordinal_predict_proba_matches_polr_predict(d):
    ref = pd.read_csv(REF / "polr_probs.csv")
    res = r.ordinal_logit(d, "likert", ["satisfaction", "switching"])
    new = ref[["switching", "satisfaction"]].assign(other="ignored")          # columns matched by name
    got = res.predict_proba(new)
    assert list(got.columns) == [1.0, 2.0, 3.0, 4.0, 5.0] and got.index.equals(new.index)
    # polr run to convergence (reltol 1e-14); both optimisers stop within ~1e-7 of the maximum
    assert_allclose(got.to_numpy(), ref[["1", "2", "3", "4", "5"]].to_numpy(), rtol=0, atol=1e-6)
    assert_allclose(got.sum(axis=1), 1, rtol=1e-12)
    # a higher satisfaction shifts probability to the upper categories (b > 0)
    hi = res.predict_proba(pd.DataFrame({"satisfaction": [2.0], "switching": [0.0]}))
    lo = res.predict_proba(pd.DataFrame({"satisfaction": [-2.0], "switching": [0.0]}))
    assert hi[5.0].iloc[0] > lo[5.0].iloc[0] and hi[1.0].iloc[0] < lo[1.0].iloc[0]
    gap = res.predict_proba(pd.DataFrame({"satisfaction": [np.nan, 0.0], "switching": [0.0, 0.0]}))
    assert gap.iloc[0].isna().all() and gap.iloc[1].notna().all()


def test_ordinal_predict_proba_bad_input(d):
    res = r.ordinal_logit(d, "likert", ["satisfaction", "switching"])
    with pytest.raises(DataError, match=r"OrdinalResult.predict_proba: predictors not found in data: \['switching'\]"):
        res.predict_proba(d[["satisfaction"]])
    with pytest.raises(DataError, match=r"predict_proba: column 'switching' must be numeric"):
        res.predict_proba(d.assign(switching="high"))


# --- PROCESS models 4, 6, 7, 8, 14, 58, 59 (tests/reference/regression/make_process.R) ---

PROCESS_RUNS = {"4": dict(model=4, m=["m1", "m2"]), "6": dict(model=6, m=["m1", "m2"]),
                "7w": dict(model=7, m="m1", w="w"), "8w": dict(model=8, m="m1", w="w"),
                "14w": dict(model=14, m="m1", w="w"), "58w": dict(model=58, m="m1", w="w"),
                "59w": dict(model=59, m="m1", w="w"), "14g": dict(model=14, m="m1", w="g"),
                "59g": dict(model=59, m="m1", w="g"), "7sd": dict(model=7, m="m1", w="w", probe="sd")}


@pytest.fixture(scope="module")
def pdata():
    return pd.read_csv(REF / "process.csv")


def _run(pdata, key, **kw):
    return r.process(pdata, x="x", y="y", covariates="c1", **{"n_boot": 0, **PROCESS_RUNS[key], **kw})


def _rpath(code):
    return "total indirect" if code == "total" else " → ".join(["x"] + code.split(".") + ["y"])


@pytest.mark.parametrize("key", [k for k in PROCESS_RUNS if k != "7sd"])
def test_process_coefficients_match_lm(pdata, key):
    ref = pd.read_csv(REF / "process_paths.csv", dtype={"model": str})
    ref = ref[ref["model"] == key]
    res = _run(pdata, key)
    want = ref.assign(term=ref["term"].str.replace("(Intercept)", "(intercept)", regex=False).str.replace(":", "×"))
    want = want.set_index(["equation", "term"])
    assert sorted(res.paths.index) == sorted(want.index)
    for col in ["b", "se", "t", "p"]:
        assert_allclose(res.paths.loc[want.index, col], want[col], rtol=1e-8, atol=1e-14, err_msg=col)
    assert res.n == (247 if key.endswith("w") else 248) and res.n + res.n_dropped == len(pdata)   # W missing once


@pytest.mark.parametrize("key", list(PROCESS_RUNS))
def test_process_effects_match_products_of_lm_coefficients(pdata, key):
    ref = pd.read_csv(REF / "process_effects.csv", dtype={"model": str, "path": str}, keep_default_na=False,
                      na_values=[""])
    ref = ref[ref["model"] == key]
    res = _run(pdata, key)
    ind = ref[ref["kind"] == "indirect"]
    got = res.indirect.set_index("path").loc[list(dict.fromkeys(_rpath(p) for p in ind["path"]))]
    assert len(res.indirect) == len(ind)
    assert_allclose(got["effect"], ind["effect"], rtol=1e-9)
    assert_allclose(got["w"], ind["w"], rtol=1e-12)                    # probe values: type-7 percentiles, M ± SD, 0/1
    if key == "7sd":                                                   # the reference holds only the probed effects
        return
    std = ref[ref["kind"] == "std_indirect"]
    if len(std):
        assert_allclose(res.indirect.set_index("path").loc[[_rpath(p) for p in std["path"]], "std_effect"],
                        std["effect"], rtol=1e-9)
    idx = ref[ref["kind"] == "index"]
    assert len(res.index) == len(idx)                                 # models 58, 59: no index
    assert_allclose(res.index["index"], idx["effect"], rtol=1e-9)
    for kind, frame in [("direct", res.direct), ("total", res.total)]:
        want = ref[ref["kind"] == kind]
        assert len(frame) == len(want), kind
        if len(want):
            assert_allclose(frame["effect"], want["effect"], rtol=1e-9, err_msg=kind)
            assert_allclose(frame["se"], want["se"], rtol=1e-8, err_msg=kind)


def _lstsq(cols, resp):
    return np.linalg.lstsq(np.column_stack([np.ones(len(resp))] + cols), resp, rcond=None)[0]


def test_process_serial_bootstrap_equals_refitting_each_resample(pdata):
    """Model 6: the chain a₁d₂₁b₂ and the standardised total indirect effect (with each
    resample's own SDs) from 300 resamples refitted one by one with numpy's least squares."""
    res = _run(pdata, "6", n_boot=300, seed=5)
    sub = pdata[["x", "m1", "m2", "c1", "y"]].dropna()
    x, m1, m2, c1, y = (sub[c].to_numpy() for c in sub.columns)
    idx = np.random.default_rng(5).integers(0, len(sub), size=(300, len(sub)))
    chain, std_total = [], []
    for i in idx:
        a1, a2, d21 = _lstsq([x[i], c1[i]], m1[i])[1], *_lstsq([x[i], m1[i], c1[i]], m2[i])[1:3]
        b1, b2 = _lstsq([x[i], m1[i], m2[i], c1[i]], y[i])[2:4]
        chain.append(a1 * d21 * b2)
        std_total.append((a1 * b1 + a2 * b2 + a1 * d21 * b2) * x[i].std(ddof=1) / y[i].std(ddof=1))
    got = res.indirect.set_index("path")
    assert_allclose(got.loc["x → m1 → m2 → y", ["ci_low", "ci_high"]], np.quantile(chain, [0.025, 0.975]), rtol=1e-9)
    assert_allclose(got.loc["x → m1 → m2 → y", "boot_se"], np.std(chain, ddof=1), rtol=1e-9)
    assert_allclose(got.loc["total indirect", ["std_ci_low", "std_ci_high"]], np.quantile(std_total, [0.025, 0.975]),
                    rtol=1e-9)
    total = got.loc["total indirect", "effect"]
    assert_allclose(total, got.drop(index="total indirect")["effect"].sum(), rtol=1e-12)
    assert_allclose(res.total["effect"].iloc[0], res.direct["effect"].iloc[0] + total, rtol=1e-10)   # c = c′ + Σ


def test_process_moderated_bootstrap_equals_refitting_each_resample(pdata):
    """Model 58 (indirect effect quadratic in W) and the index of model 14, resample by resample."""
    res58 = _run(pdata, "58w", n_boot=250, seed=9)
    res14 = _run(pdata, "14w", n_boot=250, seed=9)
    sub = pdata[["x", "m1", "w", "c1", "y"]].dropna()
    x, m, w, c1, y = (sub[c].to_numpy() for c in sub.columns)
    wv = np.asarray(res58.w_values)
    idx = np.random.default_rng(9).integers(0, len(sub), size=(250, len(sub)))
    cond, index14 = [], []
    for i in idx:
        a = _lstsq([x[i], w[i], x[i] * w[i], c1[i]], m[i])
        b = _lstsq([x[i], m[i], w[i], m[i] * w[i], c1[i]], y[i])
        cond.append((a[1] + a[3] * wv) * (b[2] + b[4] * wv))
        index14.append(_lstsq([x[i], c1[i]], m[i])[1] * b[4])
    lo, hi = np.quantile(np.array(cond), [0.025, 0.975], axis=0)
    assert_allclose(res58.indirect["ci_low"], lo, rtol=1e-9)
    assert_allclose(res58.indirect["ci_high"], hi, rtol=1e-9)
    assert_allclose(res14.index[["ci_low", "ci_high"]].iloc[0], np.quantile(index14, [0.025, 0.975]), rtol=1e-9)
    assert res14.index["ci_low"].iloc[0] > 0                          # the simulated second stage is moderated


def test_process_models_4_and_7_agree_with_mediation_and_moderated_mediation(d):
    med = r.mediation(d, "quality", "satisfaction", "loyalty", covariates=["switching"], n_boot=400, seed=7)
    p4 = r.process(d, 4, x="quality", m="satisfaction", y="loyalty", covariates="switching", n_boot=400, seed=7)
    row = p4.indirect.iloc[0]
    assert_allclose([row["effect"], row["ci_low"], row["ci_high"], row["boot_se"]],
                    [med.indirect, *med.ci, med.se_boot], rtol=1e-10)
    assert_allclose([p4.direct["effect"].iloc[0], p4.total["effect"].iloc[0]], [med.direct, med.total], rtol=1e-10)
    mm = r.moderated_mediation(d, "quality", "satisfaction", "loyalty", "switching", n_boot=400, seed=3)
    p7 = r.process(d, 7, x="quality", m="satisfaction", y="loyalty", w="switching", n_boot=400, seed=3, probe="sd")
    # moderated_mediation centres W; the products and the resamples are the same
    assert_allclose(p7.index[["index", "ci_low", "ci_high"]].iloc[0], [mm.index, *mm.ci], rtol=1e-9)
    assert_allclose(p7.indirect[["effect", "ci_low", "ci_high"]].to_numpy(),
                    mm.conditional_indirect[["indirect", "ci_low", "ci_high"]].to_numpy(), rtol=1e-9)


def test_process_probe_choices_and_invariance(pdata):
    pct = _run(pdata, "8w")
    sub = pdata[["x", "m1", "w", "c1", "y"]].dropna()
    assert_allclose(pct.w_values, np.percentile(sub["w"], [16, 50, 84]), rtol=1e-12)
    assert pct.probe == "percentiles"
    at = _run(pdata, "8w", probe=[3, 5])
    assert at.w_values == (3.0, 5.0) and at.probe == "values" and len(at.direct) == 2
    # a binary moderator: its two values, whatever the rule
    g = _run(pdata, "59g", probe="sd")
    assert g.w_values == (0.0, 1.0) and g.probe == "binary"
    # conditional effects are linear (8) in W: their slope over W is the index
    ind = pct.indirect
    assert_allclose(np.diff(ind["effect"]) / np.diff(ind["w"]), pct.index["index"].iloc[0], rtol=1e-9)
    shuffled = pdata.sample(frac=1, random_state=3)[list(reversed(pdata.columns))]
    again = _run(shuffled, "8w")
    pd.testing.assert_frame_equal(again.paths, pct.paths, rtol=1e-10)
    pd.testing.assert_frame_equal(again.indirect, pct.indirect, rtol=1e-10)


def test_process_bad_input(pdata):
    with pytest.raises(DataError, match=r"process: model=5 is not supported; the supported PROCESS models are "
                                        r"\[4, 6, 7, 8, 14, 58, 59\]"):
        r.process(pdata, 5, x="x", m="m1", y="y", w="w")
    with pytest.raises(DataError, match=r"process: moderator 'k' has a single value \(2.0\) in the 248 complete cases; a moderator needs at least two"):
        r.process(pdata.assign(k=2.0), 7, x="x", m="m1", y="y", w="k", n_boot=0)
    with pytest.raises(DataError, match=r"process: model 14 has a moderator; name it with w="):
        r.process(pdata, 14, x="x", m="m1", y="y")
    with pytest.raises(DataError, match=r"process: model 6 has no moderator, got w='w'"):
        r.process(pdata, 6, x="x", m=["m1", "m2"], y="y", w="w")
    with pytest.raises(DataError, match=r"process: model 6 \(serial mediation\) needs 2 to 6 mediators"):
        r.process(pdata, 6, x="x", m="m1", y="y")
    with pytest.raises(DataError, match=r"process: probe must be 'percentiles', 'sd' or a list of numbers"):
        r.process(pdata, 7, x="x", m="m1", y="y", w="w", probe="quartiles")
    with pytest.raises(DataError, match=r"process: x, m, w, y and covariates must be different variables"):
        r.process(pdata, 7, x="x", m="m1", y="y", w="x")
    with pytest.raises(DataError, match=r"process: variables not found in data: \['v'\]"):
        r.process(pdata, 7, x="x", m="m1", y="y", w="v")
    with pytest.raises(DataError, match=r"process: n_boot"):
        r.process(pdata, 7, x="x", m="m1", y="y", w="w", n_boot=-1)


def test_moderation_flags_johnson_neyman_points_outside_the_data(d):
    full = r.moderation(d.dropna(), "quality", "switching", "loyalty")
    assert full.johnson_neyman_in_range == full.johnson_neyman           # both roots inside [min, max] of W
    cut = r.moderation(d.dropna().query("switching > -1.2"), "quality", "switching", "loyalty")
    lo, hi = cut.w_range
    sw = d.dropna().query("switching > -1.2")["switching"]
    assert_allclose([lo, hi], [sw.min() - sw.mean(), sw.max() - sw.mean()], rtol=1e-12)
    inside = cut.johnson_neyman_in_range
    assert len(inside) < len(cut.johnson_neyman) and all(lo <= v <= hi for v in inside)
    assert "outside the observed range of switching" in cut.interpret("en")
    assert "观测范围" in cut.interpret("zh") and "观测范围" not in full.interpret("zh")


def test_process_table_and_interpretation(pdata):
    serial = _run(pdata, "6", n_boot=200, seed=1)
    t = serial.table("zh", names={"x": "服务质量"})
    assert list(t.frame.index) == ["直接效应（服务质量 → y）", "总效应（服务质量 → y）", "间接效应（服务质量 → m1 → y）",
                                   "间接效应（服务质量 → m2 → y）", "间接效应（服务质量 → m1 → m2 → y）", "总间接效应"]
    assert_allclose(t.frame["完全标准化间接效应"].dropna(), serial.indirect["std_effect"], rtol=1e-12)
    assert "200 次 Bootstrap" in t.note and "SD(X) / SD(Y)" in t.note
    mm = _run(pdata, "8w", n_boot=200, seed=1)
    te = mm.table("en")
    assert te.title == "Conditional process analysis (PROCESS model 8)"
    assert f"Conditional indirect effect (x → m1 → y; w = {mm.w_values[0]:.3f})" in te.frame.index
    assert "Index of moderated mediation (x → m1 → y)" in te.frame.index and "16th, 50th and 84th percentiles" in te.note
    assert "Completely standardised indirect effect" not in te.frame.columns
    ci = mm.index.iloc[0]
    sig = ci["ci_low"] > 0 or ci["ci_high"] < 0
    en, zh = mm.interpret("en"), mm.interpret("zh")
    assert "(Hayes, 2022)" in en and "Hayes, 2022" in zh
    assert ("w moderates the indirect effect" in en) == sig and ("调节作用显著" in zh) == sig
    g = _run(pdata, "59g", n_boot=200, seed=1)
    assert "no single index of moderated mediation" in g.interpret("en") and "g = 1" in g.interpret("en")
