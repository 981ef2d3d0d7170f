"""One bilingual (zh/en) catalogue for every label shown in tables and plots.

The catalogue is the union of the YAML files in this folder (one per area, so each area's labels
sit together); a key may appear in only one file. Each entry is ``key: {zh: ..., en: ...}``; a
mapping of entries under a name is a namespace: ``clv: {alpha: {zh: ..., en: ...}}`` defines
``clv.alpha``, which ``label("alpha", ns="clv")`` finds before the plain ``alpha`` (Cronbach's).

>>> from crm_research.labels import label
>>> label("alpha", "zh")
'Cronbach α 系数'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..._core.errors import DataError

__all__ = ["label", "catalogue", "LANGS", "rename", "check_lang", "has_label"]

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
        for key, texts in _flatten(data):
            if key in merged:
                raise DataError(f"label {key!r} defined in both {origin[key]} and {entry.name}")
            if set(texts) != set(LANGS):
                raise DataError(f"label {key!r} in {entry.name} must have exactly zh and en texts")
            merged[key] = {k: str(v) for k, v in texts.items()}
            origin[key] = entry.name
    if not merged:
        raise DataError("the label catalogue is empty: the package was installed without its data files "
                        "(crm_research/present/labels/*.yaml); reinstall crm_research")
    return merged


def _flatten(data: dict, prefix: str = ""):
    for key, value in data.items():
        key = str(key)
        if isinstance(value, dict) and set(value) <= set(LANGS) and value:
            yield prefix + key, value
        elif isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            raise DataError(f"label {prefix + key!r}: expected {{zh: ..., en: ...}} or a namespace, got {value!r}")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise DataError(f"lang={lang!r} is not supported; use one of {list(LANGS)}")
    return lang


def has_label(key: str, ns: str | None = None) -> bool:
    """Whether the catalogue has ``key`` (in namespace ``ns`` or plain)."""
    cat = catalogue()
    return (ns is not None and f"{ns}.{key}" in cat) or key in cat


def label(key: str, lang: str = "en", *, ns: str | None = None) -> str:
    """The label for ``key`` in ``lang`` ('zh' or 'en'), looked up in namespace ``ns`` first;
    unknown keys come back unchanged (tests check that every shown key is in the catalogue)."""
    check_lang(lang)
    cat = catalogue()
    entry = (cat.get(f"{ns}.{key}") if ns is not None else None) or cat.get(key)
    return entry[lang] if entry else key


def rename(frame, lang: str = "en", *, index: bool = True):
    """A copy of ``frame`` with column (and index) labels translated through the catalogue."""
    check_lang(lang)
    out = frame.rename(columns=lambda c: label(c, lang) if isinstance(c, str) else c)
    if index:
        out = out.rename(index=lambda c: label(c, lang) if isinstance(c, str) else c)
        if out.index.name:
            out.index.name = label(out.index.name, lang)
    return out
