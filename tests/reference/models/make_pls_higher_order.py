"""Reference for higher-order constructs (issue #16) on the mobi data: Satisfaction as a
higher-order construct of Image and Value, with Expectation, Quality → Satisfaction →
Complaints, Loyalty (the model of R seminr's tests/testthat/test-hoc.R).

- two-stage: R seminr's own fixtures hoc-paths.csv, hoc-loadings.csv, hoc-weights.csv copied
  verbatim from sem-in-r/seminr tests/fixtures/V_3_6_0 (commit ae2524aa, seminr 2.3.1) as
  seminr_R_hoc_paths.csv, seminr_R_hoc_loadings.csv, seminr_R_hoc_weights.csv;
- repeated indicators: written here as the plain PLS model it is (Satisfaction measured by copies
  of IMAG1–5 and PERV1–2, paths Satisfaction → Image and Satisfaction → Value) and estimated by
  the seminr Python port.

Run in a separate environment that has seminr (not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    cd tests/reference/models && /tmp/refvenv/bin/python make_pls_higher_order.py
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
import seminr as sm
from _ecsi_seminr import frame_of

HERE = Path(__file__).resolve().parent
data = pd.read_csv(HERE.parents[1] / "data" / "mobi.csv")
dims = [f"IMAG{i}" for i in range(1, 6)] + ["PERV1", "PERV2"]
for it in dims:
    data[f"{it}_rep"] = data[it]
mm = sm.constructs(
    sm.composite("Image", sm.multi_items("IMAG", range(1, 6))),
    sm.composite("Expectation", sm.multi_items("CUEX", range(1, 4))),
    sm.composite("Quality", sm.multi_items("PERQ", range(1, 8))),
    sm.composite("Value", sm.multi_items("PERV", range(1, 3))),
    sm.composite("Satisfaction", [f"{it}_rep" for it in dims]),
    sm.composite("Complaints", sm.single_item("CUSCO")),
    sm.composite("Loyalty", sm.multi_items("CUSL", range(1, 4))),
)
smod = sm.relationships(
    sm.paths(from_=["Expectation", "Quality"], to="Satisfaction"),
    sm.paths(from_="Satisfaction", to=["Image", "Value", "Complaints", "Loyalty"]),
)
model = sm.estimate_pls(data=data, measurement_model=mm, structural_model=smod)
for name in ("path_coef", "outer_loadings", "outer_weights", "r_squared"):
    out = frame_of(getattr(model, name))
    out.index = [i.removesuffix("_rep") for i in out.index]
    out.to_csv(HERE / f"seminr_repeated_{name}.csv", float_format="%.12g")
(HERE / "versions_higher_order.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
