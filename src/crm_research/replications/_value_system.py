"""Customer value indicators of source document 001, example 3, computed from the sample company's
files: current value (profit contribution, order continuity, business condition, credit: payment
days and default) and potential value (cross-selling, growth, industry life-cycle, strategic fit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["indicators", "CURRENT", "POTENTIAL", "COST_INDICATORS", "AHP_CURRENT"]

CURRENT = ["profit", "continuity", "condition", "payment_days", "overdue_share"]
POTENTIAL = ["cross_selling", "growth", "lifecycle", "strategic_fit"]
COST_INDICATORS = ["payment_days", "overdue_share"]
#: an illustrative pairwise judgement of the current-value indicators (profit most important)
AHP_CURRENT = [[1, 3, 5, 4, 4], [1 / 3, 1, 3, 2, 2], [1 / 5, 1 / 3, 1, 1 / 2, 1 / 2],
               [1 / 4, 1 / 2, 2, 1, 1], [1 / 4, 1 / 2, 2, 1, 1]]

_LIFECYCLE = {"introduction": 3, "growth": 4, "mature": 2, "decline": 1}
_SIZE = {"small": 1, "medium": 2, "large": 3}


def indicators(data_dir, *, as_of="2026-09-30") -> pd.DataFrame:
    data_dir = Path(data_dir)
    ship = pd.read_csv(data_dir / "shipments.csv", parse_dates=["ship_date"])
    cust = pd.read_csv(data_dir / "customers.csv").set_index("customer_id")
    inv = pd.read_csv(data_dir / "invoices.csv", parse_dates=["issue_date", "due_date"])
    pay = pd.read_csv(data_dir / "payments.csv", parse_dates=["pay_date"])
    as_of = pd.Timestamp(as_of)
    ship = ship[ship["ship_date"] <= as_of]
    g = ship.groupby("customer_id")
    months = ship.assign(m=ship["ship_date"].dt.to_period("M")).groupby("customer_id")["m"].nunique()
    span = ((as_of - g["ship_date"].min()).dt.days / 30.44).clip(lower=1)
    rev_y1 = ship[ship["ship_date"] < as_of - pd.Timedelta(days=365)].groupby("customer_id")["revenue"].sum()
    rev_y2 = ship[ship["ship_date"] >= as_of - pd.Timedelta(days=365)].groupby("customer_id")["revenue"].sum()
    paid = pay.groupby("invoice_id")["pay_date"].max()
    inv = inv.assign(pay_date=inv["invoice_id"].map(paid))
    inv["days"] = (inv["pay_date"].fillna(as_of) - inv["issue_date"]).dt.days
    inv["late"] = inv["pay_date"].fillna(as_of) > inv["due_date"]
    out = pd.DataFrame({
        "profit": (ship["revenue"] - ship["cost"]).groupby(ship["customer_id"]).sum(),
        "continuity": (months / span).clip(upper=1),
        "condition": cust["size"].map(_SIZE),
        "payment_days": inv.groupby("customer_id")["days"].mean(),
        "overdue_share": inv.groupby("customer_id")["late"].mean(),
        "cross_selling": g["service"].nunique(),
        "growth": (rev_y2.reindex(g.size().index).fillna(0) + 1) / (rev_y1.reindex(g.size().index).fillna(0) + 1),
        "lifecycle": cust["industry_lifecycle"].map(_LIFECYCLE),
        "strategic_fit": cust["customer_type"].map({"manufacturer": 3, "ecommerce": 3, "distributor": 2, "retailer": 1}),
    })
    out["growth"] = np.log(out["growth"])
    return out.dropna()
