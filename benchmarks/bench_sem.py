"""Speed of crm_research.sem next to lavaan (and semopy when installed), side by side in one run.

    PYTHONPATH=src .venv/bin/python -m benchmarks.bench_sem

Tasks, on the sample wave 2025Q1 as the survey notebook prepares it (screened, reverse items keyed;
tests/reference/sem/sample_wave_2025Q1.csv):

- ``cfa13``: the 13-factor, 42-item CFA of the constructs with 3+ items (listwise);
- ``firm_sem``: the sample firm's structural model (second-order service quality → value →
  satisfaction → loyalty, with switching cost; tests/test_sem.py ``FIRM``);
- ``bootstrap``: 1,000 bootstrap resamples of that model's indirect effects (every parameter refitted).

lavaan is timed inside R with ``system.time`` (R start-up and package loading excluded), best of
five like ours. semopy is reported as null when it is not importable. Results go to
benchmarks/results/sem.json.
"""

from __future__ import annotations

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

from crm_research.sem import load_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / "tests" / "reference" / "sem" / "sample_wave_2025Q1.csv"

FIRM = load_model("logistics_csl")


def cfa13_model() -> dict:
    from crm_research.survey import load_instrument

    inst = load_instrument("logistics_csl")
    model = {k: list(c.items) for k, c in inst.constructs.items()}
    return {k: v for k, v in model.items() if len(v) >= 3}


def _syntax(model: dict) -> str:
    return "\n".join(f"{k} =~ {' + '.join(v)}" for k, v in model.items())


def timed(fn, repeat=5):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def lavaan_seconds(model: str, data: Path, extra: str = "", repeat: int = 5) -> float | None:
    """Best elapsed time of ``sem(model, data)`` inside R (start-up excluded)."""
    if shutil.which("Rscript") is None:
        return None
    script = f"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{data}")
m <- '{model}'
fit <- sem(m, data = d{extra})   # warm-up
best <- Inf
for (i in 1:{repeat}) best <- min(best, system.time(sem(m, data = d{extra}))[["elapsed"]])
cat(best, "\\n")
"""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
    res = subprocess.run(["Rscript", fh.name], capture_output=True, text=True)
    Path(fh.name).unlink(missing_ok=True)
    try:
        return float(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def semopy_seconds(model: str, data: pd.DataFrame) -> float | None:
    try:
        import semopy  # noqa: F401
    except ImportError:
        return None
    desc = "\n".join(line for line in model.splitlines() if ":=" not in line)

    def run():
        m = semopy.Model(desc)
        m.fit(data.dropna())
        return m

    return timed(run)[0]


def run() -> dict:
    import warnings

    from crm_research.sem import sem

    data = pd.read_csv(DATA)
    cfa = cfa13_model()
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_cfa, res = timed(lambda: sem(data, cfa))
        out["cfa13"] = {"task": f"CFA, {len(cfa)} factors / {sum(map(len, cfa.values()))} items, n={res.n}",
                        "crm_research_s": t_cfa, "chi2": res.fit["chi2"],
                        "lavaan_s": lavaan_seconds(_syntax(cfa), DATA),
                        "semopy_s": semopy_seconds(_syntax(cfa), data)}
        t_sem, res = timed(lambda: sem(data, FIRM))
        out["firm_sem"] = {"task": f"structural model (second-order, 8 factors, 2 indirect effects), n={res.n}",
                           "crm_research_s": t_sem, "chi2": res.fit["chi2"],
                           "lavaan_s": lavaan_seconds(FIRM, DATA), "semopy_s": semopy_seconds(FIRM, data)}
        t_boot, res = timed(lambda: sem(data, FIRM, n_boot=1000, seed=1), repeat=2)
        row = res.estimates.set_index("lhs").loc["ind_value"]
        out["bootstrap"] = {"task": "1,000 bootstrap resamples of the structural model (indirect effects)",
                            "crm_research_s": t_boot, "resamples_converged": res.n_boot,
                            "bc_ci": [float(row["bc_low"]), float(row["bc_high"])],
                            "lavaan_s": lavaan_seconds(FIRM, DATA, ', se = "bootstrap", bootstrap = 1000', repeat=1)}
    for v in out.values():
        for k in ("lavaan_s", "semopy_s"):
            if v.get(k):
                v[f"ratio_{k[:-2]}_over_ours"] = v[k] / v["crm_research_s"]
    out["_meta"] = {"machine": platform.platform(), "python": platform.python_version(),
                    "note": "best of 5 (bootstrap: best of 2; lavaan bootstrap: 1 run); lavaan timed inside R"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sem.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return out


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
