"""The sample company: 阳光物流 "Sunshine Logistics", a fictional third-party logistics firm.

``python -m crm_research.simulate --out data/sample`` regenerates every file of ``data/sample/``
byte for byte from the seed. The data follow documented truths (:data:`TRUTH`) so that the
analyses can be checked against what they should recover:

- customers of four types (manufacturers upstream; distributors, retailers and e-commerce
  downstream — the "dual" customers of logistics) and three sizes, some acquired during the
  period, some churning: a churner's shipment rate and volume fall over the months before its
  churn date (the early-warning pattern of source document 001, example 1);
- shipments with revenue and cost (a minority of customers is unprofitable, so the whale curve
  shows the 80/20 and "8/2/2" pattern), service KPIs before, during and after the sale (quote
  response time, on-time delivery, damage), complaints with resolution times;
- monthly invoices and payments with customer-specific payment behaviour (receivables ageing);
- quarterly satisfaction surveys on the ``logistics_csl`` instrument generated from a structural
  model: service quality → perceived value → satisfaction → loyalty, with relational benefits and
  switching cost, and a non-linear satisfaction → loyalty link with three zones (defection,
  indifference, affection), plus the flaws screening must catch.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ._core.errors import DataError
from .survey import load_instrument

__all__ = ["company", "write_sample", "TRUTH", "survey_wave", "WAVES"]

START, END = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-09-30")
WAVES = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]

TRUTH = {
    "seed": 20250101,
    "period": ("2025-01-01", "2026-09-30"),
    "churn_share": 0.12,
    "churn_decline_days": 150,          # rate and volume fall linearly over this many days
    "churn_rate_floor": 0.25,           # ... to this share of the customer's baseline
    "unprofitable_share_target": 0.2,
    # survey structural model (latent variables standardised)
    "quality_general_loading": 0.75,    # each service-quality dimension on a general quality factor
    "value_on_quality": 0.60,
    "satisfaction_on_quality": 0.45,
    "satisfaction_on_value": 0.30,
    "satisfaction_on_delivered_value": 0.15,
    "relational_on_satisfaction": 0.50,
    "loyalty_on_relational": 0.20,
    "loyalty_on_switching": 0.25,
    # satisfaction → loyalty: piecewise linear in latent satisfaction
    "loyalty_breaks": (-0.8, 0.8),      # defection | indifference | affection
    "loyalty_slopes": (1.0, 0.15, 1.0),
    "wave_shift": {"2025Q1": 0.0, "2025Q2": 0.05, "2025Q3": 0.10, "2025Q4": 0.12,
                   "2026Q1": 0.15, "2026Q2": -0.05, "2026Q3": 0.20},
    "item_loading_range": (0.65, 0.85),
    "respondents_per_wave": 240,
    "flawed_shares": {"straightline": 0.03, "too_fast": 0.03, "contradictory": 0.02, "missing_cell": 0.01},
}

_CITIES = ["上海", "苏州", "杭州", "南京", "宁波", "广州", "深圳", "北京", "天津", "成都", "武汉", "郑州"]
_TYPES = ["manufacturer", "distributor", "retailer", "ecommerce"]
_TYPE_P = [0.30, 0.25, 0.25, 0.20]
_SIZES = ["small", "medium", "large"]
_SIZE_P = [0.55, 0.33, 0.12]
_NAME_A = ["华", "东", "恒", "盛", "远", "达", "鑫", "宏", "新", "利", "嘉", "泰", "中", "德", "永", "富"]
_NAME_B = ["通", "源", "丰", "隆", "安", "邦", "信", "瑞", "昌", "兴", "和", "锦", "茂", "合", "顺", "益"]
_NAME_C = {"manufacturer": "制造有限公司", "distributor": "商贸有限公司", "retailer": "零售连锁有限公司",
           "ecommerce": "电子商务有限公司"}
_INDUSTRY = {"manufacturer": ["服装", "电子", "机械", "食品"], "distributor": ["快消品", "医药", "建材"],
             "retailer": ["超市", "家电", "服装零售"], "ecommerce": ["跨境电商", "生鲜电商", "综合电商"]}
_LIFECYCLE = {"服装": "mature", "电子": "growth", "机械": "mature", "食品": "mature", "快消品": "mature",
              "医药": "growth", "建材": "decline", "超市": "mature", "家电": "decline", "服装零售": "decline",
              "跨境电商": "growth", "生鲜电商": "introduction", "综合电商": "growth"}


def _customers(rng, n: int) -> pd.DataFrame:
    ctype = rng.choice(_TYPES, size=n, p=_TYPE_P)
    size = rng.choice(_SIZES, size=n, p=_SIZE_P)
    names, seen = [], set()
    for i in range(n):
        while True:
            nm = rng.choice(_CITIES) + "".join(rng.choice(_NAME_A + _NAME_B, size=2)) + _NAME_C[ctype[i]]
            if nm not in seen:
                seen.add(nm)
                names.append(nm)
                break
    industry = np.array([rng.choice(_INDUSTRY[t]) for t in ctype])
    size_factor = np.select([size == "small", size == "medium"], [1.0, 3.0], 9.0)
    rate = size_factor * rng.lognormal(0.0, 0.5, n) * 1.3            # shipments per month at baseline
    value_per_kg = rng.lognormal(np.log(2.2), 0.25, n)
    margin = np.clip(rng.normal(0.14, 0.13, n), -0.35, 0.45)         # some unprofitable
    existing = rng.random(n) < 0.72
    first = np.where(existing,
                     START - pd.to_timedelta(rng.integers(30, 1500, n), unit="D"),
                     START + pd.to_timedelta(rng.integers(0, (END - START).days - 60, n), unit="D"))
    churn = rng.random(n) < TRUTH["churn_share"]
    churn_date = START + pd.to_timedelta(rng.integers(240, (END - START).days - 20, n), unit="D")
    churn_date = pd.Series(np.where(churn & (churn_date > pd.to_datetime(first) + pd.Timedelta(days=200)),
                                    churn_date, pd.NaT))
    quality = rng.normal(0, 1, n)                                     # service experience driver
    pay_delay = np.where(rng.random(n) < 0.75, rng.normal(-3, 6, n), rng.gamma(2.0, 25.0, n))
    default = rng.random(n) < 0.04
    cid = [f"C{i + 1:04d}" for i in range(n)]
    spend = rate * 12 * 180 * value_per_kg / rng.uniform(0.2, 0.9, n)  # total logistics spend per year
    return pd.DataFrame({
        "customer_id": cid, "name": names, "customer_type": ctype, "size": size,
        "region": rng.choice(["华东", "华南", "华北", "西南", "华中"], size=n, p=[0.45, 0.2, 0.15, 0.1, 0.1]),
        "industry": industry, "industry_lifecycle": [_LIFECYCLE[i] for i in industry],
        "first_order_date": pd.to_datetime(first).strftime("%Y-%m-%d"),
        "credit_terms_days": np.where(size == "large", 60, 30),
        "credit_limit": np.round(rate * 180 * value_per_kg * 3, -3),
        "annual_logistics_spend": np.round(spend, -2),
        "h_rate": rate, "h_value_per_kg": value_per_kg, "h_margin": margin, "h_quality": quality,
        "h_pay_delay": pay_delay, "h_default": default, "h_churn_date": churn_date,
    })


def _shipments(rng, cust: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D")
    t = np.arange(len(days))
    rows = []
    decline = TRUTH["churn_decline_days"]
    floor = TRUTH["churn_rate_floor"]
    season = 1 + 0.15 * np.sin(2 * np.pi * (days.dayofyear.to_numpy() - 80) / 365.25)
    for c in cust.itertuples():
        first = pd.Timestamp(c.first_order_date)
        lam = np.full(len(days), c.h_rate / 30.4) * season
        lam[days < first] = 0
        vol = np.ones(len(days))
        if pd.notna(c.h_churn_date):
            cd = pd.Timestamp(c.h_churn_date)
            to_churn = (cd - days).days.to_numpy()
            frac = np.clip(to_churn / decline, 0, 1)          # 1 far before, 0 at churn
            factor = floor + (1 - floor) * frac
            lam = lam * np.where(to_churn > 0, factor, 0)
            vol = np.where(to_churn > 0, 0.5 + 0.5 * frac, 1)
        counts = rng.poisson(lam)
        idx = np.repeat(t, counts)
        if idx.size == 0:
            continue
        k = idx.size
        weight = np.round(rng.lognormal(np.log(180), 0.7, k) * vol[idx], 1)
        revenue = np.round(weight * c.h_value_per_kg * rng.lognormal(0, 0.08, k), 2)
        cost = np.round(revenue * (1 - c.h_margin) * rng.lognormal(0, 0.06, k), 2)
        p_on_time = 1 / (1 + np.exp(-(2.3 + 0.5 * c.h_quality)))
        on_time = (rng.random(k) < p_on_time).astype(int)
        damaged = (rng.random(k) < 0.012 * np.exp(-0.4 * c.h_quality)).astype(int)
        transit = rng.integers(1, 4, k) + (1 - on_time) * rng.integers(1, 4, k)
        rows.append(pd.DataFrame({
            "customer_id": c.customer_id, "ship_date": days[idx], "lane_from": rng.choice(_CITIES[:5], k),
            "lane_to": rng.choice(_CITIES, k), "service": rng.choice(["整车", "零担", "快递"], k, p=[0.2, 0.5, 0.3]),
            "weight_kg": weight, "revenue": revenue, "cost": cost,
            "quote_response_hours": np.round(rng.gamma(2.0, 2.0 * np.exp(-0.2 * c.h_quality), k), 1),
            "on_time": on_time, "damaged": damaged, "transit_days": transit,
        }))
    ship = pd.concat(rows, ignore_index=True).sort_values(["ship_date", "customer_id"], kind="mergesort")
    ship = ship.reset_index(drop=True)
    ship.insert(0, "shipment_id", [f"S{i + 1:07d}" for i in range(len(ship))])
    ship["delivered_date"] = ship["ship_date"] + pd.to_timedelta(ship.pop("transit_days"), unit="D")
    return ship


def _complaints(rng, ship: pd.DataFrame) -> pd.DataFrame:
    p = 0.01 + 0.12 * (1 - ship["on_time"]) + 0.6 * ship["damaged"]
    pick = rng.random(len(ship)) < p
    s = ship[pick]
    k = len(s)
    category = np.where(s["damaged"] == 1, "货损", np.where(s["on_time"] == 0, "延误", rng.choice(["服务态度", "账单差错"], k)))
    opened = s["delivered_date"] + pd.to_timedelta(rng.integers(0, 72, k), unit="h")
    hours = np.round(rng.gamma(1.8, 14.0, k) * np.where(category == "货损", 2.0, 1.0), 1)
    resolved = opened + pd.to_timedelta(hours, unit="h")
    return pd.DataFrame({"complaint_id": [f"K{i + 1:06d}" for i in range(k)], "customer_id": s["customer_id"].to_numpy(),
                         "shipment_id": s["shipment_id"].to_numpy(), "opened": opened.dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
                         "resolved": resolved.dt.strftime("%Y-%m-%d %H:%M").to_numpy(), "category": category,
                         "resolution_hours": hours})


def _invoices_payments(rng, cust: pd.DataFrame, ship: pd.DataFrame):
    month = ship["ship_date"].dt.to_period("M")
    inv = ship.groupby(["customer_id", month], sort=True)["revenue"].sum().round(2).reset_index()
    inv["issue_date"] = (inv["ship_date"].dt.to_timestamp() + pd.offsets.MonthBegin(1))
    inv = inv[inv["issue_date"] <= END].copy()
    terms = cust.set_index("customer_id")["credit_terms_days"]
    inv["due_date"] = inv["issue_date"] + pd.to_timedelta(inv["customer_id"].map(terms), unit="D")
    inv = inv.sort_values(["issue_date", "customer_id"], kind="mergesort").reset_index(drop=True)
    inv.insert(0, "invoice_id", [f"I{i + 1:06d}" for i in range(len(inv))])
    delay = inv["customer_id"].map(cust.set_index("customer_id")["h_pay_delay"]).to_numpy()
    default = inv["customer_id"].map(cust.set_index("customer_id")["h_default"]).to_numpy()
    jitter = rng.normal(0, 4, len(inv))
    pay_date = inv["due_date"] + pd.to_timedelta(np.round(delay + jitter), unit="D")
    pay_date = pay_date.where(pay_date > inv["issue_date"], inv["issue_date"] + pd.Timedelta(days=1))
    paid = (~default | (inv["issue_date"] < START + pd.Timedelta(days=180))) & (pay_date <= END)
    part = rng.random(len(inv)) < 0.05
    amount = np.where(part, np.round(inv["revenue"] * 0.5, 2), inv["revenue"])
    pay = pd.DataFrame({"invoice_id": inv["invoice_id"], "customer_id": inv["customer_id"],
                        "pay_date": pay_date, "amount": amount})[paid.to_numpy()]
    # a partly paid invoice is settled 30 days later (if that falls in the period)
    rest = pd.DataFrame({"invoice_id": inv["invoice_id"], "customer_id": inv["customer_id"],
                         "pay_date": pay_date + pd.Timedelta(days=30), "amount": np.round(inv["revenue"] - amount, 2)})
    rest = rest[(paid & part).to_numpy() & (rest["pay_date"] <= END).to_numpy()]
    pay = pd.concat([pay, rest], ignore_index=True)
    pay = pay.sort_values(["pay_date", "invoice_id"], kind="mergesort").reset_index(drop=True)
    pay.insert(0, "payment_id", [f"P{i + 1:06d}" for i in range(len(pay))])
    inv = inv.rename(columns={"revenue": "amount"}).drop(columns="ship_date")
    for f in (inv, pay):
        for col in f.columns:
            if col.endswith("_date"):
                f[col] = f[col].dt.strftime("%Y-%m-%d")
    return inv[["invoice_id", "customer_id", "issue_date", "due_date", "amount"]], pay


def _ordinal(rng, latent: np.ndarray, loading: float, shift: float) -> np.ndarray:
    x = loading * latent + np.sqrt(1 - loading**2) * rng.standard_normal(latent.shape)
    cuts = np.array([-1.75, -0.85, 0.05, 1.0]) - shift
    return 1 + np.searchsorted(cuts, x)


def survey_wave(rng, cust: pd.DataFrame, wave: str, n: int, loadings: dict) -> pd.DataFrame:
    """One wave's answers on logistics_csl, generated from the structural model in TRUTH."""
    inst = load_instrument("logistics_csl")
    q_start = pd.Period(wave, freq="Q").start_time
    active = cust[(pd.to_datetime(cust["first_order_date"]) <= q_start)
                  & (cust["h_churn_date"].isna() | (pd.to_datetime(cust["h_churn_date"]) > q_start))]
    picked = active.sample(n=min(n, len(active)), random_state=rng.integers(1 << 31), replace=False)
    n = len(picked)
    T = TRUTH
    z = lambda: rng.standard_normal(n)
    g = 0.35 * picked["h_quality"].to_numpy() + np.sqrt(1 - 0.35**2) * z() + T["wave_shift"][wave]
    gl = T["quality_general_loading"]
    lat = {d: gl * g + np.sqrt(1 - gl**2) * z() for d in
           ("cost", "commitment", "staff", "complaint", "presale", "insale", "postsale")}
    q = g
    lat["value"] = T["value_on_quality"] * q + 0.8 * z()
    lat["total_value"] = 0.7 * q + 0.71 * z()
    lat["total_cost"] = -0.4 * q + 0.92 * z()
    dv = (lat["total_value"] - lat["total_cost"]) / np.sqrt(2)
    sat = (T["satisfaction_on_quality"] * q + T["satisfaction_on_value"] * lat["value"]
           + T["satisfaction_on_delivered_value"] * dv + 0.6 * z())
    sat = sat / 0.95
    lat["satisfaction"] = sat
    lat["relational"] = T["relational_on_satisfaction"] * sat + 0.85 * z()
    lat["switching"] = z()
    b1, b2 = T["loyalty_breaks"]
    s1, s2, s3 = T["loyalty_slopes"]
    f = np.where(sat < b1, s2 * b1 + s1 * (sat - b1), np.where(sat > b2, s2 * b2 + s3 * (sat - b2), s2 * sat))
    loy = f + T["loyalty_on_relational"] * lat["relational"] + T["loyalty_on_switching"] * lat["switching"] + 0.45 * z()
    loy = loy / 0.9
    for stage, extra in (("loyalty_cognitive", 0.35), ("loyalty_affective", 0.35),
                         ("loyalty_conative", 0.3), ("loyalty_action", 0.45)):
        lat[stage] = loy + extra * z()
    cols = {}
    for cname, c in inst.constructs.items():
        latent = lat[cname] / np.std(lat[cname])
        for item in c.items:
            ans = _ordinal(rng, latent, loadings[item], 0.35)
            cols[item] = (6 - ans) if item in c.reverse else ans
    items = pd.DataFrame(cols).astype(float)
    flaws = T["flawed_shares"]
    u = rng.random(n)
    straight = u < flaws["straightline"]
    items.loc[straight, :] = rng.integers(3, 6, straight.sum())[:, None]
    contra = (u >= flaws["straightline"]) & (u < flaws["straightline"] + flaws["contradictory"])
    items.loc[contra, "SAT1"] = 5
    items.loc[contra, "SAT4"] = 5
    holes = rng.random(items.shape) < flaws["missing_cell"]
    items = items.mask(holes)
    duration = np.round(rng.lognormal(np.log(420), 0.35, n))
    fast = rng.random(n) < flaws["too_fast"]
    duration[fast] = rng.integers(40, 110, fast.sum())
    submitted = q_start + pd.Timedelta(days=40) + pd.to_timedelta(rng.integers(0, 30 * 24 * 60, n), unit="min")
    head = pd.DataFrame({
        "respondent_id": [f"{wave}-{i + 1:04d}" for i in range(n)],
        "customer_id": picked["customer_id"].to_numpy(), "wave": wave,
        "submitted_at": pd.Series(submitted).dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(),
        "duration_sec": duration.astype(int), "customer_type": picked["customer_type"].to_numpy(),
    })
    out = pd.concat([head, items.astype("Int64")], axis=1)
    return out.sort_values("respondent_id").reset_index(drop=True)


def company(seed: int = TRUTH["seed"], n_customers: int = 400, respondents_per_wave: int | None = None) -> dict:
    """Every table of the sample company as DataFrames (customers, shipments, complaints,
    invoices, payments, survey_<wave>, truth_customers)."""
    if n_customers < 20:
        raise DataError(f"company: n_customers must be at least 20, got {n_customers}")
    rng = np.random.default_rng(seed)
    cust = _customers(rng, n_customers)
    ship = _shipments(rng, cust)
    comp = _complaints(rng, ship)
    inv, pay = _invoices_payments(rng, cust, ship)
    inst = load_instrument("logistics_csl")
    lo, hi = TRUTH["item_loading_range"]
    loadings = {item: float(np.round(rng.uniform(lo, hi), 3)) for item in inst.items}
    out = {}
    per_wave = respondents_per_wave or TRUTH["respondents_per_wave"]
    for wave in WAVES:
        out[f"survey_{wave}"] = survey_wave(rng, cust, wave, per_wave, loadings)
    truth = pd.DataFrame({"customer_id": cust["customer_id"],
                          "churn_date": pd.to_datetime(cust["h_churn_date"]).dt.strftime("%Y-%m-%d"),
                          "margin": cust["h_margin"].round(4), "service_quality": cust["h_quality"].round(4),
                          "payment_delay_days": cust["h_pay_delay"].round(1), "defaulter": cust["h_default"].astype(int)})
    ship = ship.assign(ship_date=ship["ship_date"].dt.strftime("%Y-%m-%d"),
                       delivered_date=ship["delivered_date"].dt.strftime("%Y-%m-%d"))
    out.update(customers=cust[[c for c in cust.columns if not c.startswith("h_")]], shipments=ship,
               complaints=comp, invoices=inv, payments=pay, truth_customers=truth,
               truth_item_loadings=pd.DataFrame({"item": list(loadings), "loading": list(loadings.values())}))
    return out


def write_sample(out_dir, *, seed: int = TRUTH["seed"], n_customers: int = 400,
                 respondents_per_wave: int | None = None) -> dict[str, str]:
    """Write every table as CSV into ``out_dir`` (survey waves UTF-8 with BOM, as Excel exports
    them) and a MANIFEST.sha256; returns file name → SHA-256."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = company(seed, n_customers, respondents_per_wave)
    hashes = {}
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        enc = "utf-8-sig" if name.startswith("survey_") else "utf-8"
        data = frame.to_csv(index=False, lineterminator="\n").encode(enc)
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        hashes[path.name] = hashlib.sha256(data).hexdigest()
    (out / "MANIFEST.sha256").write_text("".join(f"{h}  {n}\n" for n, h in sorted(hashes.items())), encoding="utf-8")
    return hashes


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m crm_research.simulate", description="Regenerate the sample company's data.")
    p.add_argument("--out", default="data/sample")
    p.add_argument("--seed", type=int, default=TRUTH["seed"])
    p.add_argument("--customers", type=int, default=400)
    a = p.parse_args(argv)
    hashes = write_sample(a.out, seed=a.seed, n_customers=a.customers)
    print(f"wrote {len(hashes)} files to {a.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
