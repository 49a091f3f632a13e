"""Breaking lines in both scripts: English breaks between words, Japanese between characters
(keeping closing marks such as 。、）」 off the start of a line and opening ones off its end).

The card (Pillow draws one line at a time) and the report (fpdf2's own line breaking measures a
line once per character, which alone would take the report past its time budget) both wrap their
text with this. The measure is any function from a string to its width, so the rule is tested
without fonts; each piece is measured once and widths are added up, as neither document kerns
across the places where a line may break.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: A CJK character with any closing marks after it and opening marks before it; a run of other
#: non-blank characters (with closing marks and trailing blanks); or blanks.
_OPENING = "「『（【〔［“‘"
_CLOSING = "、。，．）」』】〕］！？ー…・：；”’"
_CJK = r"\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF"
_TOKEN = re.compile(rf"[{_OPENING}]*[{_CJK}][{_CLOSING}]*|[^\s{_CJK}]+[{_CLOSING}]*\s*|\s+")
CJK = re.compile(f"[{_CJK}]")


def tokens(text: str) -> list[str]:
    """The unbreakable pieces of ``text``, in order; joined they give ``text`` back."""
    return _TOKEN.findall(text)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` as lines no wider than ``width`` where a break is possible; a piece wider than a
    whole line (one very long word) is split between characters rather than left to overflow.
    A newline in ``text`` always starts a new line; blanks around a line are dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for piece in tokens(paragraph.strip()):
            if line.strip() and line_width + measure(piece.rstrip()) > width:
                lines.append(line.rstrip())
                line, line_width, piece = "", 0.0, piece.lstrip()
            if not line.strip() and measure(piece.rstrip()) > width:
                line, line_width = _split(line + piece, width, measure, lines)
                continue
            line += piece
            line_width += measure(piece)
        lines.append(line.rstrip())
    return lines


def _split(text: str, width: float, measure: Callable[[str], float], lines: list[str]) -> tuple[str, float]:
    """Cut an over-long piece into lines of ``width`` (appended to ``lines``); returns its rest."""
    text = text.lstrip()
    while len(text.rstrip()) > 1 and measure(text.rstrip()) > width:
        cut = _longest_fit(text, width, measure)
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return text, measure(text)


def _longest_fit(text: str, width: float, measure: Callable[[str], float]) -> int:
    """How many leading characters of ``text`` fit in ``width`` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= width:
            low = mid
        else:
            high = mid - 1
    return low
