"""Properties over generated valid profiles (hypothesis): monotonicity, "missing" is enough, and an
independent oracle written straight from reading rules R1–R8.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import (
    INVOLVEMENTS,
    ROLES,
    SETTINGS,
    STD,
    any_profile_json,
    experience_json,
    ids_of,
    rich_profile_json,
    theme_ids,
)

from criteria import LevelResult, evaluate, parse_profile

Json = dict[str, Any]


def ev(raw: Json):
    return evaluate(parse_profile(raw))


def assert_not_lower(before: Json, after: Json) -> None:
    """The level never drops, and (stronger) no level that was met stops being met."""
    old, new = ev(before), ev(after)
    assert new.level >= old.level
    for o, n in zip(old.levels, new.levels, strict=True):
        assert n.met or not o.met, f"level {o.level} was met and no longer is"


def with_defaults(raw: Json) -> Json:
    out = copy.deepcopy(raw)
    for key, default in (
        ("experiences", []),
        ("involvement", "none"),
        ("common_complexity", []),
        ("themes", []),
        ("accomplishments", []),
        ("mentoring", False),
    ):
        out.setdefault(key, default)
    return out


# --- monotonicity --------------------------------------------------------------------------------------


@given(any_profile_json(), st.data())
@SETTINGS
def test_adding_a_complexity_tick_never_lowers(raw, data):
    raw = with_defaults(raw)
    assume(raw["experiences"])
    n = data.draw(st.integers(0, len(raw["experiences"]) - 1))
    free = [i for i in ids_of(raw["field"], "complexity") if i not in raw["experiences"][n]["complexity"]]
    assume(free)
    after = copy.deepcopy(raw)
    after["experiences"][n]["complexity"].append(data.draw(st.sampled_from(free)))
    with_smallest_size(raw["field"], after["experiences"][n])  # one more tick may need a size
    assert_not_lower(raw, after)


def with_smallest_size(field: str, exp: Json) -> None:
    """A project described without its size (too few ticks to count) gets the smallest one."""
    if "size" not in exp and "scope" not in exp:
        if STD.fields[field].measured_size is None:
            exp["size"] = STD.fields[field].size_ladder[0]
        else:
            exp["scope"] = "part"


@given(any_profile_json(), st.data())
@SETTINGS
def test_adding_a_theme_never_lowers(raw, data):
    raw = with_defaults(raw)
    free = [i for i in theme_ids(raw["field"]) if i not in raw["themes"]]
    assume(free)
    assert_not_lower(raw, {**raw, "themes": [*raw["themes"], data.draw(st.sampled_from(free))]})


@given(any_profile_json(), st.data())
@SETTINGS
def test_adding_an_accomplishment_never_lowers(raw, data):
    raw = with_defaults(raw)
    free = [i for i in ids_of(raw["field"], "accomplishment") if i not in raw["accomplishments"]]
    assume(free)
    assert_not_lower(
        raw, {**raw, "accomplishments": [*raw["accomplishments"], data.draw(st.sampled_from(free))]}
    )


@given(any_profile_json(), st.data())
@SETTINGS
def test_adding_a_common_complexity_item_never_lowers(raw, data):
    raw = with_defaults(raw)
    free = [i for i in ids_of("common", "complexity") if i not in raw["common_complexity"]]
    assume(free)
    after = {**raw, "common_complexity": [*raw["common_complexity"], data.draw(st.sampled_from(free))]}
    assert_not_lower(raw, after)


@given(any_profile_json(), st.data())
@SETTINGS
def test_adding_an_experience_never_lowers(raw, data):
    raw = with_defaults(raw)
    extra = data.draw(experience_json(raw["field"]))
    at = data.draw(st.integers(0, len(raw["experiences"])))
    assert_not_lower(raw, {**raw, "experiences": [*raw["experiences"][:at], extra, *raw["experiences"][at:]]})


@given(any_profile_json(), st.data())
@SETTINGS
def test_raising_the_role_never_lowers(raw, data):
    higher = ROLES[ROLES.index(raw["role"]) :]
    assert_not_lower(raw, {**raw, "role": data.draw(st.sampled_from(higher))})


@given(any_profile_json(), st.data())
@SETTINGS
def test_raising_involvement_never_lowers(raw, data):
    raw = with_defaults(raw)
    higher = INVOLVEMENTS[INVOLVEMENTS.index(raw["involvement"]) :]
    assert_not_lower(raw, {**raw, "involvement": data.draw(st.sampled_from(higher))})


@given(any_profile_json())
@SETTINGS
def test_setting_mentoring_never_lowers(raw):
    assert_not_lower(raw, {**raw, "mentoring": True})


@given(any_profile_json(), st.data())
@SETTINGS
def test_a_larger_size_never_lowers(raw, data):
    """HW/SW: a higher rung of the size ladder; FM: more rooms/area/sites, or part -> whole (R4: part is
    below small, so even a whole facility of 0 rooms is larger than a part)."""
    raw = with_defaults(raw)
    assume(raw["experiences"])
    n = data.draw(st.integers(0, len(raw["experiences"]) - 1))
    after = copy.deepcopy(raw)
    exp = after["experiences"][n]
    with_smallest_size(raw["field"], exp)  # no size yet: any size is larger than none
    if raw["field"] != "facility":
        ladder = STD.fields[raw["field"]].size_ladder
        exp["size"] = data.draw(st.sampled_from(ladder[ladder.index(exp["size"]) :]))
    elif exp["scope"] == "part" and data.draw(st.booleans()):
        exp["scope"] = "whole"
        for k in ("rooms", "area_m2", "sites"):
            exp[k] = exp.get(k, 0) + data.draw(st.sampled_from([0, 0, 1, 100, 2000]))
    else:
        for k in ("rooms", "area_m2", "sites"):
            exp[k] = exp.get(k, 0) + data.draw(st.sampled_from([0, 0, 1, 2, 100, 2000, 5000]))
    assert_not_lower(raw, after)


# --- "the reported missing items, once supplied, reach the next level" -------------------------------


def experience_at(field: str, level: int) -> Json:
    """A project of level-equivalent ``level``, from the standard's data: the level's minimum number of
    ticks (the first items of the field's complexity list) and its unconditional size option's rung."""
    spec = STD.fields[field]
    rule = spec.specialty_levels[level]
    ticks = list(spec.complexity[: rule.complexity_min])
    rung = next(o.size for o in rule.size_options if o.min_complexity == 0)
    if field != "facility":
        return {"complexity": ticks, "size": rung}
    if rung == spec.size_ladder[0]:
        return {"complexity": ticks, "scope": "part"}
    measured = spec.measured_size
    assert measured is not None
    # the first alternative of the rung's thresholds (rooms and area); small: any whole facility
    t = {"rooms": 0, "area_m2": 0, **measured.thresholds.get(rung, ({},))[0]}
    return {"complexity": ticks, "scope": "whole", "rooms": t["rooms"], "area_m2": t["area_m2"], "sites": 0}


def supply(profile_json: Json, level_result: LevelResult) -> Json:
    """Add exactly what ``level_result.missing`` says is lacking, using only those criteria (keys,
    have/need, options) and the standard's data (level rules, size ladder, accomplishment kinds)."""
    out = with_defaults(profile_json)
    field = out["field"]
    missing = {c.key: c for c in level_result.missing}
    if "role" in missing:
        out["role"] = missing["role"].need
    if "involvement" in missing:
        out["involvement"] = missing["involvement"].need
    if "mentoring" in missing:
        out["mentoring"] = True
    for key in ("themes", "common_complexity"):
        if key in missing:
            out[key] = [*out[key], missing[key].options[0]]
    if "accomplishments" in missing:
        c = missing["accomplishments"]
        free = [i for i in STD.fields[field].accomplishments if i not in out["accomplishments"]]
        out["accomplishments"] = [*out["accomplishments"], *free[: c.need - c.have]]
    if "projects" in missing or "peak_project" in missing:
        rule = STD.fields[field].specialty_levels[level_result.level].projects
        added = []
        if "peak_project" in missing:
            added.append(experience_at(field, missing["peak_project"].need))
        if "projects" in missing:
            c = missing["projects"]
            added += [experience_at(field, rule.floor)] * max(0, c.need - c.have - len(added))
        out["experiences"] = [*out["experiences"], *added]
    return out


@given(any_profile_json())
@SETTINGS
def test_supplying_the_missing_items_reaches_the_next_level(raw):
    result = ev(raw)
    nxt = result.next
    assume(nxt is not None)
    assert nxt.level == result.level + 1
    assert nxt.missing, "the next level cannot be met already"
    supplied = supply(raw, nxt)
    after = ev(supplied)
    assert after.at(nxt.level).met
    assert after.level >= nxt.level


def test_supply_from_nothing_climbs_every_field_to_the_top():
    for field in ("hardware", "software", "facility"):
        raw: Json = {"field": field, "role": "participant"}
        seen = []
        while (nxt := ev(raw).next) is not None:
            raw = supply(raw, nxt)
            seen.append(ev(raw).level)
        assert seen[-1] == STD.fields[field].top
        assert seen == sorted(seen)


# --- an independent oracle, written from R1–R8 ---------------------------------------------------------

ROLE_ORDER = ["participant", "member", "responsible", "leader"]
INVOLVEMENT_ORDER = ["none", "participated", "carried_out"]
# R2: role per specialty level
ORACLE_ROLE = {
    "hardware": {3: "member", 4: "responsible", 5: "leader"},
    "software": {3: "member", 4: "responsible", 5: "leader"},
    "facility": {3: "member", 4: "responsible", 5: "leader", 6: "leader"},
}
# R3: (count, floor, peak)
ORACLE_PROJECTS = {
    "hardware": {5: (3, 4, 5), 4: (2, 3, 4), 3: (1, 3, 3)},
    "software": {5: (3, 4, 5), 4: (2, 3, 4), 3: (1, 3, 3)},
    "facility": {6: (3, 5, 6), 5: (3, 4, 5), 4: (2, 4, 5), 3: (1, 3, 3)},
}
# R3/R4: size options per level as (rung index, minimum ticks); rung 0 is the smallest.
# HW/SW rungs: 0 team member, 1 specific users, 2 wide area for specific industries,
#              3 totally covers wide area.
# FM rungs: 0 part, 1 small, 2 medium, 3 large.
ORACLE_SIZES = {
    "hardware": {5: [(3, 0), (2, 4)], 4: [(2, 0), (1, 4)], 3: [(0, 0)]},
    "software": {5: [(3, 0), (2, 4)], 4: [(2, 0), (1, 4)], 3: [(0, 0)]},
    "facility": {6: [(3, 0), (2, 3)], 5: [(2, 0), (1, 3)], 4: [(1, 0), (0, 3)], 3: [(0, 0)]},
}
HWSW_RUNGS = ["team_member", "specific_users", "specific_industries", "wide_area"]
# R6
ORACLE_ACCOMPLISHMENTS = {"hardware": {5: 3, 4: 1}, "software": {5: 3, 4: 1}, "facility": {6: 4, 5: 3, 4: 1}}
# R7
ORACLE_MENTORING = {"hardware": {4, 5}, "software": {4, 5}, "facility": {4, 5, 6}}


def oracle_rung(field: str, exp: Json) -> int:
    if field != "facility":
        return HWSW_RUNGS.index(exp["size"].split(".")[-1])
    if exp["scope"] == "part":
        return 0
    rooms, area, sites = exp.get("rooms", 0), exp.get("area_m2", 0), exp.get("sites", 0)
    if (rooms >= 5 and area >= 5000) or sites >= 300:
        return 3
    if (rooms >= 3 and area >= 2000) or sites >= 100:
        return 2
    return 1


def oracle_experience_level(field: str, exp: Json) -> int:
    ticks = len(exp.get("complexity", []))
    if ticks < 2:
        return 0
    rung = oracle_rung(field, exp)
    for level in sorted(ORACLE_SIZES[field], reverse=True):
        if any(rung >= r and ticks >= t for r, t in ORACLE_SIZES[field][level]):
            return level
    return 0


def oracle_levels_met(raw: Json) -> list[bool]:
    field = raw["field"]
    role = ROLE_ORDER.index(raw["role"])
    themes = set(raw.get("themes", []))
    accomplishments = set(raw.get("accomplishments", []))
    exp_levels = [oracle_experience_level(field, e) for e in raw.get("experiences", [])]
    met = []
    # R8: levels 1-2
    involvement = INVOLVEMENT_ORDER.index(raw.get("involvement", "none"))
    common = len(raw.get("common_complexity", [])) >= 1 and bool(themes & set(ids_of("common", "theme")))
    met.append(common and involvement >= 1)
    met.append(common and involvement >= 2)
    for level in sorted(ORACLE_ROLE[field]):
        count, floor, peak = ORACLE_PROJECTS[field][level]
        ok = role >= ROLE_ORDER.index(ORACLE_ROLE[field][level])
        ok &= sum(lv >= floor for lv in exp_levels) >= count and max(exp_levels, default=0) >= peak
        ok &= bool(themes & set(ids_of(field, "theme", level)))  # R5: the level's own list
        ok &= len(accomplishments) >= ORACLE_ACCOMPLISHMENTS[field].get(level, 0)
        ok &= raw.get("mentoring", False) or level not in ORACLE_MENTORING[field]
        met.append(bool(ok))
    return met


def oracle_level(raw: Json) -> int:
    """R1: the highest level all of whose criteria are met; 0 if none."""
    return max((n for n, ok in enumerate(oracle_levels_met(raw), start=1) if ok), default=0)


@given(any_profile_json())
@SETTINGS
def test_level_matches_the_oracle(raw):
    result = ev(raw)
    assert [r.met for r in result.levels] == oracle_levels_met(raw)
    assert result.experience_levels == tuple(
        oracle_experience_level(raw["field"], e) for e in raw.get("experiences", [])
    )
    assert result.level == oracle_level(raw)


@given(rich_profile_json())
@SETTINGS
def test_level_matches_the_oracle_on_rich_profiles(raw):
    assert [r.met for r in ev(raw).levels] == oracle_levels_met(raw)
    assert ev(raw).level == oracle_level(raw)


@given(any_profile_json(), st.randoms(use_true_random=False))
@SETTINGS
def test_order_of_answers_does_not_matter(raw, rnd):
    """Experiences, ticks and checklists are sets of answers: shuffling them changes nothing."""
    shuffled = with_defaults(raw)
    for key in ("experiences", "common_complexity", "themes", "accomplishments"):
        rnd.shuffle(shuffled[key])
    for exp in shuffled["experiences"]:
        rnd.shuffle(exp["complexity"])
    before, after = ev(raw), ev(shuffled)
    assert after.level == before.level
    assert [r.met for r in after.levels] == [r.met for r in before.levels]
    assert sorted(after.experience_levels) == sorted(before.experience_levels)
