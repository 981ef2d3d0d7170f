"""Tables to files: Word (three-line, thesis-zh or APA 7), Excel (one named sheet per table) and CSV.

Every writer goes through a temporary file in the target folder and one atomic rename, so a reader
never sees half a file and a failed write leaves the previous file in place.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are written with a leading apostrophe, as OWASP recommends against CSV
injection; numbers stay numbers.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .table import STYLES, Table

__all__ = ["to_docx", "to_xlsx", "to_csv", "neutralise", "atomic_write", "STYLES"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Excel number formats by kind of measure (see crm_research.present.table)
_XLSX_FORMATS = {"int": "#,##0", "coef": "0.000", "r": "0.000", "stat": "0.00", "p": "0.000", "pct": "0.0%",
                 "index": "0.0", "money": "#,##0"}


def neutralise(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class atomic_write:
    """``with atomic_write(path) as tmp:`` write to ``tmp``; on success it replaces ``path`` in one
    rename, on failure ``path`` is untouched and ``tmp`` removed."""

    def __init__(self, path):
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
        return False


def _tables(tables) -> list[Table]:
    out = [tables] if isinstance(tables, Table) else list(tables)
    for t in out:
        if not isinstance(t, Table):
            raise TypeError(f"expected crm_research Table objects (result.table(lang)), got {type(t).__name__}")
    return out


# -- CSV ------------------------------------------------------------------------------------------
def to_csv(frame: pd.DataFrame, path, *, index: bool = True) -> Path:
    """CSV in UTF-8 with a byte-order mark (so Excel on Chinese Windows reads it), formula-safe.

    Lines end in CRLF as RFC 4180 says, so that a field holding a carriage return or a newline is
    quoted (with bare ``\n`` endings a lone CR in a cell went out unquoted and split the row)."""
    safe = frame.copy()
    for c in safe.columns:
        if safe[c].dtype == object:
            safe[c] = safe[c].map(neutralise)
    if index and safe.index.dtype == object:
        safe.index = safe.index.map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    with atomic_write(path) as tmp:
        safe.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\r\n")
    return Path(path)


# -- Excel ----------------------------------------------------------------------------------------
def _sheet_name(title: str, used: set) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", " ", title).strip()[:28] or "table"
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base[:25]} ({i})", i + 1
    used.add(name.lower())
    return name


def to_xlsx(tables, path, *, sheet_names: Iterable[str] | None = None) -> Path:
    """One sheet per table: the title in row 1, localized headers in row 2 (frozen), numbers with
    Excel number formats, the note under the table. Byte-identical for the same tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    tables = _tables(tables)
    names = list(sheet_names) if sheet_names is not None else [None] * len(tables)
    wb = Workbook()
    wb.remove(wb.active)
    used: set = set()
    thick, thin = Side(style="medium"), Side(style="thin")
    for t, name in zip(tables, names):
        ws = wb.create_sheet(_sheet_name(name or t.title, used))
        head = ([t.stub] if t.index else []) + [str(c) for c in t.frame.columns]
        ws.cell(row=1, column=1, value=neutralise(t.title)).font = Font(bold=True)
        for j, h in enumerate(head, start=1):
            c = ws.cell(row=2, column=j, value=neutralise(h))
            c.font = Font(bold=True)
            c.border = Border(top=thick, bottom=thin)
            c.alignment = Alignment(horizontal="center", wrap_text=True)
            ws.column_dimensions[c.column_letter].width = max(10, min(40, 2 + 1.6 * len(h)))
        text = t.formatted(apa=False)
        for i, (label, row) in enumerate(zip(t.frame.index, t.frame.itertuples(index=False)), start=3):
            j0 = 1
            if t.index:
                ws.cell(row=i, column=1, value=neutralise(str(label)))
                j0 = 2
            for j, (col, v) in enumerate(zip(t.frame.columns, row), start=j0):
                kind = t.kind_of(label, col)
                cell = ws.cell(row=i, column=j)
                if col in t.stars or kind == "text" or not isinstance(v, (int, float, np.number)) or \
                        not np.isfinite(v):
                    cell.value = neutralise(text.iloc[i - 3][col]) if text.iloc[i - 3][col] != "" else None
                else:
                    cell.value = float(v) if kind != "int" else int(round(float(v)))
                    cell.number_format = _XLSX_FORMATS[kind]
        last = 2 + len(t.frame)
        for j in range(1, len(head) + 1):
            cell = ws.cell(row=last, column=j)
            cell.border = Border(top=cell.border.top, bottom=thick)
        if t.note:
            ws.cell(row=last + 1, column=1, value=neutralise(t.note)).font = Font(italic=True, size=9)
        ws.freeze_panes = "A3"
    wb.properties.creator = "crm_research"
    fixed = _dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    with atomic_write(path) as tmp:
        wb.save(tmp)
        _normalise_zip(tmp, fixed)
    return Path(path)


def _normalise_zip(path: Path, when: _dt.datetime) -> None:
    """Rewrite a zip container with fixed member timestamps so identical content gives identical bytes."""
    import re
    import zipfile

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == "docProps/core.xml":   # openpyxl stamps the save time into 'modified'
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data)
            z.writestr(info, data)
    os.replace(tmp, path)


# -- Word -----------------------------------------------------------------------------------------
def _border_tc(tc, **edges):
    """Set the given edges of a Word table cell element (``w:tc``, so that merged continuations get
    theirs too): edges map 'top'/'bottom'/… to a size in 1/8 pt or 0."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge in ("top", "left", "bottom", "right"):
        size = edges.get(edge, 0)
        el = borders.find(qn(f"w:{edge}"))
        if el is None:
            el = OxmlElement(f"w:{edge}")
            borders.append(el)
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")


def _font(run, *, size: float, bold: bool = False, italic: bool = False, east_asia: str = "宋体",
          latin: str = "Times New Roman"):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        from docx.oxml import OxmlElement

        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def to_docx(tables, path, *, style: str = "thesis-zh", heading: str | None = None,
            paragraphs: Iterable[str] | None = None) -> Path:
    """Write one or many tables to a Word document.

    ``style="thesis-zh"``: three-line tables as Chinese theses set them — table number and title
    centred above (表 1 …, bold), 宋体 / Times New Roman 10.5 pt (五号), a 1.5 pt rule above and below
    the table and a 0.75 pt rule under the header, no vertical rules, the note and significance
    legend below in 9 pt. ``style="apa"``: APA 7 — "Table 1" bold, the title in italics on the next
    line, left-aligned, the same three horizontal rules, "Note." in italics below.

    ``paragraphs`` (optional, one per table, e.g. each result's ``interpret()``) are placed after
    each table. Returns the path written (atomically).
    """
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if style not in STYLES:
        from .._core.errors import DataError

        raise DataError(f"to_docx: style={style!r} is not one of {list(STYLES)}")
    tables = _tables(tables)
    texts = list(paragraphs) if paragraphs is not None else [""] * len(tables)
    doc = Document()
    body_size, note_size = (10.5, 9) if style == "thesis-zh" else (11, 10)
    if heading:
        p = doc.add_paragraph()
        _font(p.add_run(heading), size=14, bold=True)
    for n, (t, extra) in enumerate(zip(tables, texts), start=1):
        zh = t.lang == "zh"
        apa = style == "apa"
        if apa:
            p = doc.add_paragraph()
            _font(p.add_run(f"表 {n}" if zh else f"Table {n}"), size=body_size, bold=True)
            p = doc.add_paragraph()
            _font(p.add_run(t.title), size=body_size, italic=True)
        else:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run((f"表 {n}  " if zh else f"Table {n}  ") + t.title), size=body_size, bold=True)
        _, rows = t.rows(apa=apa)
        cells = t.header_cells()
        n_head = max(r + rs for r, _, rs, _, _ in cells)
        n_cols = len(rows[0]) if rows else sum(cs for r, _, _, cs, _ in cells if r == 0)
        table = doc.add_table(rows=n_head + len(rows), cols=n_cols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, values in enumerate(rows, start=n_head):
            for j, v in enumerate(values):
                para = table.cell(i, j).paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 and t.index else WD_ALIGN_PARAGRAPH.CENTER
                _font(para.add_run(v), size=body_size)
        for r, j, rs, cs, text in cells:
            cell = table.cell(r, j)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, j + cs - 1))
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 and t.index else WD_ALIGN_PARAGRAPH.CENTER
            _font(para.add_run(text), size=body_size)
        # three rules: 1.5 pt above the header, 0.75 pt under it, 1.5 pt under the last row; APA adds
        # 0.75 pt under each spanner. Set on every cell element (merged continuations included).
        for i, tr in enumerate(table._tbl.tr_lst):
            for tc in tr.tc_lst:
                spanner = i < n_head - 1 and tc.vMerge is None     # not a head merged down
                top = 12 if i == 0 else 0
                bottom = (6 if i == n_head - 1 or (spanner and apa) else 0) if i < n_head else \
                    (12 if i == n_head + len(rows) - 1 else 0)
                _border_tc(tc, top=top, bottom=bottom)
        legend = t.note
        if t.stars:
            sig = "* p < 0.05, ** p < 0.01, *** p < 0.001" if not apa else "*p < .05. **p < .01. ***p < .001."
            legend = f"{legend} {sig}".strip()
        if legend:
            p = doc.add_paragraph()
            if apa:
                _font(p.add_run("注。" if zh else "Note."), size=note_size, italic=True)
                _font(p.add_run(" " + legend), size=note_size)
            else:
                _font(p.add_run(("注：" if zh else "Note: ") + legend), size=note_size)
        if extra:
            p = doc.add_paragraph()
            _font(p.add_run(extra), size=body_size)
    doc.core_properties.author = "crm_research"
    with atomic_write(path) as tmp:
        doc.save(str(tmp))
    return Path(path)
