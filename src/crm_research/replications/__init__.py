"""Data and targets for the replications of the published analyses in the source documents.

- :func:`bank_study` — questionnaire data simulated to match everything the bank CRM study
  (source document ``001_…`` example 9) reports, and :data:`BANK_STUDY_PUBLISHED`, its numbers.
"""

from ._bank import BANK_STUDY_PUBLISHED, CONTROLS, bank_study

__all__ = ["bank_study", "BANK_STUDY_PUBLISHED", "CONTROLS"]
