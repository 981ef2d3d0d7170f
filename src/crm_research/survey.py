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
import warnings
from dataclasses import field

import numpy as np
import pandas as pd

from ._core.errors import DataError, StatWarning
from ._core.results import Result, result
from ._core.validation import format_rows
from .io import platforms
from .io.files import read_any
from .io.platforms import draft_instrument
from .io.instruments import Construct, Instrument, list_instruments, load_instrument

__all__ = ["Instrument", "Construct", "load_instrument", "list_instruments", "load_survey", "Survey",
           "ScreeningResult", "read_any", "draft_instrument"]

def _file_rows(index) -> list:
    """Row numbers as a spreadsheet shows them (header row 1); labels as they are for a frame
    indexed by respondent id."""
    return [int(i) + 2 if isinstance(i, (int, np.integer)) else i for i in index]


def _label_codes(inst: Instrument | None) -> dict:
    """Option text (zh and en, normalised) → scale code, from the instrument's scale labels."""
    if inst is None:
        return {}
    return {_text_key(t): code for code, texts in inst.scale_labels.items() for t in texts.values()}


def _text_key(v) -> str:
    return "".join(unicodedata.normalize("NFKC", str(v)).split()).lower()


def _to_answers(col: pd.Series, name: str, file: str, lo: int, hi: int, *, codes: dict | None = None,
                skip_codes=(), skip_texts=()) -> tuple[pd.Series, list[str], pd.Index]:
    """Answers as numbers: option text mapped through ``codes``, skip codes and texts set missing.
    Returns the values, the problems found (sentences naming column and rows) and the index of
    the skipped answers."""
    problems = []
    skipped = pd.Series(False, index=col.index)
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.astype(float)
    else:
        # each distinct answer is read once (a scale has few), then spread back by its code
        codes_at, uniques = pd.factorize(col, use_na_sentinel=True)
        uniq = pd.Series(uniques, dtype=object)
        text = uniq.map(lambda v: unicodedata.normalize("NFKC", str(v)).strip() if isinstance(v, str) else v)
        text = text.replace({"": np.nan})
        skip_keys = {_text_key(t) for t in skip_texts}
        is_text = text.map(lambda v: isinstance(v, str)).astype(bool)
        keys = text.where(is_text).map(lambda v: _text_key(v) if isinstance(v, str) else v)
        u_skipped = (keys.isin(skip_keys) & is_text).to_numpy(bool)
        mapped = keys.map(lambda k: (codes or {}).get(k, np.nan) if isinstance(k, str) else np.nan)
        u_values = pd.to_numeric(text.where(~u_skipped), errors="coerce").astype(float)
        u_values = u_values.where(u_values.notna(), mapped.astype(float)).to_numpy(float)
        u_bad = text.notna().to_numpy(bool) & np.isnan(u_values) & ~u_skipped
        seen = codes_at >= 0
        take = np.where(seen, codes_at, 0)
        values = pd.Series(np.where(seen, u_values[take] if len(uniq) else np.nan, np.nan), index=col.index)
        skipped = pd.Series(seen & (u_skipped[take] if len(uniq) else False), index=col.index)
        bad = pd.Series(seen & (u_bad[take] if len(uniq) else False), index=col.index)
        if bad.any():
            examples = ", ".join(repr(v) for v in col[bad].unique()[:3])
            known = f" or the instrument's scale labels {sorted(codes)[:6]}" if codes else \
                " (answers as option text need the option labels in the instrument: scale: labels: " \
                "{1: {zh: 非常不同意, en: Strongly disagree}, ...})"
            problems.append(f"{int(bad.sum())} non-numeric answers ({examples}) in column {name} "
                            f"({format_rows(_file_rows(col.index[bad]))}); expected whole numbers {lo}–{hi}{known}")
            values = values.where(~bad)
    if skip_codes:
        coded = values.isin(list(skip_codes))
        skipped |= coded
        values = values.where(~coded)
    frac = values.notna() & (values != np.round(values))
    if frac.any():
        problems.append(f"{int(frac.sum())} answers that are not whole numbers in column {name} "
                        f"({format_rows(_file_rows(col.index[frac]))}); expected whole numbers {lo}–{hi}")
    out = values.notna() & ((values < lo) | (values > hi))
    if out.any():
        hint = ""
        if values[out].isin([-3, -2]).any() and not skip_codes:
            hint = ("; −3 and −2 are Wenjuanxing's codes for skipped questions: pass skip_codes=(-3, -2) to count "
                    "them as missing")
        problems.append(f"{int(out.sum())} answers outside the scale {lo}–{hi} in column {name} "
                        f"({format_rows(_file_rows(col.index[out]))}){hint}")
    return values, problems, col.index[skipped]


#: up to this many answers (rows × items) a file's answers are converted in one pass (a few
#: temporary copies of that size); larger files column by column
_AT_ONCE = 2_000_000


def _answers_at_once(frame: pd.DataFrame, inst: Instrument, file: str, answers: np.ndarray, skipped: dict,
                     how: dict) -> bool:
    """Every item column converted in one pass (one column of all answers, item after item: a
    scale's few distinct answers are read once for the whole file, not once per item). Fills
    ``answers`` and ``skipped`` and returns True when no answer breaks a rule; otherwise fills
    nothing and returns False, and each column goes through :func:`_to_answers` on its own, whose
    messages name the column and rows. The rules are applied answer by answer, so both ways give
    the same values."""
    items = list(inst.items)
    n = len(frame)
    flat = pd.Series(frame[items].to_numpy(dtype=object).ravel(order="F"))
    values, problems, skip = _to_answers(flat, "", file, inst.scale_min, inst.scale_max, **how)
    if problems:
        return False
    answers[:, :] = values.to_numpy(float).reshape((n, len(items)), order="F")
    at = np.asarray(skip, dtype=np.int64)
    for j in np.unique(at // n) if n else ():
        skipped[items[j]] = frame.index[np.sort(at[at // n == j] % n)]
    return True


def _answers_checked(frame: pd.DataFrame, inst: Instrument, file: str, **how) -> tuple[pd.DataFrame, dict]:
    """Item columns present, numeric (option text mapped, skips set missing) and on the scale;
    returns the converted frame and ``{item: skipped index}``. The one check every Survey passes."""
    missing = [c for c in inst.items if c not in frame.columns]
    if missing:
        raise DataError(f"file {file!r} lacks columns that instrument {inst.name!r} needs: {missing}")
    problems, skipped = [], {}
    # the answers go into one float64 block, filled column by column: the caller's frame is never
    # changed and never copied whole (a million respondents × 50 items is 400 MB per copy)
    answers = np.empty((len(frame), len(inst.items)), dtype=float, order="F")
    done = len(frame) * len(inst.items) <= _AT_ONCE and _answers_at_once(frame, inst, file, answers, skipped, how)
    for j, item in enumerate(() if done else inst.items):
        values, probs, skip = _to_answers(frame[item], item, file, inst.scale_min, inst.scale_max, **how)
        answers[:, j] = values.to_numpy(float)
        problems += probs
        if len(skip):
            skipped[item] = skip
    if problems:
        raise DataError(f"file {file!r}: " + "; ".join(problems))
    out = pd.DataFrame(answers, index=frame.index, columns=list(inst.items), copy=False)
    where = {c: i for i, c in enumerate(frame.columns)}
    for c in frame.columns:
        if c not in out.columns:
            out.insert(min(where[c], len(out.columns)), c, frame[c].to_numpy())
    return out[list(frame.columns)] if list(out.columns) != list(frame.columns) else out, skipped


def load_survey(path, instrument=None, *, id_column=None, sheet=None, encoding=None, platform=None,
                skip_codes=None, first_item=None) -> "Survey":
    """Read a survey export and check its answers against ``instrument``.

    Parameters
    ----------
    path : str or Path
        .csv (UTF-8, UTF-8 with BOM, GBK/GB18030 — detected), .xlsx (``sheet`` by name or
        position, Chinese names fine) or SPSS .sav (value labels of non-item columns become their
        text; item answers keep their numeric codes). Exports of 问卷星, 腾讯问卷, Credamo 见数 and
        Qualtrics are recognised (``Survey.platform``): their metadata become ``submitted_at``,
        ``duration_seconds``, ``source`` and ``ip``, their skip codes (问卷星 −3/−2, Qualtrics −99)
        missing answers counted in ``Survey.skipped``; see :mod:`crm_research.io.platforms`.
    instrument : str, Path or Instrument, optional
        A shipped instrument name (e.g. ``"logistics_csl"``) or a YAML file. When given, every item
        must be found — as a column named by its code, by its wording in the question headers, or
        by position from ``first_item`` — and its answers numeric (full-width digits accepted, or
        option text that the instrument's scale labels name, in Chinese or English) and on the scale.
    id_column : str, optional
        Respondent id column; defaults to ``respondent_id`` when present, else the platform's
        (问卷星 序号, Qualtrics ResponseId, …). Ids must be unique.
    platform : str, optional
        Force a platform ("wenjuanxing", "tencent", "credamo", "qualtrics") instead of detecting it.
    skip_codes : tuple, optional
        Answer codes meaning "skipped"; default the platform's. They become missing and are counted.
    first_item : str or int, optional
        The question (header or number, e.g. ``8`` or ``"Q3_1"``) where the instrument's items
        begin, to map items by position rather than by wording.
    """
    frame, meta = read_any(path, sheet=sheet, encoding=encoding)
    return _checked(frame, instrument, id_column, str(path), meta, platform=platform, skip_codes=skip_codes,
                    first_item=first_item)


def _sheet_hint(meta: dict) -> str:
    sheets = meta.get("sheets") or []
    if len(sheets) < 2:
        return ""
    return (f"; sheet {meta.get('sheet')!r} was read and the workbook's sheets are {sheets}: pass sheet=<name> if "
            f"the answers are on another sheet")


def _checked(frame: pd.DataFrame, instrument, id_column, file: str, meta: dict, *, platform=None,
             skip_codes=None, first_item=None) -> "Survey":
    """Every check of a survey's answers: platform metadata, item columns found, ids present and
    unique, answers numeric (or option text on the scale's labels) and within the scale, skip codes
    counted; value labels of non-item columns as text."""
    inst = load_instrument(instrument) if instrument is not None else None
    frame, meta = platforms.normalise(frame, meta, file, platform=platform)
    spec = platforms.PLATFORMS.get(meta["platform"]) if meta["platform"] else None
    if id_column is None:
        id_column = "respondent_id" if "respondent_id" in frame.columns else meta.get("id_column")
    if inst is not None:
        try:
            frame, mapping = platforms.map_items(frame, inst, meta, file, first_item=first_item)
        except DataError as exc:
            raise DataError(str(exc) + _sheet_hint(meta)) from None
        meta["item_headers"] = mapping
    if id_column is not None:
        if id_column not in frame.columns:
            raise DataError(f"file {file!r}: id column {id_column!r} not found; columns are {list(frame.columns)[:15]}")
        # full-width and padded ids are the same id: NFKC-normalise and trim before checking duplicates
        ids = frame[id_column].map(lambda v: unicodedata.normalize("NFKC", v).strip() or np.nan
                                   if isinstance(v, str) else v)
        frame = frame.assign(**{id_column: ids})
        if ids.isna().any():
            raise DataError(f"file {file!r}: id column {id_column!r} is empty in {format_rows(_file_rows(frame.index[ids.isna()]))}")
        dup = ids[ids.duplicated(keep=False)]
        if len(dup):
            first = dup.iloc[0]
            raise DataError(f"file {file!r}: respondent id {first!r} in column {id_column!r} appears more than once "
                            f"({format_rows(_file_rows(dup.index[dup == first]))}); "
                            f"{dup.nunique()} duplicated id(s) in all: {sorted(map(str, dup.unique()))[:10]}")
    value_labels = meta.get("value_labels", {})
    item_set = set(inst.items) if inst is not None else set()
    if inst is not None:
        if skip_codes is None:
            skip_codes = spec.skip_codes if spec else ()
        # a code inside the scale is an answer (a −3…3 scale), never a skip
        skip_codes = tuple(c for c in skip_codes if not inst.scale_min <= c <= inst.scale_max)
        frame, skipped = _answers_checked(frame, inst, file, codes=_label_codes(inst), skip_codes=tuple(skip_codes),
                                          skip_texts=spec.skip_texts if spec else ())
        counts = pd.Series({i: len(skipped.get(i, ())) for i in inst.items}, name="skipped", dtype=int)
        meta["skipped"] = counts
        if counts.sum():
            where = ", ".join(f"{i} ({format_rows(_file_rows(skipped[i]), limit=3)})" for i in list(skipped)[:5])
            codes = [str(c) for c in skip_codes] + list(spec.skip_texts[:2] if spec else ())
            warnings.warn(f"file {file!r}: {int(counts.sum())} answers coded as skipped ({', '.join(codes)}) were set to "
                          f"missing: {where}{' …' if len(skipped) > 5 else ''}; Survey.skipped counts them by item",
                          StatWarning, stacklevel=3)
    for col, labels in value_labels.items():
        if col not in item_set and col in frame.columns:
            frame[col] = frame[col].map(lambda v, lab=labels: lab.get(v, v) if pd.notna(v) else v)
    if id_column is not None:
        frame.index = pd.Index(frame[id_column].to_numpy(), name=None)   # our own frame: no copy
    return Survey._checked_already(frame, inst, file, id_column, meta)


def _durations(col: pd.Series, name: str, file: str) -> pd.Series:
    """Seconds from a duration column, each distinct value parsed once; when one cannot be read,
    :func:`platforms.parse_durations` reads the whole column for its message naming every row."""
    codes_at, uniques = pd.factorize(col, use_na_sentinel=True)
    try:
        secs = np.array([platforms.parse_duration(v) for v in uniques], dtype=float)
    except ValueError:
        platforms.parse_durations(col.reset_index(drop=True), name, file)   # raises, naming the rows
        raise
    out = np.full(len(col), np.nan)
    seen = codes_at >= 0
    out[seen] = secs[codes_at[seen]]
    return pd.Series(out, index=col.index, dtype=float)


# ---------------------------------------------------------------------------------------------
# the survey object


class Survey:
    """Answers read from one file, with the instrument that describes them.

    Built directly (``Survey(frame, instrument)``) the item answers are still checked: present,
    numeric and on the scale; :meth:`from_frame` applies every check of :func:`load_survey`."""

    def __init__(self, responses: pd.DataFrame, instrument: Instrument | None = None, path: str = "",
                 id_column: str | None = None, meta: dict | None = None):
        if not isinstance(responses, pd.DataFrame):
            raise DataError(f"Survey: responses must be a pandas DataFrame, got {type(responses).__name__}")
        if instrument is not None:
            instrument = load_instrument(instrument)
            responses, _ = _answers_checked(responses, instrument, path or "data frame")
        self._responses = responses
        self.instrument = instrument
        self.path = path
        self.id_column = id_column
        self.meta = meta or {}

    @classmethod
    def _checked_already(cls, responses, instrument, path, id_column, meta) -> "Survey":
        """A Survey of answers that :func:`_checked` has just checked (not checked twice)."""
        out = cls.__new__(cls)
        out._responses, out.instrument, out.path, out.id_column, out.meta = responses, instrument, path, id_column, meta
        return out

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, instrument=None, *, id_column=None, name: str = "data frame",
                   platform=None, skip_codes=None, first_item=None) -> "Survey":
        """A Survey from a DataFrame with every check :func:`load_survey` applies (platform
        metadata, items found by code, wording or position, ids, answers numeric or option text,
        within the scale, skip codes counted); errors name ``name`` where they would name the file.
        The frame is copied, never changed."""
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"Survey.from_frame: frame must be a pandas DataFrame, got {type(frame).__name__}")
        return _checked(frame.reset_index(drop=True), instrument, id_column, name, {}, platform=platform,
                        skip_codes=skip_codes, first_item=first_item)

    @property
    def platform(self) -> str | None:
        """The survey platform whose export this is ("wenjuanxing", "tencent", "credamo",
        "qualtrics"), or None."""
        return self.meta.get("platform")

    @property
    def skipped(self) -> pd.Series:
        """Answers coded as skipped (e.g. 问卷星 −3/−2) and set to missing, by item."""
        inst = self._require_instrument("skipped")
        s = self.meta.get("skipped")
        return s.copy() if s is not None else pd.Series(0, index=inst.items, name="skipped", dtype=int)

    @property
    def item_headers(self) -> dict:
        """Item code → the header it was found under, for items not named by their code."""
        return dict(self.meta.get("item_headers", {}))

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

    def _keyed_items(self, items) -> pd.DataFrame:
        """Just ``items``, keyed (what scores and screening need, without copying every column)."""
        inst = self.instrument
        items = list(items)
        vals = self._responses[items].to_numpy(float, copy=True)     # these columns only
        rev = set(inst.reverse_items)
        for j, item in enumerate(items):
            if item in rev:
                vals[:, j] = inst.scale_min + inst.scale_max - vals[:, j]
        return pd.DataFrame(vals, index=self._responses.index, columns=items, copy=False)

    def scores(self, *, min_answered: float = 0.5) -> pd.DataFrame:
        """One mean score per construct from the keyed items.

        A respondent's score is the mean of the items answered when at least ``min_answered``
        of the construct's items (a share, default half; or a count if ≥ 1) were answered, else
        missing.
        """
        inst = self._require_instrument("scores")
        out = {}
        for name, c in inst.constructs.items():
            block = self._keyed_items(c.items)
            k = len(c.items)
            need = math.ceil(min_answered * k) if min_answered < 1 else int(min_answered)
            answered = block.notna().sum(axis=1)
            out[name] = block.mean(axis=1).where(answered >= max(need, 1))
        return pd.DataFrame(out, index=self._responses.index)

    def screen(self, *, max_missing: float = 0.2, straightline: bool = True, min_duration: float | None = None,
               duration_column: str | None = None, contradiction: bool = True,
               contradiction_gap: int | None = None, issued: int | None = None) -> "ScreeningResult":
        """Drop invalid responses and say why, with the funnel papers report.

        Rules (each can be switched off): more than ``max_missing`` (share) of the items
        unanswered; straight-lining — the same answer to every item, on an instrument with
        reverse-keyed items (which makes that answer pattern contradictory); completion faster
        than ``min_duration`` seconds, read from ``duration_column`` (default ``duration_seconds``,
        which platform exports get, else ``duration_sec``; text such as "175秒" or "2分55秒" is read
        as seconds, and a duration that cannot be read is an error, never a silent keep); contradictory answers to
        an item and its reverse-keyed twin (``reverse_of``) — after keying, the two differ by at
        least ``contradiction_gap`` points (default: the scale's range minus one, i.e. 3 on a
        5-point scale, as for 'strongly agree' to both 'satisfied' and 'disappointed').
        """
        inst = self._require_instrument("screen")
        if not 0 <= max_missing < 1:
            raise DataError(f"Survey.screen: max_missing must be a share in [0, 1), got {max_missing!r}")
        raw = self._responses
        k = len(inst.items)
        arr = raw[inst.items].to_numpy(float)
        present = ~np.isnan(arr)
        flags = pd.DataFrame(index=raw.index)
        answered = pd.Series(present.sum(axis=1), index=raw.index)
        flags["n_missing"] = (k - answered).astype(int)
        flags["missing"] = flags["n_missing"] > max_missing * k
        # one distinct answer: the smallest and largest answered values agree
        lo_v = np.where(present, arr, np.inf).min(axis=1) if k else np.full(len(raw), np.inf)
        hi_v = np.where(present, arr, -np.inf).max(axis=1) if k else np.full(len(raw), -np.inf)
        same = pd.Series(lo_v == hi_v, index=raw.index) & (answered >= 0.8 * k)
        flags["straight_lining"] = same if straightline else False
        first = arr[np.arange(len(arr)), present.argmax(axis=1)] if k else np.full(len(raw), np.nan)
        flags["straight_value"] = pd.Series(first, index=raw.index).where(flags["straight_lining"])
        del arr, present
        flags["n_answered"] = answered.astype(int)
        flags["duration"] = np.nan
        flags["too_fast"] = False
        if min_duration is not None:
            if duration_column is None:
                duration_column = "duration_seconds" if "duration_seconds" in raw.columns else "duration_sec"
            if duration_column not in raw.columns:
                raise DataError(f"Survey.screen: min_duration given but column {duration_column!r} is not in the file; "
                                f"pass duration_column=<the column with the time taken>")
            dur = _durations(raw[duration_column], duration_column, self.path or "data frame")
            flags["duration"] = dur
            flags["too_fast"] = (dur < min_duration).fillna(False)
        flags["contradicted"] = ""
        if contradiction and inst.reverse_of:
            gap = contradiction_gap if contradiction_gap is not None else (inst.scale_max - inst.scale_min) - 1
            keyed = self._keyed_items(list(dict.fromkeys([*inst.reverse_of, *inst.reverse_of.values()])))
            for rev, twin in inst.reverse_of.items():
                bad = ((keyed[rev] - keyed[twin]).abs() >= gap).fillna(False)
                sep = np.where(flags["contradicted"] == "", "", " ")
                flags.loc[bad, "contradicted"] = (flags["contradicted"] + sep + f"{twin}/{rev}")[bad]
        flags["contradictory"] = flags["contradicted"] != ""
        dropped_mask = flags[list(RULES)].any(axis=1)
        keep = dropped_mask.to_numpy()
        kept = raw.take(np.flatnonzero(~keep))
        dropped = flags[keep].join(raw.take(np.flatnonzero(keep)))
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

    def table(self, lang: str = "zh"):
        """Issued, returned, screened out by each rule, valid — counts and rates, as theses print them."""
        from .present.thesis import screening_table

        return screening_table(self, lang)

    def interpret(self, lang: str = "zh") -> str:
        """The funnel in a sentence, with what each rule screened out."""
        from .present.thesis import screening_verdict

        return screening_verdict(self, lang)

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
