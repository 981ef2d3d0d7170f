"""crm_research.audit: recomputed statistics agree with R, verdicts follow the arithmetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError, audit

REF = Path(__file__).parent / "reference" / "audit"


def test_p_values_match_r():
    ref = pd.read_csv(REF / "p_values.csv", dtype={"p": str})
    for row in ref.itertuples():
        df1 = None if pd.isna(row.df1) else row.df1
        df2 = None if pd.isna(row.df2) else row.df2
        got = audit.p_value(row.stat, row.kind, df1, df2)
        assert_allclose(got, float(row.p), rtol=1e-10, atol=0, err_msg=f"{row.kind} {row.stat}")


def test_check_p_consistent_and_rounding_aware():
    # t(30) = 2.10 gives p = .0442; reported .044 fits, and .045 fits within t's rounding (2.095–2.105)
    assert audit.check_p(2.10, "t", 30, reported_p=0.044).consistent
    assert audit.check_p("2.10", "t", 30, reported_p="<.05").consistent
    res = audit.check_p(2.10, "t", 30, reported_p="<.01")
    assert not res.consistent
    # both sides of the comparison are significant at .05: inconsistent, but not gross
    assert res.verdict_en.startswith("Inconsistent") and "0.04424" in res.verdict_en
    small = audit.check_p("2.10", "t", 30, reported_p=0.060)
    assert not small.consistent and "grossly" in small.verdict_en.lower()


def test_bank_study_f_fits_about_ten_predictors():
    # The seed's bank CRM study: F = 29.31, R² = 0.38, n = 481 with one predictor reported.
    res = audit.check_regression(0.38, 29.31, 481, 1)
    assert not res.consistent
    k = audit.implied_predictors(0.38, 29.31, 481)
    assert 9.5 < k < 10.5
    assert "about 10 predictors" in res.verdict_en
    assert "约 10 个自变量" in res.verdict_zh
    # and the algebra round-trips: k predictors give back the reported F
    assert_allclose(0.38 * (481 - k - 1) / (k * (1 - 0.38)), 29.31, rtol=1e-12)
    with_ten = audit.check_regression(0.38, 29.31, 481, 10)
    assert with_ten.consistent


def test_check_regression_matches_statsmodels_fit():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    x = rng.normal(size=(120, 3))
    y = x @ [0.5, -0.3, 0.2] + rng.normal(size=120)
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    assert_allclose(audit.f_from_r2(fit.rsquared, 120, 3), fit.fvalue, rtol=1e-10)
    assert audit.check_regression(round(fit.rsquared, 3), round(fit.fvalue, 2), 120, 3).consistent


def test_f_change_matches_statsmodels_compare():
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 3))
    y = x @ [0.4, 0.3, 0.2] + rng.normal(size=200)
    small = sm.OLS(y, sm.add_constant(x[:, :1])).fit()
    big = sm.OLS(y, sm.add_constant(x)).fit()
    f, p, ddf = big.compare_f_test(small)
    res = audit.check_f_change(small.rsquared, big.rsquared, 200, 1, 3)
    assert f"{f:.3f}" in res.recomputed
    assert res.consistent
    bad = audit.check_f_change(0.38, 0.46, 481, 1, 2, reported_delta_r2=0.12)
    assert not bad.consistent and "ΔR²" in bad.verdict_en


def test_grim_published_example():
    # Brown & Heathers (2017): a mean of 5.19 from 28 integer answers is impossible.
    assert not audit.grim("5.19", 28).consistent
    assert audit.grim("5.18", 28).consistent      # 145 / 28 = 5.1786
    assert audit.grim(3.45, 20, items=1).consistent  # 69 / 20
    assert not audit.grim(3.47, 20).consistent


def test_grim_percent():
    # 78.3 % of 60 is impossible (47/60 = 78.33 → 78.3 is possible!) — check both ways by brute force
    for n in (7, 23, 60, 481):
        possible = {round(100 * c / n, 1) for c in range(n + 1)}
        for pct in (10.2, 11.3, 44.5, 51.4, 78.3):
            assert audit.grim_percent(f"{pct:.1f}", n).consistent == (pct in possible), (pct, n)


def test_check_alpha():
    res = audit.check_alpha(4, 0.6, reported_alpha=0.857)
    assert_allclose(float(res.recomputed.split("=")[1]), 4 * 0.6 / (1 + 3 * 0.6), rtol=1e-4)
    assert res.consistent
    assert not audit.check_alpha(4, 0.3, reported_alpha=0.86).consistent


def test_audit_table_and_repr():
    t = audit.audit_table([audit.grim("5.19", 28), audit.check_regression(0.38, 29.31, 481, 1)], lang="zh")
    assert list(t.columns) == ["check", "reported", "recomputed", "consistent", "verdict", "arithmetic"]
    assert t.loc[0, "verdict"].startswith("不可能")
    assert "<h4>" in audit.grim("5.19", 28)._repr_html_()


@pytest.mark.parametrize("call, message", [
    (lambda: audit.p_value(2.0, "q", 3), r"kind='q' is not one of"),
    (lambda: audit.p_value(-1.0, "F", 2, 10), r"F statistic cannot be negative"),
    (lambda: audit.check_p(2.0, "t", 10, reported_p="p ~ .05"), r"reported_p='p ~ .05' is not a p value"),
    (lambda: audit.f_from_r2(0.3, 5, 4), r"n=5 is too small for k=4"),
    (lambda: audit.grim_percent(120, 10), r"percent must be between 0 and 100"),
    (lambda: audit.check_f_change(0.5, 0.4, 100, 1, 2), r"R² cannot fall"),
    (lambda: audit.grim(3.2, 0), r"grim: n must be > 0"),
])
def test_bad_input_messages(call, message):
    with pytest.raises(DataError, match=message):
        call()


def test_smallest_n_brute_force():
    # 004: never heard 51.4 %, heard 28.6 %, some 13.6 %, well 6.4 %
    pct = ["51.4", "28.6", "13.6", "6.4"]

    def all_possible(m):
        # exact half-up rounding of 100 c / m with integer arithmetic (in tenths of a percent)
        shares = {(2000 * c + m) // (2 * m) for c in range(m + 1)}
        return all(round(float(p) * 10) in shares for p in pct)

    n = audit.smallest_n(pct)
    assert n is not None and all_possible(n)
    assert not any(all_possible(m) for m in range(1, n))
    assert audit.smallest_n(["50.0"]) == 2
    assert audit.smallest_n(["33.3", "66.7"]) == 3


def test_percent_total():
    assert audit.check_percent_total(["51.4", "28.6", "13.6", "6.4"]).consistent
    res = audit.check_percent_total(["89.7", "7.8", "3.2"])   # 001 example 2: adds to 100.7
    assert not res.consistent and "100.7" in res.verdict_en
    with pytest.raises(DataError, match="needs at least two percentages"):
        audit.check_percent_total([40])
