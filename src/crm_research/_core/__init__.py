"""The core every analysis module stands on: errors, the result contract, input validation,
the one least-squares kernel and bootstrap resampling. Nothing here knows a language or a file."""

from .errors import DataError, StatWarning
from .results import Result, result

__all__ = ["DataError", "StatWarning", "Result", "result"]
