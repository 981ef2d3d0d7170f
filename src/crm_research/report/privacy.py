"""Privacy of report tables: pseudonyms for identifiers and suppression of small groups."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

import pandas as pd

from .._core.errors import DataError

__all__ = ["pseudonymise", "suppress_small", "suppress_counts", "project_key", "KEY_FILE", "PEOPLE_COUNTS"]

#: columns that count people (customers, respondents); in external reports a count from 1 to k − 1
#: is shown as "< k" and the other figures of its row are blanked
PEOPLE_COUNTS = ("customers", "respondents", "n", "n_current", "n_previous", "n_year_before")

#: the file holding a project's random pseudonym key when CRM_RESEARCH_SALT is not set
KEY_FILE = ".crm_research_key"
#: counts of people below this are shown as "< 5" to outside readers (tables and headline figures)
SMALL_COUNT = 5


def _default_key_dir() -> Path:
    """The project's data folder (data_dir of crm_research.toml found upward), else ./data."""
    from ..cli import find_project

    proj = find_project()
    if proj is not None:
        conf = proj[1].get("report", proj[1])
        if conf.get("data_dir"):
            return proj[0].parent / conf["data_dir"]
    return Path("data")


def project_key(key_dir=None) -> bytes:
    """The key of the project's pseudonyms: ``CRM_RESEARCH_SALT`` when set, else a random 256-bit
    key generated once and kept in ``<key_dir>/.crm_research_key`` (mode 0600; ``key_dir`` defaults
    to the project's data folder), reused by later runs so that pseudonyms stay stable. There is no
    built-in key: one in the source would let anyone recompute the pseudonyms of known ids."""
    env = os.environ.get("CRM_RESEARCH_SALT")
    if env:
        return env.encode()
    folder = Path(key_dir) if key_dir is not None else _default_key_dir()
    path = folder / KEY_FILE
    log = logging.getLogger("crm_research")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            key = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"pseudonym key {str(path)!r} cannot be read ({exc}); restore it, or set "
                            f"CRM_RESEARCH_SALT") from None
        if len(key) < 32:
            raise DataError(f"pseudonym key {str(path)!r} is damaged: expected 64 hex digits, found "
                            f"{len(key)} characters; restore it from a backup, or delete it to start new "
                            f"pseudonyms, or set CRM_RESEARCH_SALT")
        return key.encode()
    except OSError as exc:
        raise DataError(f"pseudonym key: cannot create {str(path)!r} ({exc.strerror}); set CRM_RESEARCH_SALT "
                        f"or make the folder writable") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    log.warning("CRM_RESEARCH_SALT is not set: generated a random pseudonym key in %s (readable only by you); "
                "later runs reuse it, keep it with the project and out of shared folders", path)
    return key.encode()


def pseudonymise(frame: pd.DataFrame, columns, *, salt: str | None = None, prefix: str = "ID-",
                 key_dir=None) -> pd.DataFrame:
    """A copy with identifier ``columns`` replaced by keyed hashes (HMAC-SHA256, 10 hex digits).

    The key is ``salt``, else the environment variable ``CRM_RESEARCH_SALT``, else the project's
    random key (see :func:`project_key`; kept in ``key_dir``, by default the project's data folder)."""
    cols = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in cols if c != "__index__" and c not in frame.columns]
    if missing:
        raise DataError(f"pseudonymise: column {missing[0]!r} not found; the frame has {list(frame.columns)}")
    key = salt.encode() if salt else project_key(key_dir)
    out = frame.copy()

    def alias(values):
        return [prefix + hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()[:10] for v in values]

    for c in cols:
        if c == "__index__":
            out.index = alias(out.index)
        else:
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


def suppress_counts(table, *, k: int = SMALL_COUNT):
    """A copy of a report :class:`~crm_research.present.table.Table` for an external audience: every
    count of people (the columns of :data:`PEOPLE_COUNTS`, in the table's language) from 1 to
    ``k`` − 1 shown as "< k", the other figures of that row blanked, and a note saying so."""
    import dataclasses

    import numpy as np

    from ..present.labels import label

    names = {label(c, table.lang, ns=ns) for c in PEOPLE_COUNTS for ns in (None, "report")}
    cols = [c for c in table.frame.columns if c in names and table.kinds.get(c, "int") == "int"]
    if not cols:
        return table
    f = table.frame.copy()
    small = pd.Series(False, index=range(len(f)))
    for c in cols:
        v = pd.to_numeric(f[c], errors="coerce").to_numpy()
        cell = (v > 0) & (v < k)
        small |= cell
        if cell.any():
            f[c] = f[c].astype(object)
            f.iloc[np.flatnonzero(cell), f.columns.get_loc(c)] = f"< {k}"
    if not small.any():
        return table
    others = [c for c in f.columns if c not in cols and table.kinds.get(c, "text") != "text"]
    rows = np.flatnonzero(small.to_numpy())
    for c in others:
        f[c] = f[c].astype(object)
        f.iloc[rows, f.columns.get_loc(c)] = None
    note = label("suppressed_cells_note", table.lang, ns="report").format(k=k)
    return dataclasses.replace(table, frame=f, note=f"{table.note} {note}".strip() if note not in table.note else table.note)
