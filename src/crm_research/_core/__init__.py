"""The core every analysis module stands on: errors, the result contract, input validation,
the one least-squares kernel and bootstrap resampling. Nothing here knows a language or a file.

Only the errors are imported with the package: the command line needs them before it needs pandas
(``Result`` and ``result`` load ``results`` on first use)."""

from .errors import DataError, StatWarning

__all__ = ["DataError", "StatWarning", "Result", "result"]


def __getattr__(name: str):
    if name in ("Result", "result"):
        from . import results

        return getattr(results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
