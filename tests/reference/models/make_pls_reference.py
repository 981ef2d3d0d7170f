"""Reference PLS estimates for the ECSI model on the mobi data from the seminr Python port.

Run in a separate environment that has seminr (GPL; not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    /tmp/refvenv/bin/python tests/reference/models/make_pls_reference.py     (from the repo root)
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
from _ecsi_seminr import ecsi_model, frame_of

OUT = Path("tests/reference/models")
data = pd.read_csv("tests/data/mobi.csv")
model = ecsi_model(data)
for name in ("path_coef", "outer_loadings", "outer_weights", "r_squared"):
    frame_of(getattr(model, name)).to_csv(OUT / f"seminr_{name}.csv", float_format="%.12g")
(OUT / "versions.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
