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
from _ecsi_seminr import ecsi_model, frame_of

OUT = Path("tests/reference/models")
data = pd.read_csv("tests/data/mobi.csv")


model = ecsi_model(data)
s = sm.summarize(model)
frame_of(s.reliability).to_csv(OUT / "seminr_reliability.csv", float_format="%.12g")
frame_of(s.validity.htmt).to_csv(OUT / "seminr_htmt.csv", float_format="%.12g")
frame_of(s.validity.cross_loadings).to_csv(OUT / "seminr_cross_loadings.csv", float_format="%.12g")
frame_of(s.f_square).to_csv(OUT / "seminr_f_square.csv", float_format="%.12g")
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
mr = ecsi_model(holes)
for name in ("path_coef", "outer_loadings"):
    frame_of(getattr(mr, name)).to_csv(OUT / f"seminr_missing_{name}.csv", float_format="%.12g")

# mode B for Quality and Image
mb = ecsi_model(data, {"Quality": "B", "Image": "B"})
for name in ("path_coef", "outer_weights", "outer_loadings"):
    frame_of(getattr(mb, name)).to_csv(OUT / f"seminr_modeB_{name}.csv", float_format="%.12g")
(OUT / "versions_assessment.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n")
