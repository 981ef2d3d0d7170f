"""Exports of survey platforms as they come: 问卷星 (Wenjuanxing), 腾讯问卷 (Tencent Survey),
Credamo 见数 and Qualtrics.

Each platform writes its own metadata columns (submission time, time taken, channel, IP) and its
own question headers. :func:`normalise` recognises the platform from the header, renames the
metadata to ``submitted_at``, ``duration_seconds``, ``source`` and ``ip`` (their original text is
parsed: "175秒", "2分55秒", "00:02:55", "117.136.0.1(广东-广州)"), drops Qualtrics' second and third
header rows, and keeps each question's text for :func:`map_items`, which finds the instrument's
items among the questions by item code, by question text or by position.

The headers recognised (the first row of each export, as the platforms write it):

=========== =========================================================================================
platform    metadata and question headers
=========== =========================================================================================
wenjuanxing 序号, 提交答卷时间, 所用时间 ("175秒"), 来源, 来源详情, 来自IP; questions "1、您的性别",
            matrix rows "8(该公司值得信赖)" or "8、(…)"; skipped questions −3 (jumped over) and −2
            (not shown) in the numbers export, "(跳过)" and "(空)" in the text export
tencent     编号, 用户类型, 用户标识, 昵称, 开始答题时间, 结束答题时间, 答题时长, 地理位置国家和地区,
            地理位置省, 地理位置市, 自定义字段; questions "1.您的性别", matrix rows "5.题干—子题"
credamo     答卷编号, 开始作答时间, 提交时间, 作答时长(秒), IP地址, IP属地, 渠道; questions
            "Q1.您的性别", matrix rows "Q5_1.该公司值得信赖"
qualtrics   three header rows: names (StartDate, EndDate, Status, IPAddress, Progress,
            "Duration (in seconds)", Finished, RecordedDate, ResponseId, DistributionChannel,
            UserLanguage, Q1, Q3_1, …), question texts ("… - The company's freight quotes are
            reasonable") and ImportId JSON; "seen but unanswered" recoded −99
=========== =========================================================================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.validation import format_rows

__all__ = ["PLATFORMS", "Platform", "detect_platform", "normalise", "map_items", "parse_duration",
           "question_parts", "draft_instrument", "parse_durations", "META_COLUMNS"]

#: the standard metadata columns every platform's metadata become
META_COLUMNS = ("submitted_at", "duration_seconds", "source", "ip")


@dataclass(frozen=True)
class Platform:
    """How one platform writes its export: the columns that identify it, where its metadata and
    respondent ids sit, and the codes it writes for skipped questions."""

    name: str
    signature: tuple          # every one of these columns present → this platform
    id: tuple                 # candidate respondent-id columns, first found wins
    submitted: tuple
    duration: tuple
    source: tuple
    ip: tuple
    other_meta: tuple = ()    # further metadata columns (kept, never taken for questions)
    skip_codes: tuple = ()    # numbers written for skipped questions
    skip_texts: tuple = ()    # the same in a text export


PLATFORMS = {
    "wenjuanxing": Platform(
        "wenjuanxing", ("提交答卷时间", "所用时间"), ("序号",), ("提交答卷时间",), ("所用时间",), ("来源",),
        ("来自IP",), ("来源详情", "总分"), (-3, -2), ("(跳过)", "(空)", "跳过")),
    "tencent": Platform(
        "tencent", ("开始答题时间", "结束答题时间"), ("编号",), ("结束答题时间",), ("答题时长",), ("用户类型",),
        ("IP", "IP地址"), ("开始答题时间", "用户标识", "昵称", "地理位置国家和地区", "地理位置省", "地理位置市",
                           "自定义字段", "原始记录编号", "数据版本")),
    "credamo": Platform(
        "credamo", ("答卷编号", "作答时长(秒)"), ("答卷编号",), ("提交时间",), ("作答时长(秒)",), ("渠道",),
        ("IP地址",), ("开始作答时间", "IP属地", "序号")),
    "qualtrics": Platform(
        "qualtrics", ("ResponseId", "Duration (in seconds)"), ("ResponseId",), ("RecordedDate", "EndDate"),
        ("Duration (in seconds)",), ("DistributionChannel",), ("IPAddress",),
        ("StartDate", "EndDate", "Status", "Progress", "Finished", "RecipientLastName", "RecipientFirstName",
         "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude", "UserLanguage"),
        (-99,), ()),
}


def _nfkc(v) -> str:
    return unicodedata.normalize("NFKC", str(v)).strip()


def detect_platform(columns) -> str | None:
    """The platform whose signature columns are all in ``columns`` (None when none is)."""
    cols = {_nfkc(c) for c in columns}
    for name, p in PLATFORMS.items():
        if all(_nfkc(c) in cols for c in p.signature):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# metadata values

_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:天|d))?\s*(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*"
                       r"(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|min|m))?\s*(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec))?$", re.I)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def parse_duration(value) -> float:
    """Seconds from a platform's duration: 175, "175", "175秒", "2分55秒", "1小时2分3秒", "00:02:55",
    "2 min 55 s". NaN for an empty cell; ValueError for anything else."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return float("nan")
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = _nfkc(value).replace(" ", "")
    if text in ("", "--", "-"):
        return float("nan")
    try:
        return float(text)
    except ValueError:
        pass
    m = _CLOCK.match(text)
    if m:
        h, mnt, s = m.groups()
        return float(h or 0) * 3600 + float(mnt) * 60 + float(s)
    m = _DURATION.match(text)
    if m and any(m.groups()):
        d, h, mnt, s = (float(g) if g else 0.0 for g in m.groups())
        return d * 86400 + h * 3600 + mnt * 60 + s
    raise ValueError(f"not a duration: {value!r}")


def parse_durations(col: pd.Series, name: str, file: str) -> pd.Series:
    out, bad = [], []
    for i, v in col.items():
        try:
            out.append(parse_duration(v))
        except ValueError:
            out.append(np.nan)
            bad.append(i)
    if bad:
        examples = ", ".join(repr(col[i]) for i in bad[:3])
        raise DataError(f"file {file!r}: {len(bad)} durations in column {name!r} cannot be read ({examples}; "
                        f"{format_rows([int(i) + 2 for i in bad])}); expected seconds such as 175, '175秒', "
                        f"'2分55秒' or '00:02:55'")
    return pd.Series(out, index=col.index, dtype=float)


def _ip(v):
    if not isinstance(v, str):
        return v
    m = re.match(r"^\s*([0-9a-fA-F:.]+)", v)
    return m.group(1) if m else v


def _first(frame: pd.DataFrame, names: tuple) -> str | None:
    """The first of ``names`` among the frame's columns (compared NFKC-normalised), as the frame spells it."""
    spelled = {_nfkc(c): c for c in frame.columns}
    return next((spelled[_nfkc(c)] for c in names if _nfkc(c) in spelled), None)


def normalise(frame: pd.DataFrame, meta: dict, file: str, *, platform: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Recognise the platform and put its metadata into the standard columns.

    Returns a new frame (Qualtrics' extra header rows dropped; ``submitted_at`` as datetime,
    ``duration_seconds`` as float seconds, ``source`` as text, ``ip`` the address alone) and meta
    with ``platform``, ``questions`` (column → question text), ``meta_columns`` and ``id_column``.
    A frame from no known platform comes back unchanged, ``platform`` None.
    """
    meta = dict(meta)
    if platform is None:
        platform = detect_platform(frame.columns)
    elif platform not in PLATFORMS:
        raise DataError(f"load_survey: platform={platform!r} is not one of {list(PLATFORMS)}")
    meta["platform"] = platform
    frame = frame.copy()      # headers keep their spelling; matching compares them NFKC-normalised
    labels = meta.get("column_labels") or {}          # SPSS variable labels hold the question text
    questions = {c: labels.get(c) or c for c in frame.columns}
    if platform is None:
        meta.setdefault("questions", questions)
        return frame, meta
    spec = PLATFORMS[platform]
    if platform == "qualtrics" and len(frame) >= 2 and str(frame.iloc[1, 0]).lstrip().startswith('{"ImportId"'):
        questions = {c: t if isinstance(t, str) else c for c, t in zip(frame.columns, frame.iloc[0])}
        frame = frame.iloc[2:]   # index 2, 3, … so that row numbers in messages are the file's (4, 5, …)
        meta["header_rows"] = 3
        if frame.empty:
            raise DataError(f"file {file!r} has Qualtrics' three header rows but no answer rows")
    used = []
    for target, names in (("submitted_at", spec.submitted), ("duration_seconds", spec.duration),
                          ("source", spec.source), ("ip", spec.ip)):
        col = _first(frame, names)
        if col is None:
            frame[target] = np.nan
            continue
        used.append(col)
        values = frame[col]
        if target == "submitted_at":
            frame[target] = pd.to_datetime(values, errors="coerce", format="mixed")
            bad = values.notna() & frame[target].isna()
            if bad.any():
                raise DataError(f"file {file!r}: {int(bad.sum())} submission times in column {col!r} cannot be read "
                                f"({values[bad].iloc[0]!r}; {format_rows([int(i) + 2 for i in frame.index[bad]])})")
        elif target == "duration_seconds":
            frame[target] = parse_durations(values, col, file)
        elif target == "ip":
            frame[target] = values.map(_ip)
        else:
            frame[target] = values
    id_col = _first(frame, spec.id)
    meta["id_column"] = id_col
    other = {_nfkc(c) for c in spec.other_meta}
    meta_cols = set(used) | set(META_COLUMNS) | {c for c in frame.columns if _nfkc(c) in other}
    if id_col:
        meta_cols.add(id_col)
    meta["meta_columns"] = [c for c in frame.columns if c in meta_cols]
    meta["questions"] = {c: questions.get(c, c) for c in frame.columns if c not in meta_cols}
    return frame, meta


# ---------------------------------------------------------------------------------------------
# questions → item codes

_QNUM = re.compile(r"^(?:Q|第)?\s*(\d+(?:[_|\-.]\d+)?)\s*(?:题)?\s*(?:[、.．:：]\s*)?(.*)$", re.S)


def question_parts(header: str) -> tuple[str | None, str]:
    """('8', '该公司值得信赖') from "8(该公司值得信赖)", ('1', '您的性别') from "1、您的性别：",
    ('Q3_1', …) from Qualtrics' "Q3_1"; (None, header) when there is no question number."""
    text = _nfkc(header)
    m = _QNUM.match(text)
    if not m or not m.group(1):
        return None, text
    num, rest = m.group(1), m.group(2).strip()
    if text.upper().startswith("Q"):
        num = "Q" + num
    inner = re.fullmatch(r"[(（](.*)[)）]", rest, re.S)
    if inner:
        rest = inner.group(1).strip()
    return num, rest.rstrip("：:？?")


def _key(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", _nfkc(text).lower())


def map_items(frame: pd.DataFrame, inst, meta: dict, file: str, *, first_item=None) -> tuple[pd.DataFrame, dict]:
    """Rename question columns to the instrument's item codes.

    Items already present as columns are kept. The others are found among the question columns:
    by position when ``first_item`` names the question where the items begin (its header, its
    question number such as ``8`` or ``"Q3_1"``) — the items, in the instrument's order, then take
    that question and the ones after it; otherwise by text — the question's text (Qualtrics:
    its second header row) contains the item's wording in Chinese or English, or the reverse, and
    exactly one question does. Returns the frame and ``{item: original header}``.
    """
    questions = meta.get("questions") or {c: c for c in frame.columns}
    items = list(inst.items)
    todo = [i for i in items if i not in frame.columns]
    if not todo:
        return frame, {}
    taken = set(items)
    cols = [c for c in questions if c in frame.columns and c not in taken]
    mapping: dict[str, str] = {}
    if first_item is not None:
        start = None
        for k, c in enumerate(cols):
            num = question_parts(c)[0]
            if c == str(first_item) or (num is not None and num.lstrip("Q") == str(first_item).lstrip("Q")) \
                    or num == str(first_item):
                start = k
                break
        if start is None:
            raise DataError(f"file {file!r}: first_item={first_item!r} is not a question of the file; questions "
                            f"are {cols[:12]}{' …' if len(cols) > 12 else ''}")
        block = cols[start:start + len(todo)]
        if len(block) < len(todo):
            raise DataError(f"file {file!r}: from question {cols[start]!r} on there are {len(block)} questions, "
                            f"but instrument {inst.name!r} has {len(todo)} items to place: {todo}")
        mapping = dict(zip(todo, block))
    else:
        texts = {c: _key(question_parts(questions[c])[1]) or _key(questions[c]) for c in cols}
        unmatched, ambiguous = [], {}
        for item in todo:
            words = {_key(t) for t in inst.item_text.get(item, {}).values()} - {""}
            exact = [c for c in cols if texts[c] in words]
            found = exact or [c for c in cols if any(w in texts[c] or (len(texts[c]) >= 4 and texts[c] in w)
                                                     for w in words)]
            found = [c for c in found if c not in mapping.values()]
            if len(found) == 1:
                mapping[item] = found[0]
            elif found:
                ambiguous[item] = found[:4]
            else:
                unmatched.append(item)
        if unmatched or ambiguous:
            parts = []
            if unmatched:
                shown = f"{unmatched[:12]}{f' and {len(unmatched) - 12} more' if len(unmatched) > 12 else ''}"
                parts.append(f"file {file!r} lacks columns that instrument {inst.name!r} needs: {shown} "
                             f"(no column is named so and no question's text matches their wording)")
            if ambiguous:
                parts.append(f"file {file!r}: several questions match the wording of "
                             + "; ".join(f"{k}: {v}" for k, v in ambiguous.items()))
            raise DataError("; ".join(parts) + f"; questions in the file are {cols[:12]}{' …' if len(cols) > 12 else ''}. "
                            f"Name the item codes as column headers, word each item in the instrument as the "
                            f"questionnaire does, or pass first_item=<question number of the first item> to take "
                            f"the items in order")
    out = frame.rename(columns={v: k for k, v in mapping.items()})
    return out, mapping


# ---------------------------------------------------------------------------------------------
# drafting an instrument


def draft_instrument(path_or_frame, *, name: str = "my_survey", sheet=None, encoding=None,
                     scale: tuple | None = None, out=None) -> str:
    """A YAML instrument drafted from an export: one item per question (code ``Q<number>`` or
    ``Q<number>_<row>`` for matrix rows, the question's text as its wording), all under one
    construct for the student to split into the real constructs. In an export of option numbers,
    questions answered in free text are left out (listed in a comment). ``scale`` (min, max) defaults to
    the smallest and largest whole answers found (skip codes left out). Written to ``out`` if given.
    """
    import yaml

    from .files import read_any

    if isinstance(path_or_frame, pd.DataFrame):
        frame, meta, file = path_or_frame, {}, "data frame"
    else:
        frame, meta = read_any(path_or_frame, sheet=sheet, encoding=encoding)
        file = str(path_or_frame)
    frame, meta = normalise(frame, meta, file)
    skips = set(PLATFORMS[meta["platform"]].skip_codes) if meta.get("platform") else set()
    skip_texts = {_nfkc(t) for t in PLATFORMS[meta["platform"]].skip_texts} if meta.get("platform") else set()

    def numeric(col) -> bool:
        v = frame[col].dropna()
        v = v[~v.map(lambda x: _nfkc(x) in skip_texts or _nfkc(x) == "")]
        return bool(pd.to_numeric(v, errors="coerce").notna().all())

    questions = meta["questions"]
    is_num = {c: numeric(c) for c in questions}
    free_text = []
    if sum(is_num.values()) >= len(is_num) / 2:      # a numbers export: text answers mean an open question
        free_text = [c for c in questions if not is_num[c]]
    parsed = []
    for k, (col, text) in enumerate(((c, t) for c, t in questions.items() if c not in free_text), start=1):
        num, words = question_parts(text if text != col else col)
        if num is None and meta.get("platform") == "qualtrics":
            num = col
        base = ("Q" + num.lstrip("Q").replace("|", "_").replace("-", "_").replace(".", "_")) if num else f"Q{k}"
        parsed.append((col, base, words or col))
    repeated = {b for _, b, _ in parsed if sum(1 for _, o, _ in parsed if o == b) > 1}
    items, seen, lo, hi = {}, {}, None, None
    for col, base, words in parsed:
        seen[base] = seen.get(base, 0) + 1
        code = f"{base}_{seen[base]}" if base in repeated else base
        items[code] = {"zh": words, "en": words}
        values = pd.to_numeric(frame[col], errors="coerce").dropna()
        values = values[~values.isin(skips) & (values == np.round(values))]
        if len(values):
            lo = values.min() if lo is None else min(lo, values.min())
            hi = values.max() if hi is None else max(hi, values.max())
    if scale is None:
        scale = (int(lo) if lo is not None else 1, int(hi) if hi is not None else 5)
    spec = {"name": name, "title": {"zh": name, "en": name},
            "source": f"drafted from {file}",
            "scale": {"min": int(scale[0]), "max": int(scale[1])},
            "constructs": {"TODO": {"label": {"zh": "待填写：把题项分到各构念下，删去人口统计等非量表题",
                                              "en": "TODO: split the items into constructs; delete demographic questions"},
                                    "items": items}}}
    text = ("# Drafted by crm_research.survey.draft_instrument. Fill in: split the items into constructs,\n"
            "# add scale labels (scale: labels: {1: {zh: 非常不同意, en: Strongly disagree}, ...}) if the\n"
            "# export has answers as text, mark reverse-keyed items with reverse: true.\n"
            + "".join(f"# left out, answers are free text: {c}\n" for c in free_text)
            + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=120))
    if out is not None:
        from pathlib import Path

        Path(out).write_text(text, encoding="utf-8")
    return text
