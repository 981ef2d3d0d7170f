"""Structural equation models as lavaan and AMOS fit them.

:func:`sem` fits a model written in lavaan syntax (or a dict construct → items, a CFA) by
maximum likelihood with lavaan's defaults; :func:`invariance` runs the configural → metric →
scalar → strict sequence across groups; :func:`path_diagram` draws the model with standardised
coefficients as AMOS does. The model syntax is parsed by :func:`crm_research.spec.parse_model`.

Reference implementation: lavaan 0.6-14 (Rosseel 2012); the tests compare with its output in
``tests/reference/sem`` (estimates, SEs, std.all, R², every fit index, modification indices), for
PoliticalDemocracy, HolzingerSwineford1939 (CFA, second order, invariance by school, FIML,
covariates), an observed path model and the sample firm's structural model.

Stable surface for the rest of the package (``validity.cfa`` can run on it)::

    res = sem(frame, {"SQ": ["sq1", "sq2", "sq3"], ...})     # a CFA from construct → items
    res.fit["cfi"], res.fit["chi2_df"], ...                 # lavaan's fitMeasures names, snake_case
    load = res.estimates.query("op == '=~'")[["lhs", "rhs", "est", "se", "std_all"]]
    res.r2, res.n, res.n_dropped, res.converged, res.modification_indices()

Engine (private): ``_model.RAM`` (matrices from :meth:`crm_research.spec.ModelSpec.partable`),
``_fit`` (ML discrepancy, analytic gradient, expected information, Fisher scoring + BFGS, FIML,
batched L-BFGS for the bootstrap), ``_measures`` (fit indices), ``_present`` (tables, words).
"""

from ._api import InvarianceResult, SEMResult, invariance, sem
from ._diagram import path_diagram
from ._models import list_models, load_model

__all__ = ["sem", "invariance", "SEMResult", "InvarianceResult", "path_diagram", "load_model", "list_models"]
