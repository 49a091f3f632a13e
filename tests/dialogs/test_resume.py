"""Resume: every position of an interview survives a JSON snapshot and continues identically."""

from __future__ import annotations

import json
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
    drive_to_result,
    run_interview,
)
from truths import BY_FIELD, SPECIAL

from dialogs import Context, Interview, Kind

CTX = Context.default()

Json = dict[str, Any]


def roundtrip(iv: Interview) -> Interview:
    return Interview.restore(json.loads(json.dumps(iv.snapshot())), CTX)


def assert_same_position(a: Interview, b: Interview) -> None:
    pa, pb = a.prompt(), b.prompt()
    assert pa == pb  # key, kind, text, options with selection, value, bounds, progress, back
    assert a.status == b.status and a.snapshot() == b.snapshot()
    assert a.plan() == b.plan()


def finish(iv: Interview, truth: Json) -> Json:
    """From any position of a truthful walk to the result; the final snapshot and result text."""
    if iv.prompt().key != "result":
        drive_to_result(iv, truth)
    view = iv.result()
    return {"snapshot": iv.snapshot(), "text": iv.prompt().text, "result": view}


RESUME_TRUTHS = {
    "hardware-5": BY_FIELD["hardware"][5],
    "software-4": BY_FIELD["software"][4],
    "facility-6": BY_FIELD["facility"][6],
    "facility-2": BY_FIELD["facility"][2],  # levels 1–2 questions and an integer-heavy project
    "fm_leader_without_themes": SPECIAL["fm_leader_without_themes"][1],  # every kind of question
}


@pytest.mark.parametrize("name", sorted(RESUME_TRUTHS))
def test_every_position_restores_and_continues_to_the_same_result(name: str) -> None:
    truth = RESUME_TRUTHS[name]
    with run_interview(truth) as reference:
        expected = finish(reference, truth)
    positions = 0
    with Interview(CTX) as iv:
        style = Style()
        while True:
            key = iv.prompt().key
            # the plain position, and (on a checklist) the same position with a draft tick
            variants = [False, True] if iv.prompt().kind is Kind.MULTI else [False]
            for with_draft in variants:
                if with_draft:
                    first = iv.prompt().options[0]
                    iv.toggle(first.id)
                with roundtrip(iv) as restored:
                    assert_same_position(iv, restored)
                    if key != "result":
                        assert finish(restored, truth) == expected
                positions += 1
                if with_draft:
                    iv.toggle(first.id)  # undo the draft tick
            if key == "result":
                break
            if key == "review":
                confirm(iv)
            elif key == "consent":
                iv.answer("yes")
            else:
                answer_current(iv, truth, style)
        assert finish(iv, truth) == expected
    assert positions > len(expected["snapshot"]["history"])


@pytest.mark.parametrize("name", sorted(RESUME_TRUTHS))
def test_navigation_positions_restore_too(name: str) -> None:
    """After back, during an edit (edit mode kept), at the result and after restart."""
    truth = RESUME_TRUTHS[name]
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        iv.back()
        with roundtrip(iv) as restored:
            assert_same_position(iv, restored)
            answer_current(restored, truth)
            assert restored.prompt().key == "review"
        answer_current(iv, truth)
        iv.edit("role")
        assert iv.editing
        with roundtrip(iv) as restored:
            assert_same_position(iv, restored)
            assert restored.editing
            restored.answer(truth["role"])
            assert restored.prompt().key == "review"  # still in edit mode: straight back to the review
            restored.back()
            assert restored.prompt().key == "role"
        iv.back()
        confirm(iv)
        with roundtrip(iv) as restored:
            assert_same_position(iv, restored)
            assert restored.back().prompt == iv.back().prompt
        iv.restart()
        with roundtrip(iv) as restored:
            assert_same_position(iv, restored)


def test_a_draft_checklist_survives_snapshot_and_restore() -> None:
    truth = BY_FIELD["hardware"][5]
    with Interview(CTX) as iv:
        answer_until(iv, truth, at("project.2.complexity"))
        options = [o.id for o in iv.prompt().options]
        iv.toggle(options[3])
        iv.toggle(options[1])
        iv.toggle(options[3])
        snapshot = json.loads(json.dumps(iv.snapshot()))
        assert snapshot["draft"] == [options[1]]
    with Interview.restore(snapshot, CTX) as resumed:
        prompt = resumed.prompt()
        assert prompt.key == "project.2.complexity" and prompt.selected == (options[1],)
        resumed.toggle(options[0])
        step = resumed.done()
        assert step.recorded == ("project.2.complexity", [options[0], options[1]])
        assert resumed.snapshot()["draft"] is None


def test_a_draft_over_a_stored_answer_survives_and_done_keeps_it() -> None:
    truth = BY_FIELD["facility"][6]
    with Interview(CTX) as iv:
        answer_until(iv, truth, at("project.1.scope"))
        iv.back()
        stored = iv.answers["project.1.complexity"]
        untick = stored[0]
        iv.toggle(untick)
        snapshot = json.loads(json.dumps(iv.snapshot()))
    with Interview.restore(snapshot, CTX) as resumed:
        assert set(resumed.prompt().selected) == set(stored) - {untick}
        assert resumed.prompt().value == stored  # the stored answer itself is untouched until Done
        resumed.done()
        assert resumed.answers["project.1.complexity"] == [i for i in stored if i != untick]


def test_snapshot_is_plain_json_and_versioned() -> None:
    with run_interview(BY_FIELD["software"][3]) as iv:
        snapshot = iv.snapshot()
        assert json.loads(json.dumps(snapshot)) == snapshot
        assert snapshot["format"] == 2 and snapshot["state"] == "result"
        assert snapshot["standard"] == "itss-v2-customer-service"
        for bad in ({**snapshot, "format": 3}, {k: v for k, v in snapshot.items() if k != "format"}):
            with pytest.raises(ValueError, match="format"):
                Interview.restore(bad, CTX)


HISTORY_BEFORE_AREA = ["field", "role", "project_count", "project.1.complexity"]
HISTORY_BEFORE_AREA += ["project.1.scope", "project.1.rooms"]


def test_a_format_1_snapshot_resumes_on_the_customer_service_standard() -> None:
    """Interviews saved before standards had ids (format 1, one state per facility quantity) resume
    where they were, judged against ITSS V2 Customer Service."""
    old = {
        "format": 1,
        "state": "project_area",
        "cursor": "project.1.area",
        "answers": {"field": "facility", "role": "leader", "project_count": 1}
        | {"project.1.complexity": ["fm.cx.nonstop", "fm.cx.many_sites"]}
        | {"project.1.scope": "whole", "project.1.rooms": 3},
        "history": HISTORY_BEFORE_AREA,
        "draft": None,
        "editing": False,
    }
    with Interview.restore(old, CTX) as iv:
        assert iv.state == "project_quantity" and iv.prompt().key == "project.1.area"
        assert iv.standard_id == "itss-v2-customer-service"
        assert iv.answer("2000").recorded == ("project.1.area", 2000)
        assert iv.snapshot()["format"] == 2


def test_restored_interviews_are_independent_of_each_other() -> None:
    truth = BY_FIELD["hardware"][4]
    with Interview(CTX) as iv:
        answer_until(iv, truth, at("themes.4"))
        snapshot = json.loads(json.dumps(iv.snapshot()))
        with Interview.restore(snapshot, CTX) as a, Interview.restore(snapshot, CTX) as b:
            drive_to_result(a, truth)
            assert b.prompt().key == "themes.4" == iv.prompt().key
            assert b.snapshot() == snapshot
            drive_to_result(b, truth)
            assert_same_outcome(b, truth, 4)
            assert a.snapshot() == b.snapshot()


def test_a_snapshot_is_a_copy_not_a_view() -> None:
    """A front or a store may modify what it was given; the live interview must not change with it."""
    truth = BY_FIELD["hardware"][5]
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        before = json.loads(json.dumps(iv.snapshot()))
        snapshot = iv.snapshot()
        snapshot["answers"]["themes.5"].append("hw.l5.theme.hr_profit")
        snapshot["answers"]["project.1.complexity"].clear()
        assert json.loads(json.dumps(iv.snapshot())) == before
    given = json.loads(json.dumps(before))
    with Interview.restore(given, CTX) as restored:
        given["answers"]["accomplishments"].clear()
        assert restored.snapshot() == before
