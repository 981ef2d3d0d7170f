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

import io
import math
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ._core.errors import DataError
from ._core.results import Result, result
from ._core.validation import format_rows

__all__ = ["Instrument", "Construct", "load_instrument", "list_instruments", "load_survey", "Survey",
           "ScreeningResult", "read_any"]

# ---------------------------------------------------------------------------------------------
# instruments


@dataclass(frozen=True)
class Construct:
    name: str
    label: dict
    items: tuple
    reverse: frozenset
    source: str = ""


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: constructs → items, the answer scale and reverse-keyed items."""

    name: str
    title: dict
    source: str
    scale_min: int
    scale_max: int
    constructs: dict
    item_text: dict = field(repr=False)
    reverse_of: dict = field(repr=False)
    scale_labels: dict = field(default_factory=dict, repr=False)
    structural: str = field(default="", repr=False)

    @property
    def items(self) -> list[str]:
        return [i for c in self.constructs.values() for i in c.items]

    @property
    def reverse_items(self) -> list[str]:
        return [i for c in self.constructs.values() for i in c.items if i in c.reverse]

    @property
    def model(self) -> dict[str, list[str]]:
        """construct → item columns, the mapping cfa/pls_path take."""
        return {k: list(c.items) for k, c in self.constructs.items()}

    def spec(self, constructs=None):
        """The instrument's model as a :class:`crm_research.spec.ModelSpec`: the measurement model of
        ``constructs`` (default: those in the structural model, else all) and the instrument's
        ``structural`` paths (lavaan syntax in the YAML), if any."""
        from .spec import parse_model

        paths = parse_model(self.structural) if self.structural else None
        if constructs is None:
            constructs = [c for c in self.constructs if paths is None or c in paths.variables]
        unknown = [c for c in constructs if c not in self.constructs]
        if unknown:
            raise DataError(f"instrument {self.name}: constructs not in the instrument: {unknown}")
        lines = [f"{c} =~ " + " + ".join(self.constructs[c].items) for c in constructs]
        return parse_model("\n".join(lines) + ("\n" + self.structural if self.structural else ""))

    def construct_label(self, construct: str, lang: str = "en") -> str:
        return self.constructs[construct].label.get(lang, construct)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        rows = [{"construct": k, "construct_label": c.label.get(lang, k), "item": i,
                 "text": self.item_text[i].get(lang, ""), "reverse": i in c.reverse}
                for k, c in self.constructs.items() for i in c.items]
        return pd.DataFrame(rows)


def list_instruments() -> list[str]:
    """Names of the instruments shipped with the package."""
    return sorted(p.name[:-5] for p in resources.files("crm_research.instruments").iterdir()
                  if p.name.endswith(".yaml"))


def _bilingual(value, where: str, file: str) -> dict:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if not isinstance(value, dict) or not ({"zh", "en"} & set(value)):
        raise DataError(f"instrument {file}: {where} must be a text or a mapping with zh/en texts, got {value!r}")
    return {k: str(v) for k, v in value.items()}


def load_instrument(name_or_path) -> Instrument:
    """A shipped instrument by name (see :func:`list_instruments`) or a user's YAML file."""
    if isinstance(name_or_path, Instrument):
        return name_or_path
    text_name = str(name_or_path)
    path = Path(text_name)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise DataError(f"instrument file {text_name!r} not found")
        file, text = str(path), path.read_text(encoding="utf-8")
    else:
        if text_name not in list_instruments():
            raise DataError(f"instrument {text_name!r} is not shipped with the package (available: "
                            f"{list_instruments()}) and is not a path to a .yaml file")
        file = f"{text_name}.yaml"
        text = resources.files("crm_research.instruments").joinpath(file).read_text(encoding="utf-8")
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(f"instrument {file}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(spec, dict):
        raise DataError(f"instrument {file}: expected a mapping with keys name, scale, constructs")
    for key in ("scale", "constructs"):
        if key not in spec:
            raise DataError(f"instrument {file}: missing key {key!r}")
    scale = spec["scale"]
    if not isinstance(scale, dict) or "min" not in scale or "max" not in scale:
        raise DataError(f"instrument {file}: scale must have min and max, e.g. scale: {{min: 1, max: 5}}")
    try:
        lo, hi = int(scale["min"]), int(scale["max"])
    except (TypeError, ValueError):
        raise DataError(f"instrument {file}: scale min/max must be whole numbers, got {scale['min']!r}, {scale['max']!r}") from None
    if hi <= lo:
        raise DataError(f"instrument {file}: scale max ({hi}) must be above min ({lo})")
    constructs_spec = spec["constructs"]
    if not isinstance(constructs_spec, dict) or not constructs_spec:
        raise DataError(f"instrument {file}: constructs must be a non-empty mapping construct → items")
    constructs, item_text, reverse_of, seen = {}, {}, {}, {}
    for cname, cspec in constructs_spec.items():
        if not isinstance(cspec, dict) or not isinstance(cspec.get("items"), dict) or not cspec["items"]:
            raise DataError(f"instrument {file}: construct {cname!r} needs an 'items' mapping of item code → text")
        reverse = set()
        for code, ispec in cspec["items"].items():
            code = str(code)
            if code in seen:
                raise DataError(f"instrument {file}: item {code!r} appears in both {seen[code]!r} and {cname!r}")
            seen[code] = cname
            if isinstance(ispec, dict):
                if ispec.get("reverse", False):
                    reverse.add(code)
                if "reverse_of" in ispec:
                    reverse_of[code] = str(ispec["reverse_of"])
                item_text[code] = _bilingual({k: v for k, v in ispec.items() if k in ("zh", "en")} or code,
                                             f"item {code!r}", file)
            else:
                item_text[code] = _bilingual(ispec if ispec is not None else code, f"item {code!r}", file)
        constructs[str(cname)] = Construct(str(cname), _bilingual(cspec.get("label", cname), f"construct {cname!r} label", file),
                                           tuple(str(c) for c in cspec["items"]), frozenset(reverse), str(cspec.get("source", "")))
    for code, twin in reverse_of.items():
        if twin not in seen:
            raise DataError(f"instrument {file}: item {code!r} is reverse_of {twin!r}, which is not an item")
    labels = {int(k): _bilingual(v, f"scale label {k}", file) for k, v in (scale.get("labels") or {}).items()}
    structural = spec.get("structural") or ""
    if not isinstance(structural, str):
        raise DataError(f"instrument {file}: structural must be lavaan model syntax (text), got {structural!r}")
    if structural:
        from .spec import parse_model

        bad = [v for v in parse_model(structural).variables if v not in constructs]
        if bad:
            raise DataError(f"instrument {file}: structural model names constructs not in the instrument: {bad}")
    return Instrument(str(spec.get("name", Path(file).stem)), _bilingual(spec.get("title", file), "title", file),
                      str(spec.get("source", "")), lo, hi, constructs, item_text, reverse_of, labels, structural)


# ---------------------------------------------------------------------------------------------
# reading files

def _decode(raw: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataError(f"file {file!r} cannot be read as {encoding}: {exc}") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GBK files (Excel, Wenjuanxing on Chinese Windows) decode as GB18030, its superset
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise DataError(f"file {file!r} is neither UTF-8 nor GBK/GB18030 text; pass encoding=...") from None


def read_any(path, *, sheet=None, encoding: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Read a .csv/.txt, .xlsx or .sav file as text-preserving columns; never writes to it.

    Returns the frame (string columns as read; .sav numbers as numbers) and a dict of metadata
    (``encoding``, ``sheet``, ``value_labels``).
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise DataError(f"file {file!r} not found")
    suffix = path.suffix.lower()
    meta: dict = {}
    if suffix in (".csv", ".txt", ".tsv"):
        raw = path.read_bytes()
        if not raw.strip():
            raise DataError(f"file {file!r} is empty: expected a header row and one row per respondent")
        text, enc = _decode(raw, file, encoding)
        meta["encoding"] = enc
        sep = "\t" if suffix == ".tsv" else ","
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
        except pd.errors.ParserError as exc:
            raise DataError(f"file {file!r} is not a well-formed CSV: {exc}") from None
        frame = frame.replace({"": np.nan})
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        sheets = wb.sheetnames
        wb.close()
        if sheet is not None and sheet not in sheets and not (isinstance(sheet, int) and 0 <= sheet < len(sheets)):
            raise DataError(f"file {file!r} has no sheet {sheet!r}; its sheets are {sheets}")
        frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        meta["sheet"] = sheet if isinstance(sheet, str) else sheets[sheet or 0]
    elif suffix == ".sav":
        import pyreadstat

        try:
            frame, sav = pyreadstat.read_sav(str(path), apply_value_formats=False)
        except Exception as exc:  # pyreadstat raises its own ReadstatError types
            raise DataError(f"file {file!r} is not a readable SPSS .sav file: {exc}") from None
        meta["value_labels"] = {c: sav.variable_value_labels[c] for c in sav.variable_value_labels}
        meta["column_labels"] = dict(zip(sav.column_names, sav.column_labels))
    else:
        raise DataError(f"file {file!r}: expected a .csv, .xlsx or .sav file, got {suffix or 'no extension'}")
    if frame.shape[1] == 0 or (frame.empty and suffix != ".csv"):
        raise DataError(f"file {file!r} is empty: expected a header row and one row per respondent")
    if frame.empty:
        raise DataError(f"file {file!r} has a header but no answer rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, meta


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
    file = str(path)
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
        reasons = pd.Series([[] for _ in range(len(raw))], index=raw.index, dtype=object)
        n_missing = items.isna().sum(axis=1)
        too_many = n_missing > max_missing * len(inst.items)
        for idx in raw.index[too_many]:
            reasons[idx].append(f"missing {int(n_missing[idx])} of {len(inst.items)} answers (> {max_missing:.0%})")
        if straightline:
            answered = items.notna().sum(axis=1)
            same = (items.nunique(axis=1) == 1) & (answered >= 0.8 * len(inst.items))
            for idx in raw.index[same]:
                val = items.loc[idx].dropna().iloc[0]
                reasons[idx].append(f"straight-lining: answered {val:g} to all {int(answered[idx])} items")
        if min_duration is not None:
            if duration_column not in raw.columns:
                raise DataError(f"Survey.screen: min_duration given but column {duration_column!r} is not in the file")
            dur = pd.to_numeric(raw[duration_column], errors="coerce")
            fast = dur < min_duration
            for idx in raw.index[fast]:
                reasons[idx].append(f"completed in {dur[idx]:g} s (< {min_duration:g} s)")
        if contradiction and inst.reverse_of:
            gap = contradiction_gap if contradiction_gap is not None else (inst.scale_max - inst.scale_min) - 1
            keyed = self.keyed()
            for rev, twin in inst.reverse_of.items():
                diff = (keyed[rev] - keyed[twin]).abs()
                bad = diff >= gap
                for idx in raw.index[bad.fillna(False)]:
                    reasons[idx].append(f"contradictory: {twin} = {raw.at[idx, twin]:g} and its reverse-keyed "
                                        f"twin {rev} = {raw.at[idx, rev]:g}")
        dropped_mask = reasons.map(bool)
        kept = raw[~dropped_mask].copy()
        dropped = raw[dropped_mask].copy()
        dropped.insert(0, "reason", reasons[dropped_mask].map("; ".join))
        returned = len(raw)
        if issued is not None and issued < returned:
            raise DataError(f"Survey.screen: issued={issued} is fewer than the {returned} questionnaires returned")
        return ScreeningResult(issued=issued, returned=returned, valid=len(kept), kept=kept, dropped=dropped)


@result
class ScreeningResult(Result):
    """Kept and dropped responses, the reason for each drop, and the funnel."""

    issued: int | None
    returned: int
    valid: int
    kept: pd.DataFrame
    dropped: pd.DataFrame

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
        ret = f"{self.returned}"
        if self.issued:
            ret = f"{self.issued} → {self.returned} ({100 * self.returned / self.issued:.1f} %)"
        of = "of returned" if lang == "en" else "占回收"
        return f"{ret} → {self.valid} ({100 * self.valid / self.returned:.1f} % {of})"

    def reasons(self) -> pd.Series:
        """How many responses each rule dropped (a response can break several)."""
        parts = self.dropped["reason"].str.split("; ").explode().str.split(":").str[0]
        parts = parts.str.replace(r"^(missing|completed in).*$", lambda m: m.group(1), regex=True)
        return parts.value_counts()

    def to_frame(self) -> pd.DataFrame:
        return self.funnel
