"""Instruments: questionnaires as YAML (constructs → items, answer scale, reverse-keyed items, the
structural model), shipped in ``crm_research/instruments/`` or written by users."""

from __future__ import annotations

import functools

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from .._core.errors import DataError

__all__ = ["Instrument", "Construct", "load_instrument", "list_instruments"]

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
        from ..spec import parse_model

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


#: an instrument is a page of text; anything larger is not one (and is not parsed)
MAX_YAML_BYTES = 1 << 20


def _read_yaml_text(path: Path, file: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DataError(f"instrument {file}: file is {size:,} bytes; an instrument is expected to be under "
                            f"{MAX_YAML_BYTES:,} bytes — is this the right file?")
        raw = path.read_bytes()
    except OSError as exc:
        from .files import open_error

        raise open_error(file, exc) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        raise DataError(f"instrument {file}: not UTF-8 text; save the YAML file as UTF-8") from None
    raise DataError(f"instrument {file}: the file is GBK/GB18030-encoded; save it as UTF-8 (in Notepad: "
                    f"Save as → Encoding UTF-8)")


def _no_anchors(text: str, file: str) -> None:
    """Refuse YAML anchors and aliases before anything is constructed: an instrument never needs
    them, and aliases nested in aliases expand exponentially (a "billion laughs")."""
    try:
        for tok in yaml.scan(text, Loader=_LOADER):
            if isinstance(tok, (yaml.AnchorToken, yaml.AliasToken)):
                kind = "an anchor" if isinstance(tok, yaml.AnchorToken) else "an alias"
                raise DataError(f"instrument {file}: {kind} (&/*{tok.value}) at line {tok.start_mark.line + 1}; "
                                f"anchors and aliases are not allowed in instruments: write each item out")
    except yaml.YAMLError:
        return                                     # reported with its position by safe_load below


def _whole(value, what: str, file: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"instrument {file}: {what} must be a whole number, got {value!r}")
    return value


def load_instrument(name_or_path) -> Instrument:
    """A shipped instrument by name (see :func:`list_instruments`) or a user's YAML file."""
    if isinstance(name_or_path, Instrument):
        return name_or_path
    text_name = str(name_or_path)
    path = Path(text_name)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise DataError(f"instrument file {text_name!r} not found")
        file = str(path)
        text = _read_yaml_text(path, file)
    else:
        if text_name not in list_instruments():
            raise DataError(f"instrument {text_name!r} is not shipped with the package (available: "
                            f"{list_instruments()}) and is not a path to a .yaml file")
        file = f"{text_name}.yaml"
        text = resources.files("crm_research.instruments").joinpath(file).read_text(encoding="utf-8")
    return _parse_instrument(text, file)


#: libyaml's parser when PyYAML was built with it (same documents, several times faster)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=64)
def _parse_instrument(text: str, file: str) -> Instrument:
    """The instrument of a YAML text (cached by text and file name: a report run reads the same
    instrument for every wave and notebook; an edited file is a different text)."""
    _no_anchors(text, file)
    try:
        spec = yaml.load(text, Loader=_LOADER)
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
    lo, hi = _whole(scale["min"], "scale min", file), _whole(scale["max"], "scale max", file)
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
                rev = ispec.get("reverse", False)
                if not isinstance(rev, bool):
                    raise DataError(f"instrument {file}: item {code!r} has reverse: {rev!r}; expected true or false")
                if rev:
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
    if not isinstance(scale.get("labels") or {}, dict):
        raise DataError(f"instrument {file}: scale labels must be a mapping answer → text, got {scale['labels']!r}")
    labels = {_whole(k, "a scale label's answer", file): _bilingual(v, f"scale label {k}", file)
              for k, v in (scale.get("labels") or {}).items()}
    structural = spec.get("structural") or ""
    if not isinstance(structural, str):
        raise DataError(f"instrument {file}: structural must be lavaan model syntax (text), got {structural!r}")
    if structural:
        from ..spec import parse_model

        bad = [v for v in parse_model(structural).variables if v not in constructs]
        if bad:
            raise DataError(f"instrument {file}: structural model names constructs not in the instrument: {bad}")
    return Instrument(str(spec.get("name", Path(file).stem)), _bilingual(spec.get("title", file), "title", file),
                      str(spec.get("source", "")), lo, hi, constructs, item_text, reverse_of, labels, structural)

