"""The two exception types every module raises (see shared API: DataError, StatWarning)."""

from __future__ import annotations

__all__ = ["DataError", "StatWarning"]


class DataError(ValueError):
    """Bad input: the message names the file, column, row or parameter at fault and says
    what was expected, what was found and how to fix it."""


class StatWarning(UserWarning):
    """A result stands but must be read with care (Heywood case, VIF > 10, pairwise n differing
    by item, ...)."""
