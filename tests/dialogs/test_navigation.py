"""Back, edit from the review, and restart: what is shown, what is kept, and what is asked again."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from driver import (
    Style,
    answer_current,
    answer_to_review,
    answer_until,
    assert_same_outcome,
    at,
    confirm,
    run_interview,
    truth_answer,
)
from truths import BY_FIELD

from dialogs import Context, Interview, Kind

CTX = Context.default()

Json = dict[str, Any]
HW5 = BY_FIELD["hardware"][5]
HW4 = BY_FIELD["hardware"][4]
FM4 = BY_FIELD["facility"][4]
FM6 = BY_FIELD["facility"][6]


def snap(iv: Interview) -> Json:
    return json.loads(json.dumps(iv.snapshot()))


def truth_with(base: Json, **changes: Any) -> Json:
    out = copy.deepcopy(base)
    out.update(copy.deepcopy(changes))
    return out


@contextmanager
def at_review(truth: Json) -> Iterator[Interview]:
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        yield iv


def assert_pre_selected(iv: Interview, key: str) -> None:
    """The prompt of ``key`` shows its stored answer as value and as the selection."""
    prompt = iv.prompt()
    stored = iv.answers[key]
    assert prompt.key == key
    assert prompt.value == stored
    if prompt.kind is Kind.MULTI:
        assert set(prompt.selected) == set(stored)
    elif prompt.kind is Kind.YESNO:
        assert prompt.selected == ("yes" if stored else "no",)
    elif prompt.kind is Kind.SINGLE:
        assert prompt.selected == (str(stored),)
    else:
        assert prompt.kind is Kind.INTEGER and prompt.selected == ()


# --- back ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("truth", [HW5, FM6, BY_FIELD["software"][2]], ids=["hw5", "fm6", "sw2"])
def test_back_after_every_answer_shows_that_question_with_its_answer(truth: Json) -> None:
    """Answer, back (the same question, answer pre-selected), answer again: the walk is unchanged."""
    with run_interview(truth) as reference:
        expected = [k for k in reference.history if k != "review"]
    with Interview(CTX) as iv:
        iv.answer("yes")
        style = Style()
        walked: list[str] = []
        while iv.prompt().key != "review":
            key = iv.prompt().key
            answer_current(iv, truth, style)
            after = iv.prompt()
            step = iv.back()
            assert step.changed and step.event == "back" and step.prompt.error is None
            assert_pre_selected(iv, key)
            assert step.prompt.can_go_back == (key != "field")
            answer_current(iv, truth, style)
            assert iv.prompt() == after
            walked.append(key)
        assert walked == expected
        confirm(iv)
        assert_same_outcome(iv, truth)


def test_back_at_the_first_question_is_refused_and_changes_nothing() -> None:
    with Interview(CTX) as iv:
        before = snap(iv)
        step = iv.back()  # at consent
        assert step.prompt.key == "consent" and step.prompt.error and not step.changed
        assert snap(iv) == before
        iv.answer("yes")
        before, shown = snap(iv), iv.prompt()
        assert shown.key == "field" and not shown.can_go_back
        step = iv.back()
        assert step.prompt.key == "field" and step.prompt.error and not step.changed
        assert step.recorded is None and step.event is None
        assert snap(iv) == before
        assert iv.prompt() == shown


def test_back_from_the_review_shows_the_last_question_and_forward_returns_to_the_review() -> None:
    with at_review(FM4) as iv:
        review = iv.prompt()
        assert review.can_go_back
        last = iv.plan().keys[-1]
        step = iv.back()
        assert step.changed and step.prompt.key == last
        assert_pre_selected(iv, last)
        answer_current(iv, FM4)
        assert iv.prompt() == review


def test_back_from_the_result_shows_the_review_unchanged() -> None:
    with at_review(HW4) as iv:
        review = iv.prompt()
        answers = copy.deepcopy(iv.answers)
        confirm(iv)
        step = iv.back()
        assert step.changed and step.event == "back" and step.prompt == review
        assert iv.answers == answers and iv.status == "review"
        confirm(iv)
        step = iv.answer("review")  # the result's own "back to my answers"
        assert step.changed and step.prompt == review
        confirm(iv)
        assert_same_outcome(iv, HW4, 4)


def test_back_restores_a_draft_free_prompt() -> None:
    """Ticks not confirmed with Done are a draft of that prompt only; back leaves them behind."""
    with Interview(CTX) as iv:
        answer_until(iv, HW5, at("project.1.size"))
        iv.back()
        stored = list(iv.answers["project.1.complexity"])
        extra = next(o.id for o in iv.prompt().options if o.id not in stored)
        iv.toggle(extra)
        assert extra in iv.prompt().selected
        iv.back()  # to project_count
        iv.answer("3")
        assert_pre_selected(iv, "project.1.complexity")
        assert extra not in iv.prompt().selected


# --- edit from the review ----------------------------------------------------------------------------


def edit_and_answer(iv: Interview, key: str, value: Any, truth: Json) -> list[str]:
    """Edit ``key`` from the review, answer ``value``, then answer what is asked from ``truth``.

    Returns the keys asked after the edited one, before the review came back.
    """
    step = iv.answer(f"edit:{key}")
    assert step.changed and step.event == "edit" and step.prompt.key == key
    assert step.prompt.can_go_back
    assert_pre_selected(iv, key)
    assert iv.status == "asking"
    before = copy.deepcopy(iv.answers)
    step = iv.answer(value)
    if step.prompt.key == "field_change":  # another field clears answers: only after a yes
        assert step.changed and step.recorded is None and step.event == "field_change"
        assert iv.answers == before
        step = iv.answer("yes")
    assert step.changed and step.recorded is not None and step.recorded[0] == key, step
    return answer_to_review(iv, truth)


def kept(before: Json, after: Json, changed: set[str]) -> None:
    """Every earlier answer not in ``changed`` is still there, unchanged."""
    for k, v in before.items():
        if k not in changed:
            assert after.get(k) == v, k


def test_edit_role_down_asks_only_the_lower_levels_themes() -> None:
    truth = truth_with(HW5, role="responsible", themes=[*HW5["themes"], "hw.l4.theme.revenue"])
    with at_review(HW5) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "role", "responsible", truth)
        assert asked == ["themes.4"]
        assert iv.prompt().key == "review"
        kept(before, iv.answers, {"role"})
        assert iv.answers["role"] == "responsible"
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


def test_edit_role_up_asks_only_the_higher_levels_themes() -> None:
    low = truth_with(
        HW5, role="member", themes=["hw.l3.theme.basics", "hw.l4.theme.revenue", "hw.l5.theme.user_planning"]
    )
    with at_review(low) as iv:
        assert iv.evaluation().level == 3
        assert "themes.5" not in iv.plan().keys
        before = copy.deepcopy(iv.answers)
        high = truth_with(low, role="leader")
        asked = edit_and_answer(iv, "role", "leader", high)
        assert asked == ["themes.5"]
        kept(before, iv.answers, {"role"})
        confirm(iv)
        assert_same_outcome(iv, high, 5)


def test_edit_a_project_size_down_asks_only_what_the_lower_level_needs() -> None:
    truth = truth_with(HW5, themes=[*HW5["themes"], "hw.l4.theme.user_planning"])
    truth["experiences"][0]["size"] = "hw.size.team_member"
    with at_review(HW5) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "project.1.size", "hw.size.team_member", truth)
        assert asked == ["themes.4"]
        kept(before, iv.answers, {"project.1.size"})
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


def test_edit_a_project_size_that_changes_nothing_needed_returns_to_the_review_at_once() -> None:
    truth = copy.deepcopy(HW4)
    truth["experiences"][1]["size"] = "hw.size.specific_industries"
    with at_review(HW4) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "project.2.size", "hw.size.specific_industries", truth)
        assert asked == []
        kept(before, iv.answers, {"project.2.size"})
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


@pytest.mark.parametrize(("key", "truth"), [("role", HW5), ("project.1.complexity", FM4), ("mentoring", FM6)])
def test_edit_with_the_same_answer_changes_nothing_but_the_history(key: str, truth: Json) -> None:
    with at_review(truth) as iv:
        review, before = iv.prompt(), copy.deepcopy(iv.answers)
        edit_and_answer(iv, key, truth_answer(key, truth), truth)
        assert iv.answers == before
        assert iv.prompt() == review


@pytest.mark.parametrize(
    ("old", "new"),
    [("hardware", "software"), ("software", "facility"), ("facility", "hardware")],
)
def test_edit_field_drops_and_re_asks_the_field_specific_answers(old: str, new: str) -> None:
    level = 4
    source, target = BY_FIELD[old][level], BY_FIELD[new][level]
    # the same person in the new field: same role and number of projects; mentoring is not field-specific
    assert source["role"] == target["role"] and len(source["experiences"]) == len(target["experiences"])
    with at_review(source) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "field", new, target)
        prefix = {"hardware": "hw.", "software": "sw.", "facility": "fm."}[old]
        field_specific = [k for k in before if k.startswith(("project.", "themes.", "accomplishments"))]
        # every field-specific question of the new field is asked again, and nothing else
        assert set(asked) == {
            k for k in iv.plan().keys if k.startswith(("project.", "themes.", "accomplishments"))
        }
        assert "role" not in asked and "project_count" not in asked and "mentoring" not in asked
        for k in ("role", "project_count", "mentoring"):
            assert iv.answers[k] == before[k]
        assert field_specific
        # no id of the old field is left in any answer
        assert not [k for k, v in iv.answers.items() if prefix in json.dumps(v)]
        confirm(iv)
        assert_same_outcome(iv, target, level)


def test_edit_project_count_lower_asks_only_what_the_fewer_projects_need() -> None:
    truth = truth_with(HW5, experiences=HW5["experiences"][:1], themes=["hw.l3.theme.basics"])
    with at_review(HW5) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "project_count", "1", truth)
        # one level-5 project: level 3 is reachable (themes.3), levels 4 and 5 are not; level 4 is the gap
        assert asked == ["themes.3", "themes.4"]
        kept(before, iv.answers, {"project_count"})
        assert "project.2.size" not in iv.plan().keys
        confirm(iv)
        assert_same_outcome(iv, truth, 3)


def test_edit_project_count_higher_asks_only_the_new_project() -> None:
    third = {"complexity": ["hw.cx.multi_platform", "hw.cx.leading_edge"], "size": "hw.size.wide_area"}
    truth = truth_with(HW4, experiences=[*HW4["experiences"], third])
    with at_review(HW4) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "project_count", 3, truth)
        assert asked == ["project.3.complexity", "project.3.size"]
        kept(before, iv.answers, {"project_count"})
        confirm(iv)
        assert_same_outcome(iv, truth)


def test_edit_facility_scope_to_whole_asks_only_rooms_area_and_sites() -> None:
    truth = copy.deepcopy(FM4)
    truth["experiences"][1].update(scope="whole", rooms=2, area_m2=900, sites=4)
    with at_review(FM4) as iv:
        before = copy.deepcopy(iv.answers)
        asked = edit_and_answer(iv, "project.2.scope", "whole", truth)
        assert asked == ["project.2.rooms", "project.2.area", "project.2.sites"]
        kept(before, iv.answers, {"project.2.scope"})
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


def test_back_from_an_edited_question_returns_to_the_review_unchanged() -> None:
    with at_review(FM6) as iv:
        review, before = iv.prompt(), snap(iv)
        iv.edit("project.2.area")
        step = iv.back()
        assert step.changed and step.prompt == review
        assert iv.answers == before["answers"] and not iv.editing


@pytest.mark.parametrize(
    "key", ["themes.3", "themes.4", "involvement", "review", "consent", "result", "bogus", ""]
)
def test_editing_a_key_that_is_not_in_the_review_is_refused(key: str) -> None:
    with at_review(HW5) as iv:
        before, review = snap(iv), iv.prompt()
        for step in (iv.edit(key), iv.answer(f"edit:{key}")):
            assert not step.changed and step.prompt.key == "review" and step.prompt.error
            assert snap(iv) == before
            assert step.prompt.options == review.options


def test_edit_is_only_possible_from_the_review() -> None:
    with Interview(CTX) as iv:
        answer_until(iv, HW5, at("project.1.size"))
        before = snap(iv)
        step = iv.edit("role")
        assert not step.changed and step.prompt.key == "project.1.size" and step.prompt.error
        assert snap(iv) == before
        with run_interview(HW5) as done:
            before = snap(done)
            step = done.edit("role")
            assert not step.changed and step.prompt.key == "result" and step.prompt.error
            assert snap(done) == before


def test_every_review_line_can_be_edited() -> None:
    with at_review(FM6) as iv:
        review = iv.prompt()
        keys = list(iv.plan().keys)
        assert [o.id for o in review.options] == ["confirm", *(f"edit:{k}" for k in keys)]
        assert len(review.details) == len(keys)
        for key in keys:
            before = snap(iv)
            step = iv.edit(key)
            assert step.changed and step.prompt.key == key
            assert_pre_selected(iv, key)
            iv.back()
            assert snap(iv)["answers"] == before["answers"]
            assert iv.prompt() == review


# --- back after an edit: only the questions of the current interview --------------------------------


def _walk_back(iv: Interview) -> list[str]:
    shown = []
    for _ in range(100):
        step = iv.back()
        if not step.changed:
            return shown
        shown.append(step.prompt.key)
        if step.prompt.key not in ("review",):
            assert step.prompt.key in iv.plan().keys, (
                f"back showed {step.prompt.key!r}, which is not a question of this interview "
                f"(plan: {iv.plan().keys}); progress {step.prompt.progress}"
            )
    raise AssertionError("back never reached the first question")


def test_back_after_lowering_the_project_count_never_shows_dropped_projects() -> None:
    truth = truth_with(HW5, experiences=HW5["experiences"][:1], themes=["hw.l3.theme.basics"])
    with at_review(HW5) as iv:
        edit_and_answer(iv, "project_count", "1", truth)
        _walk_back(iv)


def test_back_after_changing_the_field_never_shows_the_old_fields_questions() -> None:
    with at_review(HW4) as iv:
        edit_and_answer(iv, "field", "facility", FM4)
        _walk_back(iv)


def test_back_after_changing_the_field_from_facility_never_crashes() -> None:
    """FM has a level 6, HW does not: going back to the old "themes.6" must not break the session."""
    with at_review(FM6) as iv:
        edit_and_answer(iv, "field", "hardware", HW5)
        for _ in range(60):
            step = iv.back()  # raised KeyError: 6 from build_question once it reached "themes.6"
            iv.prompt()
            with Interview.restore(snap(iv), CTX) as restored:
                restored.prompt()
            if not step.changed:
                break


@pytest.mark.parametrize(
    ("truth", "key", "value"),
    [(HW4, "field", "software"), (HW4, "project_count", "3"), (FM4, "project.2.scope", "whole")],
    ids=["field", "project_count", "scope"],
)
def test_backing_out_of_an_edit_never_finishes_with_unanswered_questions(
    truth: Json, key: str, value: str
) -> None:
    """Edit, answer something that needs new questions, then back twice: the review came back with
    "—" lines and confirming it gave a "finished" interview with an empty result text."""
    with at_review(truth) as iv:
        iv.edit(key)
        step = iv.answer(value)
        assert step.prompt.key != "review"  # new questions are needed
        iv.back()  # to the edited question
        step = iv.back()  # to the review the edit started from
        if step.prompt.key == "review":
            assert iv.plan().complete, f"review shown with unanswered questions: {step.prompt.details}"
        step = iv.answer("confirm")
        if step.changed:
            assert step.prompt.key == "result"
            assert iv.plan().complete and iv.result() is not None and step.prompt.text


# --- restart ---------------------------------------------------------------------------------------


def assert_fresh(iv: Interview) -> None:
    prompt = iv.prompt()
    assert prompt.key == "field" and not prompt.can_go_back and prompt.selected == ()
    assert iv.answers == {} and iv.history == [] and iv.draft is None and not iv.editing
    assert iv.profile() is None and iv.evaluation() is None and iv.result() is None
    assert iv.status == "asking"


def test_restart_from_the_result_clears_the_answers_and_starts_at_field() -> None:
    with run_interview(FM6) as iv:
        step = iv.answer("restart")
        assert step.changed and step.event == "restart"
        assert_fresh(iv)
        assert iv.back().prompt.error  # nothing to go back to
        drive = answer_to_review(iv, HW4)
        assert drive[0] == "field"
        confirm(iv)
        assert_same_outcome(iv, HW4, 4)


@pytest.mark.parametrize("where", ["project.1.complexity", "themes.5", "review"])
def test_restart_from_anywhere_in_the_interview(where: str) -> None:
    with Interview(CTX) as iv:
        answer_until(iv, HW5, at(where))
        if iv.prompt().kind is Kind.MULTI:
            iv.toggle(iv.prompt().options[0].id)  # a draft is dropped too
        if where == "review":
            iv.edit("role")
        step = iv.restart()
        assert step.changed and step.event == "restart"
        assert_fresh(iv)


def test_restart_after_declining_returns_to_consent() -> None:
    with Interview(CTX) as iv:
        step = iv.answer("no")
        assert step.changed and step.event == "decline" and step.prompt.key == "declined"
        assert iv.status == "declined" and step.prompt.kind is Kind.INFO
        before = snap(iv)
        for bad in (iv.answer("yes"), iv.back(), iv.toggle("x"), iv.done(), iv.confirm(), iv.edit("field")):
            assert not bad.changed and bad.prompt.error and bad.prompt.key == "declined"
            assert snap(iv) == before
        step = iv.restart()
        assert step.changed and step.prompt.key == "consent" and iv.status == "consent"
        iv.answer("yes")
        assert iv.prompt().key == "field"


def test_restart_at_consent_is_harmless() -> None:
    """``restart()`` before consent must not raise (a front's /start may come first)."""
    with Interview(CTX) as iv:
        step = iv.restart()
        assert step.prompt.key in ("consent", "field")
        assert iv.answers == {} and iv.history == []
