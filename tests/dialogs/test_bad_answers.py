"""A bad value never changes anything: the same prompt comes back with a reason, the snapshot is equal."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from driver import Style, answer_current, confirm, run_interview
from truths import BY_FIELD, SPECIAL

from dialogs import Context, Interview, Kind, Step
from dialogs.prompt import Prompt

CTX = Context.default()
#: Two complexity items: enough for a facility project to count, so its scope and numbers are asked.
FM_TWO = ["fm.cx.nonstop", "fm.cx.many_sites"]

Json = dict[str, Any]

BAD_SINGLE: list[Any] = ["unknown", "", 1, 0, None, True, 2.0, ["hardware"], {"id": "x"}]
BAD_MULTI: list[Any] = [
    ["unknown"],
    "not a list",
    5,
    None,
    True,
    {"a": 1},
    [1],
    [None],
    [["nested"]],
    ["sw.cx.multi_vendor", "fm.cx.nonstop", "hw.cx.multi_vendor"],  # at least one of another field
]
BAD_INTEGER: list[Any] = [
    "abc",
    "-1",
    -1,
    "12.5",
    12.5,
    "",
    "   ",
    True,
    False,
    None,
    [3],
    "1e3",
    "0x10",
    "3 rooms",
    "--3",
    "3-5",  # a range, but not one of the bands ("<3", "3-4", "5+" for rooms)
    "<2",
    "5++",
    {"at_least": 4, "below": 5},  # a band's stored form, but not one of the offered bands
    {"at_least": 3},
]
BAD_YESNO: list[Any] = ["maybe", 3, 2, 1, 0, None, "", [], "yess", "no way"]
BAD_CONSENT: list[Any] = ["perhaps", None, "", 3, "maybe", [], "Y E S"]
#: Refused too, but accepted today: kept out of the whole-interview walks so that those check every
#: later prompt; each has its own test below.
NUMERIC_CONSENT: list[Any] = [1, 0, 1.0, 0.0]
# Arabic-Indic and extended Arabic-Indic: ``int`` would convert them silently, nobody here types them.
NON_ASCII_DIGITS: list[str] = ["١٢", "۳", "1٢"]
#: How Japanese keyboards and people type numbers: each is read as the number beside it.
TYPED_NUMBERS: list[tuple[str, int]] = [
    ("１２", 12),
    ("８０００", 8000),
    ("8,000", 8000),
    ("８，０００", 8000),
    ("8000㎡", 8000),
    ("8000 m²", 8000),
    ("8000m2", 8000),
    ("8 000", 8000),
    ("8\u00a0000", 8000),
    ("  42 ", 42),
    ("2000平米", 2000),
]
BAD_NUMBERS: list[str] = ["12,5", "1.000", "8,00", "8 00", "1 4", "8000 km", "m2", "", "-3", "1e3"]
BAD_REVIEW: list[Any] = [
    "nonsense",
    "edit:unknown",
    "edit:",
    "edit:consent",
    "CONFIRM",
    None,
    3,
    True,
    ["confirm"],
]
BAD_RESULT: list[Any] = ["nonsense", "confirm", "edit:role", None, 0, "RESTART"]


def snap(iv: Interview) -> Json:
    return json.loads(json.dumps(iv.snapshot()))


def assert_refused(iv: Interview, act: Callable[[], Step], what: str) -> None:
    before_snapshot, before_prompt = snap(iv), iv.prompt()
    step = act()
    assert not step.changed, f"{what} at {before_prompt.key!r} was accepted: {step.recorded}"
    assert step.recorded is None and step.event is None, what
    assert step.prompt.key == before_prompt.key, what
    assert isinstance(step.prompt.error, str) and step.prompt.error.strip(), what
    assert dataclasses.replace(step.prompt, error=None) == before_prompt, what
    assert snap(iv) == before_snapshot, what
    assert iv.prompt() == before_prompt  # the error is shown once, not stored


def integer_bad_values(prompt: Prompt) -> list[Any]:
    assert prompt.maximum is not None and prompt.minimum == 0
    above = prompt.maximum + 1
    return [*BAD_INTEGER, above, str(above), f"{above:,}", 10**13, "9" * 13]


def bad_values(prompt: Prompt) -> list[Any]:
    if prompt.key == "consent":
        return BAD_CONSENT
    if prompt.key == "review":
        return BAD_REVIEW
    if prompt.key == "result":
        return BAD_RESULT
    if prompt.key == "project_count":
        # whole numbers 0–3 are accepted on purpose (the option ids are "0".."3")
        return ["unknown", "", 4, -1, "4", "-1", " 2", "02", "two", None, True, False, 2.5, [2]]
    if prompt.kind is Kind.INTEGER:
        return integer_bad_values(prompt)
    return {Kind.SINGLE: BAD_SINGLE, Kind.MULTI: BAD_MULTI, Kind.YESNO: BAD_YESNO}[prompt.kind]


def refuse_everything_bad(iv: Interview) -> set[Kind]:
    """Every bad answer, toggle, done, confirm and edit that does not fit the current prompt."""
    prompt = iv.prompt()
    for value in bad_values(prompt):
        assert_refused(iv, lambda value=value: iv.answer(value), f"answer({value!r})")
    if prompt.kind is Kind.MULTI:
        for option in ("unknown", "", "sw.cx.nonstop" if "hw." in prompt.text else "hw.cx.nonstop"):
            if option not in {o.id for o in prompt.options}:
                assert_refused(iv, lambda option=option: iv.toggle(option), f"toggle({option!r})")
    else:
        assert_refused(iv, lambda: iv.toggle(prompt.options[0].id if prompt.options else "x"), "toggle")
        assert_refused(iv, iv.done, "done()")
    if prompt.key != "review":
        assert_refused(iv, iv.confirm, "confirm()")
        assert_refused(iv, lambda: iv.edit("role"), "edit('role')")
    return {prompt.kind}


WALKS = {
    "hardware-5": BY_FIELD["hardware"][5],
    "software-2": BY_FIELD["software"][2],
    "facility-everything": SPECIAL["fm_leader_without_themes"][1],
}


@pytest.mark.parametrize("name", sorted(WALKS))
def test_bad_answers_at_every_prompt_of_a_whole_interview(name: str) -> None:
    truth = WALKS[name]
    seen: set[str] = set()
    kinds: set[Kind] = set()
    with Interview(CTX) as iv:
        style = Style()
        while True:
            prompt = iv.prompt()
            kinds |= refuse_everything_bad(iv)
            seen.add(prompt.key)
            if prompt.key == "result":
                break
            if prompt.key == "review":
                confirm(iv)
            elif prompt.key == "consent":
                iv.answer("yes")
            else:
                answer_current(iv, truth, style)
    assert {"consent", "field", "role", "project_count", "review", "result"} <= seen
    assert kinds >= {Kind.SINGLE, Kind.MULTI, Kind.YESNO} | ({Kind.INTEGER} if "facility" in name else set())


def test_bad_answers_on_a_checklist_keep_the_draft() -> None:
    truth = BY_FIELD["hardware"][5]
    with Interview(CTX) as iv:
        iv.answer("yes")
        answer_current(iv, truth)
        answer_current(iv, truth)
        answer_current(iv, truth)
        assert iv.prompt().key == "project.1.complexity"
        iv.toggle("hw.cx.nonstop")
        for value in BAD_MULTI:
            assert_refused(iv, lambda value=value: iv.answer(value), f"answer({value!r})")
        assert iv.prompt().selected == ("hw.cx.nonstop",)


@pytest.mark.parametrize(("typed", "number"), TYPED_NUMBERS)
def test_numbers_are_read_as_people_type_them(typed: str, number: int) -> None:
    with Interview(CTX) as iv:
        for answer in ("yes", "facility", "leader", "1", FM_TWO, "whole", "3"):
            iv.answer(answer)
        assert iv.prompt().key == "project.1.area"
        step = iv.answer(typed)
        assert step.recorded == ("project.1.area", number)


@pytest.mark.parametrize("typed", BAD_NUMBERS)
def test_malformed_numbers_are_refused_and_change_nothing(typed: str) -> None:
    with Interview(CTX) as iv:
        for answer in ("yes", "facility", "leader", "1", FM_TWO, "whole"):
            iv.answer(answer)
        assert_refused(iv, lambda: iv.answer(typed), f"answer({typed!r})")


def test_non_ascii_digits_are_refused() -> None:
    """Digits of other scripts are refused: ``int`` would convert them silently, and NFKC (which reads
    Japanese full-width digits) leaves them as they are."""
    accepted = []
    for key in ("rooms", "area", "sites"):
        with Interview(CTX) as iv:
            for answer in ("yes", "facility", "leader", "1", FM_TWO, "whole", "3", "2000", "0"):
                if iv.prompt().key == f"project.1.{key}":
                    break
                iv.answer(answer)
            assert iv.prompt().key == f"project.1.{key}"
            for value in NON_ASCII_DIGITS:
                before = snap(iv)
                step = iv.answer(value)
                if step.changed:
                    accepted.append((key, value, step.recorded))
                    iv.back()
                else:
                    assert step.prompt.error and snap(iv) == before
    assert accepted == []


def test_consent_is_not_given_or_refused_by_a_number() -> None:
    """Consent accepts "yes"/True and "no"/False; ``1 == True`` must not count as consent."""
    accepted = []
    for value in NUMERIC_CONSENT:
        with Interview(CTX) as iv:
            step = iv.answer(value)
            if step.changed:
                accepted.append((value, step.recorded))
            else:
                assert step.prompt.key == "consent" and step.prompt.error
    assert accepted == []


def test_valid_integer_spellings_are_accepted() -> None:
    """The documented leniency: surrounding spaces, a leading plus and thousands separators."""
    with Interview(CTX) as iv:
        for answer in ("yes", "facility", "leader", "1", FM_TWO, "whole", "3"):
            iv.answer(answer)
        assert iv.prompt().key == "project.1.area"
        for text, number in ((" 2,500 ", 2500), ("+2000", 2000), ("1_000_000", 1_000_000), (0, 0)):
            step = iv.answer(text)
            assert step.changed and step.recorded == ("project.1.area", number)
            iv.back()


def test_nothing_is_accepted_after_the_result_except_restart_and_review() -> None:
    with run_interview(BY_FIELD["facility"][3]) as iv:
        before = snap(iv)
        for value in BAD_RESULT:
            assert_refused(iv, lambda value=value: iv.answer(value), f"answer({value!r})")
        assert snap(iv) == before
