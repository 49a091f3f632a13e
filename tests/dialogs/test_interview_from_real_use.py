"""The interview as real use asked for it (issue #8): no size asked for a project that cannot count,
honest progress, the project count question saying what matters, facility bands, and a field change
that says what it clears before clearing it."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from driver import answer_to_review, answer_until, assert_same_outcome, at, confirm
from truths import BY_FIELD

from criteria import StandardSet, evaluate, load_standard, load_standard_file, parse_profile
from criteria.standard import parse_standard, parse_translation
from dialogs import Choose, Context, Interview, Kind, Messages
from dialogs.kinds import Band
from dialogs.plan import make_plan
from dialogs.questions import build_question

CTX = Context.default()
JA = Context.default("ja")
STD = load_standard()
ROOT = Path(__file__).resolve().parents[2]
TOY_FILE = ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json"
TOY = load_standard_file(TOY_FILE)
TOY_CTX = Context(StandardSet([TOY]))

Json = dict[str, Any]
HW_ONE = ["hw.cx.nonstop"]
HW_TWO = ["hw.cx.multi_platform", "hw.cx.nonstop"]
FM_ONE = ["fm.cx.nonstop"]
FM_TWO = ["fm.cx.nonstop", "fm.cx.many_sites"]


def walk(iv: Interview, *answers: Any) -> None:
    """Give ``answers`` in order, each accepted."""
    for value in answers:
        step = iv.answer(value)
        assert step.changed and not step.prompt.error, (value, step.prompt.key, step.prompt.error)


def snap(iv: Interview) -> Json:
    return json.loads(json.dumps(iv.snapshot()))


# --- 1. a project that cannot count is not asked its size ---------------------------------------------


@pytest.mark.parametrize(
    ("field", "weak", "after"),
    [("hardware", HW_ONE, "project.2.complexity"), ("facility", FM_ONE, "project.2.complexity")],
)
def test_a_project_below_the_least_complexity_is_not_asked_its_size(
    field: str, weak: list[str], after: str
) -> None:
    with Interview(CTX) as iv:
        walk(iv, "yes", field, "leader", "2", weak)
        assert iv.prompt().key == after  # no size, scope, rooms, area nor sites for project 1
        assert "project.1.size" not in iv.plan().keys and "project.1.scope" not in iv.plan().keys
        profile = iv.profile()
        assert profile is not None and profile["experiences"] == [{"complexity": weak}]
        assert evaluate(parse_profile(profile)).experience_levels == (0,)


def test_no_ticks_at_all_skip_the_size_too_and_the_review_has_no_size_line() -> None:
    with Interview(CTX) as iv:
        walk(iv, "yes", "hardware", "member", "1", [])
        answer_to_review(iv, BY_FIELD["hardware"][0])
        review = iv.prompt()
        assert not any("Project 1: size" in line for line in review.details)
        assert any(line.startswith("Project 1: complexity") for line in review.details)


def test_raising_the_complexity_from_the_review_asks_the_size() -> None:
    truth = copy.deepcopy(BY_FIELD["hardware"][2])  # one project with a single item
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        assert "project.1.size" not in iv.answers
        iv.answer("edit:project.1.complexity")
        step = iv.answer(HW_TWO)
        assert step.prompt.key == "project.1.size"  # now it can count: its size matters
        truth["experiences"][0]["complexity"] = HW_TWO
        answer_to_review(iv, truth)
        confirm(iv)
        assert_same_outcome(iv, truth)


def test_lowering_the_complexity_drops_the_size_from_the_plan_but_an_undo_restores_it() -> None:
    """Answers out of the plan are kept, not deleted (as for a lower project count): raising the
    complexity again brings the size back without asking it."""
    truth = BY_FIELD["hardware"][4]
    with Interview(CTX) as iv:
        answer_to_review(iv, truth)
        size = iv.answers["project.2.size"]
        iv.answer("edit:project.2.complexity")
        iv.answer(HW_ONE)
        answer_to_review(iv, {**truth, "themes": [*truth["themes"], "hw.l3.theme.advice"]})
        assert "project.2.size" not in iv.plan().keys
        assert iv.answers["project.2.size"] == size  # kept for an undo
        exported = iv.profile()
        assert exported is not None and exported["experiences"][1] == {"complexity": HW_ONE}
        assert not any(line.startswith("Project 2: size") for line in iv.prompt().details)
        iv.answer("edit:project.2.complexity")
        step = iv.answer(truth["experiences"][1]["complexity"])
        assert step.prompt.key == "review"  # nothing to ask: the size was kept
        assert iv.answers["project.2.size"] == size
        assert any(line.startswith("Project 2: size") for line in iv.prompt().details)
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


def test_the_minimum_comes_from_the_standard_not_from_the_code() -> None:
    """The toy's desk levels ask for one item at level 2: no ticks skip the size, one tick asks it."""
    with Interview(TOY_CTX) as iv:
        walk(iv, "yes", "desk", "agent", "2", [])
        assert iv.prompt().key == "project.2.complexity"
        walk(iv, ["desk.cx.vip"])
        assert iv.prompt().key == "project.2.size"


# --- 2. honest progress ---------------------------------------------------------------------------------


def test_progress_counts_the_questions_and_names_the_project_never_a_total() -> None:
    truth = BY_FIELD["facility"][6]
    with Interview(CTX) as iv:
        iv.answer("yes")
        seen: list[tuple[str, int, str]] = []
        while iv.prompt().key != "review":
            prompt = iv.prompt()
            assert prompt.progress is not None
            seen.append((prompt.key, prompt.progress.number, prompt.progress.text))
            answer_until(iv, truth, lambda p, key=prompt.key: p.key != key)
    numbers = [n for _, n, _ in seen]
    assert numbers == list(range(1, len(seen) + 1))  # one more per answer: never a jump
    for key, n, text in seen:
        if m := re.match(r"project\.(\d)\.", key):
            assert text == f"Project {m.group(1)} of 3 · question {n}"
        else:
            assert text == f"Question {n}"
        assert "about" not in text and " of about " not in text


def test_progress_after_back_is_the_earlier_questions_number() -> None:
    with Interview(CTX) as iv:
        answer_until(iv, BY_FIELD["hardware"][5], at("project.2.size"))
        number = iv.prompt().progress.number  # type: ignore[union-attr]
        step = iv.back()
        assert step.prompt.key == "project.2.complexity"
        assert step.prompt.progress is not None and step.prompt.progress.number == number - 1


def test_progress_in_japanese() -> None:
    with Interview(JA) as iv:
        walk(iv, "yes", "hardware", "leader", "3")
        assert iv.prompt().progress.text == "プロジェクト 1/3・質問 4"  # type: ignore[union-attr]
        walk(iv, HW_ONE, HW_ONE, HW_ONE)
        assert iv.prompt().progress.text == "質問 7"  # type: ignore[union-attr]


# --- 3. the project count question says what matters -----------------------------------------------


def _first_level_needing_several(field: str, std: Any) -> int:
    """Worked out here from the data: the lowest level from which every level needs 2+ projects."""
    levels = sorted(std.fields[field].specialty_levels.items())
    return min(lv for lv, _ in levels if all(r.projects.count >= 2 for l2, r in levels if l2 >= lv))


def _count_prompt(ctx: Context, field: str, role: str) -> Any:
    with Interview(ctx) as iv:
        walk(iv, "yes", field, role)
        return iv.prompt()


@pytest.mark.parametrize("field", STD.field_ids)
def test_the_project_count_question_says_which_levels_need_several_and_which_to_pick(field: str) -> None:
    prompt = _count_prompt(CTX, field, "leader")
    assert prompt.key == "project_count"
    level = _first_level_needing_several(field, STD)
    assert level == 4
    assert f"Levels {level} and up need 2 or 3 projects." in prompt.text
    assert (
        "If you have more than 3, describe your 3 strongest: those with the most complexity items and the "
        "largest size." in prompt.text
    )
    assert [o.id for o in prompt.options] == ["0", "1", "2", "3"]


def test_the_project_count_question_in_japanese() -> None:
    text = _count_prompt(JA, "facility", "leader").text
    assert "レベル4以上には2または3件のプロジェクトが必要です。" in text
    assert "3件より多い場合は、最も強い3件" in text
    assert "。 " not in text  # Japanese sentences follow each other without a space


@pytest.mark.parametrize(("field", "level"), [("desk", 3), ("onsite", 4)])
def test_another_standard_says_its_own_levels_and_counts(field: str, level: int) -> None:
    text = _count_prompt(TOY_CTX, field, "lead").text
    assert _first_level_needing_several(field, TOY) == level
    assert f"Level {level} needs 2 projects." in text  # only the top level: no "and up"
    assert "If you have more than 2, describe your 2 strongest" in text


# --- 4. facility numbers: bands beside typing ----------------------------------------------------------


def _at_rooms(ctx: Context = CTX) -> Interview:
    iv = Interview(ctx)
    walk(iv, "yes", "facility", "leader", "1", FM_TWO, "whole")
    assert iv.prompt().key == "project.1.rooms"
    return iv


EXPECTED_BANDS = {
    "rooms": [("<3", "Under 3"), ("3-4", "3–4"), ("5+", "5 or more")],
    "area": [("<2000", "Under 2,000"), ("2000-4999", "2,000–4,999"), ("5000+", "5,000 or more")],
    "sites": [("<100", "Under 100"), ("100-299", "100–299"), ("300+", "300 or more")],
}


def test_each_facility_number_offers_the_bands_of_the_standards_thresholds() -> None:
    with _at_rooms() as iv:
        for quantity in ("rooms", "area", "sites"):
            prompt = iv.prompt()
            assert prompt.key == f"project.1.{quantity}" and prompt.kind is Kind.INTEGER
            assert [(o.id, o.label) for o in prompt.options] == EXPECTED_BANDS[quantity]
            assert prompt.text.endswith(Messages()("q.number.zero"))
            walk(iv, "0")


def test_bands_in_japanese() -> None:
    with _at_rooms(JA) as iv:
        labels = [o.label for o in iv.prompt().options]
        walk(iv, "0")
        area = [o.label for o in iv.prompt().options]
        text = iv.prompt().text
    assert labels == ["3未満", "3〜4", "5以上"]
    assert area == ["2,000未満", "2,000〜4,999", "5,000以上"]
    assert text.endswith("該当しない場合は 0 と答えてください。")


def test_a_pressed_band_is_stored_as_the_band_shown_as_it_and_judged_as_its_least_value() -> None:
    with _at_rooms() as iv:
        step = iv.apply(Choose(1))  # the "3–4" button
        assert step.recorded == ("project.1.rooms", {"at_least": 3, "below": 5})
        walk(iv, "5000+", "0")
        profile = iv.profile()
        assert profile is not None and profile["experiences"][0] | {} == {
            "complexity": FM_TWO,
            "scope": "whole",
            "rooms": 3,
            "area_m2": 5000,
            "sites": 0,
        }
        answer_to_review(iv, BY_FIELD["facility"][6])
        details = iv.prompt().details
        assert "Project 1: computer rooms: 3–4" in details
        assert "Project 1: floor area (m²): 5,000 or more" in details
        assert "Project 1: installation sites: 0" in details


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3-4", {"at_least": 3, "below": 5}),
        ("３〜４", {"at_least": 3, "below": 5}),  # a Japanese keyboard
        ("3 – 4", {"at_least": 3, "below": 5}),
        ("<3", {"at_least": 0, "below": 3}),
        ("＜３", {"at_least": 0, "below": 3}),
        ("5+", {"at_least": 5}),
        ("5 +", {"at_least": 5}),
        ("4", 4),  # a number stays the number typed
        ("０", 0),
    ],
)
def test_a_band_can_be_typed_and_a_number_still_is_a_number(typed: str, stored: Any) -> None:
    with _at_rooms() as iv:
        assert iv.answer(typed).recorded == ("project.1.rooms", stored)


def test_typed_area_ranges_with_separators_are_read() -> None:
    with _at_rooms() as iv:
        walk(iv, "0")
        assert iv.answer("2,000–4,999").recorded == ("project.1.area", {"at_least": 2000, "below": 5000})


def test_back_to_a_band_answer_marks_the_band_and_a_number_marks_nothing() -> None:
    with _at_rooms() as iv:
        walk(iv, "5+")
        back = iv.back().prompt
        assert back.key == "project.1.rooms" and back.selected == ("5+",)
        assert back.value == {"at_least": 5}
        walk(iv, "7")
        again = iv.back().prompt
        assert again.selected == () and again.value == 7


@pytest.mark.parametrize("quantity", ["rooms", "area", "sites"])
def test_every_number_of_a_band_gives_the_same_verdict_as_the_band(quantity: str) -> None:
    """Bands are cut at the thresholds: whatever number of the band the person has, the level and
    the whole evaluation are those of the band's least value."""
    spec = STD.fields["facility"]
    assert spec.measured_size is not None
    base = {"rooms": 5, "area_m2": 5000, "sites": 0}
    name = {"rooms": "rooms", "area": "area_m2", "sites": "sites"}[quantity]
    bands: list[Band] = []
    with _at_rooms() as iv:
        for _ in range(["rooms", "area", "sites"].index(quantity)):
            walk(iv, "0")
        for option in iv.prompt().options:
            recorded = iv.answer(option.id).recorded
            assert recorded is not None
            band = Band.from_stored(recorded[1])
            assert band is not None and band.id == option.id
            bands.append(band)
            iv.back()
    assert len(bands) == 3
    for band in bands:
        top = band.below - 1 if band.below is not None else band.at_least * 3
        levels = set()
        for number in {band.at_least, (band.at_least + top) // 2, top}:
            exp = {"complexity": FM_TWO, "scope": "whole", **base, name: number}
            profile = {"field": "facility", "role": "leader", "experiences": [exp, exp, exp]}
            levels.add(json.dumps(evaluate(parse_profile(profile)).to_json()))
        assert len(levels) == 1, (quantity, band)


def test_another_standards_bands_come_from_its_own_thresholds() -> None:
    """The toy's on-site quantities: desks have one threshold (200), floors two (5 and 20)."""
    with Interview(TOY_CTX) as iv:
        walk(iv, "yes", "onsite", "lead", "1", ["onsite.cx.hazard", "onsite.cx.night"], "building")
        desks = [o.id for o in iv.prompt().options]
        walk(iv, "200+")
        floors = [o.id for o in iv.prompt().options]
    assert desks == ["<200", "200+"]
    assert floors == ["<5", "5-19", "20+"]


# --- 5. changing the field from the review says what it clears, and asks ---------------------------------


def _at_field_change(truth: Json, new: str, ctx: Context = CTX) -> Interview:
    iv = Interview(ctx)
    answer_to_review(iv, truth)
    iv.answer("edit:field")
    step = iv.answer(new)
    assert step.changed and step.event == "field_change" and step.recorded is None
    assert step.prompt.key == "field_change" and step.prompt.kind is Kind.YESNO
    return iv


def test_changing_the_field_lists_the_answers_it_will_clear_before_clearing_them() -> None:
    truth = BY_FIELD["hardware"][4]
    with Interview(CTX) as reference:
        answer_to_review(reference, truth)
        answers = copy.deepcopy(reference.answers)
        dependent = [k for k in reference.plan().keys if k.startswith(("project.", "themes.", "acc"))]
        msg = Messages("en", STD)
        labels = {k: build_question(k, answers, STD, msg).label for k in dependent}
    with _at_field_change(truth, "software") as iv:
        prompt = iv.prompt()
        assert iv.answers == answers  # nothing cleared yet
        assert prompt.text.startswith("Changing the field from Hardware to Software clears these answers:")
        for key in dependent:
            assert f"• {labels[key]}" in prompt.text, key
        assert "• Role" not in prompt.text and "• Projects" not in prompt.text  # not field-dependent
        assert [o.label for o in prompt.options] == ["Yes, change the field", "No, keep Hardware"]
        assert prompt.can_go_back
        with Interview.restore(snap(iv), CTX) as restored:  # the question survives a restart of the bot
            assert restored.prompt() == prompt


def test_no_keeps_the_field_and_every_answer_and_returns_to_the_review() -> None:
    truth = BY_FIELD["facility"][4]
    with _at_field_change(truth, "hardware") as iv:
        before = copy.deepcopy(iv.answers)
        step = iv.answer("no")
        assert step.changed and step.recorded is None and step.event == "field_kept"
        assert step.prompt.key == "review" and iv.answers == before and iv.pending is None
        confirm(iv)
        assert_same_outcome(iv, truth, 4)


def test_yes_clears_them_and_asks_the_new_fields_questions() -> None:
    source, target = BY_FIELD["hardware"][4], BY_FIELD["software"][4]
    with _at_field_change(source, "software") as iv:
        step = iv.answer(True)
        assert step.recorded == ("field", "software")
        assert step.prompt.key == "project.1.complexity"
        assert not [k for k in iv.answers if k.startswith(("project.1.", "themes.", "accomplishments"))]
        answer_to_review(iv, target)
        confirm(iv)
        assert_same_outcome(iv, target, 4)


def test_back_from_the_confirmation_shows_the_field_question_with_nothing_changed() -> None:
    truth = BY_FIELD["hardware"][3]
    with _at_field_change(truth, "facility") as iv:
        before = copy.deepcopy(iv.answers)
        step = iv.back()
        assert step.prompt.key == "field" and step.prompt.selected == ("hardware",)
        assert iv.answers == before and iv.pending is None
        step = iv.answer("hardware")  # the same field again: nothing to confirm
        assert step.prompt.key == "review" and iv.answers == before


@pytest.mark.parametrize("bad", ["maybe", None, 3, ["yes"], "", {"yes": True}])
def test_the_confirmation_refuses_anything_but_yes_or_no(bad: Any) -> None:
    with _at_field_change(BY_FIELD["hardware"][4], "software") as iv:
        before = snap(iv)
        step = iv.answer(bad)
        assert not step.changed and step.prompt.error and step.prompt.key == "field_change"
        assert snap(iv) == before


def test_changing_the_field_before_any_field_answer_asks_nothing() -> None:
    with Interview(CTX) as iv:
        walk(iv, "yes", "hardware", "member")
        iv.back()
        iv.back()
        step = iv.answer("software")  # no project, theme or accomplishment answered yet
        assert step.recorded == ("field", "software") and step.prompt.key == "role"


def test_the_confirmation_in_japanese() -> None:
    with _at_field_change(BY_FIELD["hardware"][4], "facility", JA) as iv:
        prompt = iv.prompt()
    assert prompt.text.startswith("専門分野をハードウェアからファシリティマネジメントに変更すると")
    assert "・プロジェクト1：複雑性" in prompt.text and prompt.text.endswith("専門分野を変更しますか？")
    assert [o.label for o in prompt.options] == ["はい、変更します", "いいえ、ハードウェアのままにします"]


def _two_measured_fields() -> Context:
    """The toy with its desk field measured like on-site (the same scopes, quantities, thresholds):
    a scope or a number answered in one is asked exactly the same way in the other."""
    raw = json.loads(TOY_FILE.read_text(encoding="utf-8"))
    onsite = raw["fields"]["onsite"]["measured_size"]
    raw["id"] = "toy-two-measured"
    raw["fields"]["desk"]["measured_size"] = {
        "scopes": {"room": "desk.size.one_team", "building": None},
        "quantities": onsite["quantities"],
        "floor": "desk.size.department",
        "thresholds": {"desk.size.company": onsite["thresholds"]["onsite.size.large"]},
    }
    ja = json.loads(TOY_FILE.with_name("toy-helpdesk.ja.json").read_text(encoding="utf-8"))
    return Context(StandardSet([parse_standard(raw, {"ja": parse_translation(ja)})]))


def test_answers_asked_the_same_way_in_the_new_field_are_kept_and_said_to_be_kept() -> None:
    ctx = _two_measured_fields()
    with Interview(ctx) as iv:
        walk(iv, "yes", "onsite", "lead", "1", ["onsite.cx.hazard", "onsite.cx.night"], "building")
        walk(iv, "250", "6")
        while iv.prompt().key != "review":
            prompt = iv.prompt()
            simplest = {Kind.MULTI: [], Kind.YESNO: False, Kind.INTEGER: "0"}
            walk(iv, simplest.get(prompt.kind, prompt.options[0].id if prompt.options else None))
        iv.answer("edit:field")
        step = iv.answer("desk")
        text = step.prompt.text
        cleared, kept = text.split("These stay")
        assert "• Visit 1: scope" in kept and "• Visit 1: desks" in kept and "• Visit 1: floors" in kept
        assert "• Project 1: complexity" in cleared and "scope" not in cleared
        step = iv.answer("yes")
        assert step.prompt.key == "project.1.complexity"
        assert (iv.answers["project.1.scope"], iv.answers["project.1.desks"]) == ("building", 250)
        assert "project.1.complexity" not in iv.answers
        plan = make_plan(iv.answers, iv.std)  # type: ignore[arg-type]
        assert plan.next_unanswered == "project.1.complexity"
