"""Life-cycle stage, share of wallet, and the customer development and benefit indices
(source document 001, examples 1 and 8). The source gives no formulas for the two indices; the
definitions below are this package's and are stated in each docstring."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import format_rows, require_columns
from ._tx import Session, as_of_date

__all__ = ["lifecycle_stage", "share_of_wallet", "development_index", "benefit_index"]



def _checked(data, func, *, customer, amount, date, as_of) -> pd.DataFrame:
    """The checked transactions (customer, amount, tx_date) in pandas: these indices are small steps."""
    with Session(func) as s:
        s.transactions(data, customer=customer, amount=amount, date=date, as_of=as_of)
        tx = s.frame()
    tx["tx_date"] = pd.to_datetime(tx["tx_date"])
    return tx


def _windows(tx, as_of, window):
    w = pd.Timedelta(days=window)
    recent = tx[tx["tx_date"] > as_of - w].groupby("customer")["amount"].sum()
    before = tx[(tx["tx_date"] <= as_of - w) & (tx["tx_date"] > as_of - 2 * w)].groupby("customer")["amount"].sum()
    return recent, before


def lifecycle_stage(transactions_, *, customer, date, amount, as_of, window: int = 180, change: float = 0.2) -> pd.DataFrame:
    """Stage per customer from its own history: *acquisition* (first order within ``window`` days),
    *lost* (no order within ``window`` days), *growth* / *decline* (amount in the last ``window``
    days above / below the window before by more than ``change``), otherwise *maturity*."""
    as_of = as_of_date(as_of, "lifecycle_stage")
    tx = _checked(transactions_, "lifecycle_stage", customer=customer, amount=amount, date=date, as_of=as_of)
    g = tx.groupby("customer")["tx_date"]
    first, last = g.min(), g.max()
    recent, before = _windows(tx, as_of, window)
    out = pd.DataFrame({"first_order": first, "last_order": last,
                        "recent_amount": recent.reindex(first.index).fillna(0.0),
                        "previous_amount": before.reindex(first.index).fillna(0.0)})
    ratio = out["recent_amount"] / out["previous_amount"].where(out["previous_amount"] > 0)
    w = pd.Timedelta(days=window)
    out["stage"] = np.select(
        [out["first_order"] > as_of - w, out["last_order"] <= as_of - w, ratio > 1 + change, ratio < 1 - change],
        ["acquisition", "lost", "growth", "decline"], "maturity")
    out.index.name = customer
    return out


@result
class ShareOfWalletResult(Result):
    """``share``: share of wallet by customer; ``excluded``: customers whose total is unknown or zero."""

    share: pd.Series
    excluded: int

    def to_frame(self) -> pd.DataFrame:
        return self.share.to_frame()


@result
class DevelopmentResult(Result):
    """``customers``: recent and previous amount, growth and the development index by customer;
    ``firm_growth``: the firm's own growth over the same windows."""

    customers: pd.DataFrame
    firm_growth: float

    def to_frame(self) -> pd.DataFrame:
        return self.customers


def share_of_wallet(spend_with_us: pd.Series, total_spend: pd.Series) -> ShareOfWalletResult:
    """Share of wallet (钱包份额) = the customer's spend with the firm / its total spend on the
    category, over the same period. Customers whose total is unknown or zero are left out and
    counted in ``excluded``; a share above 1 (spend with us above the stated total) is an
    error naming the customers."""
    both = pd.DataFrame({"us": spend_with_us, "total": total_spend})
    ok = both["total"].notna() & (both["total"] > 0) & both["us"].notna()
    over = ok & (both["us"] > both["total"] * (1 + 1e-9))
    if over.any():
        raise DataError(f"share_of_wallet: spend with the firm exceeds the stated total for customers "
                        f"{sorted(map(str, both.index[over]))[:10]}; check the totals' period and units")
    out = (both.loc[ok, "us"] / both.loc[ok, "total"]).rename("share_of_wallet")
    return ShareOfWalletResult(out, int((~ok).sum()))


def development_index(transactions_, *, customer, date, amount, as_of, window: int = 365) -> DevelopmentResult:
    """Customer development index (客户发展指数): how the customer's business with the firm grows
    against the firm's own growth, 100 · (1 + g_customer) / (1 + g_firm), where g is the growth of
    amount in the last ``window`` days over the window before. 100 = growing in step with the firm
    (the customers the source document calls the easiest partners); only customers active in both
    windows are scored."""
    as_of = as_of_date(as_of, "development_index")
    tx = _checked(transactions_, "development_index", customer=customer, amount=amount, date=date, as_of=as_of)
    recent, before = _windows(tx, as_of, window)
    firm_growth = recent.sum() / before.sum() - 1 if before.sum() > 0 else np.nan
    both = pd.DataFrame({"recent": recent, "previous": before}).dropna()
    both = both[both["previous"] > 0]
    g = both["recent"] / both["previous"] - 1
    both["growth"] = g
    both["development_index"] = 100 * (1 + g) / (1 + firm_growth)
    both.index.name = customer
    return DevelopmentResult(both, float(firm_growth))


def benefit_index(scores: pd.DataFrame, *, total_value: str = "total_value", total_cost: str = "total_cost",
                  scale=(1, 5)) -> pd.Series:
    """Customer benefit index (客户收益指数): the value the firm creates for the customer, as the
    delivered value (total value − total cost, from the survey) rescaled to 0–100 over its possible
    range (min − max … max − min of the answer scale); 50 = value and cost in balance."""
    require_columns(scores, [total_value, total_cost], "benefit_index", "constructs")
    lo, hi = scale
    dv = scores[total_value] - scores[total_cost]
    bad = dv.notna() & ((dv < lo - hi - 1e-9) | (dv > hi - lo + 1e-9))
    if bad.any():
        raise DataError(f"benefit_index: delivered value outside the scale's range in {format_rows(scores.index[bad])}; "
                        f"check scale={scale!r}")
    return (100 * (dv - (lo - hi)) / (2 * (hi - lo))).rename("benefit_index")
