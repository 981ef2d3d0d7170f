"""Reference PLS estimates for the ECSI model on the mobi data from the seminr Python port.

Run in a separate environment that has seminr (GPL; not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    /tmp/refvenv/bin/python tests/reference/models/make_pls_reference.py     (from the repo root)
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
import seminr as sm

OUT = Path("tests/reference/models")
data = pd.read_csv("tests/data/mobi.csv")
mm = sm.constructs(
    sm.composite("Image", sm.multi_items("IMAG", range(1, 6))),
    sm.composite("Expectation", sm.multi_items("CUEX", range(1, 4))),
    sm.composite("Quality", sm.multi_items("PERQ", range(1, 8))),
    sm.composite("Value", sm.multi_items("PERV", range(1, 3))),
    sm.composite("Satisfaction", sm.multi_items("CUSA", range(1, 4))),
    sm.composite("Complaints", sm.single_item("CUSCO")),
    sm.composite("Loyalty", sm.multi_items("CUSL", range(1, 4))),
)
smod = sm.relationships(
    sm.paths(from_="Image", to=["Expectation", "Satisfaction", "Loyalty"]),
    sm.paths(from_="Expectation", to=["Quality", "Value", "Satisfaction"]),
    sm.paths(from_="Quality", to=["Value", "Satisfaction"]),
    sm.paths(from_="Value", to=["Satisfaction"]),
    sm.paths(from_="Satisfaction", to=["Complaints", "Loyalty"]),
    sm.paths(from_="Complaints", to=["Loyalty"]),
)
model = sm.estimate_pls(data=data, measurement_model=mm, structural_model=smod)
for name in ("path_coef", "outer_loadings", "outer_weights", "r_squared"):
    v = getattr(model, name)
    frame = pd.DataFrame(np.asarray(v.values), index=list(v.rows), columns=list(v.cols))
    frame.to_csv(OUT / f"seminr_{name}.csv", float_format="%.12g")
(OUT / "versions.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
