"""Reading tabular files as they come: CSV in UTF-8 (with or without BOM) or GBK/GB18030, .xlsx
(any sheet) and SPSS .sav. Files are only ever opened for reading."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .._core.errors import DataError

__all__ = ["read_any", "decode_text", "check_csv_text", "read_xlsx_checked", "open_error"]

# ---------------------------------------------------------------------------------------------
# reading files

def open_error(file: str, exc: OSError) -> DataError:
    """The DataError for a file that cannot be opened: missing, a folder, or not readable."""
    if isinstance(exc, IsADirectoryError):
        return DataError(f"file {file!r} is a folder, not a file; give the path of the export file itself")
    if isinstance(exc, PermissionError):
        return DataError(f"file {file!r} cannot be read: permission denied; check the file's permissions "
                         f"(it is only ever opened for reading)")
    if isinstance(exc, FileNotFoundError):
        return DataError(f"file {file!r} not found")
    return DataError(f"file {file!r} cannot be read: {exc.strerror or exc}")


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, with every way of not being readable as a DataError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise open_error(str(path), exc) from None


def require_file(path) -> Path:
    """``path`` as a Path when it names a file; else the DataError of :func:`open_error`."""
    path = Path(path)
    if path.is_dir():
        raise open_error(str(path), IsADirectoryError())
    if not path.is_file():
        raise open_error(str(path), FileNotFoundError())
    return path


def check_csv_text(text: str, file: str, *, sep: str = ",") -> list[str]:
    """Check a CSV's shape before pandas reads it: a header without blank or repeated names (also
    after stripping spaces) and every row with as many fields as the header (pandas pads short rows
    with blanks and renames repeated headers, silently). Returns the stripped header."""
    import csv

    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader, [])
        names = [h.strip() for h in header]
        blank = [i + 1 for i, h in enumerate(names) if not h]
        if blank and any(names):
            raise DataError(f"file {file!r}: header has no name in column {', '.join(map(str, blank))}; "
                            f"expected a name for every column")
        seen: dict[str, int] = {}
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        dup = [n for n, k in seen.items() if k > 1]
        if dup:
            raise DataError(f"file {file!r}: header repeats column {dup[0]!r} ({seen[dup[0]]} times, after "
                            f"stripping spaces); expected every column name once: rename or remove the copies")
        bad = []
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue                                   # blank line, skipped as pandas does
            if len(row) != len(header):
                bad.append((reader.line_num, len(row)))
    except csv.Error as exc:
        raise DataError(f"file {file!r} is not a well-formed CSV: line {reader.line_num}: {exc}") from None
    if bad:
        line, n = bad[0]
        more = f" (and {len(bad) - 1} more rows: lines {', '.join(str(b[0]) for b in bad[1:6])}" \
               f"{' …' if len(bad) > 6 else ''})" if len(bad) > 1 else ""
        raise DataError(f"file {file!r} line {line} has {n} fields, expected {len(header)} as in the header"
                        f"{more}; a field with a comma must be quoted — re-export the file")
    return names


def read_xlsx_checked(path: Path, sheet=None) -> tuple[pd.DataFrame, str, list[str]]:
    """A sheet of an .xlsx as objects, refusing what would be misread: a formula without a cached
    value (the file was written by a program that does not compute formulas; open and save it in
    Excel), and TRUE/FALSE cells. Returns (frame, sheet name, sheet names). A damaged, encrypted or
    renamed file is a DataError naming it."""
    import zipfile

    from openpyxl import load_workbook

    file = str(path)
    try:
        wb_values = load_workbook(path, read_only=True, data_only=True)
        wb_formulas = load_workbook(path, read_only=True, data_only=False)
    except OSError as exc:
        raise open_error(file, exc) from None
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, TypeError):
        head = read_bytes(path)[:8]
        why = ("it is password-protected (encrypted); save an unprotected copy" if head.startswith(b"\xd0\xcf\x11\xe0")
               else "it is not an Excel workbook (damaged, truncated or renamed from another format)")
        raise DataError(f"file {file!r} cannot be read as .xlsx: {why}") from None
    try:
        sheets = list(wb_values.sheetnames)
        if sheet is not None and sheet not in sheets and not (isinstance(sheet, int) and 0 <= sheet < len(sheets)):
            raise DataError(f"file {file!r} has no sheet {sheet!r}; its sheets are {sheets}")
        name = sheet if isinstance(sheet, str) else sheets[sheet or 0]
        rows = list(wb_values[name].iter_rows(values_only=True))
        for r, (vals, cells) in enumerate(zip(rows, wb_formulas[name].iter_rows()), start=1):
            for v, c in zip(vals, cells):
                where = f"sheet {name!r} cell {getattr(c, 'coordinate', '?')}"
                if isinstance(c.value, str) and c.value.startswith("=") and v is None:
                    raise DataError(f"file {file!r} {where} is a formula ({c.value}) without a computed value; "
                                    f"open the file in Excel and save it, or paste the values")
                if isinstance(v, bool):
                    raise DataError(f"file {file!r} {where} is a TRUE/FALSE cell; expected a number or text "
                                    f"(write 1/0 or yes/no)")
    finally:
        wb_values.close()
        wb_formulas.close()
    rows = [r for r in rows if any(v is not None for v in r)]
    if not rows:
        return pd.DataFrame(), name, sheets
    header = [("" if h is None else str(h)).strip() for h in rows[0]]
    width = max(len(r) for r in rows)
    while len(header) < width:
        header.append("")
    while header and not header[-1] and all(len(r) < len(header) or r[len(header) - 1] is None for r in rows[1:]):
        header.pop()
    seen = [h for i, h in enumerate(header) if h and h in header[:i]]
    if seen:
        raise DataError(f"file {file!r}: header repeats column {seen[0]!r} (after stripping spaces); expected "
                        f"every column name once: rename or remove the copies")
    body = [list(r[:len(header)]) + [None] * (len(header) - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object), name, sheets


def decode_text(raw: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Text of a file: ``encoding`` when given, else UTF-8 (with or without BOM) strictly, else
    GB18030 (a superset of GBK) strictly, else an error — never a guess that garbles the text."""
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
    (``encoding``, ``sheet`` and ``sheets`` of a workbook, ``value_labels``).
    """
    path = require_file(path)
    file = str(path)
    suffix = path.suffix.lower()
    meta: dict = {}
    if suffix in (".csv", ".txt", ".tsv"):
        raw = read_bytes(path)
        if not raw.strip():
            raise DataError(f"file {file!r} is empty: expected a header row and one row per respondent")
        text, enc = decode_text(raw, file, encoding)
        meta["encoding"] = enc
        sep = "\t" if suffix == ".tsv" else ","
        check_csv_text(text, file, sep=sep)
        del text   # decoded to detect the encoding and check the rows: pandas reads the bytes (a StringIO is 4 bytes a character)
        try:
            frame = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                                skipinitialspace=True, encoding="utf-8-sig" if enc == "utf-8" else enc)
        except pd.errors.ParserError as exc:
            raise DataError(f"file {file!r} is not a well-formed CSV: {exc}") from None
    elif suffix in (".xlsx", ".xlsm"):
        frame, meta["sheet"], meta["sheets"] = read_xlsx_checked(path, sheet)
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


