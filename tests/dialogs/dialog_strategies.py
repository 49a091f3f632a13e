"""Hypothesis strategies for the dialogue tests: FULL truth profiles and valid answers to a prompt.

Our own copy (tests/criteria has its own): a truth describes the whole person, every list filled,
so it is biased towards the upper levels (enough complexity ticks, large sizes, leaders, themes of
every level) and towards the facility thresholds; numbers stay within the interview's bounds.
"""

from __future__ import annotations

import os
from typing import Any

from budget import examples
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from criteria import load_standard
from dialogs import Kind, Prompt

STD = load_standard()
FIELDS = STD.field_ids
ROLES = STD.role_ids
INVOLVEMENTS = STD.involvement_ids
Json = dict[str, Any]

#: deadline-free, no example database (nothing written outside tests/dialogs); a deeper run:
#: ``LEVELCHECK_DIALOG_EXAMPLES=5000 pytest tests/dialogs/test_dialog_properties.py``.
SETTINGS = settings(
    max_examples=int(os.environ.get("LEVELCHECK_DIALOG_EXAMPLES", examples(150))),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROOMS = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 1000]), st.integers(0, 12))
AREAS = st.one_of(st.sampled_from([0, 1999, 2000, 4999, 5000, 1_000_000]), st.integers(0, 10_000))
SITES = st.one_of(st.sampled_from([0, 9, 10, 99, 100, 299, 300, 100_000]), st.integers(0, 1_000))


def ids_of(field: str, kind: str, level: int | None = None) -> list[str]:
    return [
        i.id
        for i in STD.items.values()
        if i.field == field and i.kind == kind and (level is None or level in i.levels)
    ]


def some_of(ids: list[str], rich: bool = False, least: int = 0) -> st.SearchStrategy[list[str]]:
    """A duplicate-free selection in arbitrary order; ``rich`` leans towards many."""
    if not ids:
        return st.just([])
    counts = list(range(least, len(ids) + 1))
    count = st.sampled_from(counts[2:] * 3 + counts) if rich else st.sampled_from(counts)
    return st.tuples(count, st.permutations(ids)).map(lambda t: list(t[1][: t[0]]))


@st.composite
def experience(draw: st.DrawFn, field: str, strong: bool = False) -> Json:
    complexity = draw(some_of(ids_of(field, "complexity"), rich=True, least=2 if strong else 0))
    if field != "facility":
        ladder = STD.fields[field].size_ladder
        sizes = ladder[2:] if strong else [*ladder, *ladder[1:], ladder[-1]]
        return {"complexity": complexity, "size": draw(st.sampled_from(sizes))}
    if not strong and draw(st.integers(0, 3)) == 0:
        out: Json = {"complexity": complexity, "scope": "part"}
        for key, values in (("rooms", ROOMS), ("area_m2", AREAS), ("sites", SITES)):
            if draw(st.booleans()):
                out[key] = draw(values)  # irrelevant for a part, and never asked
        return out
    return {
        "complexity": complexity,
        "scope": "whole",
        "rooms": draw(ROOMS),
        "area_m2": draw(AREAS),
        "sites": draw(SITES),
    }


@st.composite
def truth_profile(draw: st.DrawFn, field: str | None = None) -> Json:
    """A FULL truth: every key present, as the person really is; a third are "strong" (near the top)."""
    field = field or draw(st.sampled_from(FIELDS))
    spec = STD.fields[field]
    strong = draw(st.integers(0, 2)) == 0
    themes: list[str] = []
    for level in sorted(spec.specialty_levels):
        if draw(st.integers(0, 3 if strong else 2)):
            themes += draw(some_of(ids_of(field, "theme", level), least=1 if strong else 0))
    themes += draw(some_of(ids_of("common", "theme")))
    order = draw(st.permutations(themes))
    return {
        "field": field,
        "role": draw(st.sampled_from(["leader"] if strong else [*ROLES, "responsible", "leader"])),
        "experiences": draw(st.lists(experience(field, strong), min_size=3 if strong else 0, max_size=5)),
        "involvement": draw(st.sampled_from(INVOLVEMENTS)),
        "common_complexity": draw(some_of(ids_of("common", "complexity"))),
        "themes": list(order),
        "accomplishments": draw(
            some_of(ids_of(field, "accomplishment"), rich=True, least=3 if strong else 0)
        ),
        "mentoring": draw(st.sampled_from([True] if strong else [True, True, False])),
    }


def integer_answer(prompt: Prompt) -> st.SearchStrategy[Any]:
    low, high = prompt.minimum or 0, prompt.maximum or 0
    number = st.one_of(
        st.sampled_from([low, high, 2, 3, 5, 10, 100, 300, 2000, 5000]), st.integers(low, high)
    )
    number = number.filter(lambda n: low <= n <= high)
    return st.one_of(number, number.map(str), number.map(lambda n: f" {n:,} "))


def valid_answer(prompt: Prompt) -> st.SearchStrategy[Any]:
    """Any answer the prompt must accept (review and result excluded)."""
    ids = [o.id for o in prompt.options]
    if prompt.key == "consent":
        return st.sampled_from(["yes", True])
    if prompt.kind is Kind.SINGLE:
        if prompt.key == "project_count":
            return st.sampled_from([*ids, *map(int, ids)])
        return st.sampled_from(ids)
    if prompt.kind is Kind.MULTI:
        return st.one_of(
            st.lists(st.sampled_from(ids), unique=True), st.lists(st.sampled_from(ids)).map(tuple)
        )
    if prompt.kind is Kind.INTEGER:
        if ids:  # a counted quantity: its bands, pressed or typed (full-width, with a wave dash)
            typed = [i.translate(str.maketrans("0123456789-+<", "０１２３４５６７８９〜＋＜")) for i in ids]
            return st.one_of(integer_answer(prompt), st.sampled_from([*ids, *typed]))
        return integer_answer(prompt)
    if prompt.kind is Kind.YESNO:
        return st.sampled_from([True, False, "yes", "no", "Y", " n "])
    raise AssertionError(f"no valid answer for {prompt.key} ({prompt.kind})")
