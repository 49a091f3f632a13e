"""Cells of the CSV/TSV files admins and leads open in a spreadsheet.

Names and answers are whatever people typed. Excel, LibreOffice and Google Sheets run a cell as a
formula (CSV injection) when it starts with ``=``, ``+``, ``-`` or ``@``, and they are lenient about
how it is spelled: blanks or line breaks before the sign are skipped (`` =1+2``), and Japanese input
methods type the full-width signs (``＝１＋２``), which spreadsheets in East Asian locales read as the
ASCII ones. Following the OWASP guidance on CSV injection, such a cell gets a leading ``'``, which
spreadsheets read as "this is text"; a cell starting with a tab, carriage return or line feed gets it
too, whatever follows, since those characters alone are triggers for some of them.

The rule is deliberately blunt: a cell is judged by its first visible character after any blanks,
invisible format characters (zero-width space, byte order mark) and line breaks, with compatibility
forms folded to their ASCII sign (NFKC: ``＝`` ``﹦`` → ``=``, ``＋`` ``﹢`` → ``+``, ``－`` ``﹣`` → ``-``,
``＠`` ``﹫`` → ``@``, and the super- and subscript signs), plus the typographic minus ``−`` (U+2212)
that NFKC leaves alone.

Negative numbers (``-3``) and phone numbers (``+49 30 …``) are prefixed as well, as OWASP advises:
these cells are free text people typed (display names, answers), never numbers levelcheck computed
(ids and levels are written without passing through here), so showing ``'-3`` as the text ``-3`` loses
nothing, while telling "a number" from "a formula" (``-3+cmd|' /C calc'!A0``) is exactly the kind of
cleverness these attacks exploit.
"""

from __future__ import annotations

import unicodedata

FORMULA_SIGNS = frozenset("=+-@\u2212")
"""Signs that start a formula, after folding full-width and small forms to ASCII (U+2212: minus sign)."""

_TRIGGER_CONTROLS = ("\t", "\r", "\n")
"""A cell starting with one of these is prefixed whatever follows (OWASP names tab and CR)."""


def _skippable(ch: str) -> bool:
    """Blanks, line breaks and invisible format characters a spreadsheet may pass over before a sign."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _first_visible(text: str) -> str | None:
    for ch in text:
        if not _skippable(ch):
            return ch
    return None


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could evaluate ``text`` as a formula (or a DDE call) if it were a cell."""
    if text.startswith(_TRIGGER_CONTROLS):
        return True
    first = _first_visible(text)
    if first is None:
        return False
    # [:1]: NFKC may expand one character to several (U+2A75 "⩵" becomes "==").
    return first in FORMULA_SIGNS or unicodedata.normalize("NFKC", first)[:1] in FORMULA_SIGNS


def safe_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: prefixed with ``'`` when it could start a formula."""
    return "'" + text if is_formula_like(text) else text
