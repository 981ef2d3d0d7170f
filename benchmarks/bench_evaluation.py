"""Speed of crm_research.evaluation.dea: 1,000 units, 3 inputs × 3 outputs, CCR and BCC
(input-oriented) with two-phase slacks. Target (issue 18): under 2 s on this 2-core machine.

    PYTHONPATH=src .venv/bin/python -m benchmarks.bench_evaluation      # writes benchmarks/results/evaluation.json

For scale, the same programmes solved the plain way — one ``linprog`` call per unit and phase over
all 1,000 columns — are timed on a sample of units and extrapolated to 1,000 (labelled as such).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "evaluation.json"
TARGET_S = 2.0


def units(n: int = 1000, seed: int = 20261124) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(1, 100, (n, 6)), columns=["x1", "x2", "x3", "y1", "y2", "y3"],
                        index=[f"u{i:04d}" for i in range(n)])


def _fresh_dea(d):
    from crm_research.evaluation import dea

    ccr = dea(d, ["x1", "x2", "x3"], ["y1", "y2", "y3"], model="CCR")
    bcc = dea(d, ["x1", "x2", "x3"], ["y1", "y2", "y3"], model="BCC")
    return ccr, bcc


def _naive(d, sample: int) -> float:
    """One linprog per unit and phase over all columns (CCR and BCC, input, with slacks)."""
    from crm_research.evaluation._lp import single

    X = d[["x1", "x2", "x3"]].to_numpy().T
    Y = d[["y1", "y2", "y3"]].to_numpy().T
    t = time.perf_counter()
    for o in range(sample):
        for vrs in (False, True):
            single(X, Y, X[:, o], Y[:, o], vrs=vrs, orientation="input", phases=2)
    return (time.perf_counter() - t) * len(d) / sample


def run(quick: bool = False, write: bool = True) -> dict:
    d = units()
    times = []
    for _ in range(2 if quick else 5):
        t = time.perf_counter()
        ccr, bcc = _fresh_dea(d)
        times.append(time.perf_counter() - t)
    naive = _naive(d, 20 if quick else 100)
    res = {
        "dea_1000x3x3_ccr_bcc_slacks": {
            "task": "dea() CCR + BCC, input-oriented, two-phase slacks, 1,000 units, 3 inputs × 3 outputs",
            "runs": len(times),
            "first_run_s": times[0],  # includes importing crm_research.evaluation and scipy.optimize
            "best_s": min(times),
            "median_s": statistics.median(times),
            "target_s": TARGET_S,
            "target_met": statistics.median(times) < TARGET_S,
            "efficient_units_ccr": int(ccr["efficient"].sum()),
            "efficient_units_bcc": int(bcc["efficient"].sum()),
            "naive_per_unit_linprog_s_extrapolated": naive,
            "naive_sample_units": 20 if quick else 100,
        },
        "_meta": {"machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                  "load_average_1min": os.getloadavg()[0], "quick": quick},
    }
    r = res["dea_1000x3x3_ccr_bcc_slacks"]
    print(f"DEA 1000 units 3×3, CCR+BCC with slacks: best {r['best_s']:.2f} s, median {r['median_s']:.2f} s "
          f"over {r['runs']} runs (target < {TARGET_S} s: {'met' if r['target_met'] else 'NOT met'}); "
          f"one linprog per unit and phase, extrapolated: {naive:.1f} s")
    if write:
        RESULTS.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    run()
