"""Properties of the interview over generated people and generated sessions (hypothesis).

(a) For any FULL truth, the interview (which asks only part of it) reaches the truth's level and
    the truth's whole next-level gap.
(b) Any session of valid answers, backs, edits, toggles, Done, restarts and resumes, finished by
    answering until the result, ends in the evaluation of the exported profile, and every position
    on the way restores from its JSON snapshot to the same prompt.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from dialog_strategies import SETTINGS, truth_profile, valid_answer
from driver import (
    UnexpectedPrompt,
    assert_same_outcome,
    described_experiences,
    gap,
    run_interview,
    truth_answer,
)
from hypothesis import event, given
from hypothesis import strategies as st

from criteria import evaluate, parse_profile
from dialogs import Context, Interview, Kind, Messages, Prompt, Step
from dialogs.plan import make_plan, plan_for, profile_json
from dialogs.questions import project_part
from dialogs.result import build_result

CTX = Context.default()
STD = CTX.standards.default

Json = dict[str, Any]
COMMON_KEYS = {"involvement", "common_complexity", "common_themes"}


# --- (a) the truth's level and gap ------------------------------------------------------------------


@SETTINGS
@given(truth=truth_profile(), toggles=st.sampled_from([None, True, False]))
def test_interview_gives_the_truths_level_and_gap(truth: Json, toggles: bool | None) -> None:
    with run_interview(truth, toggles=toggles) as iv:
        assert_same_outcome(iv, truth)
        ev = iv.evaluation()
        assert ev is not None
        asked = [k for k in iv.history if k != "review"]
        assert len(asked) == len(set(asked)), "a question was asked twice"
        assert asked == list(iv.plan().keys)
        assert iv.answers["project_count"] == len(described_experiences(truth))
        # the level 1-2 questions only when no level from 3 up is met
        assert bool(COMMON_KEYS & set(asked)) == (ev.level < 3)


# --- (b) random sessions ------------------------------------------------------------------------------


def roundtrip(iv: Interview) -> Interview:
    return Interview.restore(json.loads(json.dumps(iv.snapshot())), CTX)


def check_position(iv: Interview) -> None:
    """The prompt is sound, the remembered plan is the one a fresh walk gives, and the JSON snapshot
    restores to an equal prompt and snapshot."""
    prompt = iv.prompt()
    if iv.std is not None:
        assert plan_for(iv.answers, iv.std) == make_plan(copy.deepcopy(iv.answers), iv.std)
    ids = [o.id for o in prompt.options]
    assert len(ids) == len(set(ids)), (prompt.key, ids)
    if prompt.progress is not None:
        check_progress(iv, prompt)
    with roundtrip(iv) as restored:
        assert restored.prompt() == prompt
        assert restored.snapshot() == iv.snapshot()
        assert restored.status == iv.status


def check_progress(iv: Interview, prompt: Prompt) -> None:
    """The counts shown are facts: the question's place in the interview as it stands, and during a
    project which one of how many (the count the person gave)."""
    progress = prompt.progress
    assert progress is not None
    keys = iv.plan().keys
    if prompt.key in keys:
        assert progress.number == keys.index(prompt.key) + 1
    assert progress.number >= 1 and str(progress.number) in progress.text
    part = project_part(prompt.key)
    if part is not None and part[0] <= iv.answers["project_count"]:
        assert (progress.project, progress.projects) == (part[0], iv.answers["project_count"])
    else:
        assert (progress.project, progress.projects) == (None, None)


def check_step(step: Step, iv: Interview) -> None:
    assert step.prompt == iv.prompt() or step.prompt.error
    if not step.changed:
        assert step.prompt.error, step


def answer_for(iv: Interview, truth: Json, data: st.DataObject) -> Any:
    """Mostly the truth's answer (so that every level comes up), else any valid answer."""
    prompt = iv.prompt()
    if data.draw(st.integers(0, 1 if iv.editing else 7)):  # an edit is meant to change something
        try:
            value = truth_answer(prompt.key, truth)
        except (UnexpectedPrompt, KeyError):  # a project the truth lacks, a scope in another field, …
            pass
        else:
            ids = {o.id for o in prompt.options}
            if prompt.kind is Kind.MULTI and set(value) <= ids:
                return value
            if prompt.kind is Kind.SINGLE and str(value) in ids:
                return value
            if prompt.kind in (Kind.INTEGER, Kind.YESNO):
                return value
    return data.draw(valid_answer(prompt))


def act(iv: Interview, truth: Json, data: st.DataObject) -> Interview:
    """One random action fitting the current position; returns the interview to go on with."""
    prompt = iv.prompt()
    status = iv.status
    if status == "consent":
        choices = ["yes"] * 6 + ["no", "back", "bad"]
    elif status == "declined":
        choices = ["restart", "bad"]
    elif status == "review":
        choices = ["confirm", "confirm", "edit", "edit", "edit", "edit", "back", "resume", "bad"]
    elif status == "finished":
        choices = ["review", "review", "back", "resume", "bad", "restart"]
    else:
        choices = ["answer"] * 10 + ["back", "back", "resume", "bad"]
        if prompt.kind is Kind.MULTI:
            choices += ["toggle", "toggle", "done"]
    choices += ["restart"] if status != "consent" and data.draw(st.integers(0, 20)) == 0 else []
    choice = data.draw(st.sampled_from(choices))
    event(f"action {choice}")
    if choice == "resume":
        restored = roundtrip(iv)
        iv.close()
        return restored
    step: Step
    if choice == "yes":
        step = iv.answer(data.draw(st.sampled_from(["yes", True])))
    elif choice == "no":
        step = iv.answer(data.draw(st.sampled_from(["no", False])))
    elif choice == "answer":
        step = iv.answer(answer_for(iv, truth, data))
        assert step.changed and not step.prompt.error, step
    elif choice == "toggle":
        step = iv.toggle(data.draw(st.sampled_from([o.id for o in prompt.options])))
        assert step.changed
    elif choice == "done":
        step = iv.done()
        assert step.changed
    elif choice == "back":
        step = iv.back()
    elif choice == "restart":
        step = iv.restart()
        assert step.changed and iv.answers == {}
    elif choice == "confirm":
        step = iv.answer("confirm")
        assert step.prompt.key == "result"
    elif choice == "review":
        step = iv.answer("review")
        assert step.prompt.key == "review"
    elif choice == "edit":
        key = data.draw(st.sampled_from(list(iv.plan().keys)))
        step = iv.answer(f"edit:{key}")
        assert step.changed and step.prompt.key == key
    else:  # "bad"
        before = iv.snapshot()
        step = iv.answer(data.draw(st.sampled_from(["nonsense", None, 1234567, ["nonsense"]])))
        assert not step.changed and iv.snapshot() == before
    check_step(step, iv)
    return iv


def finish(iv: Interview, truth: Json, data: st.DataObject) -> None:
    """Answer (mostly truthfully, always validly) until the result."""
    for _ in range(200):
        status = iv.status
        if status == "finished":
            return
        if status == "declined":
            iv.restart()
        elif status == "consent":
            iv.answer("yes")
        elif status == "review":
            iv.confirm()
        else:
            step = iv.answer(answer_for(iv, truth, data))
            assert step.changed, step
        check_position(iv)
    raise AssertionError("the interview never reached its result")


@SETTINGS
@given(truth=truth_profile(), data=st.data(), length=st.integers(0, 60))
def test_random_sessions_end_in_the_evaluation_of_the_exported_profile(
    truth: Json, data: st.DataObject, length: int
) -> None:
    iv = Interview(CTX)
    try:
        check_position(iv)
        for _ in range(length):
            iv = act(iv, truth, data)
            check_position(iv)
        finish(iv, truth, data)
        prompt = iv.prompt()
        assert prompt.key == "result" and iv.plan().complete
        exported = iv.profile()
        assert exported is not None
        expected = evaluate(parse_profile(json.loads(json.dumps(exported))))
        got = iv.evaluation()
        assert got is not None and got.to_json() == expected.to_json()
        event(f"{got.field} level {got.level}")
        msg = Messages("en", STD)
        view = build_result(parse_profile(json.loads(json.dumps(exported))), STD, msg)
        assert iv.result() == view
        assert prompt.text == view.render(msg)
        # the answers the person saw in the review decide the same level and gap
        reviewed = {k: iv.answers[k] for k in iv.plan().keys}
        shown = evaluate(parse_profile(profile_json(reviewed, STD)))
        assert (shown.level, gap(shown)) == (got.level, gap(got))
    finally:
        iv.close()
