"""``Table``: a result as the table a paper or report prints, in one language.

A Table keeps numbers as numbers (so Excel gets numbers with number formats) and knows, per
column, what kind of measure it holds; the kind decides how it is shown everywhere — HTML, Word,
Excel, report pages. One documented number of decimals per kind of measure:

======== ========================================== =====================
kind     used for                                    shown as
======== ========================================== =====================
int      counts, df, n                               1,234
coef     unbounded coefficients: B, SE, M, SD, f²    0.812 (3 decimals)
r        measures that cannot exceed 1 in absolute   0.812; APA: .812
         value: r, β, R², ΔR², α, CR, AVE, loadings,
         HTMT, factor correlations, KMO
stat     test statistics t, F, χ², z                 12.34 (2 decimals)
p        p values                                    < 0.001 / 0.023
pct      shares stored as fractions (0.903)          90.3%
index    0–100 indices (ACSI), days, hours           69.7 (1 decimal)
money    amounts of money                            1,401,177
text     labels and words                            as is
======== ========================================== =====================

With ``style="apa"`` (APA 7, §6.36) p values and the measures of kind ``r`` are printed without the
leading zero (".023", "−.41", "< .001"); every other number keeps it, and Chinese theses
(``style="thesis-zh"``) keep it everywhere. Cells that a table holds as pre-formatted text follow the
same rule by the kind declared for their column (or their row, ``row_kinds``), so a text column of
kind ``r`` ("0.512**", "(0.801)", "0.71–0.86") prints ".512**", "(.801)", ".71–.86" in APA.

Columns may be grouped under a spanning header (``groups``): Word gets a two-row header whose group
name is one merged cell over its columns, HTML a ``colspan``.

A column may carry significance stars taken from a p column (``stars={"b": "p"}``): ``0.412***``.

Build tables with :meth:`Table.build`, which translates column names, index labels and categorical
values through the label catalogue (:mod:`crm_research.present.labels`), so that no raw identifier
reaches a reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .labels import check_lang, label

__all__ = ["Table", "KINDS", "APA_BOUNDED", "STYLES", "format_value", "format_p", "drop_leading_zero", "stars", "three_line",
           "THREE_LINE_CSS"]

KINDS = ("int", "coef", "r", "stat", "p", "pct", "index", "money", "text")
#: kinds whose values cannot exceed 1 in absolute value: no leading zero in APA style
APA_BOUNDED = ("r", "p")
STYLES = ("thesis-zh", "apa")
_FORMATS = {"coef": ".3f", "r": ".3f", "stat": ".2f", "index": ".1f", "money": ",.0f"}

THREE_LINE_CSS = (
    "table.three-line{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000;"
    "font-family:'Times New Roman','Noto Serif CJK SC','SimSun',serif;margin:0.5em 0}"
    "table.three-line thead th{border-bottom:1px solid #000;padding:4px 10px;font-weight:normal}"
    "table.three-line.thesis-zh thead th.spanner{border-bottom:none}"
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


_LEADING_ZERO = re.compile(r"(?<![\d.])([−-]?)0\.(?=\d)")


def drop_leading_zero(text: str) -> str:
    """Every number in ``text`` below 1 in absolute value without its leading zero, as APA prints
    bounded measures: '0.512**' → '.512**', '(0.801)' → '(.801)', '< 0.001' → '< .001',
    '[−0.12, 0.40]' → '[−.12, .40]'. Numbers of 1 or more are left alone ('10.05', '1.000')."""
    return _LEADING_ZERO.sub(r"\1.", text)


def format_value(v, kind: str, *, apa: bool = False) -> str:
    """One cell as text, by the kind of measure (see the module docstring). Text (a pre-formatted
    cell) is returned as it is, except that with ``apa`` the numbers in a cell of a bounded kind
    (``r``, ``p``) lose their leading zero."""
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, str):
        return drop_leading_zero(v) if apa and kind in APA_BOUNDED else v
    if kind == "text" or not isinstance(v, (int, float, np.number)):
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
    if apa and kind == "r" and abs(v) < 1:
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

    ``kinds`` maps a display column to its kind of measure; ``row_kinds`` maps a row label to a kind
    that overrides its column's for that row (a column of β whose last rows hold R² and F);
    ``stars`` maps a display column to the display column of its p values. ``index`` says whether
    the row labels are shown (as the first column, headed ``stub``). ``groups`` lists spanning
    headers as ``(spanner, (column, ...))`` over adjacent columns; under its spanner a column is
    headed by its name without the spanner's text ("Model 1 β" under "Model 1" shows "β").
    ``style`` ("thesis-zh" or "apa") is how ``_repr_html_`` and ``repr`` print it
    (:meth:`styled` gives a copy in another style).
    """

    title: str
    frame: pd.DataFrame
    note: str = ""
    kinds: Mapping[str, str] = field(default_factory=dict)
    stars: Mapping[str, str] = field(default_factory=dict)
    lang: str = "zh"
    index: bool = True
    stub: str = ""
    row_kinds: Mapping[str, str] = field(default_factory=dict)
    groups: tuple = ()
    style: str = "thesis-zh"

    def __post_init__(self):
        if self.style not in STYLES:
            raise ValueError(f"Table: style={self.style!r} is not one of {list(STYLES)}")
        cols = [str(c) for c in self.frame.columns]
        seen: set = set()
        for spanner, members in self.groups:
            pos = [cols.index(c) if c in cols else -1 for c in members]
            if not members or -1 in pos or pos != list(range(pos[0], pos[0] + len(pos))):
                raise ValueError(f"Table: group {spanner!r} must name adjacent columns of the frame, got {list(members)}")
            if seen & set(members):
                raise ValueError(f"Table: column in more than one group: {sorted(seen & set(members))}")
            seen |= set(members)

    @classmethod
    def build(cls, frame: pd.DataFrame, *, title: str, lang: str = "zh", kinds: Mapping | None = None,
              stars: Mapping | None = None, note: str = "", ns: str | None = None, index: bool = True,
              values: tuple = (), stub: str | None = None, row_kinds: Mapping | None = None) -> "Table":
        """Translate ``frame`` through the catalogue and attach kinds of measure.

        ``kinds`` and ``stars`` use the raw column names; columns without a kind are guessed (integers
        → int, other numbers → coef, the rest text). ``values`` lists raw columns whose categorical
        values are translated too; the index labels always are. ``ns`` is the catalogue namespace
        looked up first (e.g. ``"clv"`` so that ``alpha`` is BG/NBD's α, not Cronbach's).
        ``row_kinds`` uses the raw index labels (the positions 0, 1, … when ``index=False``).
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
        rk = dict(row_kinds or {})
        if index:
            shown = [_index_label(v, lang, ns) for v in frame.index]
            rk = {s: rk[v] for v, s in zip(frame.index, shown) if v in rk}
            df.index = pd.Index(shown, name=df.index.name)
        stub_text = stub if stub is not None else (label(frame.index.name, lang, ns=ns) if frame.index.name else "")
        return cls(title=title, frame=df, note=note, kinds={names[c]: k for c, k in kinds.items() if c in names},
                   stars={names[c]: names[p] for c, p in stars.items() if c in names and p in names},
                   lang=lang, index=index, stub=stub_text, row_kinds=rk)

    def styled(self, style: str) -> "Table":
        """This table printed in ``style`` ("thesis-zh" or "apa") by ``_repr_html_`` and ``repr``."""
        return replace(self, style=style)

    # -- text ------------------------------------------------------------------------------------
    def kind_of(self, row, column) -> str:
        """The kind of measure of one cell: its row's (``row_kinds``) or else its column's."""
        return self.row_kinds.get(row, self.kinds.get(column, "text"))

    def formatted(self, *, apa: bool | None = None) -> pd.DataFrame:
        """Every cell as the text a reader sees (stars appended where declared); ``apa`` defaults
        to the table's own style."""
        apa = self.style == "apa" if apa is None else apa
        out = pd.DataFrame(index=self.frame.index)
        rows = list(self.frame.index)
        for c in self.frame.columns:
            col = [format_value(v, self.kind_of(r, c), apa=apa) for r, v in zip(rows, self.frame[c].tolist())]
            if c in self.stars:
                col = [t + stars(p) if t else t for t, p in zip(col, self.frame[self.stars[c]].tolist())]
            out[c] = col
        return out

    def rows(self, *, apa: bool | None = None) -> tuple[list[str], list[list[str]]]:
        """Header and body as lists of strings, row labels first when ``index`` (the header as one
        row: each column's own name, whatever its group)."""
        f = self.formatted(apa=apa)
        head = ([self.stub] if self.index else []) + [str(c) for c in f.columns]
        body = [([str(i)] if self.index else []) + list(r) for i, r in zip(f.index, f.itertuples(index=False))]
        return head, body

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """The header as printed, one tuple ``(row, column, rowspan, colspan, text)`` per cell of the
        full grid (the stub is column 0 when ``index``). Without groups one row; with groups two: the
        spanner over its columns in row 0 and their own heads in row 1, ungrouped heads spanning both."""
        off = 1 if self.index else 0
        cols = [str(c) for c in self.frame.columns]
        if not self.groups:
            return [(0, j, 1, 1, h) for j, h in enumerate(([self.stub] if self.index else []) + cols)]
        owner = {c: (spanner, members) for spanner, members in self.groups for c in members}
        out = [(0, 0, 2, 1, self.stub)] if self.index else []
        for j, c in enumerate(cols):
            if c not in owner:
                out.append((0, j + off, 2, 1, c))
                continue
            spanner, members = owner[c]
            if c == members[0]:
                out.append((0, j + off, 1, len(members), spanner))
            sub = c[len(spanner):].strip() if c.startswith(spanner) and c != spanner else c
            out.append((1, j + off, 1, 1, sub))
        return out

    def to_html(self, *, style: str | None = None) -> str:
        """A three-line HTML table with its title above and its note below (everything escaped);
        grouped columns under a spanning header (``colspan``). ``style`` defaults to the table's."""
        style = self.style if style is None else style
        if style not in STYLES:
            raise ValueError(f"Table.to_html: style={style!r} is not one of {list(STYLES)}")
        _, body = self.rows(apa=style == "apa")
        cells = self.header_cells()
        head_rows = []
        for i in range(max(r for r, *_ in cells) + 1):
            ths = []
            for r, _, rs, cs, text in cells:
                if r != i:
                    continue
                attrs = (f" rowspan='{rs}'" if rs > 1 else "") + (f" colspan='{cs}'" if cs > 1 else "")
                attrs += " class='spanner'" if cs > 1 else ""
                ths.append(f"<th{attrs}>{html.escape(text)}</th>")
            head_rows.append("<tr>" + "".join(ths) + "</tr>")
        tb = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        out = (f"<table class='three-line {style}'>{cap}<thead>{''.join(head_rows)}</thead>"
               f"<tbody>{tb}</tbody></table>")
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
