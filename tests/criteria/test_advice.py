"""The advice under the result: which levels above are closest, and what each project would need.

The result's words are only as right as these statements: a closest level that is not the nearest,
or a way to grow a project that would not reach its level, would send a person the wrong way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from strategies import SETTINGS, STD, any_profile_json, ids_of

from criteria import Experience, evaluate, experience_level, parse_profile
from criteria.advice import ProjectStanding, closest_levels, gap, project_standing, project_standings

Json = dict[str, Any]
FIELDS = STD.field_ids


def project(field: str, ticks: int, size: str | None) -> Json:
    """A project with the first ``ticks`` complexity items; facility sizes as "part", "small", …;
    None: no size (allowed for a project with too few items to count)."""
    complexity = ids_of(field, "complexity")[:ticks]
    if size is None:
        return {"complexity": complexity}
    if field != "facility":
        return {"complexity": complexity, "size": size}
    if size == "part":
        return {"complexity": complexity, "scope": "part"}
    rooms, area = {"small": (1, 500), "medium": (3, 2000), "large": (5, 5000)}[size]
    return {"complexity": complexity, "scope": "whole", "rooms": rooms, "area_m2": area, "sites": 0}


def largest(field: str) -> str:
    return "large" if field == "facility" else STD.fields[field].size_ladder[-1]


def senior(field: str, **changes: Any) -> Json:
    """A leader with three projects at the field's top, every accomplishment kind and mentoring."""
    return {
        "field": field,
        "role": "leader",
        "experiences": [project(field, 2, largest(field))] * 3,
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": [],
        "accomplishments": ids_of(field, "accomplishment"),
        "mentoring": True,
        **changes,
    }


def closest(raw: Json) -> list[tuple[int, int]]:
    return [(g.level, g.steps) for g in closest_levels(evaluate(parse_profile(raw)))]


# --- closest levels --------------------------------------------------------------------------------


def test_a_senior_who_ticked_no_theme_is_told_their_own_level_is_one_step_away() -> None:
    for field in FIELDS:
        top = STD.fields[field].top
        assert closest(senior(field)) == [(1, 1), (top, 1)], field


def test_a_level_strictly_closer_than_the_next_one_is_named() -> None:
    for field in FIELDS:
        top = STD.fields[field].top
        raw = senior(field, involvement="none", common_complexity=[])
        assert closest(raw) == [(1, 3), (top, 1)], field


def test_at_equal_distances_of_several_steps_only_the_next_level_is_named() -> None:
    """A beginner is three things from level 1 and from level 3 (R1): the next level stays the aim."""
    raw = {"field": "hardware", "role": "participant"}
    evaluation = evaluate(parse_profile(raw))
    assert gap(evaluation.at(3)).steps == gap(evaluation.at(1)).steps == 3
    assert closest(raw) == [(1, 3)]


def test_a_level_one_step_away_for_the_same_thing_as_the_next_is_not_named_again() -> None:
    """Level 2 asks what level 1 asks (a stronger involvement): naming it would repeat the line."""
    raw = {
        "field": "software",
        "role": "participant",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ids_of("common", "theme")[:1],
    }
    evaluation = evaluate(parse_profile(raw))
    assert gap(evaluation.at(2)).steps == gap(evaluation.at(1)).steps == 1
    assert closest(raw) == [(1, 1)]


def test_a_missing_peak_project_that_the_missing_projects_bring_costs_no_extra_step() -> None:
    # Facility management level 4: two projects at level 4, one of them at level 5.
    raw = {
        "field": "facility",
        "role": "responsible",
        "experiences": [project("facility", 2, "small")],
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ["common.theme.operation", "fm.l3.theme.advice", "fm.l4.theme.satisfaction"],
        "accomplishments": ["fm.acc.book"],
        "mentoring": True,
    }
    level4 = evaluate(parse_profile(raw)).at(4)
    assert [c.key for c in level4.missing] == ["projects", "peak_project"]
    assert gap(level4).steps == 1


def test_nothing_is_above_the_top() -> None:
    for field in FIELDS:
        themes = ids_of(field, "theme") + ids_of("common", "theme")
        assert closest(senior(field, themes=themes)) == [], field


# --- what a project would need ---------------------------------------------------------------------


def standing(field: str, ticks: int, size: str | None) -> ProjectStanding:
    (one,) = project_standings(
        parse_profile({"field": field, "role": "member", "experiences": [project(field, ticks, size)]}), STD
    )
    return one


def test_a_project_is_told_each_way_to_its_next_level_cheapest_first() -> None:
    p = standing("hardware", 2, "hw.size.team_member")
    assert (p.level, p.target) == (3, 4)
    assert [(r.option.size, r.size_short, r.more_complexity) for r in p.routes] == [
        ("hw.size.specific_industries", True, 0),
        ("hw.size.specific_users", True, 2),
    ]


def test_a_way_harder_than_another_is_not_offered() -> None:
    """Level 5 of facility management: a medium facility, or with three items a small one. A project
    with three items on one part needs the small facility; "or a medium one" would be no alternative."""
    p = standing("facility", 3, "part")
    assert (p.level, p.target) == (4, 5)
    assert [(r.option.size, r.size_short, r.more_complexity) for r in p.routes] == [
        ("fm.size.small", True, 0)
    ]


def test_ways_that_ask_different_things_are_both_offered() -> None:
    p = standing("facility", 2, "part")
    assert (p.level, p.target) == (3, 4)
    assert [(r.option.size, r.size_short, r.more_complexity) for r in p.routes] == [
        ("fm.size.part", False, 1),
        ("fm.size.small", True, 0),
    ]


def test_a_project_with_too_few_items_is_marked_so_with_or_without_a_size() -> None:
    for field, size in (("software", "sw.size.wide_area"), ("software", None), ("facility", None)):
        p = standing(field, 1, size)
        assert p.too_few_items and p.level == 0 and p.complexity_min == 2 and p.size == size


# --- properties ------------------------------------------------------------------------------------


@given(any_profile_json())
@SETTINGS
def test_closest_levels_are_the_next_then_one_no_farther(raw: Json) -> None:
    evaluation = evaluate(parse_profile(raw))
    gaps = closest_levels(evaluation)
    if evaluation.next is None:
        assert gaps == ()
        return
    following, *rest = gaps
    assert following.level == evaluation.level + 1
    assert following.missing == evaluation.next.missing and following.steps >= 1
    others = [gap(r) for r in evaluation.levels if r.level > following.level]
    for g in rest:
        assert g.level > following.level and g.missing == evaluation.at(g.level).missing
        assert g.steps < following.steps or g.steps == following.steps == 1
        assert all((o.steps, -o.level) >= (g.steps, -g.level) for o in others if o.steps < following.steps)
    if not rest:
        assert all(o.steps >= following.steps for o in others)


@given(any_profile_json())
@SETTINGS
def test_following_any_offered_way_brings_the_project_to_its_next_level(raw: Json) -> None:
    profile = parse_profile(raw)
    spec = STD.fields[profile.field]
    for exp, p in zip(profile.experiences, project_standings(profile, STD), strict=True):
        assert p.level == experience_level(spec, exp)
        if p.target is None:
            assert p.level == spec.top and p.routes == ()
            continue
        assert p.target > p.level and p.routes
        costs = [r.more_complexity + r.size_short for r in p.routes]
        assert costs == sorted(costs)
        unticked = [c for c in spec.complexity if c not in exp.complexity]
        for r in p.routes:
            assert r.size_short or r.more_complexity, "a way that changes nothing would already be there"
            grown = Experience(
                complexity=exp.complexity | frozenset(unticked[: r.more_complexity]),
                size=r.option.size if r.size_short else exp.size,
            )
            assert experience_level(spec, grown) >= p.target
            assert project_standing(spec, p.number, grown).level >= p.target
