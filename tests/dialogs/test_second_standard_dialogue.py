"""Whole interviews on a second, made-up standard (tests/fixtures/standards/toy-helpdesk.json).

Nothing in the product names the toy: the dialogue must ask its fields, roles, involvements, project
counts (0..2, its most), size ladders and measured quantities (desks, floors) from the data, in
English and in the toy's own Japanese translation, and end on the level the CLI gives the same
profile. Several offered standards make the first question "which standard".

Every expected question sequence is worked out by hand from the toy's data and the plan's rules
(dialogs/plan.py): the highest reachable level's themes first (then its accomplishments and
mentoring), the common level's questions only when no specialty level is met, then the next level's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from criteria import DEFAULT_STANDARD, Standard, StandardSet, load_standard, load_standard_file
from dialogs import Context, Interview, Kind, Prompt

ROOT = Path(__file__).resolve().parents[2]
TOY_FILE = ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json"
TOY = load_standard_file(TOY_FILE)
ITSS = load_standard()
MAX_STEPS = 60
LANGUAGES = ("en", "ja")

Json = dict[str, Any]


# --- running an interview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    prompts: tuple[Prompt, ...]  # every prompt shown, consent to result
    profile: Json
    level: int
    evaluation: Json
    snapshot: Json
    plan: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.prompts]

    def prompt(self, key: str) -> Prompt:
        (found,) = [p for p in self.prompts if p.key == key]
        return found

    def transcript(self) -> str:
        """Every word the person saw: prompt texts, option labels and the review's lines."""
        parts: list[str] = []
        for p in self.prompts:
            parts.append(p.text)
            parts.extend(o.label for o in p.options)
            parts.extend(p.details)
        return "\n".join(parts)


def interview(ctx: Context, script: dict[str, Any]) -> Run:
    """Answer every prompt from ``script`` (by prompt key) until the result; any other prompt fails."""
    prompts: list[Prompt] = []
    with Interview(ctx) as iv:
        for _ in range(MAX_STEPS):
            prompt = iv.prompt()
            prompts.append(prompt)
            assert prompt.error is None, (prompt.key, prompt.error)
            if prompt.key == "result":
                break
            assert prompt.key in script, f"unexpected prompt {prompt.key!r} after {[p.key for p in prompts]}"
            step = iv.answer(script[prompt.key])
            assert step.changed, (prompt.key, step.prompt.error)
        else:
            pytest.fail(f"no result after {MAX_STEPS} answers")
        evaluation = iv.evaluation()
        profile = iv.profile()
        assert evaluation is not None and profile is not None
        assert iv.finished
        return Run(
            tuple(prompts), profile, evaluation.level, evaluation.to_json(), iv.snapshot(), iv.plan().keys
        )


def cli_evaluate(profile: Json) -> Json:
    done = subprocess.run(
        [sys.executable, "-m", "criteria", "--standard", str(TOY_FILE), "evaluate", "-", "--json"],
        input=json.dumps(profile) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    return json.loads(line)


def toy_context(language: str) -> Context:
    return Context(StandardSet([TOY]), language)


# --- the words each language should show -------------------------------------------------------------


def item_words(std: Standard, language: str) -> dict[str, str]:
    if language == "en":
        return {i: item.seed_text for i, item in std.items.items()}
    return dict(std.translations[language].items)


def text_words(std: Standard, language: str) -> dict[str, str]:
    if language == "en":
        return dict(std.texts)
    return {**std.texts, **std.translations[language].texts}


def field_name(field: str, language: str) -> str:
    if language == "en":
        return TOY.fields[field].name
    return TOY.translations[language].texts[f"field.{field}.name"]


def level_words(field: str, level: int, language: str) -> str:
    """The words the result's headline uses for a level: its role, as the standard says it briefly."""
    texts = text_words(TOY, language)
    if level in TOY.common_levels:
        role = TOY.common_levels[level].role
    else:
        role = TOY.fields[field].specialty_levels[level].role
    return texts[f"role.{role}.short"]


# --- the scenarios, worked out by hand ---------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    field: str
    script: dict[str, Any]
    questions: tuple[str, ...]  # the keys asked between consent and review
    level: int


SCENARIOS: dict[str, Scenario] = {
    # Two desk projects worth 3 (two ticks, company) and 2 (one tick, one team): level 3 is reachable,
    # its themes, accomplishments and mentoring are asked and met; desk has no level 4.
    "desk-lead-level-3": Scenario(
        "desk",
        {
            "field": "desk",
            "role": "lead",
            "project_count": "2",
            "project.1.complexity": ["desk.cx.multi_language", "desk.cx.vip"],
            "project.1.size": "desk.size.company",
            "project.2.complexity": ["desk.cx.vip"],
            "project.2.size": "desk.size.one_team",
            "themes.3": ["desk.l3.theme.kpis"],
            "accomplishments": ["desk.acc.wiki"],
            "mentoring": True,
        },
        (
            "field",
            "role",
            "project_count",
            "project.1.complexity",
            "project.1.size",
            "project.2.complexity",
            "project.2.size",
            "themes.3",
            "accomplishments",
            "mentoring",
        ),
        3,
    ),
    # No project: no specialty level is reachable, so the common level's questions (the toy's own
    # involvements, common complexity and two basic themes) decide level 1, then level 2's themes.
    "desk-trainee-level-1": Scenario(
        "desk",
        {
            "field": "desk",
            "role": "trainee",
            "project_count": 0,
            "involvement": "shadowed",
            "common_complexity": ["common.cx.office_hours"],
            "common_themes": ["common.theme.ticketing", "common.theme.passwords"],
            "themes.2": ["desk.l2.theme.scripts"],
        },
        ("field", "role", "project_count", "involvement", "common_complexity", "common_themes", "themes.2"),
        1,
    ),
    # Measured: a building of 250 desks on 4 floors is small (needs 5 floors with 200 desks, or 20
    # floors), so project 1 is worth 3; one room with one tick is worth 2. Level 4 needs two projects
    # at 3: out of reach. Level 3 asks its themes and mentoring (no accomplishments), is met, and
    # level 4's themes and accomplishments are asked for the gap.
    "onsite-lead-level-3-measured": Scenario(
        "onsite",
        {
            "field": "onsite",
            "role": "lead",
            "project_count": "2",
            "project.1.complexity": ["onsite.cx.hazard", "onsite.cx.night"],
            "project.1.scope": "building",
            "project.1.desks": "250",
            "project.1.floors": 4,
            "project.2.complexity": ["onsite.cx.hazard"],
            "project.2.scope": "room",
            "themes.3": ["onsite.l3.theme.moves"],
            "mentoring": True,
            "themes.4": [],
            "accomplishments": ["onsite.acc.tool"],
        },
        (
            "field",
            "role",
            "project_count",
            "project.1.complexity",
            "project.1.scope",
            "project.1.desks",
            "project.1.floors",
            "project.2.complexity",
            "project.2.scope",
            "themes.3",
            "mentoring",
            "themes.4",
            "accomplishments",
        ),
        3,
    ),
    # Measured, both thresholds' alternatives: 0 desks on 20 floors, and 200 desks on 5 floors, are
    # both large; with two ticks each project is worth 4, and level 4 is met (the top).
    "onsite-lead-level-4-measured": Scenario(
        "onsite",
        {
            "field": "onsite",
            "role": "lead",
            "project_count": "2",
            "project.1.complexity": ["onsite.cx.night", "onsite.cx.secure_area"],
            "project.1.scope": "building",
            "project.1.desks": 0,
            "project.1.floors": 20,
            "project.2.complexity": ["onsite.cx.hazard", "onsite.cx.secure_area"],
            "project.2.scope": "building",
            "project.2.desks": 200,
            "project.2.floors": "5",
            "themes.4": ["onsite.l4.theme.rollouts"],
            "accomplishments": ["onsite.acc.checklist", "onsite.acc.talk"],
            "mentoring": True,
        },
        (
            "field",
            "role",
            "project_count",
            "project.1.complexity",
            "project.1.scope",
            "project.1.desks",
            "project.1.floors",
            "project.2.complexity",
            "project.2.scope",
            "project.2.desks",
            "project.2.floors",
            "themes.4",
            "accomplishments",
            "mentoring",
        ),
        4,
    ),
}

CONSENT_AND_REVIEW = {"consent": "yes", "review": "confirm"}


@cache
def scenario_run(name: str, language: str) -> Run:
    return interview(toy_context(language), {**CONSENT_AND_REVIEW, **SCENARIOS[name].script})


RUNS = [pytest.param(name, language, id=f"{name}-{language}") for name in SCENARIOS for language in LANGUAGES]


# --- whole interviews on the toy ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "language"), RUNS)
def test_whole_interview_asks_exactly_the_toys_questions(name, language):
    run = scenario_run(name, language)
    assert run.keys == ["consent", *SCENARIOS[name].questions, "review", "result"]
    assert "standard" not in run.plan  # one standard offered: nothing to choose
    assert run.snapshot["standard"] == "toy-helpdesk"


@pytest.mark.parametrize(("name", "language"), RUNS)
def test_whole_interview_ends_on_the_level_the_cli_gives_its_profile(name, language):
    run = scenario_run(name, language)
    assert run.level == SCENARIOS[name].level
    cli = cli_evaluate(run.profile)
    assert cli["level"] == run.level
    assert cli == run.evaluation


@pytest.mark.parametrize(("name", "language"), RUNS)
def test_whole_interview_offers_the_toys_options_in_its_language(name, language):
    run = scenario_run(name, language)
    field = SCENARIOS[name].field
    spec = TOY.fields[field]
    items, texts = item_words(TOY, language), text_words(TOY, language)
    fname = field_name(field, language)

    p = run.prompt("field")
    assert p.kind is Kind.SINGLE
    assert [(o.id, o.label) for o in p.options] == [
        ("desk", texts["field.desk.option"]),
        ("onsite", texts["field.onsite.option"]),
    ]
    p = run.prompt("role")
    assert [(o.id, o.label) for o in p.options] == [
        (r, texts[f"role.{r}.option"].format(field_name=fname)) for r in ("trainee", "agent", "lead")
    ]
    assert fname in p.text
    p = run.prompt("project_count")
    assert p.kind is Kind.SINGLE
    assert [o.id for o in p.options] == ["0", "1", "2"]  # the toy's most is 2, not ITSS's 3

    for p in run.prompts:
        part = p.key.split(".")
        if p.key.startswith("project.") and part[2] == "complexity":
            assert p.kind is Kind.MULTI
            assert [(o.id, o.label) for o in p.options] == [(i, items[i]) for i in spec.complexity]
        elif p.key.startswith("project.") and part[2] == "size":
            assert [(o.id, o.label) for o in p.options] == [(i, items[i]) for i in spec.size_ladder]
        elif p.key.startswith("project.") and part[2] == "scope":
            assert p.kind is Kind.SINGLE
            assert [(o.id, o.label) for o in p.options] == [
                ("room", texts["scope.room.option"]),
                ("building", texts["scope.building.option"]),
            ]
            assert p.text == texts["scope.question"].format(n=part[1], count=2)
        elif p.key.startswith("project."):
            assert part[2] in ("desks", "floors"), p.key  # the answer keys, never "desk_count"
            assert p.kind is Kind.INTEGER
            assert p.minimum == 0
            assert p.maximum == {"desks": 5000, "floors": 200}[part[2]]
            assert p.text.startswith(texts[f"quantity.{part[2]}.question"].format(n=part[1], count=2))
        elif p.key.startswith("themes."):
            level = int(part[1])
            assert p.kind is Kind.MULTI
            assert [(o.id, o.label) for o in p.options] == [
                (t, items[t]) for t in spec.specialty_levels[level].themes
            ]
            assert texts[f"themes.depth.{level}"] in p.text
        elif p.key == "accomplishments":
            assert [(o.id, o.label) for o in p.options] == [(a, items[a]) for a in spec.accomplishments]
            assert texts[f"field.{field}.accomplishment_area"] in p.text
        elif p.key == "involvement":
            assert p.text == texts["involvement.question"]
            assert [(o.id, o.label) for o in p.options] == [
                (i, texts[f"involvement.{i}.option"]) for i in ("nothing", "shadowed", "handled")
            ]
        elif p.key in ("common_complexity", "common_themes"):
            kind = "complexity" if p.key == "common_complexity" else "theme"
            expected = [i for i, item in TOY.items.items() if item.field == "common" and item.kind == kind]
            assert [(o.id, o.label) for o in p.options] == [(i, items[i]) for i in expected]


@pytest.mark.parametrize(("name", "language"), RUNS)
def test_result_names_the_toys_level_in_its_language(name, language):
    run = scenario_run(name, language)
    scenario = SCENARIOS[name]
    text = run.prompt("result").text
    assert field_name(scenario.field, language) in text
    assert level_words(scenario.field, scenario.level, language) in text


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_japanese_interview_shows_the_toys_japanese_item_texts_not_the_english_ones(name):
    run = scenario_run(name, "ja")
    ja = TOY.translations["ja"].items
    shown = [o for p in run.prompts for o in p.options if o.id in TOY.items]
    assert shown, "the interview showed no item of the standard"
    for option in shown:
        assert option.label == ja[option.id]
        assert option.label != TOY.items[option.id].seed_text
    transcript = run.transcript()
    for item_id in {o.id for o in shown}:
        assert TOY.items[item_id].seed_text not in transcript
    assert all(p.translated for p in run.prompts if p.key not in ("consent", "review", "result"))


def test_the_japanese_run_uses_the_japanese_field_name_and_role_words():
    run = scenario_run("desk-lead-level-3", "ja")
    assert run.prompt("role").option("lead").label == "デスクサポートシフトのリーダ"
    assert run.prompt("result").text.startswith("デスクサポート レベル3 — シフトリーダ")
    assert "Desk support" not in run.transcript()


def test_the_same_answers_give_the_same_profile_in_both_languages():
    for name in SCENARIOS:
        assert scenario_run(name, "en").profile == scenario_run(name, "ja").profile, name
        assert scenario_run(name, "en").evaluation == scenario_run(name, "ja").evaluation, name


def test_measured_answers_become_the_toys_quantity_ids_in_the_profile():
    run = scenario_run("onsite-lead-level-3-measured", "en")
    assert run.profile["experiences"] == [
        {
            "complexity": ["onsite.cx.hazard", "onsite.cx.night"],
            "scope": "building",
            "desk_count": 250,
            "floors": 4,
        },
        {"complexity": ["onsite.cx.hazard"], "scope": "room"},
    ]
    assert run.evaluation["experience_levels"] == [3, 2]
    assert [c["criterion"] for c in run.evaluation["next"]["missing"]] == [
        "projects",
        "peak_project",
        "themes",
        "accomplishments",
    ]


# --- choosing among several standards ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_both_standards_the_first_question_is_which_standard(language):
    ctx = Context(StandardSet([ITSS, TOY]), language)
    with Interview(ctx) as iv:
        assert iv.prompt().key == "consent"
        step = iv.answer("yes")
        p = step.prompt
        assert p.key == "standard"
        assert p.kind is Kind.SINGLE
        assert [(o.id, o.label) for o in p.options] == [
            (DEFAULT_STANDARD, text_words(ITSS, language)["title"]),
            ("toy-helpdesk", text_words(TOY, language)["title"]),
        ]
        assert iv.snapshot()["standard"] is None  # nothing chosen yet
        p = iv.answer("toy-helpdesk").prompt
        assert p.key == "field"
        assert [o.id for o in p.options] == ["desk", "onsite"]
        assert iv.snapshot()["standard"] == "toy-helpdesk"


def test_with_both_standards_choosing_the_toy_runs_the_toys_whole_interview():
    scenario = SCENARIOS["onsite-lead-level-3-measured"]
    ctx = Context(StandardSet([ITSS, TOY]), "en")
    run = interview(ctx, {**CONSENT_AND_REVIEW, "standard": "toy-helpdesk", **scenario.script})
    assert run.keys == ["consent", "standard", *scenario.questions, "review", "result"]
    assert run.plan[0] == "standard"
    assert run.snapshot["standard"] == "toy-helpdesk"
    assert run.level == scenario.level == cli_evaluate(run.profile)["level"]
    assert run.profile == scenario_run("onsite-lead-level-3-measured", "en").profile


def test_with_both_standards_choosing_itss_asks_the_itss_fields():
    ctx = Context(StandardSet([ITSS, TOY]), "en")
    with Interview(ctx) as iv:
        iv.answer("yes")
        p = iv.answer(DEFAULT_STANDARD).prompt
        assert p.key == "field"
        assert [o.id for o in p.options] == ["hardware", "software", "facility"]
        assert iv.snapshot()["standard"] == DEFAULT_STANDARD


def test_with_only_itss_offered_no_standard_question_is_asked():
    ctx = Context(StandardSet([ITSS]), "en")
    with Interview(ctx) as iv:
        p = iv.answer("yes").prompt
        assert p.key == "field"
        assert [o.id for o in p.options] == ["hardware", "software", "facility"]
        assert "standard" not in iv.plan().keys
        assert iv.snapshot()["standard"] == DEFAULT_STANDARD
        p = iv.answer("hardware").prompt
        assert p.key == "role"
        assert [o.id for o in p.options] == ["participant", "member", "responsible", "leader"]
        p = iv.answer("member").prompt
        assert [o.id for o in p.options] == ["0", "1", "2", "3"]


def test_a_toy_snapshot_restores_on_the_toy_in_another_language():
    scenario = SCENARIOS["desk-lead-level-3"]
    ctx = Context(StandardSet([ITSS, TOY]), "en")
    with Interview(ctx) as iv:
        iv.answer("yes")
        iv.answer("toy-helpdesk")
        iv.answer("desk")
        snapshot = iv.snapshot()
    with Interview.restore(snapshot, ctx.with_language("ja")) as iv:
        p = iv.prompt()
        assert p.key == "role"
        assert p.option("agent").label == "自分のデスクサポートキューを持つ担当者"
        for key in scenario.questions[1:]:
            iv.answer(scenario.script[key])
        assert iv.prompt().key == "review"
        iv.answer("confirm")
        evaluation = iv.evaluation()
        assert evaluation is not None and evaluation.level == scenario.level


# --- wording that only fits ITSS ---------------------------------------------------------------------
# The dialogue's own catalogues (dialogs/locales/*.json) are shared by every standard, so they must not
# speak of ITSS's subject matter. Each phrase below is ITSS-only and shows up in a toy interview.

ITSS_ONLY_WORDING = [
    pytest.param(
        "en",
        "installation",
        id="en-installation: q.project_count, label.involvement, crit.involvement(.met)",
    ),
    pytest.param("en", "level 1–2", id="en-level-1-2: crit.common_complexity"),
    pytest.param("en", "below level 3", id="en-below-level-3: level_below"),
    pytest.param(
        "ja", "保守", id="ja-maintenance: q.project_count, label.involvement, crit.involvement(.met)"
    ),
    pytest.param("ja", "レベル1〜2", id="ja-level-1-2: crit.common_complexity"),
    pytest.param("ja", "レベル3未満", id="ja-below-level-3: level_below"),
    pytest.param(
        "ja", "技術の継承", id="ja-technology-succession: label.accomplishments, crit.accomplishments"
    ),
]


@pytest.mark.parametrize(("language", "phrase"), ITSS_ONLY_WORDING)
def test_a_toy_interview_shows_no_itss_only_wording(language, phrase):
    phrase = phrase.casefold()
    assert not any(phrase in text.casefold() for text in text_words(TOY, language).values())  # not the toy's
    where = [
        f"{name}:{p.key}"
        for name in SCENARIOS
        for p in scenario_run(name, language).prompts
        if phrase in "\n".join([p.text, *(o.label for o in p.options), *p.details]).casefold()
    ]
    assert where == [], f"{phrase!r} shown in a toy interview at {where}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consent_before_choosing_does_not_call_every_offered_standard_itss(language):
    """With ITSS and the toy offered, the greeting must fit both: name both titles, or neither as ITSS."""
    ctx = Context(StandardSet([ITSS, TOY]), language)
    with Interview(ctx) as iv:
        text = iv.prompt().text
    titles = [text_words(s, language)["title"] for s in (ITSS, TOY)]
    assert all(t in text for t in titles) or "ITSS" not in text, text
