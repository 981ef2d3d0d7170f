"""Period-over-period statistics for the periodic reports: service KPIs with tests of change, survey
waves compared, satisfaction indices over waves. Pure functions of DataFrames and Surveys; the
report layer (:mod:`crm_research.report`) finds the files and shows the results.

Tests of change: two-proportion z tests for rates (on-time, damage), Welch's t test for means
(response and resolution times, construct scores) — checked against scipy and R's prop.test /
t.test in tests/test_periodic.py.
"""

from __future__ import annotations

import pandas as pd
from scipy import stats
from dataclasses import dataclass

from ._core.errors import DataError
from ._core.kinds import HEADLINE_KINDS
from .io.periods import Period, as_dates, parse_period

__all__ = ["kpis", "wave_comparison", "two_proportion_z", "wave_indices", "comparison_periods", "KPI_SPEC",
           "value_snapshot", "ValueSnapshot", "respondent_index", "index_changes", "kpi_trend", "headlines",
           "HEADLINE_KINDS"]

#: kpi → (service stage, kind of measure, table, column, date column, good direction)
KPI_SPEC = {
    "quote_response_hours": ("presale", "mean", "shipments", "quote_response_hours", "ship_date", "down"),
    "on_time_rate": ("insale", "rate", "shipments", "on_time", "ship_date", "up"),
    "damage_rate": ("insale", "rate", "shipments", "damaged", "ship_date", "down"),
    "complaint_resolution_hours": ("postsale", "mean", "complaints", "resolution_hours", "opened", "down"),
}


def comparison_periods(period) -> dict[str, Period]:
    """The periods a report compares: ``current``, ``previous`` and ``year_before``."""
    per = period if isinstance(period, Period) else parse_period(period)
    return {"current": per, "previous": per.previous(), "year_before": per.year_before()}


def two_proportion_z(x1: float, n1: int, x2: float, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z test (R's ``prop.test(correct = FALSE)``): z and two-sided p."""
    if n1 < 1 or n2 < 1:
        return float("nan"), float("nan")
    pool = (x1 + x2) / (n1 + n2)
    se = (pool * (1 - pool) * (1 / n1 + 1 / n2)) ** 0.5
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return float(z), float(2 * stats.norm.sf(abs(z)))


def _test(kind: str, a: pd.Series, b: pd.Series) -> float:
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    if kind == "rate":
        return two_proportion_z(float(a.sum()), len(a), float(b.sum()), len(b))[1]
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _kpi_values(name: str, shipments: pd.DataFrame, complaints: pd.DataFrame, period: Period) -> pd.Series:
    """The observations of KPI ``name`` in ``period`` (one per shipment or complaint)."""
    _, _, table, col, date_col, _ = KPI_SPEC[name]
    src = shipments if table == "shipments" else complaints
    return src.loc[period.contains(src[date_col]), col].dropna().astype(float)


def kpis(shipments: pd.DataFrame, complaints: pd.DataFrame, period) -> pd.DataFrame:
    """Service KPIs before, during and after the sale for ``period``, the previous period and the
    same period a year before, each change tested (``p_previous``, ``p_year_before``): two-proportion
    z tests for on-time and damage rates, Welch t tests for quote response and complaint
    resolution times. ``good`` says which direction is an improvement ("up" or "down")."""
    pers = comparison_periods(period)
    rows = []
    for name, (stage, kind, table, col, date_col, good) in KPI_SPEC.items():
        src = shipments if table == "shipments" else complaints
        for need in (col, date_col):
            if need not in src.columns:
                raise DataError(f"kpis: column {need!r} not found in the {table} table")
        vals = {k: _kpi_values(name, shipments, complaints, p) for k, p in pers.items()}
        row = {"kpi": name, "stage": stage, "good": good}
        for k, v in vals.items():
            row[k] = float(v.mean()) if len(v) else float("nan")
            row[f"n_{k}"] = int(len(v))
        row["p_previous"] = _test(kind, vals["current"], vals["previous"])
        row["p_year_before"] = _test(kind, vals["current"], vals["year_before"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("kpi")


def wave_comparison(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Construct means of two survey waves compared with Welch t tests and Cohen's d (pooled SD
    as the root mean of the two variances)."""
    rows = []
    for c in current.columns:
        if c not in previous.columns:
            continue
        a, b = current[c].dropna(), previous[c].dropna()
        if len(a) < 2 or len(b) < 2:
            continue
        t = stats.ttest_ind(a, b, equal_var=False)
        sd = ((a.var(ddof=1) + b.var(ddof=1)) / 2) ** 0.5
        rows.append({"construct": c, "current": a.mean(), "previous": b.mean(), "difference": a.mean() - b.mean(),
                     "t": float(t.statistic), "p": float(t.pvalue),
                     "cohens_d": (a.mean() - b.mean()) / sd if sd else float("nan"),
                     "n_current": len(a), "n_previous": len(b)})
    return pd.DataFrame(rows).set_index("construct") if rows else pd.DataFrame(
        columns=["current", "previous", "difference", "t", "p", "cohens_d", "n_current", "n_previous"])


def wave_indices(waves: dict, *, min_duration: float | None = None) -> tuple[pd.DataFrame, dict]:
    """0–100 construct indices (PLS path model of each wave's instrument, as the ACSI reports
    them) for every survey wave in ``waves`` (label → :class:`crm_research.survey.Survey`), after
    screening. Returns the indices (construct × wave) and the PLS results by wave."""
    from .models import pls_path

    cols, fits = {}, {}
    for label, s in waves.items():
        inst = s.instrument
        res = pls_path(_kept_keyed(s, min_duration), inst.spec(), scale=(inst.scale_min, inst.scale_max))
        cols[label], fits[label] = res.index, res
    return pd.DataFrame(cols), fits


def _kept_keyed(s, min_duration=None):
    kept = s.screen(min_duration=min_duration if min_duration is not None and "duration_sec" in s.responses
                    else None).kept.index
    return s.keyed().loc[kept]


def respondent_index(keyed: pd.DataFrame, fit, scale, *, missing: str = "mean") -> pd.DataFrame:
    """Each respondent's 0–100 index of every construct of the PLS model ``fit`` (its
    unstandardised outer weights rescaled to sum to 1, applied to the respondent's answers); the
    column means are ``fit.index``. These are what a test of change between waves compares.
    ``missing`` treats missing answers as the PLS fit did: ``"mean"`` (pls_path's default) puts
    the item's mean in their place, ``"listwise"`` leaves the respondent out."""
    lo, hi = map(float, scale)
    out = {}
    w = fit.weights
    keyed = keyed[list(w["item"].unique())].astype(float)
    keyed = keyed.fillna(keyed.mean()) if missing == "mean" else keyed.dropna()
    for c in fit.index.index:
        rows = w[w["construct"] == c]
        items = list(rows["item"])
        x = keyed[items]
        raw = rows["weight"].to_numpy() / x.std(ddof=1).to_numpy()
        out[c] = 100 * (x.to_numpy() @ (raw / raw.sum()) - lo) / (hi - lo)
    return pd.DataFrame(out, index=keyed.index)


def index_changes(waves: dict, fits: dict, constructs, *, min_duration: float | None = None) -> pd.DataFrame:
    """The 0–100 indices of ``constructs`` this wave, the previous one and a year before, each
    change tested by Welch's t test on the respondents' indices (``p_previous``, ``p_year_before``)."""
    per = {}
    for key, s in waves.items():
        inst = s.instrument
        per[key] = respondent_index(_kept_keyed(s, min_duration), fits[key], (inst.scale_min, inst.scale_max))
    rows = []
    for c in constructs:
        row = {"construct": c}
        for key in ("current", "previous", "year_before"):
            row[key] = float(per[key][c].mean()) if key in per else float("nan")
        for key in ("previous", "year_before"):
            row[f"p_{key}"] = (float(stats.ttest_ind(per["current"][c], per[key][c], equal_var=False).pvalue)
                               if key in per and "current" in per else float("nan"))
        row["n_current"] = int(len(per["current"])) if "current" in per else 0
        rows.append(row)
    return pd.DataFrame(rows).set_index("construct")


def kpi_trend(shipments: pd.DataFrame, complaints: pd.DataFrame, period, *, first=None) -> pd.DataFrame:
    """The service KPIs of every period of ``period``'s kind (quarters or months) from the first
    one with shipments up to ``period``: one row per period, one column per KPI."""
    per = period if isinstance(period, Period) else parse_period(period)
    start = as_dates(shipments["ship_date"]).min() if first is None else pd.Timestamp(first)
    rows = {}
    p = per
    while pd.Timestamp(p.end) > start:
        row = {}
        for name in KPI_SPEC:
            v = _kpi_values(name, shipments, complaints, p)
            row[name] = float(v.mean()) if len(v) else float("nan")
        rows[p.label] = row
        p = p.previous()
    out = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    out.index.name = "period"
    return out



def headlines(*, indices: pd.DataFrame | None, kpi: pd.DataFrame, snapshot, shipments: pd.DataFrame,
              invoices: pd.DataFrame, payments: pd.DataFrame, period, engine=None) -> pd.DataFrame:
    """The figures a manager looks at first, each with its value this period, the previous period
    and a year before, the p values of the changes where a test exists and the good direction:
    satisfaction and loyalty indices, on-time and damage rates, complaint resolution time, revenue
    and the share of it from class-A customers, overdue receivables, customers at risk and lost."""
    from . import value

    nan = float("nan")
    rows = {}
    if indices is not None:
        for key, c in (("csi", "satisfaction"), ("loyalty", "loyalty_conative")):
            if c in indices.index:
                r = indices.loc[c]
                rows[key] = {k: r[k] for k in ("current", "previous", "year_before", "p_previous", "p_year_before")}
                rows[key]["good"] = "up"
    for key in ("on_time_rate", "damage_rate", "complaint_resolution_hours"):
        r = kpi.loc[key]
        rows[key] = {k: r[k] for k in ("current", "previous", "year_before", "p_previous", "p_year_before", "good")}
    pers = comparison_periods(period)
    rev = {k: float(shipments.loc[p.contains(shipments["ship_date"]), "revenue"].sum()) for k, p in pers.items()}
    rows["revenue"] = {**rev, "p_previous": nan, "p_year_before": nan, "good": "up"}
    mix = snapshot.mix
    a_share = float(mix.loc["A", "amount_share"]) if "A" in mix.index else nan
    rows["a_revenue_share"] = {"current": a_share, "previous": nan, "year_before": nan, "p_previous": nan,
                               "p_year_before": nan, "good": ""}
    overdue = {}
    for k, p in pers.items():
        end = pd.Timestamp(p.end)
        if k == "current":
            overdue[k] = float(snapshot.ageing["overdue"].sum())
            continue
        inv = invoices[as_dates(invoices["issue_date"]) < end]
        pay = payments[as_dates(payments["pay_date"]) < end]
        overdue[k] = (float(value.receivables_ageing(inv, pay, as_of=(end - pd.Timedelta(days=1)).date().isoformat(),
                                                     engine=engine)["overdue"].sum()) if len(inv) else nan)
    rows["overdue"] = {**overdue, "p_previous": nan, "p_year_before": nan, "good": "down"}
    state = snapshot.churn.customers["state"]
    for key, st in (("churn_at_risk", "at_risk"), ("churn_lost", "lost")):
        rows[key] = {"current": int((state == st).sum()), "previous": nan, "year_before": nan,
                     "p_previous": nan, "p_year_before": nan, "good": "down"}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["kind"] = [HEADLINE_KINDS[k] for k in out.index]
    out.index.name = "figure"
    return out


@dataclass(frozen=True, eq=False)
class ValueSnapshot:
    """The customer-value picture of one period (what the value and management reports show)."""

    as_of: str
    classes: pd.DataFrame          # abc() of the period's revenue
    mix: pd.DataFrame              # abc_summary()
    migration: object              # MigrationResult against the previous period, or None
    whale: object                  # WhaleResult of the period
    rfm: pd.DataFrame              # rfm() up to the end of the period
    churn: object                  # ChurnWarningResult up to the end of the period
    ageing: pd.DataFrame           # receivables_ageing() at the end of the period
    grades: pd.Series              # credit_grades()


def value_snapshot(shipments: pd.DataFrame, invoices: pd.DataFrame, payments: pd.DataFrame, period, *,
                   engine=None) -> ValueSnapshot:
    """ABC mix and migration, whale curve, RFM, churn warnings, receivables ageing and credit grades
    of ``period``, from the firm's shipments (``customer_id``, ``ship_date``, ``revenue``, ``cost``),
    invoices and payments — one call for every notebook that shows them."""
    from . import value

    pers = comparison_periods(period)
    per = pers["current"]
    end = pd.Timestamp(per.end)
    as_of = (end - pd.Timedelta(days=1)).date().isoformat()
    dates = as_dates(shipments["ship_date"])
    hist = shipments[dates < end]
    now = shipments[per.contains(shipments["ship_date"])]
    before = shipments[pers["previous"].contains(shipments["ship_date"])]
    if now.empty:
        raise DataError(f"value_snapshot: no shipments in period {per.label} (ship_date {per.start} to {per.end})")
    kw = dict(customer="customer_id", amount="revenue", engine=engine)
    classes = value.abc(now, **kw)
    migration = value.abc_migration(value.abc(before, **kw), classes) if len(before) else None
    whale = value.whale_curve(now, customer="customer_id", revenue="revenue", cost="cost", engine=engine)
    rfm = value.rfm(hist, date="ship_date", as_of=as_of, **kw)
    churn = value.churn_warning(hist, date="ship_date", as_of=as_of, **kw)
    inv = invoices[as_dates(invoices["issue_date"]) < end]
    pay = payments[as_dates(payments["pay_date"]) < end]
    ageing = value.receivables_ageing(inv, pay, as_of=as_of, engine=engine)
    return ValueSnapshot(as_of, classes, value.abc_summary(classes), migration, whale, rfm, churn, ageing,
                         value.credit_grades(ageing))
