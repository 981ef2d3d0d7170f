"""Reference PLS-SEM quality criteria (issue #16) for the ECSI model on the mobi data from the
seminr Python port (an independent implementation, which follows R's seminr and so SmartPLS):
reliability (Cronbach's α, ρA, ρC, AVE), HTMT, f², inner VIF, item VIF, cross-loadings; and the
estimates with seminr's default mean replacement on a copy of mobi with answers deleted.

Run in a separate environment that has seminr (not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    /tmp/refvenv/bin/python tests/reference/models/make_pls_assessment.py     (from the repo root)
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
import seminr as sm

OUT = Path("tests/reference/models")
data = pd.read_csv("tests/data/mobi.csv")


def _frame(v):
    return pd.DataFrame(np.asarray(v.values), index=list(v.rows), columns=list(v.cols))


def _model(frame, modes=None):
    modes = modes or {}

    def comp(name, items):
        return sm.composite(name, items, weights=sm.mode_B if modes.get(name) == "B" else sm.mode_A)

    mm = sm.constructs(
        comp("Image", sm.multi_items("IMAG", range(1, 6))),
        comp("Expectation", sm.multi_items("CUEX", range(1, 4))),
        comp("Quality", sm.multi_items("PERQ", range(1, 8))),
        comp("Value", sm.multi_items("PERV", range(1, 3))),
        comp("Satisfaction", sm.multi_items("CUSA", range(1, 4))),
        comp("Complaints", sm.single_item("CUSCO")),
        comp("Loyalty", sm.multi_items("CUSL", range(1, 4))),
    )
    smod = sm.relationships(
        sm.paths(from_="Image", to=["Expectation", "Satisfaction", "Loyalty"]),
        sm.paths(from_="Expectation", to=["Quality", "Value", "Satisfaction"]),
        sm.paths(from_="Quality", to=["Value", "Satisfaction"]),
        sm.paths(from_="Value", to=["Satisfaction"]),
        sm.paths(from_="Satisfaction", to=["Complaints", "Loyalty"]),
        sm.paths(from_="Complaints", to=["Loyalty"]),
    )
    return sm.estimate_pls(data=frame, measurement_model=mm, structural_model=smod)


model = _model(data)
s = sm.summarize(model)
_frame(s.reliability).to_csv(OUT / "seminr_reliability.csv", float_format="%.12g")
_frame(s.validity.htmt).to_csv(OUT / "seminr_htmt.csv", float_format="%.12g")
_frame(s.validity.cross_loadings).to_csv(OUT / "seminr_cross_loadings.csv", float_format="%.12g")
_frame(s.f_square).to_csv(OUT / "seminr_f_square.csv", float_format="%.12g")
pd.Series({k: v for blk in s.validity.vif_items.values() for k, v in blk.items()}
          if isinstance(s.validity.vif_items, dict) else None).to_csv(OUT / "seminr_item_vif.csv", float_format="%.12g")
vif_in = s.vif_antecedents
rows = [(src, tgt, val) for tgt, blk in vif_in.items() for src, val in blk.items()]
pd.DataFrame(rows, columns=["from", "to", "vif"]).to_csv(OUT / "seminr_inner_vif.csv", index=False, float_format="%.12g")

# mean replacement (seminr's default): delete answers at fixed random positions
rng = np.random.default_rng(16)
holes = data.copy()
items = [c for c in holes.columns if c[:4] in ("IMAG", "CUEX", "PERQ", "PERV", "CUSA", "CUSC", "CUSL")]
mask = rng.random((len(holes), len(items))) < 0.03
holes[items] = holes[items].mask(mask)
holes.to_csv(OUT / "mobi_missing.csv", index=False)
mr = _model(holes)
for name in ("path_coef", "outer_loadings"):
    _frame(getattr(mr, name)).to_csv(OUT / f"seminr_missing_{name}.csv", float_format="%.12g")

# mode B for Quality and Image
mb = _model(data, {"Quality": "B", "Image": "B"})
for name in ("path_coef", "outer_weights", "outer_loadings"):
    _frame(getattr(mb, name)).to_csv(OUT / f"seminr_modeB_{name}.csv", float_format="%.12g")
(OUT / "versions_assessment.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
