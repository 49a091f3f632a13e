"""Cells of the CSV/TSV files admins open in a spreadsheet.

Names and answers are whatever people typed: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return can run as a formula in Excel, LibreOffice or Google Sheets (CSV injection).
Such a cell gets a leading ``'``, which spreadsheets read as "this is text".
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
