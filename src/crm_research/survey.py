"""Survey data: instruments, loading (CSV in UTF-8/GBK, .xlsx, SPSS .sav), keying, scores and
screening.

>>> from crm_research.survey import load_survey
>>> s = load_survey("data/sample/survey_2025Q1.csv", "logistics_csl")   # doctest: +SKIP
>>> s.screen().funnel                                                   # doctest: +SKIP

Files are only ever opened for reading. Every problem with a file is a :class:`DataError` that
names the file, the column and the rows (numbered as a spreadsheet shows them: the header is row 1,
the first answer row is row 2) and says what was expected.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import field

import numpy as np
import pandas as pd

from ._core.errors import DataError
from ._core.results import Result, result
from ._core.validation import format_rows
from .io.files import read_any
from .io.instruments import Construct, Instrument, list_instruments, load_instrument

__all__ = ["Instrument", "Construct", "load_instrument", "list_instruments", "load_survey", "Survey",
           "ScreeningResult", "read_any"]

def _file_rows(index) -> list[int]:
    return [int(i) + 2 for i in index]  # header is row 1


def _to_answers(col: pd.Series, name: str, file: str, lo: int, hi: int) -> tuple[pd.Series, list[str]]:
    problems = []
    if pd.api.types.is_numeric_dtype(col):
        values = col.astype(float)
    else:
        text = col.map(lambda v: unicodedata.normalize("NFKC", str(v)).strip() if isinstance(v, str) else v)
        text = text.replace({"": np.nan})
        values = pd.to_numeric(text, errors="coerce")
        bad = text.notna() & values.isna()
        if bad.any():
            examples = ", ".join(repr(v) for v in col[bad].unique()[:3])
            problems.append(f"{int(bad.sum())} non-numeric answers ({examples}) in column {name} "
                            f"({format_rows(_file_rows(col.index[bad]))}); expected whole numbers {lo}–{hi}")
            values = values.where(~bad)
    frac = values.notna() & (values != np.round(values))
    if frac.any():
        problems.append(f"{int(frac.sum())} answers that are not whole numbers in column {name} "
                        f"({format_rows(_file_rows(col.index[frac]))}); expected whole numbers {lo}–{hi}")
    out = values.notna() & ((values < lo) | (values > hi))
    if out.any():
        problems.append(f"{int(out.sum())} answers outside the scale {lo}–{hi} in column {name} "
                        f"({format_rows(_file_rows(col.index[out]))})")
    return values, problems


def load_survey(path, instrument=None, *, id_column=None, sheet=None, encoding=None) -> "Survey":
    """Read a survey export and check its answers against ``instrument``.

    Parameters
    ----------
    path : str or Path
        .csv (UTF-8, UTF-8 with BOM, GBK/GB18030 — detected), .xlsx (``sheet`` by name or
        position, Chinese names fine) or SPSS .sav (value labels of non-item columns become their
        text; item answers keep their numeric codes).
    instrument : str, Path or Instrument, optional
        A shipped instrument name (e.g. ``"logistics_csl"``) or a YAML file. When given, every item
        column must be present, numeric (full-width digits accepted) and within the scale.
    id_column : str, optional
        Respondent id column; defaults to ``respondent_id`` when present. Ids must be unique.
    """
    frame, meta = read_any(path, sheet=sheet, encoding=encoding)
    return _checked(frame, instrument, id_column, str(path), meta)


def _checked(frame: pd.DataFrame, instrument, id_column, file: str, meta: dict) -> "Survey":
    """Every check of a survey's answers: ids present and unique, item columns present, numeric
    (full-width digits accepted) and within the scale; value labels of non-item columns as text."""
    frame = frame.copy()
    inst = load_instrument(instrument) if instrument is not None else None
    if id_column is None and "respondent_id" in frame.columns:
        id_column = "respondent_id"
    if id_column is not None:
        if id_column not in frame.columns:
            raise DataError(f"file {file!r}: id column {id_column!r} not found; columns are {list(frame.columns)[:15]}")
        ids = frame[id_column]
        if ids.isna().any():
            raise DataError(f"file {file!r}: id column {id_column!r} is empty in {format_rows(_file_rows(frame.index[ids.isna()]))}")
        dup = ids[ids.duplicated(keep=False)]
        if len(dup):
            first = dup.iloc[0]
            raise DataError(f"file {file!r}: respondent id {first!r} in column {id_column!r} appears more than once "
                            f"({format_rows(_file_rows(dup.index[dup == first]))}); "
                            f"{dup.nunique()} duplicated id(s) in all: {sorted(map(str, dup.unique()))[:10]}")
    value_labels = meta.get("value_labels", {})
    if inst is not None:
        missing = [c for c in inst.items if c not in frame.columns]
        if missing:
            raise DataError(f"file {file!r} lacks columns that instrument {inst.name!r} needs: {missing}")
        problems = []
        for item in inst.items:
            values, probs = _to_answers(frame[item], item, file, inst.scale_min, inst.scale_max)
            frame[item] = values
            problems += probs
        if problems:
            raise DataError(f"file {file!r}: " + "; ".join(problems))
        item_set = set(inst.items)
    else:
        item_set = set()
    for col, labels in value_labels.items():
        if col not in item_set and col in frame.columns:
            frame[col] = frame[col].map(lambda v, lab=labels: lab.get(v, v) if pd.notna(v) else v)
    if id_column is not None:
        frame = frame.set_index(id_column, drop=False)
        frame.index.name = None
    return Survey(frame, inst, file, id_column, meta)


# ---------------------------------------------------------------------------------------------
# the survey object


class Survey:
    """Answers read from one file, with the instrument that describes them."""

    def __init__(self, responses: pd.DataFrame, instrument: Instrument | None = None, path: str = "",
                 id_column: str | None = None, meta: dict | None = None):
        self._responses = responses
        self.instrument = instrument
        self.path = path
        self.id_column = id_column
        self.meta = meta or {}

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, instrument=None, *, id_column=None, name: str = "data frame") -> "Survey":
        """A Survey from a DataFrame with every check :func:`load_survey` applies (ids, item
        columns present, numeric, within the scale); errors name ``name`` where they would name
        the file. The frame is copied, never changed."""
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"Survey.from_frame: frame must be a pandas DataFrame, got {type(frame).__name__}")
        return _checked(frame.reset_index(drop=True), instrument, id_column, name, {})

    @property
    def responses(self) -> pd.DataFrame:
        """The answers as read (a copy, so the Survey cannot be changed through it)."""
        return self._responses.copy()

    def __len__(self) -> int:
        return len(self._responses)

    def __repr__(self) -> str:
        inst = self.instrument.name if self.instrument else "no instrument"
        return f"Survey({self.path!r}, {len(self)} respondents, {inst})"

    def _require_instrument(self, what: str) -> Instrument:
        if self.instrument is None:
            raise DataError(f"Survey.{what}: this survey was loaded without an instrument; "
                            f"pass instrument= to load_survey")
        return self.instrument

    @property
    def missing(self) -> pd.Series:
        """Missing answers per item."""
        inst = self._require_instrument("missing")
        return self._responses[inst.items].isna().sum()

    def items(self, construct: str | None = None) -> pd.DataFrame:
        """Item answers (keyed), of one construct or all."""
        inst = self._require_instrument("items")
        if construct is not None and construct not in inst.constructs:
            raise DataError(f"Survey.items: construct {construct!r} is not in instrument {inst.name!r}; "
                            f"constructs are {list(inst.constructs)}")
        cols = list(inst.constructs[construct].items) if construct else inst.items
        return self.keyed()[cols]

    def keyed(self) -> pd.DataFrame:
        """Answers with reverse-keyed items recoded as scale_min + scale_max − x."""
        inst = self._require_instrument("keyed")
        out = self._responses.copy()
        for item in inst.reverse_items:
            out[item] = inst.scale_min + inst.scale_max - out[item]
        return out

    def scores(self, *, min_answered: float = 0.5) -> pd.DataFrame:
        """One mean score per construct from the keyed items.

        A respondent's score is the mean of the items answered when at least ``min_answered``
        of the construct's items (a share, default half; or a count if ≥ 1) were answered, else
        missing.
        """
        inst = self._require_instrument("scores")
        keyed = self.keyed()
        out = {}
        for name, c in inst.constructs.items():
            block = keyed[list(c.items)]
            k = len(c.items)
            need = math.ceil(min_answered * k) if min_answered < 1 else int(min_answered)
            answered = block.notna().sum(axis=1)
            out[name] = block.mean(axis=1).where(answered >= max(need, 1))
        return pd.DataFrame(out, index=keyed.index)

    def screen(self, *, max_missing: float = 0.2, straightline: bool = True, min_duration: float | None = None,
               duration_column: str = "duration_sec", contradiction: bool = True,
               contradiction_gap: int | None = None, issued: int | None = None) -> "ScreeningResult":
        """Drop invalid responses and say why, with the funnel papers report.

        Rules (each can be switched off): more than ``max_missing`` (share) of the items
        unanswered; straight-lining — the same answer to every item, on an instrument with
        reverse-keyed items (which makes that answer pattern contradictory); completion faster
        than ``min_duration`` seconds where ``duration_column`` exists; contradictory answers to
        an item and its reverse-keyed twin (``reverse_of``) — after keying, the two differ by at
        least ``contradiction_gap`` points (default: the scale's range minus one, i.e. 3 on a
        5-point scale, as for 'strongly agree' to both 'satisfied' and 'disappointed').
        """
        inst = self._require_instrument("screen")
        if not 0 <= max_missing < 1:
            raise DataError(f"Survey.screen: max_missing must be a share in [0, 1), got {max_missing!r}")
        raw = self._responses
        items = raw[inst.items]
        k = len(inst.items)
        flags = pd.DataFrame(index=raw.index)
        flags["n_missing"] = items.isna().sum(axis=1).astype(int)
        flags["missing"] = flags["n_missing"] > max_missing * k
        answered = items.notna().sum(axis=1)
        same = (items.nunique(axis=1) == 1) & (answered >= 0.8 * k)
        flags["straight_lining"] = same if straightline else False
        flags["straight_value"] = items.bfill(axis=1).iloc[:, 0].where(flags["straight_lining"])
        flags["n_answered"] = answered.astype(int)
        flags["duration"] = np.nan
        flags["too_fast"] = False
        if min_duration is not None:
            if duration_column not in raw.columns:
                raise DataError(f"Survey.screen: min_duration given but column {duration_column!r} is not in the file")
            dur = pd.to_numeric(raw[duration_column], errors="coerce")
            flags["duration"] = dur
            flags["too_fast"] = (dur < min_duration).fillna(False)
        flags["contradicted"] = ""
        if contradiction and inst.reverse_of:
            gap = contradiction_gap if contradiction_gap is not None else (inst.scale_max - inst.scale_min) - 1
            keyed = self.keyed()
            for rev, twin in inst.reverse_of.items():
                bad = ((keyed[rev] - keyed[twin]).abs() >= gap).fillna(False)
                sep = np.where(flags["contradicted"] == "", "", " ")
                flags.loc[bad, "contradicted"] = (flags["contradicted"] + sep + f"{twin}/{rev}")[bad]
        flags["contradictory"] = flags["contradicted"] != ""
        dropped_mask = flags[list(RULES)].any(axis=1)
        kept = raw[~dropped_mask].copy()
        dropped = flags[dropped_mask].join(raw[dropped_mask])
        returned = len(raw)
        if issued is not None and issued < returned:
            raise DataError(f"Survey.screen: issued={issued} is fewer than the {returned} questionnaires returned")
        rules = {"max_missing": max_missing, "min_duration": min_duration, "n_items": k}
        return ScreeningResult(issued=issued, returned=returned, valid=len(kept), kept=kept, dropped=dropped,
                               rules=rules)


#: screening rules, in the order they are reported
RULES = ("missing", "straight_lining", "too_fast", "contradictory")


@result
class ScreeningResult(Result):
    """Kept and dropped responses, the reason for each drop, and the funnel."""

    issued: int | None
    returned: int
    valid: int
    kept: pd.DataFrame
    dropped: pd.DataFrame
    rules: dict = field(default_factory=dict)

    title = "Screening"

    @property
    def funnel(self) -> pd.DataFrame:
        rows = []
        if self.issued:
            rows.append({"stage": "issued", "n": self.issued, "rate": np.nan, "of": ""})
            rows.append({"stage": "returned", "n": self.returned, "rate": self.returned / self.issued, "of": "issued"})
        else:
            rows.append({"stage": "returned", "n": self.returned, "rate": np.nan, "of": ""})
        rows.append({"stage": "valid", "n": self.valid, "rate": self.valid / self.returned, "of": "returned"})
        if self.issued:
            rows.append({"stage": "valid", "n": self.valid, "rate": self.valid / self.issued, "of": "issued"})
        return pd.DataFrame(rows)

    def funnel_text(self, lang: str = "en") -> str:
        """'500 → 492 (98.4 %) → 481 (97.8 % of returned)'."""
        from .present.text import funnel_text

        return funnel_text(self, lang)

    def reasons(self) -> pd.Series:
        """How many responses each rule (``missing``, ``straight_lining``, ``too_fast``,
        ``contradictory``) dropped; a response can break several."""
        if self.dropped.empty:
            return pd.Series(0, index=list(RULES), name="n", dtype=int)
        return self.dropped[list(RULES)].sum().astype(int).rename("n")

    def reason(self, lang: str = "en") -> pd.Series:
        """Why each dropped response was dropped, in words."""
        from .present.text import screening_reason

        return pd.Series([screening_reason(r, self.rules, lang) for _, r in self.dropped.iterrows()],
                         index=self.dropped.index, name="reason", dtype=object)

    def to_frame(self) -> pd.DataFrame:
        return self.funnel
