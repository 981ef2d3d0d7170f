"""ABC (Pareto) classification, visit plan, class migration and the whale curve (source documents
002 and 004)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from ._tx import Session, by_customer, with_customer

__all__ = ["abc", "abc_summary", "visit_plan", "abc_migration", "whale_curve", "WhaleResult"]


def _cutoffs(cutoffs, func):
    try:
        a, b = (float(c) for c in cutoffs)
    except (TypeError, ValueError):
        raise DataError(f"{func}: cutoffs must be two shares like (0.55, 0.85), got {cutoffs!r}") from None
    if not 0 < a < b < 1:
        raise DataError(f"{func}: cutoffs must satisfy 0 < A < B < 1, got {cutoffs!r}")
    return a, b


def abc(data, *, customer, amount, cutoffs=(0.55, 0.85), engine=None) -> pd.DataFrame:
    """ABC classification exactly as source document 002 defines it.

    Customers are ranked by total ``amount``, largest first (ties by customer id); a customer whose
    cumulative share is ≤ 0.55 is A, ≤ 0.85 is B, else C (``cutoffs`` configurable). ``data`` may
    hold one row per customer or one per transaction (amounts are summed): a DataFrame, a Parquet
    or CSV path or glob, or a :class:`WarehouseTable` — checked and aggregated by DuckDB (or the
    given Spark engine) without loading the transactions into pandas. Returns one row per
    customer, largest first: the ``customer`` column, ``amount``, ``share``, ``cumulative_share``,
    ``rank`` and ``abc_class`` — so ``abc(rfm(tx, ...), customer=..., amount="monetary")`` chains.
    Tested against the same ranking done by hand in pandas.
    """
    func = "abc"
    a, b = _cutoffs(cutoffs, func)
    with Session(func, engine) as s:
        s.transactions(data, customer=customer, amount=amount)
        out = s.run("abc", cut_a=repr(a), cut_b=repr(b))
    out["rank"] = out["rank"].astype(int)
    return with_customer(out, customer)


def abc_summary(classes: pd.DataFrame) -> pd.DataFrame:
    """Count and share of customers and of amount per class."""
    if "abc_class" not in getattr(classes, "columns", []):
        raise DataError("abc_summary: expected the table returned by abc() (column 'abc_class')")
    g = classes.groupby("abc_class")["amount"].agg(["count", "sum"]).reindex(["A", "B", "C"], fill_value=0)
    out = pd.DataFrame({"customers": g["count"].astype(int), "customer_share": g["count"] / g["count"].sum(),
                        "amount": g["sum"], "amount_share": g["sum"] / g["sum"].sum()})
    out.index.name = "abc_class"
    return out


def visit_plan(classes: pd.DataFrame, *, visits=None, channel=None) -> pd.DataFrame:
    """Monthly contact plan per customer (indexed by customer): A 3 visits, B 2, C 1 (by phone), as
    source document 002."""
    visits = {"A": 3, "B": 2, "C": 1, **(visits or {})}
    channel = {"A": "visit", "B": "visit", "C": "phone", **(channel or {})}
    if "abc_class" not in getattr(classes, "columns", []):
        raise DataError("visit_plan: expected the table returned by abc() (column 'abc_class')")
    out = by_customer(classes)[["abc_class"]].copy()
    out["contacts_per_month"] = out["abc_class"].map(visits).astype(int)
    out["channel"] = out["abc_class"].map(channel)
    return out


@result
class MigrationResult(Result):
    """``matrix``: customers by class before (rows, plus 'new') and after (columns, plus 'lost');
    ``moved_up`` and ``fell``: the customers who changed class."""

    matrix: pd.DataFrame
    moved_up: tuple
    fell: tuple

    title = "ABC migration"

    def to_frame(self) -> pd.DataFrame:
        return self.matrix


def abc_migration(before: pd.DataFrame, after: pd.DataFrame) -> MigrationResult:
    """Transition matrix of ABC classes between two periods (rows: before, columns: after); customers
    present in only one period appear as 'new' / 'lost'; the result also lists who moved up or fell."""
    for name, t in (("before", before), ("after", after)):
        if "abc_class" not in getattr(t, "columns", []):
            raise DataError(f"abc_migration: {name} must be a table returned by abc()")
    both = pd.DataFrame({"before": by_customer(before)["abc_class"]}).join(
        pd.DataFrame({"after": by_customer(after)["abc_class"]}), how="outer")
    both = both.fillna({"before": "new", "after": "lost"})
    order = ["A", "B", "C"]
    m = pd.crosstab(both["before"], both["after"]).reindex(index=order + ["new"], columns=order + ["lost"], fill_value=0)
    rank = {"A": 0, "B": 1, "C": 2}
    known = both[both["before"].isin(rank) & both["after"].isin(rank)]
    m.index.name, m.columns.name = "abc_before", "abc_after"
    return MigrationResult(m, tuple(sorted(known.index[known["after"].map(rank) < known["before"].map(rank)])),
                           tuple(sorted(known.index[known["after"].map(rank) > known["before"].map(rank)])))


@result
class WhaleResult(Result):
    curve: pd.DataFrame
    top20_profit_share: float
    unprofitable_share: float
    profit_lost_share: float
    peak_profit_share: float

    title = "Whale curve"

    @property
    def follows_80_20(self) -> bool:
        """Whether the top 20 % make at least 70 % of profit (the seed's "8/2/2" pattern)."""
        return self.top20_profit_share >= 0.7

    def to_frame(self) -> pd.DataFrame:
        return self.curve

    def interpret(self, lang: str = "zh") -> str:
        from ..present.text import whale_verdict

        return whale_verdict(self, lang)


def whale_curve(data, *, customer, revenue, cost, engine=None) -> WhaleResult:
    """Cumulative profit by customer rank (most profitable first), with the seed's "8/2/2" check.

    ``top20_profit_share``: share of total profit made by the top 20 % of customers;
    ``unprofitable_share``: share of customers with negative profit; ``profit_lost_share``: the
    profit lost to them as a share of total profit; ``peak_profit_share``: the height of the whale
    (maximum cumulative profit / total profit). Source document 004: the top 20 % make 80 % of
    profit and half of it is lost to the unprofitable bottom.
    """
    func = "whale_curve"
    with Session(func, engine) as s:
        s.transactions(data, customer=customer, amount=revenue, cost=cost)
        c = with_customer(s.run("whale"), customer)
    total = c["profit"].sum()
    if total <= 0:
        raise DataError(f"{func}: total profit is {total:.2f} ≤ 0; shares of profit are undefined")
    n = len(c)
    c["customer_share"] = c["rank"] / n
    c["cumulative_profit_share"] = c["cumulative_profit"] / total
    top = c["profit"].iloc[: max(1, int(np.floor(0.2 * n)))].sum() / total
    neg = c["profit"] < 0
    lost = -c.loc[neg, "profit"].sum() / total
    peak = c["cumulative_profit"].max() / total
    return WhaleResult(c, float(top), float(neg.mean()), float(lost), float(peak))
