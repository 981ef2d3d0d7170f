"""crm_research.frequencies: intervals agree with R's prop.test / binom.test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError
from crm_research.frequencies import frequency_table, proportion_ci, sample_size_for_margin

REF = Path(__file__).parent / "reference" / "frequencies" / "intervals.csv"


def test_intervals_match_r():
    ref = pd.read_csv(REF)
    for row in ref.itertuples():
        w = proportion_ci(int(row.x), int(row.n), method="wilson").ci
        cp = proportion_ci(int(row.x), int(row.n), method="clopper-pearson").ci
        assert_allclose(w, (row.wilson_low, row.wilson_high), rtol=1e-9, atol=1e-12)
        assert_allclose(cp, (row.cp_low, row.cp_high), rtol=1e-7, atol=1e-12)


def test_frequency_table_counts_and_missing():
    s = pd.Series(["从未听说", "听说但不了解", "从未听说", None, "比较了解", "从未听说"], name="CRM认知")
    res = frequency_table(s, order=["从未听说", "听说但不了解", "比较了解", "非常了解"])
    t = res.counts
    assert t["count"].tolist() == [3, 1, 1, 0]
    assert_allclose(t["percent"].sum(), 100.0)
    assert res.n == 5 and res.n_missing == 1
    one = proportion_ci(3, 5)
    assert_allclose(t.loc["从未听说", ["ci_low", "ci_high"]].to_numpy(), np.array(one.ci) * 100)


def test_sample_size_for_margin():
    assert sample_size_for_margin(0.5, 0.03) == 1068   # the textbook figure
    assert sample_size_for_margin(0.514, 0.03) == 1067
    assert sample_size_for_margin(0.5, 0.03, population=2000) == 697
    # the Wald half-width at that n is within the margin, one fewer respondent is not
    n = sample_size_for_margin(0.2, 0.03)
    z = 1.959963984540054
    assert z * np.sqrt(0.2 * 0.8 / n) <= 0.03 < z * np.sqrt(0.2 * 0.8 / (n - 1))


@pytest.mark.parametrize("call, message", [
    (lambda: proportion_ci(5, 3), r"count must be a whole number between 0 and n=3"),
    (lambda: proportion_ci(1, 10, method="exact"), r"method='exact' is not one of"),
    (lambda: frequency_table(pd.Series(["a", "x"], name="q1"), order=["a", "b"]), r"column 'q1' not in order: \['x'\]"),
    (lambda: frequency_table(pd.Series([None, None], name="q2")), r"column 'q2' has no answers"),
    (lambda: sample_size_for_margin(0.5, 0), r"margin must be between 0 and 1"),
])
def test_bad_input(call, message):
    with pytest.raises(DataError, match=message):
        call()
