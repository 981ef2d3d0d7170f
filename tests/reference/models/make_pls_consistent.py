"""Reference consistent PLS (PLSc, Dijkstra & Henseler 2015; issue #16) for the ECSI model on the
mobi data, every construct reflective (seminr's ``reflective()``, which applies seminr's ``PLSc()``),
path weighting, from the seminr Python port: paths, loadings, R², reliability, f².

The R seminr fixtures for the four-construct PLSc model (factorial weighting) are copied verbatim
from sem-in-r/seminr tests/fixtures/V_3_6_0 (commit ae2524aa, seminr 2.3.1) as
seminr_R_plsc_path_coef1.csv, seminr_R_plsc_loadings1.csv, seminr_R_plsc_rsquaredplsc.csv.

Run in a separate environment that has seminr (not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    cd tests/reference/models && /tmp/refvenv/bin/python make_pls_consistent.py
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
import seminr as sm
from _ecsi_seminr import ecsi_model, frame_of

HERE = Path(__file__).resolve().parent
data = pd.read_csv(HERE.parents[1] / "data" / "mobi.csv")
model = ecsi_model(data, reflective=True)
for name in ("path_coef", "outer_loadings", "r_squared"):
    frame_of(getattr(model, name)).to_csv(HERE / f"seminr_plsc_{name}.csv", float_format="%.12g")
s = sm.summarize(model)
frame_of(s.reliability).to_csv(HERE / "seminr_plsc_reliability.csv", float_format="%.12g")
frame_of(s.f_square).to_csv(HERE / "seminr_plsc_f_square.csv", float_format="%.12g")
(HERE / "versions_consistent.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
