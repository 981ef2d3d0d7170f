"""Privacy of report tables: pseudonyms for identifiers and suppression of small groups."""

from __future__ import annotations

import hashlib
import hmac
import os

import pandas as pd

from .._core.errors import DataError

__all__ = ["pseudonymise", "suppress_small"]


def pseudonymise(frame: pd.DataFrame, columns, *, salt: str | None = None, prefix: str = "ID-") -> pd.DataFrame:
    """A copy with identifier ``columns`` replaced by keyed hashes (HMAC-SHA256, 10 hex digits).

    The key is ``salt`` or the environment variable ``CRM_RESEARCH_SALT`` (set it per project to
    keep pseudonyms stable across runs and unlinkable across projects)."""
    key = (salt or os.environ.get("CRM_RESEARCH_SALT") or "crm_research-default-salt").encode()
    out = frame.copy()
    cols = [columns] if isinstance(columns, str) else list(columns)

    def alias(values):
        return [prefix + hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()[:10] for v in values]

    for c in cols:
        if c == "__index__":
            out.index = alias(out.index)
            continue
        if c not in out.columns:
            raise DataError(f"pseudonymise: column {c!r} not found")
        out[c] = alias(out[c])
    return out


def suppress_small(frame: pd.DataFrame, count_column: str, *, k: int = 5, columns=None) -> pd.DataFrame:
    """A copy where rows counting fewer than ``k`` people have their figures blanked (shown as
    missing) so that no small group can be singled out."""
    if count_column not in frame.columns:
        raise DataError(f"suppress_small: column {count_column!r} not found")
    out = frame.copy()
    small = out[count_column] < k
    cols = list(columns) if columns is not None else [c for c in out.columns if c != count_column]
    out[cols] = out[cols].astype(object)
    out.loc[small, cols] = None
    out[count_column] = out[count_column].astype(object)
    out.loc[small, count_column] = f"<{k}"
    return out
