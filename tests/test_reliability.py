"""crm_research.reliability agrees with R's psych::alpha and lavaan (tests/reference/reliability)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError, StatWarning
from crm_research.reliability import (cronbach_alpha, guttman_lambda6, item_analysis, omega, reliability_table,
                                      split_half)

REF = Path(__file__).parent / "reference" / "reliability"
SETS = {"bfi_C": (["C1", "C2", "C3", "C4", "C5"], ["C4", "C5"]),
        "bfi_A": (["A1", "A2", "A3", "A4", "A5"], ["A1"]),
        "bfi_N": (["N1", "N2", "N3", "N4", "N5"], []),
        "hs_visual": (["x1", "x2", "x3"], []),
        "hs_speed": (["x7", "x8", "x9"], [])}


def _data(name):
    cols, rev = SETS[name]
    src = pd.read_csv(REF / ("bfi.csv" if name.startswith("bfi") else "hs1939.csv"))
    x = src[cols].copy()
    for c in rev:
        x[c] = 7 - x[c]
    return x


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_alpha_matches_psych(name, missing):
    ref = pd.read_csv(REF / "alpha_summary.csv").query("set == @name and missing == @missing").iloc[0]
    a = cronbach_alpha(_data(name), missing=missing)
    assert a.n == ref["n"]
    assert_allclose([a.alpha, a.std_alpha, a.lambda6, a.average_r],
                    ref[["raw_alpha", "std_alpha", "G6", "average_r"]].astype(float), rtol=0, atol=1e-9)
    assert_allclose(a.ci, ref[["feldt_lower", "feldt_upper"]].astype(float), rtol=0, atol=1e-9)
    assert_allclose(guttman_lambda6(_data(name), missing=missing), ref["G6"], atol=1e-9)


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_item_analysis_matches_psych(name, missing):
    ref = pd.read_csv(REF / "alpha_items.csv").query("set == @name and missing == @missing").set_index("item")
    got = item_analysis(_data(name), missing=missing)
    pairs = {"n": "n", "mean": "mean", "sd": "sd", "item_total_r": "raw_r", "std_r": "std_r", "r_cor": "r_cor",
             "corrected_item_total_r": "r_drop", "alpha_if_deleted": "alpha_drop",
             "std_alpha_if_deleted": "std_alpha_drop"}
    for ours, theirs in pairs.items():
        assert_allclose(got[ours].to_numpy(float), ref.loc[got.index, theirs].to_numpy(float), rtol=0, atol=1e-9,
                        err_msg=ours)


@pytest.mark.parametrize("name", list(SETS))
def test_omega_matches_lavaan_one_factor(name):
    ref = pd.read_csv(REF / "omega.csv").set_index("set").loc[name]
    assert_allclose(omega(_data(name)).omega_total, ref["omega_total"], atol=1e-6)
    assert_allclose(omega(_data(name), standardized=True).omega_total, ref["omega_std"], atol=1e-6)


@pytest.mark.parametrize("name", list(SETS))
def test_split_half_matches_r(name):
    ref = pd.read_csv(REF / "split_half.csv").set_index("set").loc[name]
    s = split_half(_data(name))
    assert_allclose([s.r_halves, s.spearman_brown], [ref["r_halves"], ref["spearman_brown"]], atol=1e-12)


def test_invariance_to_row_and_column_order():
    x = _data("bfi_C").dropna()
    shuffled = x.sample(frac=1, random_state=1)[["C3", "C1", "C5", "C2", "C4"]]
    assert_allclose(cronbach_alpha(x).alpha, cronbach_alpha(shuffled).alpha, rtol=1e-12)
    assert_allclose(omega(x).omega_total, omega(shuffled).omega_total, rtol=1e-7)
    pd.testing.assert_frame_equal(item_analysis(x), item_analysis(shuffled).loc[x.columns], rtol=1e-10,
                                  check_names=False)


def test_bootstrap_interval_is_seeded_and_close_to_feldt():
    x = _data("bfi_C").dropna()
    a = cronbach_alpha(x, ci_method="bootstrap", n_boot=500, seed=3)
    b = cronbach_alpha(x, ci_method="bootstrap", n_boot=500, seed=3)
    assert a.ci == b.ci
    feldt = cronbach_alpha(x).ci
    assert a.ci[0] < a.alpha < a.ci[1]
    assert_allclose(a.ci, feldt, atol=0.01)


def test_bootstrap_resample_matches_direct_computation():
    # one resample drawn by hand equals the vectorised count-weighted computation
    from crm_research.reliability import _bootstrap_alpha

    x = _data("hs_visual").to_numpy()
    lo, hi = _bootstrap_alpha(x, 1, 0.5, seed=11)
    idx = np.random.default_rng(11).integers(0, len(x), size=(1, len(x)))[0]
    c = np.cov(x[idx], rowvar=False, ddof=0)
    direct = 3 / 2 * (1 - np.trace(c) / c.sum())
    assert_allclose([lo, hi], [direct, direct], rtol=1e-10)


def test_reliability_table():
    d = _data("bfi_C").join(_data("bfi_N"))
    t = reliability_table(d, {"C": SETS["bfi_C"][0], "N": SETS["bfi_N"][0]}, alpha_min=0.75).constructs
    assert t.loc["C", "alpha_pass"] == False and t.loc["N", "alpha_pass"] == True  # noqa: E712
    assert_allclose(t.loc["N", "alpha"], cronbach_alpha(d[SETS["bfi_N"][0]]).alpha)


def test_negative_alpha_warns_and_names_items():
    x = _data("bfi_C").dropna()
    x["C4"] = 7 - x["C4"]   # undo the reverse keying of two items
    x["C5"] = 7 - x["C5"]
    x = x[["C1", "C4", "C5"]]
    with pytest.warns(StatWarning, match=r"α = -0\.\d+ is negative.*reverse-keyed.*negative corrected item–total r: \['C1'\]\)$"):
        cronbach_alpha(x)


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"a": [1, 2, 3]}), r"needs at least 2 items \(columns\), got 1: \['a'\]"),
    (pd.DataFrame({"a": [1, 2, 3, 4], "b": [3, 3, 3, 3]}), r"items with no variance .*: \['b'\]"),
    (pd.DataFrame({"a": [1, 2], "b": [2, 1]}), r"needs at least 3 respondents with complete answers, found 2"),
    (pd.DataFrame({"a": [1, 2, 3], "b": [np.nan] * 3}), r"items with no answers at all: \['b'\]"),
    (pd.DataFrame({"a": [1, 2, 3], "b": ["x", 2, 3]}), r"column 'b' must be numeric; found non-numeric values 'x' in row 0"),
])
def test_bad_input(frame, message):
    with pytest.raises(DataError, match=message):
        cronbach_alpha(frame)


def test_bad_parameters():
    x = _data("hs_visual")
    with pytest.raises(DataError, match=r"missing='both' is not one of \['listwise', 'pairwise'\]"):
        cronbach_alpha(x, missing="both")
    with pytest.raises(DataError, match=r"cronbach_alpha: ci=95 is not a number between 0 and 1"):
        cronbach_alpha(x, ci=95)
    with pytest.raises(DataError, match=r"items must be a pandas DataFrame, got ndarray"):
        cronbach_alpha(x.to_numpy())


# --- edge cases the peers' test suites found (issue #16; tests/reference/reliability/make_edge_cases.R) ---


def _edge(name):
    return pd.read_csv(REF / f"{name}.csv"), pd.read_csv(REF / "edge_cases.csv").set_index("set").loc[name]


def test_alpha_with_fewer_respondents_than_items_matches_psych_and_lambda6_is_nan():
    d, ref = _edge("few_respondents")
    assert len(d) < d.shape[1]
    with pytest.warns(StatWarning, match="singular.*4 respondents, 6 items"):
        a = cronbach_alpha(d)
    assert_allclose([a.alpha, a.std_alpha, a.average_r], ref[["raw_alpha", "std_alpha", "average_r"]].astype(float),
                    rtol=0, atol=1e-9)
    assert np.isnan(a.lambda6)
    with pytest.warns(StatWarning, match="singular"):
        assert np.isnan(guttman_lambda6(d))


def test_item_analysis_with_fewer_respondents_than_items_matches_psych():
    d, _ = _edge("few_respondents")
    ref = pd.read_csv(REF / "few_respondents_items.csv").set_index("item")
    with pytest.warns(StatWarning, match="singular"):
        got = item_analysis(d)
    for ours, theirs in {"alpha_if_deleted": "alpha_drop", "std_alpha_if_deleted": "std_alpha_drop",
                         "corrected_item_total_r": "r_drop"}.items():
        assert_allclose(got[ours].to_numpy(float), ref.loc[got.index, theirs].to_numpy(float), rtol=0, atol=1e-9)
    assert got["r_cor"].isna().all()          # needs SMCs, undefined here


def test_pairwise_lambda6_on_indefinite_matrix_matches_psych_and_stays_at_most_one():
    d, ref = _edge("pairwise_sparse")
    assert ref["min_eigen_R"] < 0             # the pairwise correlation matrix really is indefinite
    a = cronbach_alpha(d, missing="pairwise")
    assert_allclose([a.alpha, a.std_alpha, a.lambda6], ref[["raw_alpha", "std_alpha", "G6"]].astype(float),
                    rtol=0, atol=1e-9)
    assert guttman_lambda6(d, missing="pairwise") <= 1


def test_reliability_table_single_item_construct_is_not_applicable():
    d = _data("bfi_N").assign(sat=_data("bfi_C")["C1"])
    res = reliability_table(d, {"N": SETS["bfi_N"][0], "Sat": ["sat"]})
    t = res.constructs
    assert not t.loc["Sat", "applicable"] and t.loc["N", "applicable"]
    assert t.loc["Sat", "k"] == 1 and t.loc["Sat", "n"] == d["sat"].notna().sum()
    assert t.loc["Sat", ["alpha", "std_alpha", "omega", "lambda6"]].isna().all()
    assert_allclose(t.loc["N", "alpha"], cronbach_alpha(d[SETS["bfi_N"][0]]).alpha, rtol=1e-12)
    assert "single-item" in res.interpret("en") and "Sat" in res.interpret("en")
    assert "单题项" in res.table("zh").note and "Sat" in res.table("en").note
