"""crm_research.value: ABC/whale/RFM/ageing against independent pandas code, CLV against the
published CDNOW estimates, AHP against Saaty's textbook example, and every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import warnings

from crm_research import DataError, StatWarning
from crm_research import value as v

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def ship():
    return pd.read_csv(SAMPLE / "shipments.csv")


def test_abc_equals_plain_pandas(random_tx):
    tx = random_tx()
    tot = tx.groupby("cust")["amt"].sum().reset_index()
    tot = tot.sort_values(["amt", "cust"], ascending=[False, True]).reset_index(drop=True)
    cum = tot["amt"].cumsum() / tot["amt"].sum()
    want = np.where(cum <= 0.55, "A", np.where(cum <= 0.85, "B", "C"))
    got = v.abc(tx, customer="cust", amount="amt")
    assert got["cust"].tolist() == tot["cust"].tolist()
    assert got["abc_class"].tolist() == want.tolist()
    assert_allclose(got["cumulative_share"], cum, rtol=1e-12)
    s = v.abc_summary(got)
    assert s["customers"].sum() == 200 and abs(s["amount_share"].sum() - 1) < 1e-12


def test_abc_ties_broken_by_customer_id_and_custom_cutoffs():
    d = pd.DataFrame({"c": ["b", "a", "c", "d"], "x": [10.0, 10.0, 5.0, 5.0]})
    got = v.abc(d, customer="c", amount="x", cutoffs=(0.3, 0.7))
    assert got["c"].tolist() == ["a", "b", "c", "d"]
    assert_allclose(got["cumulative_share"], [1 / 3, 2 / 3, 5 / 6, 1.0], rtol=1e-12)
    assert got["abc_class"].tolist() == ["B", "B", "C", "C"]   # a: 1/3 > 0.3 is B, b: 2/3 ≤ 0.7 is B
    assert got["abc_class"].tolist() == ["A" if c <= 0.3 else "B" if c <= 0.7 else "C" for c in got["cumulative_share"]]


def test_visit_plan_and_migration():
    before = pd.DataFrame({"k": ["k1", "k2", "k3", "k4"], "abc_class": ["A", "B", "C", "C"]})
    after = pd.DataFrame({"k": ["k1", "k2", "k3", "k5"], "abc_class": ["B", "A", "C", "A"]})
    mig = v.abc_migration(before, after)
    m = mig.matrix
    assert m.loc["A", "B"] == 1 and m.loc["B", "A"] == 1 and m.loc["C", "lost"] == 1 and m.loc["new", "A"] == 1
    assert mig.moved_up == ("k2",) and mig.fell == ("k1",)
    plan = v.visit_plan(before)
    assert plan["contacts_per_month"].tolist() == [3, 2, 1, 1] and plan.loc["k3", "channel"] == "phone"


def test_whale_curve_equals_plain_pandas(random_tx):
    tx = random_tx(1)
    prof = (tx["amt"] - tx["cost"]).groupby(tx["cust"]).sum().sort_values(ascending=False, kind="mergesort")
    w = v.whale_curve(tx, customer="cust", revenue="amt", cost="cost")
    assert_allclose(w.curve["cumulative_profit"].to_numpy(), prof.cumsum().to_numpy(), rtol=1e-9)
    n = len(prof)
    assert_allclose(w.top20_profit_share, prof.iloc[: n // 5].sum() / prof.sum(), rtol=1e-12)
    assert_allclose(w.unprofitable_share, (prof < 0).mean())
    top = f"{100 * w.top20_profit_share:.0f}%"
    assert f"top 20% of customers make {top} of profit" in w.interpret("en")
    assert f"前 20% 的客户创造了 {top} 的利润" in w.interpret("zh")


def test_rfm_scores_and_ties(random_tx):
    tx = random_tx(2)
    r = v.rfm(tx, customer="cust", date="day", amount="amt", as_of="2026-02-15")
    last = tx.groupby("cust")["day"].max()
    assert r["cust"].tolist() == sorted(last.index)
    assert_allclose(r["recency_days"], (pd.Timestamp("2026-02-15") - last[r["cust"]]).dt.days)
    assert (r["frequency"].to_numpy() == tx.groupby("cust").size()[r["cust"]].to_numpy()).all()
    # ties share a score: same frequency → same f_score; and scores follow the ranking
    for _, g in r.groupby("frequency"):
        assert g["f_score"].nunique() == 1
    n = len(r)
    want = 1 + np.floor(5 * (r["monetary"].rank(method="min") - 1) / n)
    assert (r["m_score"] == want.astype(int)).all()
    assert set(r["segment"]) <= {name for name, *_ in v.SEGMENTS} | {"other"}


def test_cdnow_bgnbd_and_gamma_gamma_reproduce_published_estimates():
    d = pd.read_csv(ROOT / "tests" / "data" / "cdnow_summary.csv")
    b = v.fit_bgnbd(d["x"], d["t_x"], d["T"])
    assert (round(b.r, 3), round(b.alpha, 3), round(b.a, 3), round(b.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(b.log_likelihood, 1) == -9582.4
    g = v.fit_gamma_gamma(d["x"], d["zbar"])
    assert (round(g.p, 2), round(g.q, 2)) == (6.25, 3.74)
    assert abs(g.gamma - 15.44) < 0.01      # the summary file's spend is rounded to cents
    # P(alive) of a customer with no repeat purchase is 1; expected purchases grow with time
    assert b.p_alive(0, 0, 30)[()] == 1.0
    e1, e2 = b.expected_purchases(10, 2, 30.43, 38.86), b.expected_purchases(39, 2, 30.43, 38.86)
    assert 0 < e1 < e2


def test_clv_on_sample_company(ship):
    s = v.summary_from_transactions(ship, customer="customer_id", date="ship_date", amount="revenue",
                                    as_of="2026-09-30", freq="W")
    assert (s["recency"] <= s["T"]).all() and (s["frequency"] >= 0).all()
    b = v.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    g = v.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    value = v.clv(b, g, s, periods=12, period_length=4.345)
    assert (value >= 0).all() and value.corr(s["frequency"] * s["monetary_value"]) > 0.5


def test_bgnbd_degenerate_data_gives_finite_estimates():
    # a small, degenerate data set (all customers bought at the same times): finite estimates,
    # and a StatWarning rather than an exception if the optimiser cannot fully converge
    n = 40
    freq = np.r_[np.zeros(30), np.ones(10)]
    rec = np.r_[np.zeros(30), np.full(10, 5.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatWarning)
        b = v.fit_bgnbd(freq, rec, np.full(n, 20.0))
    assert np.isfinite([b.r, b.alpha, b.a, b.b]).all()


def test_ahp_saaty_example():
    # a consistent 3×3 matrix has exact weights 4:2:1 and CR = 0
    a = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    res = v.ahp_weights(a, labels=["profit", "continuity", "credit"])
    assert_allclose(res.weights.to_numpy(), [4 / 7, 2 / 7, 1 / 7], rtol=1e-10)
    assert abs(res.cr) < 1e-10
    # an inconsistent 4×4 matrix: weights and λmax by power iteration, computed independently here
    b = np.array([[1, 5, 3, 7], [1 / 5, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]])
    w = np.ones(4)
    for _ in range(200):
        w = b @ w
        w /= w.sum()
    lam = float(np.mean((b @ w) / w))
    r2 = v.ahp_weights(b)
    assert_allclose(r2.weights.to_numpy(), w, rtol=1e-9)
    assert_allclose(r2.lambda_max, lam, rtol=1e-9)
    assert_allclose(r2.cr, (lam - 4) / 3 / 0.90, rtol=1e-9)


def test_ahp_errors():
    with pytest.raises(DataError, match=r"not reciprocal: cell \(a, b\) = 3 but \(b, a\) = 0.5; expected 0.3333"):
        v.ahp_weights([[1, 3], [0.5, 1]], labels=["a", "b"])
    with pytest.raises(DataError, match=r"consistency ratio CR = .* ≥ 0.1"):
        v.ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])


def test_entropy_weights_by_hand():
    x = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.2, 0.2, 0.2001]})
    w = v.entropy_weights(x)
    p = x / x.sum()
    e = -(p * np.log(p.where(p > 0, 1))).sum() / np.log(3)
    assert_allclose(w.to_numpy(), ((1 - e) / (1 - e).sum()).to_numpy())
    assert w["a"] > 0.99


def test_composite_value_matrix_and_delivered_value():
    d = pd.DataFrame({"profit": [10, 50, 30, 5], "pay_days": [30, 90, 45, 20], "growth": [0.1, 0.3, 0.0, 0.5]},
                     index=["k1", "k2", "k3", "k4"])
    z = v.normalise(d, ["profit", "pay_days", "growth"], cost_columns=["pay_days"])
    assert z.loc["k2", "pay_days"] == 0 and z.loc["k4", "pay_days"] == 1
    cur = v.composite_value(z, {"profit": 0.7, "pay_days": 0.3})
    vm = v.value_matrix(cur, z["growth"])
    m = vm.customers
    assert set(m["quadrant"]) <= {"key", "maintain", "develop", "reduce"}
    assert vm.split == (cur.median(), z["growth"].median())
    hi = (m["current"] >= vm.split[0]) & (m["potential"] >= vm.split[1])
    assert (m.loc[hi, "quadrant"] == "key").all() and (m.loc[~hi, "quadrant"] != "key").all()
    dv = v.delivered_value(pd.DataFrame({"total_value": [4.0, 3.0], "total_cost": [2.5, 3.5]}))
    assert dv.tolist() == [1.5, -0.5]


def test_ageing_equals_plain_pandas():
    inv = pd.read_csv(SAMPLE / "invoices.csv")
    pay = pd.read_csv(SAMPLE / "payments.csv")
    as_of = pd.Timestamp("2026-06-30")
    raw = v.receivables_ageing(inv, pay, as_of=as_of)
    ag = raw.set_index("customer_id")
    i = inv[pd.to_datetime(inv["issue_date"]) <= as_of].copy()
    paid = pay[pd.to_datetime(pay["pay_date"]) <= as_of].groupby("invoice_id")["amount"].sum()
    i["open"] = i["amount"] - i["invoice_id"].map(paid).fillna(0)
    i["late"] = (as_of - pd.to_datetime(i["due_date"])).dt.days
    o = i[i["open"] > 0]
    want = o[o["late"] > 90].groupby("customer_id")["open"].sum()
    assert_allclose(ag.loc[want.index, "d90_plus"], want, rtol=1e-9)
    assert_allclose(ag["outstanding"].sum(), o["open"].sum(), rtol=1e-9)
    grades = v.credit_grades(raw)
    assert list(grades.index) == raw["customer_id"].tolist()
    assert (grades[ag["d90_plus"] > 0] == "D").all()


def test_churn_warning_finds_real_churners(ship):
    truth = pd.read_csv(SAMPLE / "truth_customers.csv").set_index("customer_id")
    churn = pd.to_datetime(truth["churn_date"])
    as_of = pd.Timestamp("2026-03-31")
    res = v.churn_warning(ship[ship["ship_date"] <= "2026-03-31"], customer="customer_id", date="ship_date",
                          amount="revenue", as_of=as_of)
    w = res.customers.set_index("customer_id")
    target = (churn > as_of - pd.Timedelta(days=90)) & (churn <= as_of + pd.Timedelta(days=120))
    pr = v.warning_precision_recall(w["flag"], target)
    base = target.reindex(w.index).fillna(False).mean()
    assert pr["precision"] > 2 * base           # flagged customers churn far more often than others
    assert pr["recall"] > 0.2
    assert res.excluded > 0
    flagged = res.flagged
    assert (flagged["slow"] | flagged["shrink"]).all()
    from crm_research.present.text import churn_reason
    first = flagged.iloc[0]
    if first["slow"]:
        assert f"no order for {first['days_since_last']:.0f} days" in churn_reason(first, "en")
        assert f"已 {first['days_since_last']:.0f} 天未下单" in churn_reason(first, "zh")
    assert flagged["value_at_risk"].is_monotonic_decreasing


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"c": ["a", "b"], "x": [1.0, -2.0]}), r"column 'x' has negative values in row 1"),
    (pd.DataFrame({"c": ["a", "b"], "x": [1.0, None]}), r"column 'x' is missing or not a number in row 1"),
    (pd.DataFrame({"c": ["a", "b"], "x": [0.0, 0.0]}), r"every value in column 'x' is zero"),
    (pd.DataFrame({"c": ["a", "b"], "y": [1.0, 2.0]}), r"columns not found in data: \['x'\]"),
])
def test_abc_bad_input(frame, message):
    with pytest.raises(DataError, match=message):
        v.abc(frame, customer="c", amount="x")


def test_rfm_future_dates_and_unknown_payments():
    tx = pd.DataFrame({"c": ["a", "b"], "x": [1.0, 2.0], "d": ["2026-01-01", "2026-12-01"]})
    with pytest.raises(DataError, match=r"1 dates in column 'd' are after as_of=2026-06-30 \(row 1\)"):
        v.rfm(tx, customer="c", date="d", amount="x", as_of="2026-06-30")
    inv = pd.DataFrame({"invoice_id": ["I1"], "customer_id": ["a"], "issue_date": ["2026-01-01"],
                        "due_date": ["2026-01-31"], "amount": [10.0]})
    pay = pd.DataFrame({"invoice_id": ["I9"], "pay_date": ["2026-02-01"], "amount": [5.0]})
    with pytest.raises(DataError, match=r"payments for unknown invoices \['I9'\] \(row 0\)"):
        v.receivables_ageing(inv, pay, as_of="2026-06-30")


def test_bgnbd_bad_input():
    with pytest.raises(DataError, match=r"recency exceeds T in row 1"):
        v.fit_bgnbd([1] * 12, [1, 50] + [1] * 10, [10] * 12)
    with pytest.raises(DataError, match=r"frequency is negative in row 0"):
        v.fit_bgnbd([-1] + [1] * 11, [0] * 12, [10] * 12)


def test_lifecycle_stage_rules():
    d = pd.DataFrame({"c": ["new", "lost", "up", "up", "down", "down", "flat", "flat"],
                      "x": [5.0, 5.0, 10.0, 30.0, 30.0, 10.0, 10.0, 10.0],
                      "d": ["2026-06-01", "2025-06-01", "2025-10-01", "2026-05-01", "2025-10-01", "2026-05-01",
                            "2025-10-01", "2026-05-01"]})
    st = v.lifecycle_stage(d, customer="c", date="d", amount="x", as_of="2026-06-30")
    assert st["stage"].to_dict() == {"down": "decline", "flat": "maturity", "lost": "lost", "new": "acquisition", "up": "growth"}
    from crm_research.labels import label
    assert label(st.loc["up", "stage"], "zh", ns="value") == "成长期"


def test_share_of_wallet_and_indices():
    sow = v.share_of_wallet(pd.Series({"a": 50.0, "b": 10.0, "c": 5.0}), pd.Series({"a": 100.0, "b": np.nan, "c": 20.0}))
    assert sow.share.to_dict() == {"a": 0.5, "c": 0.25} and sow.excluded == 1
    with pytest.raises(DataError, match=r"exceeds the stated total for customers \['a'\]"):
        v.share_of_wallet(pd.Series({"a": 150.0}), pd.Series({"a": 100.0}))
    d = pd.DataFrame({"c": ["a", "a", "b", "b"], "x": [100.0, 150.0, 100.0, 50.0],
                      "d": ["2025-03-01", "2026-03-01", "2025-03-01", "2026-03-01"]})
    di = v.development_index(d, customer="c", date="d", amount="x", as_of="2026-06-30")
    assert di.firm_growth == 0.0
    assert_allclose(di.customers["development_index"].to_numpy(), [150.0, 50.0])
    bi = v.benefit_index(pd.DataFrame({"total_value": [5.0, 3.0, 1.0], "total_cost": [1.0, 3.0, 5.0]}))
    assert bi.tolist() == [100.0, 50.0, 0.0]


def test_clv_models_agree_with_lifetimes_side_by_side():
    import json

    ref = json.loads((ROOT / "tests" / "reference" / "value" / "lifetimes_reference.json").read_text())
    cd = pd.read_csv(ROOT / "tests" / "data" / "cdnow_summary.csv")
    b = v.fit_bgnbd(cd["x"], cd["t_x"], cd["T"])
    assert_allclose([b.r, b.alpha, b.a, b.b], [ref["cdnow_bgnbd"][k] for k in ("r", "alpha", "a", "b")], rtol=1e-4)
    sm = pd.read_csv(ROOT / "tests" / "reference" / "value" / "sample_summary_D.csv")
    b = v.fit_bgnbd(sm["frequency"], sm["recency"], sm["T"])
    assert_allclose([b.r, b.alpha, b.a, b.b], [ref["sample_bgnbd"][k] for k in ("r", "alpha", "a", "b")], rtol=1e-3)
    g = v.fit_gamma_gamma(sm["frequency"], sm["monetary_value"])
    assert_allclose([g.p, g.q, g.gamma], [ref["sample_gg"][k] for k in ("p", "q", "v")], rtol=1e-3)


def test_gamma_gamma_usable_where_lifetimes_fails():
    import json

    ref = json.loads((ROOT / "tests" / "reference" / "value" / "lifetimes_reference.json").read_text())
    assert ref["tiny_gg_lifetimes"] == "ConvergenceError"
    f = np.array([1, 1, 2, 1, 3, 1, 1, 2, 1, 1])
    m = np.array([10, 10.5, 10.2, 9.9, 10.1, 10, 10, 10.3, 9.8, 10.0])
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        g = v.fit_gamma_gamma(f, m)
    assert np.isfinite([g.p, g.q, g.gamma]).all()
    assert_allclose(g.expected_spend(f, m).mean(), m.mean(), rtol=0.01)


def test_empty_table_is_named():
    with pytest.raises(DataError, match=r"abc: the table has no rows"):
        v.abc(pd.DataFrame({"c": [], "x": []}), customer="c", amount="x")


def test_bgnbd_conditional_expectations_match_log_space_series_in_r():
    """P(alive) and E[Y(t) | x, t_x, T] at the CDNOW estimates, frequent buyers included (no
    overflow); R sums the hypergeometric series in log space (tests/reference/value)."""
    ref = pd.read_csv(ROOT / "tests" / "reference" / "value" / "bgnbd_conditional.csv")
    b = v.BGNBDResult(0.243, 4.414, 0.793, 2.426, float("nan"), 0, (np.nan,) * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no overflow or invalid-value warnings either
        p = b.p_alive(ref["x"], ref["t_x"], ref["T"])
        e = b.expected_purchases(ref["t"], ref["x"], ref["t_x"], ref["T"])
    assert_allclose(p, ref["p_alive"], rtol=1e-10, atol=0)
    assert_allclose(e, ref["expected"], rtol=1e-8, atol=0)
    # FHL (2005a, p. 280): a customer with x = 2, t_x = 30.43, T = 38.86 buys 1.226 times in the next 39 weeks
    assert round(float(e[0]), 3) == 1.226
