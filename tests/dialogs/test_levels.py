"""Complete interviews, one per field and level (HW/SW 0–5, FM 0–6), from hand-made FULL truths.

Fewer questions are asked than the truth could answer; the level and the whole next-level gap must
still be those of the truth, and the result must say so.
"""

from __future__ import annotations

import pytest
from driver import (
    UnexpectedPrompt,
    answer_current,
    answer_until,
    assert_same_outcome,
    evaluate_truth,
    run_interview,
    truth_answer,
)
from truths import ALL_LEVELS, BY_FIELD, SPECIAL

from criteria import evaluate, load_standard, parse_profile
from dialogs import Context, Interview

CTX = Context.default()

STD = load_standard()
TOP = {"hardware": 5, "software": 5, "facility": 6}
NAME = {"hardware": "Hardware", "software": "Software", "facility": "Facility management"}


def test_every_field_and_level_is_covered() -> None:
    got = {(field, level) for field, level, _ in ALL_LEVELS}
    want = {(f, lv) for f, top in TOP.items() for lv in range(top + 1)}
    assert got == want
    assert {f: STD.fields[f].top for f in TOP} == TOP


@pytest.mark.parametrize("toggles", [None, True, False], ids=["mixed", "toggles", "lists"])
@pytest.mark.parametrize(
    ("field", "level", "truth"), ALL_LEVELS, ids=[f"{f}-{lv}" for f, lv, _ in ALL_LEVELS]
)
def test_complete_interview_reaches_the_truths_level(field: str, level: int, truth: dict, toggles) -> None:
    assert evaluate_truth(truth).level == level  # the hand-worked level
    with run_interview(truth, toggles=toggles) as iv:
        assert iv.status == "finished" and iv.finished
        assert_same_outcome(iv, truth, level)
        ev = iv.evaluation()
        assert ev is not None and ev.field == field
        # the exported profile is a valid criteria profile with the same verdict
        exported = iv.profile()
        assert exported is not None
        assert evaluate(parse_profile(exported)).to_json() == ev.to_json()


@pytest.mark.parametrize(
    ("field", "level", "truth"), ALL_LEVELS, ids=[f"{f}-{lv}" for f, lv, _ in ALL_LEVELS]
)
def test_result_prompt_names_the_level_and_the_plan(field: str, level: int, truth: dict) -> None:
    with run_interview(truth) as iv:
        prompt = iv.prompt()
        assert prompt.key == "result"
        assert [o.id for o in prompt.options] == ["restart", "review"]
        assert prompt.can_go_back
        text = prompt.text
        if level:
            assert text.startswith(f"{NAME[field]}, level {level} — ")
        else:
            assert text.startswith(f"{NAME[field]} — level 1 not reached yet")
        view = iv.result()
        assert view is not None and view.level == level and view.field == field
        if level < TOP[field]:
            assert f"To reach level {level + 1} you still need:" in text
            assert view.next_level == level + 1
            nxt = evaluate_truth(truth).next
            assert nxt is not None
            # Only what is missing; a missing peak project the missing count covers is said once.
            said = {c.key for c in view.missing}
            missing = {c.key for c in nxt.missing}
            assert said <= missing and missing - said <= {"peak_project"}
            assert not any(c.met for c in view.missing)
            assert view.missing, "the next level cannot be met already"
        else:
            assert "To reach" not in text
            assert "top level" in text
            assert view.next_level is None and view.gaps == ()


def _projects(n: int, parts: tuple[str, ...]) -> list[str]:
    return [f"project.{n}.{p}" for p in parts]


HW = ("complexity", "size")
PART = ("complexity", "scope")
WHOLE = ("complexity", "scope", "rooms", "area", "sites")
WEAK = ("complexity",)  # fewer items than any level asks for
START = ["field", "role", "project_count"]
COMMON = ["involvement", "common_complexity", "common_themes"]
SOCIETY4 = ["accomplishments", "mentoring"]

#: What each hand-made person is asked, in order (the plan: only what can change the outcome or gap).
EXPECTED_QUESTIONS: dict[str, list[str]] = {
    **{f"{f}-0": [*START, *COMMON] for f in ("hardware", "software", "facility")},
    # one complexity item: the project cannot count, so its size is not asked
    "hardware-1": [*START, *_projects(1, WEAK), *COMMON],
    "hardware-2": [*START, *_projects(1, WEAK), *COMMON, "themes.3"],
    "hardware-3": [*START, *_projects(1, HW), "themes.3", "themes.4", *SOCIETY4],
    "hardware-4": [*START, *_projects(1, HW), *_projects(2, HW), "themes.4", *SOCIETY4, "themes.5"],
    "hardware-5": [*START, *_projects(1, HW), *_projects(2, HW), *_projects(3, HW), "themes.5", *SOCIETY4],
    "facility-1": [*START, *_projects(1, WEAK), *COMMON],  # neither scope nor numbers
    "facility-2": [*START, *_projects(1, WEAK), *COMMON, "themes.3"],
    "facility-3": [*START, *_projects(1, PART), "themes.3", "themes.4", *SOCIETY4],
    "facility-4": [*START, *_projects(1, WHOLE), *_projects(2, PART), "themes.4", *SOCIETY4, "themes.5"],
    "facility-5": [
        *START,
        *_projects(1, WHOLE),
        *_projects(2, WHOLE),
        *_projects(3, PART),
        "themes.5",
        *SOCIETY4,
        "themes.6",
    ],
    "facility-6": [
        *START,
        *_projects(1, WHOLE),
        *_projects(2, WHOLE),
        *_projects(3, WHOLE),
        "themes.6",
        *SOCIETY4,
    ],
    "hw_step_down_5_to_4": [
        *START,
        *_projects(1, HW),
        *_projects(2, HW),
        *_projects(3, HW),
        "themes.5",
        *SOCIETY4,
        "themes.4",
    ],
    "sw_step_down_5_to_3": [
        *START,
        *_projects(1, HW),
        *_projects(2, HW),
        *_projects(3, HW),
        "themes.5",
        *SOCIETY4,
        "themes.4",
        "themes.3",
    ],
    "fm_leader_without_themes": [
        *START,
        *_projects(1, WHOLE),
        *_projects(2, WHOLE),
        *_projects(3, WHOLE),
        "themes.6",
        *SOCIETY4,
        "themes.5",
        "themes.4",
        "themes.3",
        *COMMON,
    ],
    "hw_five_projects": [
        *START,
        *_projects(1, HW),
        *_projects(2, HW),
        *_projects(3, HW),
        "themes.5",
        *SOCIETY4,
    ],
}
for _lv in range(1, 6):
    EXPECTED_QUESTIONS[f"software-{_lv}"] = EXPECTED_QUESTIONS[f"hardware-{_lv}"]

CASES = {f"{f}-{lv}": (lv, truth) for f, lv, truth in ALL_LEVELS} | SPECIAL


@pytest.mark.parametrize("name", sorted(EXPECTED_QUESTIONS))
def test_only_the_needed_questions_are_asked(name: str) -> None:
    level, truth = CASES[name]
    with run_interview(truth) as iv:
        assert [k for k in iv.history if k != "review"] == EXPECTED_QUESTIONS[name]
        assert iv.plan().complete
        assert list(iv.plan().keys) == EXPECTED_QUESTIONS[name]
        assert_same_outcome(iv, truth, level)


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_cases_reach_the_truths_level(name: str) -> None:
    level, truth = SPECIAL[name]
    for toggles in (True, False):
        with run_interview(truth, toggles=toggles) as iv:
            assert_same_outcome(iv, truth, level)


def test_more_than_three_projects_are_described_by_the_three_strongest() -> None:
    _, truth = SPECIAL["hw_five_projects"]
    with run_interview(truth) as iv:
        assert iv.answers["project_count"] == 3
        exported = iv.profile()
        assert exported is not None
        assert exported["experiences"] == [
            {"complexity": sorted(e["complexity"], key=list(STD.items).index), "size": e["size"]}
            for e in BY_FIELD["hardware"][5]["experiences"]
        ]


def test_leader_without_mentoring_is_asked_the_next_levels_themes_and_stops_at_level_3() -> None:
    """Mentoring fails levels 4–6 at once; level 4's themes are still needed for the level-4 gap."""
    level, truth = SPECIAL["fm_no_mentoring"]
    with run_interview(truth) as iv:
        asked = [k for k in iv.history if k != "review"]
        # Level 3 decides the level, then level 4's themes complete the gap; level 5 is never asked.
        assert asked[-2:] == ["themes.3", "themes.4"]
        assert "themes.5" not in asked
        assert not set(asked) & {"involvement", "common_complexity", "common_themes"}
        assert_same_outcome(iv, truth, level)


def test_the_driver_fails_loudly() -> None:
    truth = BY_FIELD["hardware"][4]
    with pytest.raises(UnexpectedPrompt, match="unexpected prompt"):
        truth_answer("project.4.size", truth)
    with pytest.raises(UnexpectedPrompt, match="unexpected prompt"):
        truth_answer("bogus", truth)
    with pytest.raises(UnexpectedPrompt, match="describes only"):
        truth_answer("project.3.size", truth)
    with Interview(CTX) as iv:
        iv.answer("yes")
        iv.answer("facility")  # not the truth's field: its complexity ids are not offered
        with pytest.raises(UnexpectedPrompt, match="not offered"):
            answer_until(iv, truth, lambda prompt: prompt.key == "review")
    with run_interview(truth) as iv, pytest.raises(UnexpectedPrompt):
        answer_current(iv, truth)  # at the result


def test_answering_the_gap_themes_does_not_reorder_the_plan_or_ask_twice() -> None:
    """Regression: answering themes.4 (asked only for the gap) once moved it before themes.3 in the
    plan, so "next" walked back to the answered themes.3 and asked it a second time."""
    projects = [
        ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.many_sites"],
        "whole",
        "5",
        "6000",
        "0",
    ] * 3
    with Interview(CTX) as iv:
        for value in ["yes", "facility", "leader", "3", *projects, [], [], "no", ["fm.l3.theme.basics"], []]:
            step = iv.answer(value)
            assert step.changed and not step.prompt.error, (value, step.prompt.key)
        assert iv.state == "review"
        asked = [k for k in iv.history if k != "review"]
        assert len(asked) == len(set(asked))
        assert asked == list(iv.plan().keys)
        assert asked[-5:] == ["themes.6", "accomplishments", "mentoring", "themes.3", "themes.4"]


def test_a_met_role_is_stated_without_a_need_and_a_missing_one_with_it() -> None:
    truth = BY_FIELD["hardware"][4]
    with run_interview(truth) as iv:
        view = iv.result()
        assert view is not None
        achieved = next(lv for lv in view.levels if lv.level == 4)
        role_met = next(c for c in achieved.criteria if c.key == "role")
        assert role_met.met and "yours" not in role_met.text
        role_missing = next(c for c in view.missing if c.key == "role")
        assert not role_missing.met and "(yours: " in role_missing.text
