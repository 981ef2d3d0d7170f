"""Structural equation models as lavaan and AMOS fit them.

:func:`sem` fits a model written in lavaan syntax (or a dict construct → items, a CFA) by
maximum likelihood with lavaan's defaults; :func:`invariance` runs the configural → metric →
scalar → strict sequence across groups; :func:`path_diagram` draws the model with standardised
coefficients as AMOS does. The model syntax is parsed by :func:`crm_research.spec.parse_model`.

Reference implementation: lavaan 0.6 (Rosseel 2012); the tests compare with its output in
``tests/reference/sem``.
"""

from ._api import InvarianceResult, SEMResult, invariance, sem
from ._diagram import path_diagram

__all__ = ["sem", "invariance", "SEMResult", "InvarianceResult", "path_diagram"]
