"""A profile cut into claims a lead can confirm or question, and the level of what stays confirmed.

By hand on the README's level-4 example, then properties over generated profiles: withdrawing never
raises a level, withdrawing nothing changes nothing, every key names its claim and withdraws exactly
it, and a questioned role leaves no level at all.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import SETTINGS, STD, any_profile_json

from criteria import (
    Claim,
    ClaimError,
    claims_of,
    confirmed_level,
    evaluate,
    find_claim,
    load_standard_file,
    parse_profile,
    withdraw,
)
from criteria.claims import KINDS, ROLE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE: dict[str, Any] = json.loads((ROOT / "examples" / "profile-hardware-l4.json").read_text())
TOY = load_standard_file(ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json")

Json = dict[str, Any]


def level(raw: Json, std=STD) -> int:
    return evaluate(parse_profile(raw, std), std).level


# --- by hand ---------------------------------------------------------------------------------------


def test_the_readme_example_claims_its_role_projects_and_every_ticked_item() -> None:
    keys = [c.key for c in claims_of(EXAMPLE, STD)]
    assert keys == [
        "role",
        "project:1",
        "project:2",
        "involvement",
        "common_complexity:common.cx.single_platform",
        "theme:hw.l4.theme.satisfaction",
        "theme:hw.l3.theme.inquiries",
        "theme:common.theme.hardware",
        "accomplishment:hw.acc.instructor",
        "mentoring",
    ]
    project = find_claim(EXAMPLE, "project:1", STD)
    assert project == Claim(
        "project:1",
        "project",
        ("hw.cx.multi_vendor", "hw.cx.nonstop", "hw.size.specific_industries"),
        number=1,
        level=4,
    )
    assert find_claim(EXAMPLE, "role", STD).value == "responsible"
    assert find_claim(EXAMPLE, "project:2", STD).level == 3


def test_saying_no_claims_nothing() -> None:
    quiet = {**EXAMPLE, "involvement": "none", "mentoring": False, "accomplishments": []}
    kinds = {c.kind for c in claims_of(quiet, STD)}
    assert "involvement" not in kinds and "mentoring" not in kinds and "accomplishment" not in kinds


@pytest.mark.parametrize(
    ("questioned", "expected"),
    [
        ([], 4),
        (["theme:hw.l4.theme.satisfaction"], 3),  # the only level-4 theme
        (["project:1"], 3),  # the only project at level 4 or equivalent
        (["mentoring"], 3),  # level 4 asks for developing subordinates
        (["theme:common.theme.hardware"], 4),  # a basic theme bears on levels 1-2 only
        (["involvement", "common_complexity:common.cx.single_platform"], 4),
        (["role"], 0),
    ],
)
def test_the_confirmed_level_of_the_readme_example(questioned: list[str], expected: int) -> None:
    assert level(EXAMPLE) == 4
    assert confirmed_level(EXAMPLE, questioned, STD) == expected
    if ROLE not in questioned:
        assert level(withdraw(EXAMPLE, questioned, STD)) == expected


#: The README example as the interview stores it: once level 4 is met nothing lower is asked, so
#: neither the level-3 themes nor the level 1-2 questions (involvement, systems, basic themes).
ASKED_DOWN_TO_4: Json = {
    **EXAMPLE,
    "involvement": "none",
    "common_complexity": [],
    "themes": ["hw.l4.theme.satisfaction"],
}


@pytest.mark.parametrize(
    ("questioned", "expected"),
    [
        ([], 4),
        (["theme:hw.l4.theme.satisfaction"], 3),  # level 3 stands: its own themes were never asked
        (["project:1"], 3),
        (["project:1", "project:2"], 2),  # nothing of level 3 is left; levels 1-2 were never asked
        (["role"], 0),
    ],
)
def test_levels_below_the_self_assessed_one_are_not_judged_by_questions_never_asked(
    questioned: list[str], expected: int
) -> None:
    assert level(ASKED_DOWN_TO_4) == 4
    assert confirmed_level(ASKED_DOWN_TO_4, questioned, STD) == expected
    # R1 alone would confirm nothing: the unasked level-3 themes would count against the person.
    assert level(withdraw(ASKED_DOWN_TO_4, ["theme:hw.l4.theme.satisfaction"], STD)) == 0


def test_a_lower_level_falls_when_a_questioned_claim_took_its_own_criterion_away() -> None:
    beginner = {
        "field": "hardware",
        "role": "participant",
        "involvement": "carried_out",
        "common_complexity": ["common.cx.small_impact"],
        "themes": ["common.theme.operation"],
    }
    assert level(beginner) == 2
    assert confirmed_level(beginner, ["involvement"], STD) == 0  # levels 1-2 both ask for it
    assert confirmed_level(beginner, ["theme:common.theme.operation"], STD) == 0


def test_a_questioned_project_leaves_the_others_in_their_order() -> None:
    left = withdraw(EXAMPLE, ["project:1"], STD)
    assert left["experiences"] == [EXAMPLE["experiences"][1]]
    assert left["themes"] == [c.item_ids[0] for c in claims_of(EXAMPLE, STD) if c.kind == "theme"]


def test_a_questioned_role_leaves_nothing_confirmed() -> None:
    left = withdraw(EXAMPLE, ["role"], STD)
    assert [c.key for c in claims_of(left, STD)] == ["role"]
    assert left["role"] == STD.role_ids[0]
    assert confirmed_level(EXAMPLE, ["role", "mentoring"], STD) == 0


def test_unknown_keys_and_claims_of_another_profile_are_refused() -> None:
    for key in ("project:3", "project:0", "theme:hw.l5.theme.planning", "mentor", "", "theme:"):
        with pytest.raises(ClaimError):
            withdraw(EXAMPLE, [key], STD)
        with pytest.raises(ClaimError):
            find_claim(EXAMPLE, key, STD)
    with pytest.raises(ClaimError):
        confirmed_level({**EXAMPLE, "mentoring": False}, ["mentoring"], STD)
    with pytest.raises(TypeError):
        withdraw(EXAMPLE, "role", STD)  # one key passed bare, not as a list


def test_another_standard_is_cut_the_same_way() -> None:
    toy = {
        "field": "desk",
        "role": "lead",
        "experiences": [
            {"complexity": ["desk.cx.multi_language", "desk.cx.vip"], "size": "desk.size.company"},
            {"complexity": ["desk.cx.vip"], "size": "desk.size.one_team"},
        ],
        "involvement": "shadowed",
        "common_complexity": ["common.cx.single_app"],
        "themes": ["common.theme.ticketing", "common.theme.politeness"],
    }
    claims = claims_of(toy, TOY)
    assert [c.kind for c in claims] == [
        "role",
        "project",
        "project",
        "involvement",
        "common_complexity",
        "theme",
        "theme",
    ]
    assert [c.level for c in claims if c.kind == "project"] == [3, 2]
    assert confirmed_level(toy, [], TOY) == level(toy, TOY) == 1
    assert confirmed_level(toy, ["theme:common.theme.politeness"], TOY) == 0  # level 1 asks two basic themes
    assert withdraw(toy, ["involvement"], TOY)["involvement"] == TOY.involvement_ids[0]


# --- properties ------------------------------------------------------------------------------------


def keys_subset(data: st.DataObject, raw: Json) -> list[str]:
    keys = [c.key for c in claims_of(raw, STD)]
    return data.draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))


def content(claim: Claim) -> tuple[object, ...]:
    """A claim without its key and number, which a withdrawn earlier project shifts."""
    return (claim.kind, claim.item_ids, claim.value, claim.level)


@given(any_profile_json(), st.data())
@SETTINGS
def test_withdrawing_never_raises_the_level(raw: Json, data: st.DataObject) -> None:
    some = keys_subset(data, raw)
    more = some + [k for k in keys_subset(data, raw) if k not in some]
    assert confirmed_level(raw, some, STD) <= level(raw)
    assert confirmed_level(raw, more, STD) <= confirmed_level(raw, some, STD)


@given(any_profile_json(), st.data())
@SETTINGS
def test_the_confirmed_level_lies_between_r1_of_what_stays_and_the_self_assessed_level(
    raw: Json, data: st.DataObject
) -> None:
    questioned = [k for k in keys_subset(data, raw) if k != ROLE]
    confirmed = confirmed_level(raw, questioned, STD)
    assert level(withdraw(raw, questioned, STD)) <= confirmed <= level(raw)


@given(any_profile_json())
@SETTINGS
def test_withdrawing_nothing_changes_nothing(raw: Json) -> None:
    before = copy.deepcopy(raw)
    assert parse_profile(withdraw(raw, [], STD), STD) == parse_profile(raw, STD)
    assert confirmed_level(raw, [], STD) == level(raw)
    assert raw == before  # the caller's profile is never edited


@given(any_profile_json())
@SETTINGS
def test_every_claim_key_round_trips(raw: Json) -> None:
    claims = claims_of(raw, STD)
    keys = [c.key for c in claims]
    assert len(keys) == len(set(keys))
    assert keys[0] == ROLE
    order = [KINDS.index(c.kind) for c in claims]
    assert order == sorted(order)  # listed in interview order, kind by kind
    for claim in claims:
        assert find_claim(raw, claim.key, STD) == claim
        assert len(claim.key) <= 120  # fits ``claim_reviews.claim``
    # Stored as JSON and read back (as a result row is), the profile has the very same claims.
    assert claims_of(json.loads(json.dumps(raw)), STD) == claims


@given(any_profile_json(), st.data())
@SETTINGS
def test_withdrawing_takes_out_exactly_the_named_claims(raw: Json, data: st.DataObject) -> None:
    gone = [k for k in keys_subset(data, raw) if k != ROLE]
    before = claims_of(raw, STD)
    after = claims_of(withdraw(raw, gone, STD), STD)
    assert [content(c) for c in after] == [content(c) for c in before if c.key not in gone]


@given(any_profile_json(), st.data())
@SETTINGS
def test_a_questioned_role_confirms_no_level(raw: Json, data: st.DataObject) -> None:
    others = keys_subset(data, raw)
    assert confirmed_level(raw, [ROLE, *others], STD) == 0
    assert [c.key for c in claims_of(withdraw(raw, [ROLE, *others], STD), STD)] == [ROLE]
