"""Speed of crm_research.sem next to lavaan (and semopy when installed), side by side in one run.

    PYTHONPATH=src .venv/bin/python -m benchmarks.bench_sem

Tasks, on the sample wave 2025Q1 as the survey notebook prepares it (screened, reverse items keyed;
tests/reference/sem/sample_wave_2025Q1.csv):

- ``cfa13``: the 13-factor, 42-item CFA of the constructs with 3+ items (listwise);
- ``firm_sem``: the sample firm's structural model (second-order service quality → value →
  satisfaction → loyalty, with switching cost; tests/test_sem.py ``FIRM``);
- ``bootstrap``: 1,000 bootstrap resamples of that model's indirect effects (every parameter refitted).

Each tool runs in a fresh process, as a user meets it: the import (R: library(lavaan)) is timed
apart, then the first call, then the best of five warm calls. lavaan is timed inside R with
``system.time``; semopy runs in the interpreter named by ``SEMOPY_PYTHON`` (its own virtual
environment, so that its dependencies never touch ours; reported as null when absent). Labels and
``:=`` lines are dropped for semopy (same model, no defined effects). Results go to
benchmarks/results/sem.json.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


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


def _child(python: str, code: str) -> dict:
    """Run ``code`` in a fresh ``python`` process; it prints one JSON line of timings."""
    res = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-2000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


_TIMING = """
import json, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
{setup}
t2 = time.perf_counter()
out = {call}
first = time.perf_counter() - t2
best = first
for _ in range({repeat}):
    t = time.perf_counter()
    {call}
    best = min(best, time.perf_counter() - t)
print(json.dumps({{"import_s": t1 - t0, "first_call_s": first, "warm_best_s": best, "value": {value}}}))
"""


def ours(model: str, extra: str = "", repeat: int = 5, value: str = "out.fit['chi2']") -> dict:
    """Our sem() as a user meets it: a fresh process, the first call (import timed apart)."""
    return _child(sys.executable, _TIMING.format(
        imports="import pandas as pd\nfrom crm_research.sem import sem", setup=f"d = pd.read_csv({str(DATA)!r})",
        call=f"sem(d, {model!r}{extra})", repeat=repeat, value=value))


def semopy_times(model: str, repeat: int = 5) -> dict | None:
    """semopy in its own environment (``SEMOPY_PYTHON``, else this interpreter if it has semopy):
    fresh process, first call of Model(...).fit(...)."""
    import os

    python = os.environ.get("SEMOPY_PYTHON", sys.executable)
    desc = "\n".join(line for line in model.splitlines() if ":=" not in line and not line.startswith("#"))
    desc = " ".join(part.split("*")[-1] if "*" in part else part for part in desc.split(" "))
    try:
        return _child(python, _TIMING.format(
            imports="import pandas as pd\nimport semopy", setup=f"d = pd.read_csv({str(DATA)!r}).dropna()",
            call=f"semopy.Model({desc!r}).fit(d)", repeat=repeat, value="None"))
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"semopy not timed: {exc}", file=sys.stderr)
        return None


def lavaan_times(model: str, extra: str = "", repeat: int = 5) -> dict | None:
    """lavaan in a fresh R process: library load, the first call and the best warm call."""
    if shutil.which("Rscript") is None:
        return None
    model = "\n".join(line.split("#")[0] for line in model.splitlines()).replace("'", "\\'")
    script = f"""
t0 <- proc.time()[["elapsed"]]
suppressPackageStartupMessages(library(lavaan))
t1 <- proc.time()[["elapsed"]]
d <- read.csv("{DATA}")
m <- '{model}'
first <- system.time(fit <- sem(m, data = d{extra}))[["elapsed"]]
best <- first
for (i in seq_len({repeat})) best <- min(best, system.time(sem(m, data = d{extra}))[["elapsed"]])
cat(sprintf('{{"import_s": %f, "first_call_s": %f, "warm_best_s": %f}}\n', t1 - t0, first, best))
"""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
    res = subprocess.run(["Rscript", fh.name], capture_output=True, text=True)
    Path(fh.name).unlink(missing_ok=True)
    try:
        return json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def run() -> dict:
    cfa = _syntax(cfa13_model())
    out = {}
    for key, task, model in (("cfa13", "CFA, 13 factors / 42 items (sample wave 2025Q1)", cfa),
                             ("firm_sem", "structural model (second-order, 8 factors, 2 indirect effects)", FIRM)):
        out[key] = {"task": task, "crm_research": ours(model), "lavaan": lavaan_times(model),
                    "semopy": semopy_times(model)}
    out["bootstrap"] = {"task": "1,000 bootstrap resamples of the structural model (indirect effects)",
                        "crm_research": ours(FIRM, ", n_boot=1000, seed=1", repeat=1,
                                             value="list(out.estimates.set_index('lhs').loc['ind_value', ['bc_low', 'bc_high']])"),
                        "lavaan": lavaan_times(FIRM, ', se = "bootstrap", bootstrap = 1000', repeat=0)}
    for v in out.values():
        for peer in ("lavaan", "semopy"):
            if v.get(peer):
                v[f"{peer}_over_ours_first_call"] = v[peer]["first_call_s"] / v["crm_research"]["first_call_s"]
    out["_meta"] = {"machine": platform.platform(), "python": platform.python_version(),
                    "note": "each tool in a fresh process: import/library load timed apart, then the first call "
                            "(what a user meets) and the best of 5 warm calls; the three run one after another "
                            "in one run of this script"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sem.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return out


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
