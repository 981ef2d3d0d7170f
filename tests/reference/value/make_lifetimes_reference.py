"""Reference BG/NBD and Gamma-Gamma fits from the archived `lifetimes` package, side by side with
crm_research's own likelihoods (lifetimes is not a dependency).

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas lifetimes
    /tmp/refvenv/bin/python tests/reference/value/make_lifetimes_reference.py      (repo root)

sample_summary_D.csv is crm_research.value.summary_from_transactions on data/sample/shipments.csv
(as_of 2026-09-30, days).
"""

import importlib.metadata as md
import json
from pathlib import Path

import numpy as np
import pandas as pd
import lifetimes

OUT = Path("tests/reference/value")
res = {"versions": {"lifetimes": md.version("lifetimes"), "numpy": np.__version__, "pandas": pd.__version__}}
cd = pd.read_csv("tests/data/cdnow_summary.csv")
res["cdnow_bgnbd"] = lifetimes.BetaGeoFitter().fit(cd["x"], cd["t_x"], cd["T"]).params_.to_dict()
res["cdnow_gg"] = lifetimes.GammaGammaFitter().fit(cd["x"][cd["x"] > 0], cd["zbar"][cd["x"] > 0]).params_.to_dict()
sm = pd.read_csv(OUT / "sample_summary_D.csv")
res["sample_bgnbd"] = lifetimes.BetaGeoFitter().fit(sm["frequency"], sm["recency"], sm["T"]).params_.to_dict()
pos = sm["frequency"] > 0
res["sample_gg"] = lifetimes.GammaGammaFitter().fit(sm["frequency"][pos], sm["monetary_value"][pos]).params_.to_dict()
# a small data set with nearly constant spend: lifetimes gives up
tiny_f = np.array([1, 1, 2, 1, 3, 1, 1, 2, 1, 1])
tiny_m = np.array([10, 10.5, 10.2, 9.9, 10.1, 10, 10, 10.3, 9.8, 10.0])
try:
    lifetimes.GammaGammaFitter().fit(tiny_f, tiny_m)
    res["tiny_gg_lifetimes"] = "converged"
except Exception as exc:  # lifetimes.utils.ConvergenceError
    res["tiny_gg_lifetimes"] = type(exc).__name__
(OUT / "lifetimes_reference.json").write_text(json.dumps(res, indent=1))
