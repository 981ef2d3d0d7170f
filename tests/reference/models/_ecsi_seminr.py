"""The ECSI model on the mobi data in seminr's Python port, shared by the reference scripts of this
folder (run them from the repository root, as their docstrings say)."""

import numpy as np
import pandas as pd
import seminr as sm


def frame_of(v) -> pd.DataFrame:
    """A seminr matrix as a DataFrame."""
    return pd.DataFrame(np.asarray(v.values), index=list(v.rows), columns=list(v.cols))


def ecsi_model(frame, modes=None, reflective=False):
    """seminr's PLS estimate of the ECSI model; ``modes`` maps construct → "B" for formative ones;
    ``reflective``: every construct seminr's ``reflective()``, which seminr estimates by PLSc."""
    modes = modes or {}

    def comp(name, items):
        if reflective:
            return sm.reflective(name, items)
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
