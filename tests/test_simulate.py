"""The sample company: deterministic, consistent, and it carries the truths it documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_research import DataError, simulate
from crm_research.survey import load_instrument, load_survey

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_committed_sample_equals_fresh_generation(tmp_path):
    hashes = simulate.write_sample(tmp_path)
    committed = dict(line.split("  ")[::-1] for line in (SAMPLE / "MANIFEST.sha256").read_text().splitlines())
    assert hashes == committed
    for name, digest in committed.items():
        assert hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest() == digest, name


def test_small_generation_is_deterministic(tmp_path):
    a = simulate.write_sample(tmp_path / "a", seed=7, n_customers=40, respondents_per_wave=30)
    b = simulate.write_sample(tmp_path / "b", seed=7, n_customers=40, respondents_per_wave=30)
    c = simulate.write_sample(tmp_path / "c", seed=8, n_customers=40, respondents_per_wave=30)
    assert a == b and a != c


@pytest.fixture(scope="module")
def tables():
    return {p.stem: pd.read_csv(p, dtype={"customer_id": str}) for p in SAMPLE.glob("*.csv")
            if p.stem != "data_dictionary"}


def test_referential_integrity_and_dates(tables):
    cust, ship, inv, pay, comp = (tables[k] for k in ("customers", "shipments", "invoices", "payments", "complaints"))
    assert cust["customer_id"].is_unique and ship["shipment_id"].is_unique
    assert set(ship["customer_id"]) <= set(cust["customer_id"])
    assert set(comp["shipment_id"]) <= set(ship["shipment_id"])
    assert set(pay["invoice_id"]) <= set(inv["invoice_id"])
    paid = pay.groupby("invoice_id")["amount"].sum()
    assert (paid <= inv.set_index("invoice_id").loc[paid.index, "amount"] + 1e-6).all()
    assert (pd.to_datetime(ship["delivered_date"]) > pd.to_datetime(ship["ship_date"])).all()
    assert ship["ship_date"].between("2025-01-01", "2026-09-30").all()
    assert (pd.to_datetime(pay["pay_date"]) > pd.to_datetime(inv.set_index("invoice_id").loc[pay["invoice_id"], "issue_date"]).to_numpy()).all()
    assert set(cust["customer_type"]) == {"manufacturer", "distributor", "retailer", "ecommerce"}


def test_churners_slow_down_before_they_stop(tables):
    ship, truth = tables["shipments"], tables["truth_customers"]
    churn = truth.dropna(subset=["churn_date"])
    assert 0.05 < len(churn) / len(truth) < 0.2
    ship = ship.assign(ship_date=pd.to_datetime(ship["ship_date"]))
    ratios = []
    for c in churn.itertuples():
        cd = pd.Timestamp(c.churn_date)
        s = ship[ship["customer_id"] == c.customer_id]
        assert (s["ship_date"] < cd).all()                      # nothing after the churn date
        early = ((s["ship_date"] >= cd - pd.Timedelta(days=270)) & (s["ship_date"] < cd - pd.Timedelta(days=180))).sum()
        late = (s["ship_date"] >= cd - pd.Timedelta(days=90)).sum()
        if early >= 5:
            ratios.append(late / early)
    assert len(ratios) >= 10 and np.median(ratios) < 0.7


def test_some_customers_unprofitable_and_profit_concentrated(tables):
    ship = tables["shipments"]
    profit = (ship["revenue"] - ship["cost"]).groupby(ship["customer_id"]).sum().sort_values(ascending=False)
    assert 0.05 < (profit < 0).mean() < 0.25
    top = profit.iloc[: len(profit) // 5].sum() / profit.sum()
    assert top > 0.6


def test_survey_waves_load_and_recover_structure():
    inst = load_instrument("logistics_csl")
    waves = sorted(SAMPLE.glob("survey_*.csv"))
    assert [w.stem[7:] for w in waves] == simulate.WAVES
    head = pd.read_csv(waves[0], nrows=0, encoding="utf-8-sig").columns.tolist()
    assert head == ["respondent_id", "customer_id", "wave", "submitted_at", "duration_sec", "customer_type"] + inst.items
    assert waves[0].read_bytes()[:3] == b"\xef\xbb\xbf"
    s = load_survey(waves[2], "logistics_csl")
    res = s.screen(min_duration=120)
    reasons = res.reasons()
    assert (reasons[["contradictory", "straight_lining", "too_fast"]] > 0).all()
    assert reasons.sum() >= len(res.dropped) > 0
    sc = load_survey(waves[2], "logistics_csl").scores().loc[res.kept.index]
    r = sc.corr()
    assert r.loc["satisfaction", "value"] > 0.4
    assert r.loc["satisfaction", "loyalty_conative"] > 0.3
    assert abs(r.loc["switching", "satisfaction"]) < 0.2


def test_bad_size():
    with pytest.raises(DataError, match="n_customers must be at least 20, got 5"):
        simulate.company(n_customers=5)
