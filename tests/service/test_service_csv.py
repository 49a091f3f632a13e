"""CSV cells are safe against every spelling of a formula start spreadsheets evaluate (issue #9).

OWASP's CSV injection guidance: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is prefixed with ``'``. Spreadsheets also skip leading blanks and read the full-width and
small forms of the signs, so those are covered too; ordinary text, including text with a sign later
on, is left as typed. Negative numbers are prefixed on purpose (see ``bot/spreadsheet.py``).
"""

from __future__ import annotations

import csv
import io

import pytest
from admin_views import results_csv
from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from service_driver import TRUTHS, take_assessment

from bot.service import AssessmentService, Identity
from bot.spreadsheet import is_formula_like, safe_cell

PREFIXED = [
    # the ASCII starts OWASP lists
    ("=1+2", "plain equals"),
    ('=HYPERLINK("http://evil.example","x")', "a hyperlink formula"),
    ("+1", "plus"),
    ("-1", "a negative number, prefixed on purpose"),
    ("-3+cmd|' /C calc'!A0", "a DDE call disguised as a number"),
    ("+49 30 1234", "a phone number"),
    ("@SUM(A1)", "at"),
    ("\tplain", "a tab alone"),
    ("\rplain", "a carriage return alone"),
    ("\nplain", "a line feed alone"),
    ("\t=1", "tab then equals"),
    # blanks before the sign: spreadsheets skip them
    (" =1+2", "a space before"),
    ("   +1", "spaces before"),
    (" \t\r\n@x", "mixed blanks before"),
    ("\u00a0=1", "a no-break space before"),
    ("\u3000=1", "an ideographic space before"),
    ("\u2003-1", "an em space before"),
    ("\u200b=1", "a zero-width space before"),
    ("\ufeff=1", "a byte order mark before"),
    ("\u2028=1", "a line separator before"),
    # full-width, small, super- and subscript forms (NFKC folds them to ASCII)
    ("＝1+2", "full-width equals"),
    ("＋1", "full-width plus"),
    ("－1", "full-width minus"),
    ("＠SUM(A1)", "full-width at"),
    ("﹦1", "small equals"),
    ("﹢1", "small plus"),
    ("﹣1", "small minus"),
    ("﹫x", "small at"),
    ("⁼1", "superscript equals"),
    ("₊1", "subscript plus"),
    ("⩵1", "two consecutive equals"),
    ("−1", "the typographic minus sign"),
    # both at once
    (" ＝1+2", "a space, then full-width equals"),
    ("\u3000＋1", "an ideographic space, then full-width plus"),
]

UNCHANGED = [
    ("", "empty"),
    ("Alice", "a name"),
    ("山田 太郎", "a Japanese name"),
    ("ーさん", "a katakana long vowel mark is not a minus"),
    ("Aiko =1", "a sign later in the text"),
    ("1-2", "a range"),
    ("1=1", "equals inside"),
    ("a@b.example", "an e-mail address"),
    ("'quoted", "already quoted"),
    ("' =1", "already quoted, a blank after the quote"),
    ('"=1"', "a double quote first"),
    ("(=1)", "a parenthesis first"),
    ("   ", "only blanks"),
    ("\u3000山田", "an ideographic space before a name"),
]


@pytest.mark.parametrize(("text", "why"), PREFIXED, ids=[why for _, why in PREFIXED])
def test_every_spelling_of_a_formula_start_is_prefixed(text: str, why: str) -> None:
    assert is_formula_like(text), why
    assert safe_cell(text) == "'" + text, why


@pytest.mark.parametrize(("text", "why"), UNCHANGED, ids=[why for _, why in UNCHANGED])
def test_ordinary_text_is_left_as_typed(text: str, why: str) -> None:
    assert not is_formula_like(text), why
    assert safe_cell(text) == text, why


SIGNS = "=+-@＝＋－＠﹦﹢﹣﹫−\t\r\n \u3000\u00a0\u200b'\"a1山"


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet=st.sampled_from(SIGNS) | st.characters(), max_size=12))
def test_a_safe_cell_never_starts_a_formula_and_only_ever_gains_a_quote(text: str) -> None:
    cell = safe_cell(text)
    assert cell in (text, "'" + text)
    assert not is_formula_like(cell)
    assert safe_cell(cell) == cell  # safe twice is the same as safe once


async def test_the_results_csv_quotes_names_spelled_with_blanks_and_full_width_signs(
    service: AssessmentService,
) -> None:
    names = [" =1+2", "＝1+2", "\u3000＋SUM(A1)", "Plain Name"]
    for number, name in enumerate(names):
        person = Identity(telegram_id=3000 + number, display_name=name)
        await take_assessment(service, person, TRUTHS["hardware"])
    rows = list(csv.DictReader(io.StringIO(await results_csv(service))))
    assert sorted(r["name"] for r in rows) == sorted(["' =1+2", "'＝1+2", "'\u3000＋SUM(A1)", "Plain Name"])
