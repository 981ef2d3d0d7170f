"""Reference PLSpredict metrics (issue #16) for the ECSI model on the mobi data from the seminr
Python port's ``predict_pls`` (an independent implementation of R seminr's, fold by fold in data
space), given the same shuffles as ``crm_research.models.pls_predict``: repetition r orders the
cases by the r-th ``numpy.random.default_rng(seed).permutation(n)``; seminr cuts that order into
contiguous folds (R's ``cut``). Predictions are averaged over the repetitions as R seminr's
``predict_pls(reps = ...)`` does; the naive benchmark (training mean) and Q²predict are computed
here from the port's folds.

Run in a separate environment that has seminr (not a dependency of crm_research):
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy pandas seminr
    cd tests/reference/models && /tmp/refvenv/bin/python make_pls_predict.py
"""

import importlib.metadata as md
from pathlib import Path

import numpy as np
import pandas as pd
import seminr as sm
from seminr.predict.predict_pls import cut_folds
from _ecsi_seminr import ecsi_model

HERE = Path(__file__).resolve().parent
data = pd.read_csv(HERE.parents[1] / "data" / "mobi.csv")
model = ecsi_model(data)
n, folds, repeats, seed = len(data), 10, 10, 2019
fold_pos = np.array(cut_folds(n, folds))
for name, technique in (("EA", sm.predict_EA), ("DA", sm.predict_DA)):
    rng = np.random.default_rng(seed)
    pls, lm, naive = [], [], []
    for r in range(repeats):
        order = [int(i) for i in rng.permutation(n)]
        pred = sm.predict_pls(model, technique=technique, no_folds=folds, ordering=order).items
        cols = list(pred.pls_out_of_sample.cols)
        pls.append(np.asarray(pred.pls_out_of_sample.values))
        lm.append(pd.DataFrame(np.asarray(pred.lm_out_of_sample.values), columns=list(pred.lm_out_of_sample.cols))[cols].to_numpy())
        mean_of = np.empty((n, len(cols)))
        order = np.array(order)
        for f in range(1, folds + 1):
            test = order[fold_pos == f]
            train = order[fold_pos != f]
            mean_of[test] = data.loc[train, cols].mean().to_numpy()
        naive.append(mean_of)
    y = data[cols].to_numpy(float)
    e_pls, e_lm, e_naive = (y - np.mean(v, axis=0) for v in (pls, lm, naive))
    out = pd.DataFrame({"q2_predict": 1 - (e_pls**2).sum(0) / (e_naive**2).sum(0),
                        "rmse": np.sqrt((e_pls**2).mean(0)), "mae": np.abs(e_pls).mean(0),
                        "lm_rmse": np.sqrt((e_lm**2).mean(0)), "lm_mae": np.abs(e_lm).mean(0)},
                       index=pd.Index(cols, name="indicator"))
    out.to_csv(HERE / f"seminr_predict_{name}.csv", float_format="%.12g")
    print(name, out, sep="\n")
(HERE / "versions_predict.txt").write_text(f"seminr {md.version('seminr')}\nnumpy {np.__version__}\npandas {pd.__version__}\n"
                                           f"folds {folds}, repeats {repeats}, seed {seed}\n")
