"""Reading tabular files as they come: CSV in UTF-8 (with or without BOM) or GBK/GB18030, .xlsx
(any sheet) and SPSS .sav. Files are only ever opened for reading."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .._core.errors import DataError

__all__ = ["read_any"]

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
    (``encoding``, ``sheet`` and ``sheets`` of a workbook, ``value_labels``).
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
        del text   # decoded only to detect the encoding: pandas reads the bytes (a StringIO is 4 bytes a character)
        try:
            frame = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                                skipinitialspace=True, encoding="utf-8-sig" if enc == "utf-8" else enc)
        except pd.errors.ParserError as exc:
            raise DataError(f"file {file!r} is not a well-formed CSV: {exc}") from None
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        sheets = wb.sheetnames
        wb.close()
        if sheet is not None and sheet not in sheets and not (isinstance(sheet, int) and 0 <= sheet < len(sheets)):
            raise DataError(f"file {file!r} has no sheet {sheet!r}; its sheets are {sheets}")
        frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        meta["sheet"] = sheet if isinstance(sheet, str) else sheets[sheet or 0]
        meta["sheets"] = list(sheets)
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


