"""``Table``: a result as the table a paper or report prints, in one language.

A Table keeps numbers as numbers (so Excel gets numbers with number formats) and knows, per
column, what kind of measure it holds; the kind decides how it is shown everywhere — HTML, Word,
Excel, report pages. One documented number of decimals per kind of measure:

======== ========================================== =====================
kind     used for                                    shown as
======== ========================================== =====================
int      counts, df, n                               1,234
coef     coefficients, loadings, r, α, CR, AVE       0.812 (3 decimals)
stat     test statistics t, F, χ², z                 12.34 (2 decimals)
p        p values                                    < 0.001 / 0.023
pct      shares stored as fractions (0.903)          90.3%
index    0–100 indices (ACSI), days, hours           69.7 (1 decimal)
money    amounts of money                            1,401,177
text     labels and words                            as is
======== ========================================== =====================

A column may carry significance stars taken from a p column (``stars={"b": "p"}``): ``0.412***``.

Build tables with :meth:`Table.build`, which translates column names, index labels and categorical
values through the label catalogue (:mod:`crm_research.present.labels`), so that no raw identifier
reaches a reader.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .labels import check_lang, label

__all__ = ["Table", "KINDS", "format_value", "format_p", "stars", "three_line", "THREE_LINE_CSS"]

KINDS = ("int", "coef", "stat", "p", "pct", "index", "money", "text")
_FORMATS = {"coef": ".3f", "stat": ".2f", "index": ".1f", "money": ",.0f"}

THREE_LINE_CSS = (
    "table.three-line{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000;"
    "font-family:'Times New Roman','Noto Serif CJK SC','SimSun',serif;margin:0.5em 0}"
    "table.three-line thead th{border-bottom:1px solid #000;padding:4px 10px;font-weight:normal}"
    "table.three-line td{padding:3px 10px;text-align:center}"
    "table.three-line td:first-child,table.three-line th:first-child{text-align:left}"
    "table.three-line caption{caption-side:top;font-weight:bold;padding-bottom:4px}"
    "p.three-line-note{font-size:0.9em;margin-top:2px}"
)


def stars(p) -> str:
    """Significance marks: * p < .05, ** p < .01, *** p < .001."""
    if p is None or not isinstance(p, (int, float, np.number)) or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def format_p(p, *, apa: bool = False) -> str:
    """'< 0.001' below 0.001, else three decimals ('< .001' / '.023' without the zero when ``apa``)."""
    if p is None or not isinstance(p, (int, float, np.number)) or not np.isfinite(p):
        return ""
    out = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return out.replace("0.", ".", 1) if apa else out


def p_relation(p) -> str:
    """The p value as it follows "p" in a sentence: '= 0.023' or '< 0.001'."""
    text = format_p(p)
    return text if text.startswith("<") else f"= {text}"


def format_value(v, kind: str, *, apa: bool = False) -> str:
    """One cell as text, by the kind of measure (see the module docstring)."""
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if kind == "text" or isinstance(v, str) or not isinstance(v, (int, float, np.number)):
        return str(v)
    if not np.isfinite(v):
        return "∞" if v > 0 else "−∞"
    if kind == "int":
        return f"{int(round(float(v))):,}"
    if kind == "p":
        return format_p(v, apa=apa)
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind not in _FORMATS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
    out = format(v, _FORMATS[kind])
    if apa and kind == "coef" and abs(v) < 1:
        out = out.replace("0.", ".", 1)
    return out.replace("-", "−")


def _guess_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        return "text"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    v = s.dropna()
    if len(v) and np.all(np.isfinite(v)) and np.allclose(v, np.round(v)):
        return "int"
    return "coef"


@dataclass(frozen=True, eq=False)
class Table:
    """A table as printed: ``title`` above, ``frame`` (display headers, numeric cells), ``note`` below.

    ``kinds`` maps a display column to its kind of measure; ``stars`` maps a display column to the
    display column of its p values. ``index`` says whether the row labels are shown (as the first
    column, headed ``stub``).
    """

    title: str
    frame: pd.DataFrame
    note: str = ""
    kinds: Mapping[str, str] = field(default_factory=dict)
    stars: Mapping[str, str] = field(default_factory=dict)
    lang: str = "zh"
    index: bool = True
    stub: str = ""

    @classmethod
    def build(cls, frame: pd.DataFrame, *, title: str, lang: str = "zh", kinds: Mapping | None = None,
              stars: Mapping | None = None, note: str = "", ns: str | None = None, index: bool = True,
              values: tuple = (), stub: str | None = None) -> "Table":
        """Translate ``frame`` through the catalogue and attach kinds of measure.

        ``kinds`` and ``stars`` use the raw column names; columns without a kind are guessed (integers
        → int, other numbers → coef, the rest text). ``values`` lists raw columns whose categorical
        values are translated too; the index labels always are. ``ns`` is the catalogue namespace
        looked up first (e.g. ``"clv"`` so that ``alpha`` is BG/NBD's α, not Cronbach's).
        """
        check_lang(lang)
        kinds = dict(kinds or {})
        stars = dict(stars or {})
        df = frame.copy()
        for c in values:
            df[c] = df[c].map(lambda v: label(v, lang, ns=ns) if isinstance(v, str) else v)
        for c in df.columns:
            kinds.setdefault(c, _guess_kind(df[c]))
        names = {c: label(c, lang, ns=ns) if isinstance(c, str) else str(c) for c in df.columns}
        df = df.rename(columns=names)
        if index:
            df.index = pd.Index([_index_label(v, lang, ns) for v in df.index], name=df.index.name)
        stub_text = stub if stub is not None else (label(frame.index.name, lang, ns=ns) if frame.index.name else "")
        return cls(title=title, frame=df, note=note, kinds={names[c]: k for c, k in kinds.items() if c in names},
                   stars={names[c]: names[p] for c, p in stars.items() if c in names and p in names},
                   lang=lang, index=index, stub=stub_text)

    # -- text ------------------------------------------------------------------------------------
    def formatted(self, *, apa: bool = False) -> pd.DataFrame:
        """Every cell as the text a reader sees (stars appended where declared)."""
        out = pd.DataFrame(index=self.frame.index)
        for c in self.frame.columns:
            kind = self.kinds.get(c, "text")
            col = [format_value(v, kind, apa=apa) for v in self.frame[c].tolist()]
            if c in self.stars:
                col = [t + stars(p) if t else t for t, p in zip(col, self.frame[self.stars[c]].tolist())]
            out[c] = col
        return out

    def rows(self, *, apa: bool = False) -> tuple[list[str], list[list[str]]]:
        """Header and body as lists of strings, row labels first when ``index``."""
        f = self.formatted(apa=apa)
        head = ([self.stub] if self.index else []) + [str(c) for c in f.columns]
        body = [([str(i)] if self.index else []) + list(r) for i, r in zip(f.index, f.itertuples(index=False))]
        return head, body

    def to_html(self) -> str:
        """A three-line HTML table with its title above and its note below (everything escaped)."""
        head, body = self.rows()
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        tb = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        out = f"<table class='three-line'>{cap}<thead><tr>{th}</tr></thead><tbody>{tb}</tbody></table>"
        if self.note:
            out += f"<p class='three-line-note'>{html.escape(self.note)}</p>"
        return out

    def _repr_html_(self) -> str:
        return f"<style>{THREE_LINE_CSS}</style>" + self.to_html()

    def __repr__(self) -> str:
        head, body = self.rows()
        text = pd.DataFrame(body, columns=head).to_string(index=False)
        parts = [self.title, text] + ([self.note] if self.note else [])
        return "\n".join(p for p in parts if p)

    # -- files -----------------------------------------------------------------------------------
    def to_docx(self, path, *, style: str = "thesis-zh"):
        """Write this table to a Word document (see :func:`crm_research.present.exports.to_docx`)."""
        from .exports import to_docx

        return to_docx([self], path, style=style)

    def to_xlsx(self, path):
        """Write this table to one sheet of an Excel workbook (numbers stay numbers)."""
        from .exports import to_xlsx

        return to_xlsx([self], path)


def _index_label(v, lang: str, ns: str | None) -> str:
    if isinstance(v, tuple):
        return " → ".join(_index_label(x, lang, ns) for x in v)
    return label(v, lang, ns=ns) if isinstance(v, str) else str(v)


def three_line(frame: pd.DataFrame, title: str = "", *, lang: str = "en", note: str = "",
               index: bool = True, kinds: Mapping | None = None, ns: str | None = None) -> str:
    """HTML of ``frame`` as a three-line table, labels translated (shorthand for ``Table.build``)."""
    return Table.build(frame, title=title, lang=lang, note=note, index=index, kinds=kinds, ns=ns)._repr_html_()
