"""The machine is declared once and shared; closing detaches; every message id and option id is sound."""

from __future__ import annotations

import ast
import gc
import re
import weakref
from pathlib import Path

import pytest
from driver import Style, answer_current, answer_to_review, confirm, run_interview
from truths import ALL_LEVELS, SPECIAL

import dialogs
from dialogs import Context, Interview, Messages
from dialogs.machine import MACHINE, QUESTION_STATES, STATES, TRANSITIONS
from dialogs.messages import catalogue, catalogue_ids

CTX = Context.default()

DIALOGS_DIR = Path(dialogs.__file__).resolve().parent
EN = catalogue("en")


# --- one machine ------------------------------------------------------------------------------------


def test_the_machine_is_declared_once_without_auto_transitions() -> None:
    assert MACHINE.auto_transitions is False
    assert set(MACHINE.states) == set(STATES)
    with Interview(CTX) as iv:
        for state in STATES:
            assert not hasattr(iv, f"to_{state}"), f"auto transition to_{state} exists"
        assert not hasattr(iv, "to_result")


def test_many_interviews_share_the_one_machine() -> None:
    before = len(MACHINE.models)
    ivs = [Interview(CTX) for _ in range(25)]
    try:
        assert len(MACHINE.models) == before + 25
        assert all(iv in MACHINE.models for iv in ivs)
        # every interview's triggers are bound to the shared machine's events
        for iv in ivs:
            for trigger in ("proceed", "step_back", "open_edit", "finish", "start_over"):
                assert getattr(iv, trigger).func.__self__ is MACHINE.events[trigger]
        ivs[0].answer("yes")
        assert ivs[0].state == "field" and all(iv.state == "consent" for iv in ivs[1:])
    finally:
        for iv in ivs:
            iv.close()
    assert len(MACHINE.models) == before


def test_a_model_gets_its_triggers_and_nothing_it_does_not_use() -> None:
    """The lean machine skips ``is_<state>``/``may_<trigger>``; that is sound only while no model
    declares ``on_enter_*``/``on_exit_*`` methods (the skipped step is what would wire them)."""
    with Interview(CTX) as iv:
        for trigger in MACHINE.events:
            assert callable(getattr(iv, trigger)), trigger
            assert not hasattr(iv, f"may_{trigger}")
        for state in STATES:
            assert not hasattr(iv, f"is_{state}")
            for hook in ("on_enter_", "on_exit_"):
                assert not hasattr(iv, hook + state), f"{hook}{state} would never be called"
        assert callable(iv.trigger)  # transitions' by-name entry stays


def test_close_detaches_and_is_idempotent() -> None:
    before = len(MACHINE.models)
    iv = Interview(CTX)
    assert iv in MACHINE.models
    iv.close()
    iv.close()
    assert iv not in MACHINE.models
    assert len(MACHINE.models) == before
    with Interview(CTX) as other:
        assert other in MACHINE.models
    assert other not in MACHINE.models


def test_closed_interviews_do_not_leak() -> None:
    before = len(MACHINE.models)
    refs = []
    for n in range(1000):
        with Interview(CTX) as iv:
            iv.answer("yes")
            iv.answer("hardware")
            if n % 100 == 0:
                refs.append(weakref.ref(iv))
        with Interview.restore(iv.snapshot(), CTX) as again:
            assert again.prompt().key == "role"
        assert len(MACHINE.models) == before
    del iv, again
    gc.collect()
    assert all(r() is None for r in refs), "closed interviews are still referenced"


def test_a_failing_restore_adds_no_model() -> None:
    before = len(MACHINE.models)
    with Interview(CTX) as iv:
        snapshot = iv.snapshot()
    with pytest.raises(ValueError):
        Interview.restore({**snapshot, "state": "no_such_state"}, CTX)
    assert len(MACHINE.models) == before


def test_the_transition_table_covers_every_question_state() -> None:
    for state in QUESTION_STATES:
        assert any(t["trigger"] == "proceed" and t["dest"] == state for t in TRANSITIONS), (
            f"no way forward into {state}"
        )
        assert any(t["trigger"] == "step_back" and t["dest"] == state for t in TRANSITIONS), (
            f"no way back into {state}"
        )


# --- messages and options ---------------------------------------------------------------------------


def _alternatives(arg: ast.expr) -> list[ast.expr]:
    """``msg("yes" if v else "no")`` names two ids."""
    if isinstance(arg, ast.IfExp):
        return _alternatives(arg.body) + _alternatives(arg.orelse)
    return [arg]


def _message_calls() -> list[tuple[str, int, ast.expr]]:
    """Every id expression given to a ``msg(...)`` / ``self.msg(...)`` call in dialogs/."""
    calls = []
    for path in sorted(DIALOGS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name == "msg":
                calls.extend((path.name, node.lineno, a) for a in _alternatives(node.args[0]))
    return calls


def test_every_literal_message_id_in_the_code_exists() -> None:
    calls = _message_calls()
    literal = [(f, line, a.value) for f, line, a in calls if isinstance(a, ast.Constant)]
    assert len(literal) > 30
    missing = [(f, line, mid) for f, line, mid in literal if mid not in EN]
    assert missing == []


def test_every_formatted_message_id_pattern_has_entries() -> None:
    """``msg(f"role.{r}")``: the catalogue has ids of that shape (the values are exercised below)."""
    patterns = []
    for f, line, arg in _message_calls():
        if isinstance(arg, ast.JoinedStr):
            regex = "".join(
                re.escape(p.value) if isinstance(p, ast.Constant) else r"[^.]+" for p in arg.values
            )
            patterns.append((f, line, regex))
        else:
            assert isinstance(arg, ast.Constant), f"{f}:{line}: message id is not a literal"
    assert patterns
    for f, line, regex in patterns:
        assert any(re.fullmatch(regex, mid) for mid in EN), f"{f}:{line}: no message id matches {regex}"


def test_catalogue_ids_match_the_file_and_unknown_ids_raise() -> None:
    assert catalogue_ids() == frozenset(EN)
    msg = Messages("en")
    with pytest.raises(KeyError):
        msg("no.such.message")
    # an unknown locale falls back to English
    assert Messages("xx")("q.field") == EN["q.field"]


def _every_prompt_of(iv: Interview, truth: dict) -> list:
    """All prompts of a whole interview, including review (and each edit prompt) and result."""
    prompts = [iv.prompt()]
    iv.answer("yes")
    style = Style()
    while iv.prompt().key != "review":
        prompts.append(iv.prompt())
        answer_current(iv, truth, style)
    prompts.append(iv.prompt())
    for key in iv.plan().keys:
        prompts.append(iv.edit(key).prompt)
        iv.back()
    confirm(iv)
    prompts.append(iv.prompt())
    return prompts


CASES = [t for _, _, t in ALL_LEVELS] + [t for _, t in SPECIAL.values()]


def test_every_prompt_renders_from_the_catalogue_with_unique_option_ids() -> None:
    """Every prompt kind of every field and level, review and result: a missing id raises KeyError."""
    keys = set()
    for truth in CASES:
        with Interview(CTX) as iv:
            for prompt in _every_prompt_of(iv, truth):
                keys.add(prompt.key.split(".")[0] if prompt.key.startswith("project.") else prompt.key)
                ids = [o.id for o in prompt.options]
                assert len(ids) == len(set(ids)), (prompt.key, ids)
                assert all(o.label.strip() for o in prompt.options), prompt.key
                assert prompt.text.strip()
                assert "{" not in prompt.text, f"unformatted placeholder in {prompt.key}: {prompt.text}"
            declined = Interview(CTX)
            with declined:
                assert declined.answer("no").prompt.text == EN["declined.text"]
    assert {"consent", "field", "role", "project_count", "project", "review", "result"} <= keys
    assert {"themes.3", "themes.4", "themes.5", "themes.6", "accomplishments", "mentoring"} <= keys
    assert {"involvement", "common_complexity", "common_themes"} <= keys


def test_every_error_message_exists() -> None:
    for key in [k for k in EN if k.startswith("error.")]:
        assert EN[key].strip()
    with run_interview(CASES[0]) as iv:
        assert iv.answer("nonsense").prompt.error == EN["error.finished"]


def test_review_describes_every_answer_kind() -> None:
    truth = SPECIAL["fm_leader_without_themes"][1]
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        details = iv.prompt().details
        assert len(details) == len(iv.plan().keys)
        text = "\n".join(details)
        assert "5,000" in text  # integers with thousands separators
        assert "Yes" in text  # yes/no
        assert "none" in text  # an empty checklist


# --- the remembered plan ----------------------------------------------------------------------------


def test_a_remembered_plan_belongs_to_its_own_standard_object() -> None:
    """An entry left by another standard object under the same id() (a standard freed and another
    loaded at its address) is never served: the plan is walked anew."""
    from criteria import load_standard
    from criteria.registry import load_standard_file
    from dialogs.plan import _PLANS, Plan, _frozen, make_plan, plan_for

    answers = {"field": "hardware", "role": "leader", "project_count": 1}
    first = load_standard()
    second = load_standard_file(Path(dialogs.__file__).parent.parent / "criteria" / "data" / "standard.json")
    assert second is not first and second.id == first.id
    assert plan_for(answers, first) == make_plan(answers, first)
    assert _PLANS[(id(first), _frozen(answers))][0] is first
    stale = Plan(("nothing",), complete=True)
    _PLANS[(id(second), _frozen(answers))] = (first, stale)
    assert plan_for(answers, second) == make_plan(answers, second) != stale
