"""Issue #19 — value indices and surveys at an express firm's scale, side by side in one run; every
case in a fresh process, timed and its peak RSS (VmHWM) read by that process.

    PYTHONPATH=src .venv/bin/python -m benchmarks.run --only scale [--quick]

- ``value_10m``: RFM + ABC on 10 M generated shipments of 200,000 customers (Parquet, in a temp
  dir): ``crm_research.value`` on the path, the same tables in hand-written DuckDB SQL (the floor:
  no checks), plain pandas; the CLV summary against lifetimes' ``summary_data_from_transaction_data``.
- ``value_out_of_core``: the same on 100 M shipments (a file larger than pandas could hold here).
- ``survey``: 1 M responses × 50 items, ``load_survey`` + ``screen`` + ``scores`` against
  ``pandas.read_csv`` of the same file.
- ``mediation_fresh_process``: 5,000 resamples, n = 1,000, against ``pingouin.mediation_analysis``.

Results go to benchmarks/results/scale.json. Not part of the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AS_OF = "2026-12-31"

CASES = {
    # RFM + ABC, each producing its tables as DataFrames
    "crm_research": """
from crm_research import value
rfm = value.rfm(PATH, customer="customer_id", date="ship_date", amount="revenue", as_of=AS_OF)
abc = value.abc(PATH, customer="customer_id", amount="revenue")
""",
    "duckdb_sql": """
import duckdb
con = duckdb.connect()
rfm = con.execute(\"\"\"
    WITH c AS (SELECT customer_id, datediff('day', max(ship_date), CAST(? AS DATE)) AS recency_days,
                      count(*) AS frequency, sum(revenue) AS monetary
               FROM read_parquet(?) GROUP BY customer_id),
    n AS (SELECT count(*) AS n FROM c)
    SELECT customer_id, recency_days, frequency, monetary,
           1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / n) AS r_score,
           1 + floor(5 * (rank() OVER (ORDER BY frequency) - 1) / n) AS f_score,
           1 + floor(5 * (rank() OVER (ORDER BY monetary) - 1) / n) AS m_score
    FROM c, n ORDER BY customer_id\"\"\", [AS_OF, PATH]).df()
abc = con.execute(\"\"\"
    WITH c AS (SELECT customer_id, sum(revenue) AS amount FROM read_parquet(?) GROUP BY customer_id)
    SELECT customer_id, amount, amount / sum(amount) OVER () AS share,
           sum(amount) OVER (ORDER BY amount DESC, customer_id ROWS UNBOUNDED PRECEDING) / sum(amount) OVER ()
             AS cumulative_share
    FROM c ORDER BY amount DESC, customer_id\"\"\", [PATH]).df()
""",
    "pandas": """
import numpy as np, pandas as pd
s = pd.read_parquet(PATH, columns=["customer_id", "ship_date", "revenue"])
g = s.groupby("customer_id")
rfm = pd.DataFrame({"recency_days": (pd.Timestamp(AS_OF) - pd.to_datetime(g["ship_date"].max())).dt.days,
                    "frequency": g.size(), "monetary": g["revenue"].sum()}).reset_index()
n = len(rfm)
for col, asc in (("recency_days", False), ("frequency", True), ("monetary", True)):
    rfm[col[0] + "_score"] = (1 + np.floor(5 * (rfm[col].rank(method="min", ascending=asc) - 1) / n)).astype(int)
abc = rfm[["customer_id", "monetary"]].sort_values(["monetary", "customer_id"], ascending=[False, True])
abc["cumulative_share"] = abc["monetary"].cumsum() / abc["monetary"].sum()
abc["abc_class"] = np.where(abc["cumulative_share"] <= 0.55, "A", np.where(abc["cumulative_share"] <= 0.85, "B", "C"))
""",
    "crm_research_clv_summary": """
from crm_research import value
out = value.summary_from_transactions(PATH, customer="customer_id", date="ship_date", amount="revenue", as_of=AS_OF)
""",
    "lifetimes_summary": """
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
s = pd.read_parquet(PATH, columns=["customer_id", "ship_date", "revenue"])
out = summary_data_from_transaction_data(s, "customer_id", "ship_date", monetary_value_col="revenue",
                                         observation_period_end=AS_OF)
""",
}


def fresh(code: str, timeout: float | None = None) -> dict:
    """Run ``code`` (which sets ``el``, seconds) in a fresh interpreter; its time and peak RSS."""
    tail = ("\nimport json\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(json.dumps({'seconds': el, 'peak_mb': int(hwm) / 1024}))")
    try:
        out = subprocess.run([sys.executable, "-c", code + tail], capture_output=True, text=True, check=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mb": None, "note": f"stopped after {timeout:.0f} s"}
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or "").strip().splitlines() or ["failed"]
        return {"seconds": None, "peak_mb": None, "note": lines[-1][:300]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def case(name: str, path: Path, timeout: float) -> dict:
    code = (f"import time\nPATH, AS_OF = {str(path)!r}, {AS_OF!r}\nt = time.perf_counter()\n{CASES[name]}"
            f"el = time.perf_counter() - t\n")
    return fresh(code, timeout)


def shipments_parquet(path: Path, n: int, customers: int) -> None:
    """``n`` shipments of ``customers`` customers over two years, written by DuckDB straight to
    Parquet in row groups (generating 100 M rows needs no 100 M-row frame)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)").fetchall()
    rel = con.sql(f"""SELECT CAST(floor(random() * {int(customers)}) AS BIGINT) AS customer_id,
                             DATE '2025-01-01' + CAST(floor(random() * 700) AS INTEGER) AS ship_date,
                             round(exp(5 + 0.8 * (random() + random() + random() - 1.5)), 2) AS revenue
                      FROM range({int(n)})""")
    rel.write_parquet(str(path), row_group_size=1_000_000)
    con.close()


def value_cases(path: Path, names, timeout: float) -> dict:
    out = {name: case(name, path, timeout) for name in names}
    ours, floor, pdx = (out.get(c, {}).get("seconds") for c in ("crm_research", "duckdb_sql", "pandas"))
    if ours and floor:
        out["ours_over_duckdb_floor"] = ours / floor
    if ours and pdx:
        out["pandas_over_ours"] = pdx / ours
    clv, lt = (out.get(c, {}).get("seconds") for c in ("crm_research_clv_summary", "lifetimes_summary"))
    if clv and lt:
        out["lifetimes_over_ours_clv_summary"] = lt / clv
    return out


def survey_files(tmp: Path, n: int) -> tuple[Path, Path]:
    """``n`` responses to 50 five-point items (10 constructs, one reverse-keyed item each) and the
    instrument describing them."""
    rng = np.random.default_rng(0)
    cols = {"respondent_id": np.arange(1, n + 1)}
    lines = ["name: bench50", "title: {zh: 基准, en: Benchmark}", "scale: {min: 1, max: 5}", "constructs:"]
    for c in range(10):
        f = rng.standard_normal(n).astype(np.float32)
        lines += [f"  c{c}:", f"    label: {{zh: c{c}, en: c{c}}}", "    items:"]
        for j in range(5):
            x = np.clip(np.round(3 + 0.8 * f + rng.standard_normal(n, dtype=np.float32)), 1, 5).astype(np.int8)
            rev = j == 4
            cols[f"c{c}_{j}"] = (6 - x).astype(np.int8) if rev else x
            lines.append(f"      c{c}_{j}: {{zh: q, en: q" + (f", reverse: true, reverse_of: c{c}_0" if rev else "") + "}")
    d = pd.DataFrame(cols)
    d["duration_sec"] = rng.integers(60, 900, n)
    path, inst = tmp / "survey.csv", tmp / "bench50.yaml"
    d.to_csv(path, index=False)
    inst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, inst


def bench_survey(tmp: Path, n: int) -> dict:
    path, inst = survey_files(tmp, n)
    read = fresh(f"import time, pandas as pd\nt = time.perf_counter()\nd = pd.read_csv({str(path)!r})\n"
                 f"el = time.perf_counter() - t\n")
    ours = fresh(f"import time\nfrom crm_research.survey import load_survey\nt = time.perf_counter()\n"
                 f"s = load_survey({str(path)!r}, {str(inst)!r})\nr = s.screen(min_duration=120)\nsc = s.scores()\n"
                 f"el = time.perf_counter() - t\n")
    out = {"task": f"{n:,} responses x 50 items: load_survey + screen + scores vs pandas.read_csv of the same file",
           "file_mb": path.stat().st_size / 2**20, "pandas_read_csv": read, "crm_research": ours,
           "targets": {"ours_over_read_csv": 4, "peak_mb": 2048}}
    if ours["seconds"] and read["seconds"]:
        out["ours_over_read_csv"] = ours["seconds"] / read["seconds"]
    return out


def bench_mediation() -> dict:
    data = ("import time\nt0 = time.perf_counter()\nimport numpy as np, pandas as pd\nrng = np.random.default_rng(0)\n"
            "x = rng.standard_normal(1000); m = 0.5 * x + rng.standard_normal(1000)\n"
            "y = 0.4 * m + 0.1 * x + rng.standard_normal(1000)\nd = pd.DataFrame({'x': x, 'm': m, 'y': y})\n")
    calls = {"crm_research": "from crm_research.regression import mediation\nt = time.perf_counter()\n"
                             "mediation(d, 'x', 'm', 'y', n_boot=5000, seed=1)\n",
             "pingouin": "import pingouin as pg\nt = time.perf_counter()\n"
                         "pg.mediation_analysis(data=d, x='x', m='m', y='y', n_boot=5000, seed=1)\n"}
    out = {"task": "simple mediation, 5000 resamples, n=1000: first call in a fresh process (first_call_s: the "
                   "call alone; with_import_s: importing the library and the call)", "target_first_call_ratio": 10}
    for name, call in calls.items():
        first = fresh(data + call + "el = time.perf_counter() - t\n")
        total = fresh(data + call + "el = time.perf_counter() - t0\n")
        out[name] = {"first_call_s": first["seconds"], "with_import_s": total["seconds"], "peak_mb": first["peak_mb"],
                     **({"note": first["note"]} if "note" in first else {})}
    o, p = out["crm_research"], out["pingouin"]
    if o["first_call_s"] and p["first_call_s"]:
        out["pingouin_over_ours_first_call"] = p["first_call_s"] / o["first_call_s"]
        out["pingouin_over_ours_with_import"] = p["with_import_s"] / o["with_import_s"]
    return out


def bench_scale(quick: bool, *, big: int | None = None) -> dict:
    n, k = (1_000_000, 20_000) if quick else (10_000_000, 200_000)
    big = big or (10_000_000 if quick else 100_000_000)
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "shipments.parquet"
        shipments_parquet(path, n, k)
        res["value_10m"] = {"task": f"RFM + ABC on {n:,} shipments of {k:,} customers (Parquet file)",
                            **value_cases(path, list(CASES), 900),
                            "targets": {"ours_over_duckdb_floor": 2, "pandas_over_ours": 2, "peak_mb": 1024}}
        path.unlink()
        big_path = tmp / "big.parquet"
        t = time.perf_counter()
        shipments_parquet(big_path, big, k)
        res["value_out_of_core"] = {"task": f"RFM + ABC on {big:,} shipments of {k:,} customers (Parquet, out of core)",
                                    "generate_s": time.perf_counter() - t, "file_mb": big_path.stat().st_size / 2**20,
                                    **value_cases(big_path, ["crm_research", "duckdb_sql"], 3600),
                                    "targets": {"peak_mb": 8192}}
        big_path.unlink()
        res["survey"] = bench_survey(tmp, 200_000 if quick else 1_000_000)
    res["mediation_fresh_process"] = bench_mediation()
    return res
