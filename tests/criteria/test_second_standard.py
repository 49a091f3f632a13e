"""A second, made-up standard (tests/fixtures/standards/toy-helpdesk.json) works with no code naming it.

The toy differs from ITSS V2 Customer Service in everything the data may vary: two fields with
different level ranges (desk 1–3, onsite 1–4), one common level (1) with themes_min 2, its own roles
(trainee < agent < lead) and involvements (nothing < shadowed < handled), its own size ladders, and
a measured-size field (onsite: scope room/building, quantities desk_count/floors) whose thresholds
have two alternatives. The most any level asks is two projects.

Every expected level below is worked out by hand from the toy's data:

desk project level-equivalent: 3 when >= 2 complexity ticks and size >= company, or >= 3 ticks and
size >= department; else 2 when >= 1 tick and size >= one_team; else 0.

onsite size: scope room -> room; scope building -> large when (desk_count >= 200 and floors >= 5)
or floors >= 20, else small. onsite project level-equivalent: 4 when >= 2 ticks and size large;
else 3 when >= 1 tick and size >= small, or >= 2 ticks and size >= room; else 2 when >= 1 tick;
else 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from criteria import (
    Experience,
    ProfileError,
    evaluate,
    experience_level,
    load_standard,
    load_standard_file,
    packaged_standards,
    parse_profile,
    profile_to_json,
)

ROOT = Path(__file__).resolve().parents[2]
TOY_FILE = ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json"
TOY = load_standard_file(TOY_FILE)

Json = dict[str, Any]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "criteria", "--standard", str(TOY_FILE), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def cli_evaluate(profiles: list[Json]) -> tuple[int, list[Json]]:
    done = run("evaluate", "-", "--json", stdin="".join(json.dumps(p) + "\n" for p in profiles))
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def missing_keys(result: Json, level: int) -> list[str]:
    return [c["criterion"] for c in result["levels"][str(level)]["missing"]]


# --- the toy itself ----------------------------------------------------------------------------------


def test_the_toy_loads_as_its_own_standard_and_is_not_packaged():
    assert TOY.id == "toy-helpdesk"
    assert TOY.version == "0.1"
    assert TOY.title == "Toy Help Desk (test fixture)"
    assert TOY.id not in packaged_standards()
    assert TOY.field_ids == ("desk", "onsite")
    assert TOY.fields["desk"].levels == (1, 2, 3)
    assert TOY.fields["onsite"].levels == (1, 2, 3, 4)
    assert TOY.role_ids == ("trainee", "agent", "lead")
    assert TOY.involvement_ids == ("nothing", "shadowed", "handled")
    assert sorted(TOY.common_levels) == [1]
    assert TOY.max_projects == 2
    assert TOY.languages == ("en", "ja")
    assert TOY.translations["ja"].translator == "levelcheck"
    measured = TOY.fields["onsite"].measured_size
    assert measured is not None and TOY.fields["desk"].measured_size is None
    assert measured.measured_scopes() == ("building",)
    assert [(q.id, q.answer) for q in measured.quantities] == [("desk_count", "desks"), ("floors", "floors")]


def test_load_standard_by_path_is_the_same_standard_as_the_file():
    assert load_standard(str(TOY_FILE)) == TOY


def test_the_japanese_translation_covers_every_item_and_every_text():
    ja = TOY.translations["ja"]
    assert set(ja.items) == set(TOY.items)
    assert set(TOY.texts) <= set(ja.texts)
    for field in TOY.field_ids:
        assert f"field.{field}.name" in ja.texts
        for role in TOY.fields[field].role_text:
            if role != "trainee":  # the common level's words are level.1.title
                assert f"field.{field}.role_text.{role}" in ja.texts


# --- catalogue ---------------------------------------------------------------------------------------


def test_catalogue_json_lists_the_toys_items_not_itss():
    done = run("catalogue", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["id"] for r in rows] == list(TOY.items)
    assert len(rows) == 32
    assert {r["field"] for r in rows} == {"desk", "onsite", "common"}
    by_id = {r["id"]: r for r in rows}
    assert by_id["onsite.size.large"] == {
        "id": "onsite.size.large",
        "kind": "size",
        "field": "onsite",
        "levels": [4],
        "seed_text": "Looks after a large building (200 desks on 5 floors, or 20 floors)",
    }
    assert by_id["common.theme.passwords"]["levels"] == [1]
    assert not any(r["id"].startswith(("hw.", "sw.", "fm.")) for r in rows)


def test_catalogue_text_groups_by_the_toys_fields():
    done = run("catalogue")
    assert done.returncode == 0, done.stderr
    headings = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    assert headings == ["== desk", "== onsite", "== common"]


# --- project level-equivalents (R3/R4), through the library ------------------------------------------

DESK_PROJECTS = [
    pytest.param(["desk.cx.multi_language", "desk.cx.vip"], "desk.size.company", 3, id="2-ticks-company"),
    pytest.param(["desk.cx.multi_language", "desk.cx.vip"], "desk.size.department", 2, id="2-ticks-dept"),
    pytest.param(
        ["desk.cx.multi_language", "desk.cx.vip", "desk.cx.after_hours"],
        "desk.size.department",
        3,
        id="3-ticks-dept-in-case-of",
    ),
    pytest.param(["desk.cx.vip"], "desk.size.company", 2, id="1-tick-company"),
    pytest.param(["desk.cx.vip"], "desk.size.one_team", 2, id="1-tick-one-team"),
    pytest.param([], "desk.size.company", 0, id="no-ticks"),
]


@pytest.mark.parametrize(("complexity", "size", "level"), DESK_PROJECTS)
def test_desk_project_level_equivalent(complexity, size, level):
    exp = Experience(complexity=frozenset(complexity), size=size)
    assert experience_level(TOY.fields["desk"], exp) == level


ONSITE_PROJECTS = [
    pytest.param(
        {"scope": "building", "desk_count": 250, "floors": 6}, 2, "onsite.size.large", 4, id="both-quantities"
    ),
    pytest.param(
        {"scope": "building", "desk_count": 250, "floors": 4}, 2, "onsite.size.small", 3, id="floors-short"
    ),
    pytest.param(
        {"scope": "building", "desk_count": 199, "floors": 5}, 2, "onsite.size.small", 3, id="desks-short"
    ),
    pytest.param(
        {"scope": "building", "desk_count": 0, "floors": 20}, 2, "onsite.size.large", 4, id="floors-alone"
    ),
    pytest.param(
        {"scope": "building", "desk_count": 199, "floors": 19}, 1, "onsite.size.small", 3, id="one-tick-small"
    ),
    pytest.param({"scope": "room"}, 1, "onsite.size.room", 2, id="room-one-tick"),
    pytest.param({"scope": "room"}, 2, "onsite.size.room", 3, id="room-in-case-of"),
    pytest.param(
        {"scope": "building", "desk_count": 999, "floors": 99}, 0, "onsite.size.large", 0, id="none"
    ),
]


@pytest.mark.parametrize(("facility", "ticks", "size", "level"), ONSITE_PROJECTS)
def test_onsite_measured_project_size_and_level_equivalent(facility, ticks, size, level):
    complexity = ["onsite.cx.hazard", "onsite.cx.night", "onsite.cx.secure_area"][:ticks]
    profile = parse_profile(
        {"field": "onsite", "role": "agent", "experiences": [{"complexity": complexity, **facility}]}, TOY
    )
    (exp,) = profile.experiences
    assert exp.size == size
    assert experience_level(TOY.fields["onsite"], exp) == level


# --- whole profiles, CLI and library -----------------------------------------------------------------

BASIC = {
    "involvement": "shadowed",
    "common_complexity": ["common.cx.single_app"],
    "themes": ["common.theme.ticketing", "common.theme.politeness"],
}

#: (name, profile, level, experience levels, {level: missing criteria keys})
CASES: list[tuple[str, Json, int, list[int], dict[int, list[str]]]] = [
    (
        "desk-nothing-yet",
        {"field": "desk", "role": "trainee"},
        0,
        [],
        {
            1: ["involvement", "common_complexity", "themes"],
            2: ["role", "projects", "peak_project", "themes"],
        },
    ),
    ("desk-level-1", {"field": "desk", "role": "trainee", **BASIC}, 1, [], {1: []}),
    (
        "desk-level-1-needs-two-basic-themes",
        {**{"field": "desk", "role": "trainee", **BASIC}, "themes": ["common.theme.ticketing"]},
        0,
        [],
        {1: ["themes"]},
    ),
    (
        "desk-involvement-ladder-more-satisfies-less",
        {**{"field": "desk", "role": "lead", **BASIC}, "involvement": "handled"},
        1,
        [],
        {1: [], 2: ["projects", "peak_project", "themes"]},
    ),
    (
        "desk-level-2",
        {
            "field": "desk",
            "role": "agent",
            "experiences": [{"complexity": ["desk.cx.vip"], "size": "desk.size.one_team"}],
            "themes": ["desk.l2.theme.scripts"],
        },
        2,
        [2],
        {
            1: ["involvement", "common_complexity", "themes"],
            2: [],
            3: ["role", "projects", "peak_project", "themes", "accomplishments", "mentoring"],
        },
    ),
    (
        "desk-level-3-judged-on-its-own",
        {
            "field": "desk",
            "role": "lead",
            "experiences": [
                {"complexity": ["desk.cx.multi_language", "desk.cx.vip"], "size": "desk.size.company"},
                {"complexity": ["desk.cx.vip"], "size": "desk.size.one_team"},
            ],
            "themes": ["desk.l3.theme.kpis"],
            "accomplishments": ["desk.acc.wiki"],
            "mentoring": True,
        },
        3,
        [3, 2],
        {1: ["involvement", "common_complexity", "themes"], 2: ["themes"], 3: []},
    ),
    (
        "desk-level-3-needs-two-projects",
        {
            "field": "desk",
            "role": "lead",
            "experiences": [
                {"complexity": ["desk.cx.multi_language", "desk.cx.vip"], "size": "desk.size.company"},
                {"complexity": [], "size": "desk.size.company"},
            ],
            "themes": ["desk.l2.theme.escalation", "desk.l3.theme.staffing"],
            "accomplishments": ["desk.acc.wiki", "desk.acc.training"],
            "mentoring": True,
        },
        2,
        [3, 0],
        {2: [], 3: ["projects"]},
    ),
    (
        "onsite-level-4-measured",
        {
            "field": "onsite",
            "role": "lead",
            "experiences": [
                {
                    "complexity": ["onsite.cx.hazard", "onsite.cx.night"],
                    "scope": "building",
                    "desk_count": 250,
                    "floors": 6,
                },
                {"complexity": ["onsite.cx.hazard", "onsite.cx.night"], "scope": "room"},
            ],
            "themes": ["onsite.l4.theme.vendors"],
            "accomplishments": ["onsite.acc.checklist", "onsite.acc.talk"],
            "mentoring": True,
        },
        4,
        [4, 3],
        {2: ["themes"], 3: ["themes"], 4: []},
    ),
    (
        "onsite-threshold-missed-by-one-floor",
        {
            "field": "onsite",
            "role": "lead",
            "experiences": [
                {
                    "complexity": ["onsite.cx.hazard", "onsite.cx.night"],
                    "scope": "building",
                    "desk_count": 250,
                    "floors": 4,
                },
                {"complexity": ["onsite.cx.hazard", "onsite.cx.night"], "scope": "room"},
            ],
            "themes": ["onsite.l3.theme.moves", "onsite.l4.theme.vendors"],
            "accomplishments": ["onsite.acc.checklist", "onsite.acc.talk"],
            "mentoring": True,
        },
        3,
        [3, 3],
        {3: [], 4: ["peak_project"]},
    ),
    (
        "onsite-level-4-by-floors-alone",
        {
            "field": "onsite",
            "role": "lead",
            "experiences": [
                {
                    "complexity": ["onsite.cx.night", "onsite.cx.secure_area"],
                    "scope": "building",
                    "desk_count": 0,
                    "floors": 20,
                },
                {
                    "complexity": ["onsite.cx.hazard", "onsite.cx.secure_area"],
                    "scope": "building",
                    "desk_count": 200,
                    "floors": 5,
                },
            ],
            "themes": ["onsite.l4.theme.rollouts"],
            "accomplishments": ["onsite.acc.tool", "onsite.acc.talk"],
            "mentoring": True,
        },
        4,
        [4, 4],
        {4: []},
    ),
    (
        "onsite-level-3-needs-mentoring-without-accomplishments",
        {
            "field": "onsite",
            "role": "agent",
            **BASIC,
            "experiences": [{"complexity": ["onsite.cx.hazard", "onsite.cx.night"], "scope": "room"}],
            "themes": [*BASIC["themes"], "onsite.l3.theme.inventory"],
        },
        1,
        [3],
        {
            1: [],
            2: ["themes"],
            3: ["mentoring"],
            4: ["role", "projects", "peak_project", "themes", "accomplishments", "mentoring"],
        },
    ),
]

CASE = {name: profile for name, profile, *_ in CASES}


@pytest.mark.parametrize(
    ("name", "profile", "level", "exp_levels", "missing"), CASES, ids=[c[0] for c in CASES]
)
def test_library_evaluates_hand_worked_profiles(name, profile, level, exp_levels, missing):
    evaluation = evaluate(parse_profile(profile, TOY), TOY)
    assert evaluation.level == level
    assert list(evaluation.experience_levels) == exp_levels
    assert evaluation.top == TOY.fields[profile["field"]].top
    for lv, keys in missing.items():
        assert [c.key for c in evaluation.at(lv).missing] == keys, lv


def test_cli_evaluates_hand_worked_profiles_like_the_library():
    code, results = cli_evaluate([c[1] for c in CASES])
    assert code == 0
    assert len(results) == len(CASES)
    for (name, profile, level, exp_levels, missing), result in zip(CASES, results, strict=True):
        assert result["field"] == profile["field"], name
        assert result["level"] == level, name
        assert result["experience_levels"] == exp_levels, name
        assert set(result["levels"]) == {str(lv) for lv in TOY.fields[profile["field"]].levels}, name
        for lv, keys in missing.items():
            assert missing_keys(result, lv) == keys, (name, lv)
        assert result == evaluate(parse_profile(profile, TOY), TOY).to_json(), name


def test_cli_reports_the_next_levels_whole_checklist_with_the_toys_words():
    profile = CASE["desk-level-2"]
    _, (result,) = cli_evaluate([profile])
    nxt = result["next"]
    assert nxt["level"] == 3
    by_key = {c["criterion"]: c for c in nxt["criteria"]}
    assert by_key["role"]["have"] == "agent" and by_key["role"]["need"] == "lead"
    assert by_key["role"]["text"] == "role: agent owning a queue (needs lead running a shift)"
    assert by_key["projects"]["have"] == 1 and by_key["projects"]["need"] == 2
    assert by_key["peak_project"]["have"] == 2 and by_key["peak_project"]["need"] == 3
    assert by_key["themes"]["options"] == ["desk.l3.theme.kpis", "desk.l3.theme.staffing"]
    assert by_key["accomplishments"]["options"] == ["desk.acc.wiki", "desk.acc.training"]
    common = result["levels"]["1"]["criteria"]
    assert [c["criterion"] for c in common] == ["role", "involvement", "common_complexity", "themes"]
    assert common[1]["have"] == "nothing" and common[1]["need"] == "shadowed"
    assert common[3]["need"] == 2  # the toy's themes_min, not ITSS's 1


def test_the_measured_profile_round_trips_with_the_toys_quantity_names():
    profile = CASE["onsite-level-4-measured"]
    parsed = parse_profile(profile, TOY)
    out = profile_to_json(parsed, TOY)
    assert out["experiences"][0] == {
        "complexity": ["onsite.cx.hazard", "onsite.cx.night"],
        "scope": "building",
        "desk_count": 250,
        "floors": 6,
    }
    assert out["involvement"] == "nothing"  # the lowest rung of the toy's own ladder
    assert parse_profile(out, TOY) == parsed


# --- ITSS ids are refused, naming the key ------------------------------------------------------------

REFUSED = [
    pytest.param({"field": "hardware", "role": "agent"}, "field", id="itss-field"),
    pytest.param({"field": "desk", "role": "member"}, "role", id="itss-role"),
    pytest.param(
        {"field": "desk", "role": "trainee", "involvement": "participated"}, "involvement", id="itss-inv"
    ),
    pytest.param(
        {
            "field": "desk",
            "role": "agent",
            "experiences": [{"complexity": [], "size": "hw.size.team_member"}],
        },
        "experiences[0].size",
        id="itss-size",
    ),
    pytest.param(
        {
            "field": "desk",
            "role": "agent",
            "experiences": [{"complexity": ["hw.cx.multi_vendor"], "size": "desk.size.one_team"}],
        },
        "experiences[0].complexity[0]",
        id="itss-complexity",
    ),
    pytest.param(
        {"field": "desk", "role": "trainee", "themes": ["common.theme.installation"]},
        "themes[0]",
        id="itss-theme",
    ),
    pytest.param(
        {
            "field": "onsite",
            "role": "agent",
            "experiences": [{"scope": "whole", "floors": 1, "desk_count": 1}],
        },
        "experiences[0].scope",
        id="itss-scope",
    ),
    pytest.param(
        {"field": "onsite", "role": "agent", "experiences": [{"scope": "building", "rooms": 3, "floors": 1}]},
        "experiences[0].rooms",
        id="itss-quantity",
    ),
    pytest.param(
        {"field": "onsite", "role": "agent", "experiences": [{"scope": "building", "desk_count": 3}]},
        "experiences[0].floors",
        id="missing-quantity",
    ),
    pytest.param(
        {
            "field": "desk",
            "role": "agent",
            "experiences": [{"complexity": ["onsite.cx.night"], "size": "desk.size.one_team"}],
        },
        "experiences[0].complexity[0]",
        id="other-toy-field",
    ),
]


@pytest.mark.parametrize(("profile", "key"), REFUSED)
def test_library_refuses_itss_ids_naming_the_key(profile, key):
    with pytest.raises(ProfileError) as caught:
        parse_profile(profile, TOY)
    assert caught.value.key == key


def test_cli_refuses_itss_ids_line_by_line_naming_the_key():
    good = {"field": "desk", "role": "trainee", **BASIC}
    profiles = [good, *(p.values[0] for p in REFUSED), good]
    code, results = cli_evaluate(profiles)
    assert code == 1
    assert len(results) == len(profiles)
    assert results[0]["level"] == 1 and results[-1] == results[0]
    for n, (param, result) in enumerate(zip(REFUSED, results[1:-1], strict=True), start=2):
        assert result["line"] == n
        assert result["key"] == param.values[1], param.id
        assert result["error"].startswith(param.values[1] + ": ")


def test_cli_refusal_of_an_itss_field_lists_the_toys_fields():
    code, (result,) = cli_evaluate([{"field": "hardware", "role": "agent"}])
    assert code == 1
    assert result["key"] == "field"
    assert "desk, onsite" in result["error"]
    assert "'hardware'" in result["error"]


def test_itss_profiles_are_still_evaluated_against_itss():
    """The default stays ITSS: the toy profile's field is unknown there, and vice versa."""
    with pytest.raises(ProfileError) as caught:
        parse_profile({"field": "desk", "role": "agent"})
    assert caught.value.key == "field"
    assert evaluate(parse_profile({"field": "hardware", "role": "member"})).top == 5


# --- readable report ---------------------------------------------------------------------------------


def test_readable_report_names_the_toys_field_and_level():
    done = run("evaluate", "-", stdin=json.dumps(CASE["desk-level-2"]) + "\n")
    assert done.returncode == 0, done.stderr
    assert "Desk support: level 2" in done.stdout
    assert "To reach Desk support level 3 you still need" in done.stdout
    assert "Projects, by level equivalent: 2" in done.stdout


def test_readable_report_words_a_project_below_the_lowest_specialty_level_generically():
    """The toy's lowest specialty level is 2: a project worth nothing is "below 2", never "below 3"
    (BUG: criteria/report.py hard-codes ITSS's "below 3")."""
    done = run("evaluate", "-", stdin=json.dumps(CASE["desk-level-3-needs-two-projects"]) + "\n")
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("Projects, by level equivalent:")]
    assert line.startswith("Projects, by level equivalent: 3, ")
    assert "below 3" not in line
