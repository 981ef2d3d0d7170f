"""The value indices' SQL gives the same tables on Spark (local mode) as on DuckDB, on the sample data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from crm_research import value as v

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def ship():
    s = pd.read_csv(SAMPLE / "shipments.csv")
    return s[s["ship_date"] <= "2025-12-31"]


def _same(a: pd.DataFrame, b: pd.DataFrame):
    a = a.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    b = b.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    assert_frame_equal(a, b, check_dtype=False, rtol=1e-12, atol=1e-9)


def test_abc_whale_rfm_identical_on_spark(spark_engine, ship):
    _same(v.abc(ship, customer="customer_id", amount="revenue", engine=spark_engine),
          v.abc(ship, customer="customer_id", amount="revenue"))
    _same(v.whale_curve(ship, customer="customer_id", revenue="revenue", cost="cost", engine=spark_engine).curve,
          v.whale_curve(ship, customer="customer_id", revenue="revenue", cost="cost").curve)
    kw = dict(customer="customer_id", date="ship_date", amount="revenue", as_of="2025-12-31")
    _same(v.rfm(ship, engine=spark_engine, **kw), v.rfm(ship, **kw))


def test_churn_and_ageing_identical_on_spark(spark_engine, ship):
    kw = dict(customer="customer_id", date="ship_date", amount="revenue", as_of="2025-12-31")
    a = v.churn_warning(ship, engine=spark_engine, **kw).customers
    b = v.churn_warning(ship, **kw).customers
    for col in ["first_date", "last_date"]:
        a[col], b[col] = pd.to_datetime(a[col]), pd.to_datetime(b[col])
    _same(a, b)
    inv, pay = pd.read_csv(SAMPLE / "invoices.csv"), pd.read_csv(SAMPLE / "payments.csv")
    _same(v.receivables_ageing(inv, pay, as_of="2026-03-31", engine=spark_engine),
          v.receivables_ageing(inv, pay, as_of="2026-03-31"))
