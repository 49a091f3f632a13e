"""Reading what people type, the way they type it in English and in Japanese.

Japanese keyboards produce full-width digits and punctuation (``８０００``, ``１、４``); people add
units (``8000㎡``, ``8000 m²``) and group digits (``8,000``, ``8 000``). Unicode NFKC folds the
full-width forms and the square-metre sign into ASCII, after which one small grammar reads them all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from dialogs.messages import Messages, languages

#: Digits grouped by thousands with one consistent separator, or plain; an optional unit after.
_NUMBER = re.compile(
    r"^\+?(?P<digits>[0-9]{1,3}(?:(?P<sep>[,_ ])[0-9]{3})(?:(?P=sep)[0-9]{3})*|[0-9]{1,12})"
    r"\s*(?P<unit>m2|sqm|平方メートル|平米)?$"
)
#: Positions in a checklist: "1 4", "1,4", "１、４", "1、4、5".
_POSITIONS = re.compile(r"^[0-9]+(?:\s*[,、\s]\s*[0-9]+)*$")


def fold(text: str) -> str:
    """Full-width letters, digits and signs to ASCII, ``㎡``/``m²`` to ``m2``, spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(text: str) -> int | None:
    """A whole number as typed, or None when the text is not one (``12,5``, ``1.000.000``, ``abc``)."""
    folded = fold(text).lower()
    m = _NUMBER.match(folded)
    if m is None:
        return None
    return int(re.sub(r"[,_ ]", "", m.group("digits")))


def parse_positions(text: str) -> tuple[int, ...] | None:
    """1-based positions typed for a checklist or a single choice, or None for anything else."""
    folded = fold(text)
    if not _POSITIONS.match(folded):
        return None
    return tuple(int(p) for p in re.split(r"\s*[,、\s]\s*", folded))


@cache
def _words(kind: str) -> frozenset[str]:
    """Every language's words for yes or no: a person may answer in either language whatever the
    interface speaks."""
    words: set[str] = set()
    for language in languages():
        words.update(w.strip().lower() for w in Messages(language)(f"input.{kind}").split("|"))
    return frozenset(w for w in words if w)


def parse_yes_no(text: str) -> bool | None:
    word = fold(text).lower().rstrip("。.!！")
    if word in _words("yes"):
        return True
    if word in _words("no"):
        return False
    return None
