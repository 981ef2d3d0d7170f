"""Comprehensive evaluation (综合评价): the methods the source documents use to evaluate logistics
service performance and customer value.

* weights — :func:`entropy_weights`, :func:`ahp_weights`, :func:`critic_weights`,
  :func:`cv_weights`, :func:`combined_weights`;
* fuzzy comprehensive evaluation — :func:`fuzzy_evaluation`, :func:`membership_from_answers`;
* ranking — :func:`topsis` (entropy-TOPSIS when no weights are given), :func:`grey_relational`;
* efficiency — :func:`dea` (CCR/BCC, input/output orientation, two-phase slacks, targets, peers,
  super-efficiency), :func:`scale_efficiency`, :func:`malmquist`.

DataFrame-returning functions have a ``*_result`` twin whose result object adds ``.table(lang)``
and ``.interpret(lang)``.
"""

from ._dea import DEAResult, MalmquistResult, dea, dea_result, malmquist, scale_efficiency
from ._firm import CUSTOMER_BENEFIT, PANEL_INPUTS, PANEL_OUTPUTS, customer_criteria, quarterly_panel, survey_fuzzy
from ._fuzzy import OPERATORS, FuzzyResult, fuzzy_evaluation, membership_from_answers
from ._ranking import GreyResult, TOPSISResult, grey_relational, grey_result, topsis, topsis_result
from ._weights import (RANDOM_INDEX, AHPResult, ahp_weights, combined_weights, critic_weights, cv_weights,
                       entropy_weights)

__all__ = ["fuzzy_evaluation", "membership_from_answers", "FuzzyResult", "OPERATORS",
           "topsis", "topsis_result", "TOPSISResult", "grey_relational", "grey_result", "GreyResult",
           "dea", "dea_result", "DEAResult", "scale_efficiency", "malmquist", "MalmquistResult",
           "entropy_weights", "ahp_weights", "AHPResult", "critic_weights", "cv_weights", "combined_weights",
           "RANDOM_INDEX", "quarterly_panel", "customer_criteria", "survey_fuzzy",
           "PANEL_INPUTS", "PANEL_OUTPUTS", "CUSTOMER_BENEFIT"]
