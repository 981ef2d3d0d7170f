"""Data and targets for the replications of the published analyses in the source documents.

- :func:`bank_study` — questionnaire data simulated to match everything the bank CRM study
  (source document ``001_…`` example 9) reports, and :data:`BANK_STUDY_PUBLISHED`, its numbers.
- :func:`compare_published` — the "published vs reproduced" table each replication ends with.
"""

from ._bank import BANK_STUDY_PUBLISHED, CONTROLS, bank_study
from ._compare import compare_published
from ._value_system import indicators as value_indicators

__all__ = ["bank_study", "BANK_STUDY_PUBLISHED", "CONTROLS", "compare_published", "value_indicators"]
