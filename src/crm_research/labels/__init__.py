"""One bilingual (zh/en) catalogue for every label shown in tables and plots.

The catalogue is the union of the YAML files in this folder (one per module, so each module's
labels sit together); a key may appear in only one file. Each entry is ``key: {zh: ..., en: ...}``.

>>> from crm_research.labels import label
>>> label("alpha", "zh")
'Cronbach α 系数'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from .._errors import DataError

__all__ = ["label", "catalogue", "LANGS", "rename"]

LANGS = ("zh", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All labels, merged from every ``*.yaml`` file in this package folder."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise DataError(f"label {key!r} defined in both {origin[key]} and {entry.name}")
            if not isinstance(texts, dict) or set(texts) != set(LANGS):
                raise DataError(f"label {key!r} in {entry.name} must have exactly zh and en texts")
            merged[key] = {k: str(v) for k, v in texts.items()}
            origin[key] = entry.name
    return merged


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise DataError(f"lang={lang!r} is not supported; use one of {list(LANGS)}")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The label for ``key`` in ``lang`` ('zh' or 'en'); unknown keys come back unchanged."""
    _check_lang(lang)
    entry = catalogue().get(key)
    return entry[lang] if entry else key


def rename(frame, lang: str = "en", *, index: bool = True):
    """A copy of ``frame`` with column (and index) labels translated through the catalogue."""
    _check_lang(lang)
    out = frame.rename(columns=lambda c: label(c, lang) if isinstance(c, str) else c)
    if index:
        out = out.rename(index=lambda c: label(c, lang) if isinstance(c, str) else c)
        if out.index.name:
            out.index.name = label(out.index.name, lang)
    return out
