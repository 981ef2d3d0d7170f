"""Tables of the periodic reports, in one language: each function turns a result of the analysis
modules into the :class:`~crm_research.present.table.Table` a report page shows (translated
headers and categories, a kind of measure per column, a note). No statistics here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import label
from .table import Table
from ..value._tx import by_customer
from .text import churn_reason

__all__ = ["abc_mix", "abc_migration", "kpi_table", "churn_table", "ageing_table", "credit_table", "rfm_table",
           "indices_table", "index_changes_table", "drivers_table", "paths_table", "wave_changes_table", "screening_table"]


def _t(key: str, lang: str) -> str:
    return label(key, lang, ns="report")


def abc_mix(mix: pd.DataFrame, lang: str) -> Table:
    return Table.build(mix, title=_t("abc_mix", lang), lang=lang, ns="report",
                       kinds={"customers": "int", "customer_share": "pct", "amount": "money", "amount_share": "pct"})


def abc_migration(mig, lang: str, *, audience: str = "internal", k: int = 5) -> Table:
    """Customers by class last period (rows) and this period (columns); for ``audience="external"``
    counts from 1 to ``k`` − 1 are shown as "< k"."""
    m = mig.matrix.copy()
    note = _t("abc_migration_note", lang)
    if audience == "external":
        small = (m > 0) & (m < k)
        m = m.astype(object).where(~small, f"< {k}")
        if small.to_numpy().any():
            note += " " + _t("suppressed_cells_note", lang).format(k=k)
    m.columns = [label(c, lang, ns="report") for c in m.columns]
    return Table.build(m, title=_t("abc_migration", lang), lang=lang, ns="report",
                       kinds={c: "int" for c in m.columns}, note=note)


def kpi_table(k: pd.DataFrame, lang: str) -> Table:
    """KPIs with this period, the previous one and a year before, each change tested, the good
    direction stated."""
    f = k[["stage", "current", "previous", "year_before", "p_previous", "p_year_before", "good", "n_current"]].copy()
    rates = [i for i in f.index if i.endswith("_rate")]
    kinds = {"current": "index", "previous": "index", "year_before": "index", "p_previous": "p",
             "p_year_before": "p", "n_current": "int", "stage": "text", "good": "text"}
    for c in ("current", "previous", "year_before"):
        f[c] = f[c].astype(object)
        for i in rates:
            f.loc[i, c] = f"{100 * k.loc[i, c]:.1f}%" if np.isfinite(k.loc[i, c]) else ""
    return Table.build(f, title=_t("kpis", lang), lang=lang, ns="report", kinds=kinds,
                       values=("stage", "good"), stars={"current": "p_previous"}, note=_t("kpi_note", lang))


def churn_table(churn, lang: str, *, state: str, as_of: str, customers: pd.DataFrame | None = None,
                audience: str = "internal", limit: int | None = None) -> Table:
    """Customers flagged by the churn warning in ``state`` ("at_risk" or "lost"), by value at risk.

    ``audience="internal"``: named customers with type, region, last order, usual cycle, value at
    risk and the reason in words. ``"external"``: no name or id, only counts (see the privacy rules)."""
    f = by_customer(churn.customers)
    f = f[f["state"] == state]
    if limit:
        f = f.head(limit)
    if audience == "external":
        counts = pd.DataFrame({"customers": [len(f)], "value_at_risk": [float(f["value_at_risk"].sum())]},
                              index=pd.Index([state]))
        return Table.build(counts, title=_t(f"churn_{state}", lang), lang=lang, ns="report",
                           kinds={"customers": "int", "value_at_risk": "money"})
    out = pd.DataFrame(index=f.index)
    if customers is not None:
        info = customers.reindex(f.index)
        for c in ("name", "customer_type", "region"):
            if c in info.columns:
                out[c] = info[c]
    last = pd.Timestamp(as_of) - pd.to_timedelta(f["days_since_last"].astype(float), unit="D")
    out["last_order"] = [d.date().isoformat() for d in last]
    out["days_since_last"] = f["days_since_last"]
    out["usual_gap_days"] = f["baseline_gap"]
    out["value_at_risk"] = f["value_at_risk"]
    out["reason"] = [churn_reason(r, lang) for _, r in f.iterrows()]
    out.index.name = "customer_id"
    return Table.build(out, title=_t(f"churn_{state}", lang), lang=lang, ns="report",
                       kinds={"days_since_last": "int", "usual_gap_days": "index", "value_at_risk": "money",
                              "reason": "text"}, values=tuple(c for c in ("customer_type",) if c in out.columns),
                       note=_t("churn_note", lang))


def ageing_table(ageing: pd.DataFrame, lang: str) -> Table:
    cols = [c for c in ("d0_30", "d31_60", "d61_90", "d90_plus", "overdue") if c in ageing.columns]
    total = ageing[cols].sum()
    f = pd.DataFrame({"amount": total, "share": total / total[[c for c in cols if c != "overdue"]].sum()})
    return Table.build(f, title=_t("ageing", lang), lang=lang, ns="report", kinds={"amount": "money", "share": "pct"})


def credit_table(grades: pd.Series, lang: str) -> Table:
    f = grades.value_counts().sort_index().to_frame("customers")
    f.index.name = "credit_grade"
    return Table.build(f, title=_t("credit_grades", lang), lang=lang, ns="report", kinds={"customers": "int"})


def rfm_table(rfm: pd.DataFrame, lang: str, *, k: int = 5) -> Table:
    """Customers, mean recency, frequency and spend by RFM segment; segments under ``k`` customers
    are suppressed."""
    g = rfm.groupby("segment").agg(customers=("monetary", "size"), recency_days=("recency_days", "mean"),
                                   frequency=("frequency", "mean"), monetary=("monetary", "mean"))
    small = g["customers"] < k
    g.loc[small, ["recency_days", "frequency", "monetary"]] = np.nan
    g.index = [label(s, lang, ns="value") for s in g.index]
    g.index.name = "segment"
    note = _t("suppressed_note", lang).format(k=k) if small.any() else ""
    return Table.build(g, title=_t("rfm_segments", lang), lang=lang, ns="report", note=note,
                       kinds={"customers": "int", "recency_days": "index", "frequency": "index", "monetary": "money"})


def indices_table(indices: pd.DataFrame, names: dict, lang: str) -> Table:
    f = indices.copy()
    f.index = [names.get(c, c) for c in f.index]
    f.index.name = "construct"
    return Table.build(f, title=_t("indices", lang), lang=lang, ns="report", kinds={c: "index" for c in f.columns})


def index_changes_table(changes: pd.DataFrame, names: dict, lang: str) -> Table:
    """0–100 indices this wave, the previous one and a year before, each change tested."""
    f = changes[["current", "previous", "year_before", "p_previous", "p_year_before", "n_current"]].copy()
    f.index = [names.get(c, c) for c in f.index]
    f.index.name = "construct"
    return Table.build(f, title=_t("indices", lang), lang=lang, ns="report", stars={"current": "p_previous"},
                       kinds={"current": "index", "previous": "index", "year_before": "index", "p_previous": "p",
                              "p_year_before": "p", "n_current": "int"}, note=_t("index_note", lang))


def drivers_table(ipma: pd.DataFrame, names: dict, lang: str) -> Table:
    f = ipma.copy()
    f.index = [names.get(c, c) for c in f.index]
    f.index.name = "construct"
    return Table.build(f, title=_t("drivers", lang), lang=lang, ns="report", values=tuple(
        c for c in f.columns if f[c].dtype == object), kinds={"importance": "coef", "performance": "index"})


def paths_table(paths: pd.DataFrame, names: dict, lang: str) -> Table:
    f = paths.copy()
    f.index = [f"{names.get(a, a)} → {names.get(b, b)}" for a, b in zip(f["from"], f["to"])]
    f.index.name = "path"
    f = f.drop(columns=["from", "to"])
    p = "p" if "p" in f.columns else None
    return Table.build(f, title=_t("paths", lang), lang=lang, ns="report",
                       stars={"estimate": p} if p else None, kinds={"p": "p"} if p else None)


def wave_changes_table(comp: pd.DataFrame, names: dict, lang: str) -> Table:
    f = comp.copy()
    f.index = [names.get(c, c) for c in f.index]
    f.index.name = "construct"
    return Table.build(f, title=_t("survey_changes", lang), lang=lang, ns="report",
                       kinds={"current": "coef", "previous": "coef", "difference": "coef", "t": "stat", "p": "p",
                              "cohens_d": "coef", "n_current": "int", "n_previous": "int"},
                       stars={"difference": "p"}, note=_t("welch_note", lang))


def screening_table(screen, lang: str, *, k: int = 5) -> Table:
    r = screen.reasons().to_frame("respondents")
    small = (r["respondents"] > 0) & (r["respondents"] < k)
    r["respondents"] = r["respondents"].astype(object)
    r.loc[small, "respondents"] = f"< {k}"
    r.index = [label(i, lang, ns="screening") for i in r.index]
    r.index.name = "rule"
    return Table.build(r, title=_t("screening", lang), lang=lang, ns="report", kinds={"respondents": "int"},
                       note=screen.funnel_text(lang))
