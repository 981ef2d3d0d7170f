"""RFM: recency, frequency, monetary value, quintile scores and named segments."""

from __future__ import annotations

import pandas as pd

from ._tx import Session, as_of_date, with_customer

__all__ = ["rfm", "SEGMENTS"]

#: (name, rule on r and fm = mean of f and m scores), first match wins; the names' words are in
#: the label catalogue (namespace ``value``)
SEGMENTS = [
    ("champions", lambda r, fm: (r >= 4) & (fm >= 4)),
    ("loyal", lambda r, fm: (r >= 3) & (fm >= 3)),
    ("new", lambda r, fm: (r >= 4) & (fm < 2)),
    ("promising", lambda r, fm: (r >= 3) & (fm < 3)),
    ("at_risk", lambda r, fm: (r <= 2) & (fm >= 3)),
    ("hibernating", lambda r, fm: (r <= 2) & (fm >= 2)),
    ("lost", lambda r, fm: (r <= 2) & (fm < 2)),
]


def rfm(transactions_, *, customer, date, amount, as_of, engine=None) -> pd.DataFrame:
    """Recency (days from the last purchase to ``as_of``), frequency (number of purchases) and
    monetary value (total) per customer, with 1–5 quintile scores and a named segment.

    Scores: customers are ranked on each measure (recency: most recent best) and score
    1 + ⌊5·(rank − 1)/n⌋, where tied values share the lower rank — so ties always get the same
    score and a score band is never split between equal customers. Segments follow
    the usual R × FM grid: champions, loyal, new, promising, at risk, hibernating, lost.

    ``transactions_``: a DataFrame, a Parquet or CSV path or glob, or a :class:`WarehouseTable`;
    ``as_of``: a date or a date string ('2026-06-30'). Returns one row per customer (sorted by it)
    with the customer as a column. Tested against the same scores computed by hand in pandas.
    """
    func = "rfm"
    as_of_ts = as_of_date(as_of, func)
    with Session(func, engine) as s:
        s.transactions(transactions_, customer=customer, amount=amount, date=date, as_of=as_of_ts)
        out = with_customer(s.run("rfm", as_of=as_of_ts.date().isoformat()), customer)
    r, fm = out["r_score"], (out["f_score"] + out["m_score"]) / 2
    seg = pd.Series("other", index=out.index)
    for name, rule in reversed(SEGMENTS):
        seg[rule(r, fm)] = name
    out["rfm_score"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    out["segment"] = seg
    return out
