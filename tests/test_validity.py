"""crm_research.validity agrees with psych, lavaan and semTools (tests/reference/validity)."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError, StatWarning
from crm_research import validity as v

REF = Path(__file__).parent / "reference" / "validity"
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi_complete.csv")


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(REF / "hs1939.csv")


@pytest.fixture(scope="module")
def hs_fit(hs):
    return v.cfa(hs, HS_MODEL)


def test_kmo_matches_psych(bfi):
    ref = pd.read_csv(REF / "kmo_bfi.csv").set_index("item")["msa"]
    k = v.kmo(bfi)
    assert_allclose(k.overall, ref["overall"], atol=1e-12)
    assert_allclose(k.per_item.to_numpy(), ref.loc[k.per_item.index].to_numpy(), atol=1e-12)
    assert k.verdict == "meritorious"


def test_bartlett_matches_psych(bfi):
    ref = pd.read_csv(REF / "bartlett_bfi.csv").iloc[0]
    b = v.bartlett(bfi)
    assert_allclose(b.chi2, ref["chi2"], rtol=1e-10)
    assert b.df == ref["df"]


def test_parallel_analysis_matches_psych(bfi):
    ref = dict(line.split() for line in (REF / "parallel_bfi.txt").read_text().splitlines())
    k, table = v.parallel_analysis(bfi)
    assert k == int(ref["nfact"])
    assert v.efa(bfi, 5).n_eigen_gt_1 == int(ref["eigen_gt_1"])


def _match(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Our columns permuted and signed to best fit psych's (factor order and sign are arbitrary)."""
    best, best_err = None, np.inf
    for perm in itertools.permutations(range(ours.shape[1])):
        cand = ours[:, perm]
        signs = np.sign((cand * theirs).sum(axis=0))
        err = np.abs(cand * signs - theirs).max()
        if err < best_err:
            best, best_err = cand * signs, err
    return best


@pytest.mark.parametrize("rotation", ["varimax", "promax", "oblimin"])
@pytest.mark.parametrize("method", ["minres", "ml"])
def test_efa_loadings_match_psych(bfi, rotation, method):
    ref = pd.read_csv(REF / "efa_bfi.csv").query("rotation == @rotation and method == @method").set_index("item")
    e = v.efa(bfi, 5, rotation=rotation, method=method)
    theirs = ref.loc[e.loadings.index, [f"F{i}" for i in range(1, 6)]].to_numpy(float)
    assert_allclose(_match(e.loadings.to_numpy(), theirs), theirs, atol=2e-3)
    assert_allclose(e.communalities.to_numpy(), ref.loc[e.loadings.index, "communality"].to_numpy(float), atol=2e-3)


def test_efa_table_blanks_and_flags(bfi):
    t = v.efa(bfi, 5, rotation="varimax").loadings_shown(cut=0.3)
    assert t.drop(columns=["communality", "cross_loading"]).abs().min().min() >= 0.3
    assert t["cross_loading"].dtype == bool and t["cross_loading"].any()


def test_cfa_fit_matches_lavaan(hs_fit):
    ref = pd.read_csv(REF / "cfa_hs_fit.csv").set_index("measure")["value"]
    names = {"chi2": "chisq", "df": "df", "p": "pvalue", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
             "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr",
             "gfi": "gfi", "agfi": "agfi"}
    for ours, theirs in names.items():
        assert_allclose(hs_fit.fit[ours], ref[theirs], rtol=1e-6, atol=1e-7, err_msg=ours)
    assert hs_fit.converged


def test_cfa_loadings_se_and_correlations_match_lavaan(hs_fit):
    ref = pd.read_csv(REF / "cfa_hs_std.csv")
    lo = ref[ref["op"] == "=~"].set_index("rhs")
    got = hs_fit.loadings.set_index("item")
    assert_allclose(got["std_loading"], lo.loc[got.index, "est.std"], atol=1e-6)
    assert_allclose(got["se"], lo.loc[got.index, "se"], atol=1e-5)
    cov = ref[(ref["op"] == "~~") & (ref["lhs"] != ref["rhs"]) & ref["lhs"].isin(HS_MODEL)]
    for row in cov.itertuples():
        assert_allclose(hs_fit.factor_correlations.loc[row.lhs, row.rhs], row._4, atol=1e-6)
    est = pd.read_csv(REF / "cfa_hs_est.csv")
    free = est[(est["op"] == "=~") & (est["se"] > 0)].set_index("rhs")
    ours = hs_fit.estimates[hs_fit.estimates["op"] == "=~"].set_index("rhs")
    assert_allclose(ours["estimate"], free.loc[ours.index, "est"], atol=1e-6)
    assert_allclose(ours["se"], free.loc[ours.index, "se"], atol=1e-5)


def test_cr_ave_htmt_match_r(hs, hs_fit):
    ref = pd.read_csv(REF / "cr_ave_hs.csv").set_index("construct")
    assert_allclose(hs_fit.cr[ref.index], ref["cr"], atol=1e-6)
    assert_allclose(hs_fit.ave[ref.index], ref["ave"], atol=1e-6)
    h = pd.read_csv(REF / "htmt_hs.csv", index_col=0)
    assert_allclose(hs_fit.htmt.loc[h.index, h.columns].to_numpy(), h.to_numpy(), atol=1e-9)
    fl = hs_fit.fornell_larcker
    assert_allclose(np.diag(fl), np.sqrt(hs_fit.ave[fl.index]))


def test_cfa_invariant_to_column_and_row_order(hs, hs_fit):
    shuffled = hs[["x9", "x3", "x5", "x1", "x7", "x2", "x8", "x6", "x4"]].sample(frac=1, random_state=3)
    again = v.cfa(shuffled, HS_MODEL)
    assert_allclose(again.fit["chi2"], hs_fit.fit["chi2"], rtol=1e-8)
    assert_allclose(again.loadings["std_loading"], hs_fit.loadings["std_loading"], atol=1e-7)


def test_harman_and_summary(hs):
    h = v.harman(hs[[f"x{i}" for i in range(1, 10)]])
    r = np.corrcoef(hs[[f"x{i}" for i in range(1, 10)]].to_numpy(), rowvar=False)
    assert_allclose(h.first_factor_share, np.linalg.eigvalsh(r)[-1] / 9)
    assert not h.common_method_bias
    s = v.construct_summary(hs, HS_MODEL, thresholds={"ave": 0.4})
    t = s.constructs
    assert list(t.index) == list(HS_MODEL)
    assert s.thresholds["ave"] == 0.4 and s.thresholds["cr"] == 0.7
    assert t.loc["textual", ["cr_ok", "ave_ok", "htmt_ok", "r_ok"]].all()
    assert not t.loc["visual", "loading_ok"]           # x2 loads 0.42 < 0.5
    with pytest.raises(DataError, match=r"unknown thresholds \['rho'\]"):
        v.construct_summary(hs, HS_MODEL, thresholds={"rho": 1})


def test_heywood_case_warns():
    # r_ab · r_ac / r_bc = 0.8 · 0.8 / 0.5 = 1.28: the one-factor solution needs λ_a² > 1
    rng = np.random.default_rng(0)
    cov = np.array([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]])
    x = rng.multivariate_normal(np.zeros(3), cov, size=500)
    g = rng.multivariate_normal(np.zeros(3), 0.5 * np.eye(3) + 0.5, size=500)
    d = pd.DataFrame(np.column_stack([x, g]), columns=["a", "b", "c", "e", "g", "h"])
    with pytest.warns(StatWarning, match=r"Heywood case .*\['a'\]"):
        v.cfa(d, {"F": ["a", "b", "c"], "G": ["e", "g", "h"]})


@pytest.mark.parametrize("model, message", [
    ({"visual": ["x1"]}, r"construct 'visual' has 1 item\(s\)"),
    ({"visual": ["x1", "x2", "q7"]}, r"items not found in data: \['q7'\]"),
    ({"a": ["x1", "x2"], "b": ["x2", "x3"]}, r"item 'x2' is listed under both 'a' and 'b'; for a cross-loading write the model in lavaan syntax"),
    ([("visual", ["x1"])], r"expected lavaan model syntax \(str\) or a dict construct → items, got list"),
    ({"visual": ["x1", "x2"]}, r"cfa: the model is not identified: it has 4 free parameters but only 3 sample variances, "
                               r"covariances \(df = -1\); fix parameters or add indicators \(3 or more per factor\)"),
])
def test_cfa_bad_models(hs, model, message):
    with pytest.raises(DataError, match=message):
        v.cfa(hs, model)


def test_non_positive_definite_names_items(hs):
    d = hs[["x1", "x2", "x3"]].assign(x10=lambda t: t["x1"] + t["x2"])
    with pytest.raises(DataError, match=r"not positive definite .*most involved: .*x10"):
        v.kmo(d)


def test_constant_item_and_too_few_items(hs):
    with pytest.raises(DataError, match=r"items with no variance .*\['k'\]"):
        v.bartlett(hs[["x1", "x2"]].assign(k=3.0))
    with pytest.raises(DataError, match=r"needs at least 3 items"):
        v.efa(hs[["x1", "x2"]])


# --- SPSS's principal components and "Total variance explained" (tests/reference/validity/make_efa_spss.R) ---


@pytest.mark.parametrize("rotation", [None, "varimax", "promax", "oblimin"])
@pytest.mark.parametrize("method", ["principal", "minres"])
def test_efa_loadings_signs_order_and_variance_table_match_psych(bfi, rotation, method):
    rot = rotation or "none"
    ref = pd.read_csv(REF / "efa_spss_loadings.csv").query("rotation == @rot and method == @method").set_index("item")
    e = v.efa(bfi, 5, rotation=rotation, method=method)
    tol = 1e-9 if method == "principal" else 1e-5          # minres: two optimisers
    # no permutation or sign matching: factor order and signs are psych's
    assert_allclose(e.loadings.to_numpy(), ref.loc[e.loadings.index, [f"F{i}" for i in range(1, 6)]].to_numpy(float),
                    rtol=0, atol=tol)
    assert_allclose(e.communalities.to_numpy(), ref.loc[e.loadings.index, "communality"].to_numpy(float),
                    rtol=0, atol=tol)
    vt = pd.read_csv(REF / "efa_spss_variance.csv").query("rotation == @rot and method == @method")
    vt = vt.set_index("component").drop(columns=["rotation", "method"])
    assert list(e.variance_table.columns) == list(vt.columns)
    assert (e.variance_table.isna().to_numpy() == vt.isna().to_numpy()).all()
    assert_allclose(e.variance_table.to_numpy(float), vt.to_numpy(float), rtol=0, atol=100 * tol, equal_nan=True)


def test_efa_principal_variance_table_is_consistent(bfi):
    e = v.efa(bfi, 4, rotation="varimax", method="principal")
    t = e.variance_table
    assert_allclose(t["initial_total"].sum(), bfi.shape[1], rtol=1e-12)     # eigenvalues of R add to p
    assert_allclose(t["initial_cum_pct"].iloc[-1], 100, rtol=1e-12)
    # an orthogonal rotation redistributes, but keeps, the extracted variance
    assert_allclose(t["rotation_total"].sum(), t["extraction_total"].sum(), rtol=1e-10)
    assert t["extraction_total"].iloc[4:].isna().all()
    assert_allclose(e.factor_correlations.to_numpy(), np.eye(4), atol=0)


def test_efa_heywood_case_warns_and_matches_psych():
    d = pd.read_csv(REF / "heywood.csv")
    ref = dict(line.split() for line in (REF / "heywood.txt").read_text().splitlines())
    with pytest.warns(StatWarning, match=r"Heywood case .*\['h1'\]"):
        e = v.efa(d, 1, method="minres")
    assert e.communalities.idxmax() == ref["item"]
    assert e.communalities.max() > 1
    assert_allclose(e.communalities.max(), float(ref["max_communality"]), atol=2e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StatWarning)
        v.efa(d, 1, method="principal")          # components have no Heywood cases


def test_parallel_analysis_uses_95th_percentile_by_default(bfi):
    ref = dict(line.split() for line in (REF / "parallel_bfi_q95.txt").read_text().splitlines())
    k, table = v.parallel_analysis(bfi)
    assert k == int(ref["nfact"])
    _, mean_table = v.parallel_analysis(bfi, quantile=None)
    assert (table["simulated"] > mean_table["simulated"]).all()
    k95, t95 = v.parallel_analysis(bfi, quantile=0.95)
    assert k95 == k and t95.equals(table)
