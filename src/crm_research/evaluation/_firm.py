"""The evaluation data of a logistics firm, from its own tables: the lane (or region) × quarter panel for DEA
and Malmquist, the customer criteria for TOPSIS and grey relational ranking, and the two-level
fuzzy evaluation of a satisfaction survey. Pure functions on DataFrames (notebook 50 calls them).
"""

from __future__ import annotations

import pandas as pd

from .._core.errors import DataError
from .._core.validation import require_columns, require_frame
from ._fuzzy import FuzzyResult, fuzzy_evaluation, membership_from_answers

__all__ = ["quarterly_panel", "customer_criteria", "survey_fuzzy", "PANEL_INPUTS", "PANEL_OUTPUTS",
           "CUSTOMER_BENEFIT", "SERVICE_QUALITY"]

#: DEA inputs and outputs of a region in a quarter
PANEL_INPUTS = ["cost", "response_hours"]
PANEL_OUTPUTS = ["revenue", "on_time_shipments", "weight_t"]
#: customer criteria where larger is better (the others, recency_days and damage_rate, are costs)
CUSTOMER_BENEFIT = ["revenue", "shipments", "weight_t"]
#: the seven service-quality dimensions of the logistics_csl instrument
SERVICE_QUALITY = ["cost", "commitment", "staff", "complaint", "presale", "insale", "postsale"]


def quarterly_panel(shipments, *, by: str = "lane", customers=None, until=None) -> pd.DataFrame:
    """One row per unit and quarter for DEA and Malmquist: inputs ``cost`` (operating cost of the
    shipments) and ``response_hours`` (quote response hours spent), outputs ``revenue``,
    ``on_time_shipments`` and ``weight_t`` (tonnes).

    ``by="lane"``: the unit is the lane, "origin→destination"; ``by="region"``: the customer's
    region (needs ``customers``). Shipments on or after ``until`` are left out. Only units present in
    every quarter are kept (Malmquist needs a balanced panel). Columns: ``by``, ``quarter``, then
    the inputs and outputs."""
    func = "quarterly_panel"
    ship = require_frame(shipments, func, "shipments")
    require_columns(ship, ["customer_id", "ship_date", "revenue", "cost", "weight_kg", "on_time",
                           "quote_response_hours"], func, "shipment columns")
    if by == "lane":
        require_columns(ship, ["lane_from", "lane_to"], func, "shipment columns")
        s = ship.assign(lane=ship["lane_from"].astype(str) + "→" + ship["lane_to"].astype(str))
    elif by == "region":
        if customers is None:
            raise DataError(f"{func}: by='region' needs the customers table (customer_id, region)")
        cust = require_frame(customers, func, "customers")
        require_columns(cust, ["customer_id", "region"], func, "customer columns")
        s = ship.merge(cust[["customer_id", "region"]], on="customer_id", how="left")
    else:
        raise DataError(f"{func}: by={by!r} is not one of ['lane', 'region']")
    dates = pd.to_datetime(s["ship_date"], errors="coerce")
    if until is not None:
        keep = dates < pd.Timestamp(until)
        s, dates = s[keep], dates[keep]
    if s.empty:
        raise DataError(f"{func}: no shipments before {until}")
    s = s.assign(quarter=dates.dt.to_period("Q").astype(str), weight_t=s["weight_kg"] / 1000)
    g = s.groupby([by, "quarter"], dropna=True)
    panel = pd.DataFrame({
        "cost": g["cost"].sum(), "response_hours": g["quote_response_hours"].sum(),
        "revenue": g["revenue"].sum(), "on_time_shipments": g["on_time"].sum(), "weight_t": g["weight_t"].sum(),
    }).reset_index()
    n_q = panel["quarter"].nunique()
    full = panel.groupby(by)["quarter"].transform("nunique") == n_q
    positive = panel[PANEL_INPUTS + PANEL_OUTPUTS].gt(0).all(axis=1).groupby(panel[by]).transform("all")
    return panel[full & positive].reset_index(drop=True)


def customer_criteria(shipments, *, as_of) -> pd.DataFrame:
    """Customer value criteria from the shipments before ``as_of``, by customer: ``revenue``,
    ``shipments``, ``weight_t`` (benefits), ``recency_days`` (days since the last shipment) and
    ``damage_rate`` (costs)."""
    func = "customer_criteria"
    ship = require_frame(shipments, func, "shipments")
    require_columns(ship, ["customer_id", "ship_date", "revenue", "weight_kg", "damaged"], func, "shipment columns")
    dates = pd.to_datetime(ship["ship_date"], errors="coerce")
    s = ship[dates < pd.Timestamp(as_of)].assign(_date=dates)
    if s.empty:
        raise DataError(f"{func}: no shipments before {as_of}")
    g = s.groupby("customer_id")
    out = pd.DataFrame({
        "revenue": g["revenue"].sum(), "shipments": g.size(), "weight_t": g["weight_kg"].sum() / 1000,
        "recency_days": (pd.Timestamp(as_of) - g["_date"].max()).dt.days.astype(float),
        "damage_rate": g["damaged"].mean(),
    })
    out.index.name = "customer"
    return out


def survey_fuzzy(survey, *, constructs=None, rows=None, lang: str = "zh",
                 operator: str = "weighted_average") -> FuzzyResult:
    """Two-level fuzzy evaluation of a :class:`crm_research.survey.Survey`: each item's membership
    is the share of respondents giving each answer (keyed, so reverse-worded items count the right
    way); items are weighted equally within their construct and constructs equally overall; the
    score uses the answer values (1–5), so it reads on the questionnaire's own scale. ``rows``: the
    respondents to use (e.g. ``survey.screen().kept.index``; default all)."""
    inst = survey._require_instrument("survey_fuzzy")
    constructs = list(constructs) if constructs is not None else [c for c in SERVICE_QUALITY if c in inst.constructs]
    unknown = [c for c in constructs if c not in inst.constructs]
    if unknown:
        raise DataError(f"survey_fuzzy: constructs not in instrument {inst.name!r}: {unknown}")
    points = list(range(inst.scale_max, inst.scale_min - 1, -1))
    names = {p: inst.scale_labels.get(p, {}).get(lang, str(p)) if isinstance(inst.scale_labels.get(p), dict)
             else str(p) for p in points}
    groups = {inst.construct_label(c, lang): list(inst.constructs[c].items) for c in constructs}
    items = [i for fs in groups.values() for i in fs]
    answers = survey.keyed()[items]
    if rows is not None:
        answers = answers.loc[rows]
    member = membership_from_answers(answers, names)
    weights = {i: 1 / len(fs) for fs in groups.values() for i in fs}
    group_weights = {g: 1 / len(groups) for g in groups}
    scores = {names[p]: float(p) for p in points}
    return fuzzy_evaluation(weights, member, operator=operator, grade_scores=scores, groups=groups,
                            group_weights=group_weights)
