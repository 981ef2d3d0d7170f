"""Credit management "3+1" (source document 004): receivables ageing, DSO, overdue rate and a
simple credit grade."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.validation import format_rows, require_columns, require_frame
from . import _sql

__all__ = ["receivables_ageing", "credit_grades"]


def receivables_ageing(invoices, payments, *, as_of, customer="customer_id", engine=None) -> pd.DataFrame:
    """Open receivables per customer at ``as_of`` by days past due: 0–30 (incl. not yet due),
    31–60, 61–90, > 90; with the overdue amount, the overdue rate and DSO over the 90 days before
    ``as_of`` (outstanding / invoiced in those 90 days × 90).

    ``invoices`` need invoice_id, customer, issue_date, due_date, amount; ``payments`` invoice_id,
    pay_date, amount. Payments for unknown invoices raise a DataError naming them.
    """
    func = "receivables_ageing"
    inv = require_frame(invoices, func, "invoices")
    pay = require_frame(payments, func, "payments")
    require_columns(inv, ["invoice_id", customer, "issue_date", "due_date", "amount"], func, "invoice columns")
    require_columns(pay, ["invoice_id", "pay_date", "amount"], func, "payment columns")
    unknown = ~pay["invoice_id"].isin(inv["invoice_id"])
    if unknown.any():
        raise DataError(f"{func}: payments for unknown invoices {sorted(pay.loc[unknown, 'invoice_id'].astype(str).unique())[:10]} "
                        f"({format_rows(pay.index[unknown])})")
    for name, f in (("invoices", inv), ("payments", pay)):
        bad = pd.to_numeric(f["amount"], errors="coerce")
        if bad.isna().any() or (bad < 0).any():
            raise DataError(f"{func}: {name} amount is missing or negative in {format_rows(f.index[bad.isna() | (bad < 0)])}")
    as_of = pd.Timestamp(as_of)
    i = pd.DataFrame({"invoice_id": inv["invoice_id"], "customer": inv[customer],
                      "issue_date": pd.to_datetime(inv["issue_date"]).dt.date,
                      "due_date": pd.to_datetime(inv["due_date"]).dt.date, "amount": inv["amount"].astype(float)})
    p = pd.DataFrame({"invoice_id": pay["invoice_id"], "pay_date": pd.to_datetime(pay["pay_date"]).dt.date,
                      "amount": pay["amount"].astype(float)})
    out = _sql.run("ageing", {"inv": i, "pay": p}, engine=engine, as_of=as_of.date().isoformat()).set_index("customer")
    out.index.name = customer
    recent = i[(pd.to_datetime(i["issue_date"]) > as_of - pd.Timedelta(days=90)) & (pd.to_datetime(i["issue_date"]) <= as_of)]
    billed = recent.groupby("customer")["amount"].sum().reindex(out.index).fillna(0.0)
    out["overdue_rate"] = np.where(out["outstanding"] > 0, out["overdue"] / out["outstanding"].where(out["outstanding"] > 0), 0.0)
    out["dso_days"] = np.where(billed > 0, out["outstanding"] / billed.where(billed > 0) * 90, np.nan)
    return out


def credit_grades(ageing: pd.DataFrame) -> pd.Series:
    """A–D grade from the ageing table: D if anything is > 90 days overdue, C if > 60, B if any
    overdue or DSO above 60 days, else A."""
    need = ["d61_90", "d90_plus", "overdue", "dso_days"]
    missing = [c for c in need if c not in ageing.columns]
    if missing:
        raise DataError(f"credit_grades: expected the table returned by receivables_ageing(); missing {missing}")
    g = np.select([ageing["d90_plus"] > 0, ageing["d61_90"] > 0, (ageing["overdue"] > 0) | (ageing["dso_days"] > 60)],
                  ["D", "C", "B"], "A")
    return pd.Series(g, index=ageing.index, name="credit_grade")
