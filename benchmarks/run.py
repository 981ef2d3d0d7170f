"""Speed of crm_research next to the tools users would otherwise pick, measured side by side in one
run and reported as ratios (benchmarks/results/*.json). Not part of the test suite.

    .venv/bin/python -m benchmarks.run [--quick] [--only reliability,mediation,pls,value,reports,scale]

Needs the packages in benchmarks/requirements.txt (pingouin) and, for the R columns, Rscript with
psych; missing competitors are reported as null, not skipped silently.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def timed(fn, repeat=3):
    best = np.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def r_seconds(script: str) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    res = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    try:
        return float(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def survey_items(n, constructs=8, k=5, seed=0):
    rng = np.random.default_rng(seed)
    cols = {}
    for c in range(constructs):
        f = rng.standard_normal(n)
        for j in range(k):
            cols[f"c{c}_{j}"] = np.clip(np.round(3 + 0.8 * f + rng.standard_normal(n)), 1, 5)
    return pd.DataFrame(cols)


def bench_reliability(quick):
    from crm_research.reliability import cronbach_alpha, item_analysis, omega

    n = 20_000 if quick else 100_000
    d = survey_items(n)
    blocks = [[f"c{c}_{j}" for j in range(5)] for c in range(8)]

    def ours():
        for b in blocks:
            cronbach_alpha(d[b]), item_analysis(d[b]), omega(d[b])

    t_ours, _ = timed(ours)
    out = {"task": f"alpha + item analysis + omega, 8 constructs x 5 items, n={n}", "crm_research_s": t_ours}
    try:
        import pingouin as pg

        t_pg, _ = timed(lambda: [pg.cronbach_alpha(d[b]) for b in blocks])
        out["pingouin_alpha_only_s"] = t_pg
        out["ratio_pingouin_over_ours"] = t_pg / t_ours
    except ImportError:
        out["pingouin_alpha_only_s"] = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        d.to_csv(path, index=False)
        out["r_psych_alpha_s"] = r_seconds(
            f"suppressMessages(library(psych)); d <- read.csv('{path}'); "
            f"t <- system.time(for (c in 0:7) psych::alpha(d[, paste0('c', c, '_', 0:4)], warnings=FALSE))[['elapsed']]; cat(t, '\\n')")
    if out["r_psych_alpha_s"]:
        out["ratio_r_over_ours"] = out["r_psych_alpha_s"] / t_ours
    nb = 10_000
    d2 = survey_items(nb, constructs=1)
    t_boot, res = timed(lambda: cronbach_alpha(d2, ci_method="bootstrap", n_boot=2000, seed=1))
    boot = {"task": "bootstrap CI of alpha, 2000 resamples, n=10000", "crm_research_s": t_boot, "ci": list(res.ci)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        d2.to_csv(path, index=False)
        boot["r_psych_alpha_n_iter_2000_s"] = r_seconds(
            f"suppressMessages(library(psych)); d <- read.csv('{path}'); "
            f"t <- system.time(psych::alpha(d, n.iter=2000, warnings=FALSE))[['elapsed']]; cat(t, '\\n')")
    if boot["r_psych_alpha_n_iter_2000_s"]:
        boot["ratio_r_over_ours"] = boot["r_psych_alpha_n_iter_2000_s"] / t_boot
    return {"alpha_item_omega": out, "bootstrap_alpha": boot}


def bench_mediation(quick):
    from crm_research.regression import mediation

    rng = np.random.default_rng(0)
    n = 1000
    x = rng.standard_normal(n)
    m = 0.5 * x + rng.standard_normal(n)
    y = 0.4 * m + 0.1 * x + rng.standard_normal(n)
    d = pd.DataFrame({"x": x, "m": m, "y": y})
    mediation(d, "x", "m", "y", n_boot=100)
    t_ours, res = timed(lambda: mediation(d, "x", "m", "y", n_boot=5000, seed=1))
    out = {"task": "simple mediation, 5000 bootstrap resamples, n=1000", "crm_research_s": t_ours, "ci": list(res.ci)}
    try:
        import pingouin as pg

        t_pg, pres = timed(lambda: pg.mediation_analysis(data=d, x="x", m="m", y="y", n_boot=5000, seed=1), repeat=1)
        row = pres.set_index("path").loc["Indirect"]
        out.update(pingouin_s=t_pg, ratio_pingouin_over_ours=t_pg / t_ours,
                   pingouin_ci=[float(row.filter(like="2.5").iloc[0]), float(row.filter(like="97.5").iloc[0])])
    except ImportError:
        out["pingouin_s"] = None
    return {"mediation": out}


def bench_pls(quick):
    from crm_research.models import ecsi_model, pls_path

    d = pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")
    nb = 1000 if quick else 5000
    t, _ = timed(lambda: pls_path(d, *ecsi_model(), n_boot=nb, seed=1), repeat=1)
    return {"pls_bootstrap": {"task": f"ECSI PLS-PM with {nb} bootstrap resamples, n=250", "crm_research_s": t}}


def _value_child(kind, path, out):
    import os

    code = f"""
import json, resource, time, pandas as pd
t = time.perf_counter()
if {kind!r} == 'duckdb':
    from crm_research import value
    s = pd.read_parquet({str(path)!r})
    value.abc(s, customer='customer_id', amount='revenue')
    value.rfm(s, customer='customer_id', date='ship_date', amount='revenue', as_of='2026-12-31')
    value.whale_curve(s, customer='customer_id', revenue='revenue', cost='cost')
else:
    s = pd.read_parquet({str(path)!r})
    g = s.groupby('customer_id')
    a = g['revenue'].sum().sort_values(ascending=False); c = a.cumsum() / a.sum()
    r = pd.DataFrame({{'last': g['ship_date'].max(), 'f': g.size(), 'm': a}})
    r['rs'] = r['last'].rank(method='min'); r['fs'] = r['f'].rank(method='min'); r['ms'] = r['m'].rank(method='min')
    p = (s['revenue'] - s['cost']).groupby(s['customer_id']).sum().sort_values(ascending=False).cumsum()
el = time.perf_counter() - t
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
json.dump({{'seconds': el, 'peak_mb': int(hwm) / 1024}}, open({str(out)!r}, 'w'))
"""
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ})
    return json.loads(Path(out).read_text())


def bench_value(quick):
    n, k = (1_000_000, 20_000) if quick else (10_000_000, 200_000)
    rng = np.random.default_rng(0)
    s = pd.DataFrame({"customer_id": rng.integers(0, k, n).astype("int64"),
                      "ship_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
                      "revenue": np.round(rng.lognormal(5, 1, n), 2)})
    s["cost"] = np.round(s["revenue"] * rng.uniform(0.6, 1.1, n), 2)
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.parquet"
        s.to_parquet(path)
        del s
        for kind in ("duckdb", "pandas"):
            res[kind] = _value_child(kind, path, Path(tmp) / f"{kind}.json")
    out = {"task": f"ABC + RFM + whale curve on {n:,} shipments of {k:,} customers (from Parquet)",
           "crm_research_duckdb_s": res["duckdb"]["seconds"], "crm_research_peak_mb": res["duckdb"]["peak_mb"],
           "plain_pandas_s": res["pandas"]["seconds"], "plain_pandas_peak_mb": res["pandas"]["peak_mb"],
           "ratio_pandas_over_ours": res["pandas"]["seconds"] / res["duckdb"]["seconds"]}
    return {"value_transactions": out}


def bench_reports(quick):
    """One period and all seven sample periods rendered by the CLI in a fresh process, as multiples of
    papermill's floor: one trivial notebook executed by papermill in a fresh process, same run."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import papermill, nbformat, nbformat.v4 as v; "
                    "nb = v.new_notebook(); nb.cells=[v.new_code_cell('1')]; nb.metadata['kernelspec']={'name':'python3','display_name':'p','language':'python'}; "
                    "import tempfile, os; d=tempfile.mkdtemp(); p=os.path.join(d,'a.ipynb'); nbformat.write(nb,p); "
                    "papermill.execute_notebook(p, p, progress_bar=False)"], check=True, capture_output=True)
    floor = time.perf_counter() - t0
    cli = [str(ROOT / ".venv" / "bin" / "crm-research"), "report", "--data", str(ROOT / "data" / "sample"), "--quiet"]
    out = {"papermill_floor_s": floor, "notebooks_per_period": 4}

    def report(*args):
        run = subprocess.run(cli + list(args), capture_output=True, text=True)
        if run.returncode:      # say why: the run's own message, not only its exit code
            raise RuntimeError(f"{' '.join(args)}: exit {run.returncode}\n{run.stderr[-3000:]}")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report("--period", "2026Q3", "--out", tmp + "/one")
        out["one_period_s"] = time.perf_counter() - t
        if not quick:
            for workers in (1, 2):
                t = time.perf_counter()
                report("--all", "--workers", str(workers), "--out", f"{tmp}/all{workers}")
                out[f"all_periods_workers{workers}_s"] = time.perf_counter() - t
    out["one_period_floors"] = out["one_period_s"] / floor
    for w in (1, 2):
        if f"all_periods_workers{w}_s" in out:
            out[f"all_periods_workers{w}_floors"] = out[f"all_periods_workers{w}_s"] / floor
    out["targets"] = {"one_period_floors": 3, "all_periods_floors": 12}
    return {"reports": out}


def _child(code: str) -> dict:
    # peak memory from VmHWM: ru_maxrss survives fork/exec on Linux and would report the parent's peak
    out = subprocess.run([sys.executable, "-c", code + "\nimport json\nhwm = [l for l in open('/proc/self/status') "
                          "if l.startswith('VmHWM')][0].split()[1]\nprint(json.dumps({'seconds': el, 'peak_mb': int(hwm) / 1024}))"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_warehouse(quick):
    """Ingest of one quarter's shipments into the DuckDB warehouse, the value SQL on DuckDB, and the
    same SQL on local Spark on a smaller slice (to show where Spark's start-up cost stops mattering)."""
    n = 1_000_000 if quick else 10_000_000
    k = n // 50
    slice_n = n // 10
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rng = np.random.default_rng(0)
        s = pd.DataFrame({"shipment_id": np.arange(n).astype(str), "customer_id": rng.integers(0, k, n).astype(str),
                          "ship_date": (pd.Timestamp("2026-07-01") + pd.to_timedelta(rng.integers(0, 92, n), unit="D")).strftime("%Y-%m-%d"),
                          "revenue": np.round(rng.lognormal(5, 1, n), 2)})
        s["cost"] = np.round(s["revenue"] * 0.85, 2)
        s.to_csv(tmp / "shipments_2026Q3.csv", index=False)
        s.iloc[:slice_n].to_parquet(tmp / "slice.parquet")
        del s
        ingest = _child(f"import time\nfrom crm_research import warehouse\nt = time.perf_counter()\n"
                        f"warehouse.ingest([{str(tmp / 'shipments_2026Q3.csv')!r}], '2026Q3', path={str(tmp / 'w.duckdb')!r})\n"
                        f"el = time.perf_counter() - t")
        sql = ("from crm_research import value\nimport pandas as pd, time\ns = pd.read_parquet({src!r})\n{eng}\n"
               "t = time.perf_counter()\nvalue.abc(s, customer='customer_id', amount='revenue', engine=e)\n"
               "value.rfm(s, customer='customer_id', date='ship_date', amount='revenue', as_of='2026-09-30', engine=e)\n"
               "el = time.perf_counter() - t")
        duck_slice = _child(sql.format(src=str(tmp / "slice.parquet"), eng="e = None"))
        spark_slice = None
        if shutil.which("java"):
            try:
                spark_slice = _child(sql.format(src=str(tmp / "slice.parquet"),
                                                eng="from crm_research.engines import SparkEngine\ne = SparkEngine('local[2]')"))
            except subprocess.CalledProcessError:
                spark_slice = None
    return {"warehouse": {"ingest_rows": n, "ingest": ingest, "slice_rows": slice_n, "duckdb_abc_rfm_slice": duck_slice,
                          "spark_local_abc_rfm_slice": spark_slice,
                          "note": "Spark's peak_mb is the Python driver only; the JVM runs in its own process"}}


def bench_scale(quick):
    """Issue #19 at an express firm's scale: see benchmarks/bench_scale.py."""
    from benchmarks.bench_scale import bench_scale as run

    return {"scale": run(quick)}


BENCHES = {"scale": bench_scale, "warehouse": bench_warehouse, "reliability": bench_reliability, "mediation": bench_mediation, "pls": bench_pls, "value": bench_value,
           "reports": bench_reports}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(BENCHES))
    a = ap.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"machine": platform.platform(), "cpus": __import__("os").cpu_count(), "python": sys.version.split()[0],
            "quick": a.quick}
    for name in a.only.split(","):
        res = BENCHES[name](a.quick)
        res["_meta"] = meta
        (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=1, default=float))
        print(name, json.dumps(res, indent=1, default=float))


if __name__ == "__main__":
    main()
