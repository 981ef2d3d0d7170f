"""Thesis tables: ``Table`` (what every ``result.table(lang)`` returns), Word and Excel export.

The public face of :mod:`crm_research.present` for users' notebooks::

    from crm_research import tables
    tables.to_docx([alpha.table("zh"), cfa.table("zh")], "第四章.docx", style="thesis-zh")
"""

from .present.exports import to_csv, to_docx, to_xlsx
from .present.table import KINDS, THREE_LINE_CSS, Table, format_p, format_value, stars, three_line

__all__ = ["Table", "to_docx", "to_xlsx", "to_csv", "three_line", "format_p", "format_value", "stars",
           "KINDS", "THREE_LINE_CSS"]
