"""Strict parsing: every bad profile is rejected with a ProfileError naming the offending key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from strategies import SETTINGS, any_profile_json, profile_json

from criteria import (
    Profile,
    ProfileError,
    evaluate,
    load_standard,
    load_standard_file,
    parse_profile,
    profile_to_json,
)
from criteria.profile import least_complexity

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json"

HW = {"field": "hardware", "role": "member"}
FM = {"field": "facility", "role": "member"}
HW_EXP = {"complexity": ["hw.cx.multi_platform", "hw.cx.multi_vendor"], "size": "hw.size.team_member"}
FM_EXP = {"complexity": ["fm.cx.nonstop"], "scope": "whole", "rooms": 1, "area_m2": 100, "sites": 0}


def fm_exp(**changes: Any) -> dict[str, Any]:
    return {**FM_EXP, **changes}


BAD: list[Any] = [
    # --- unknown ids ---------------------------------------------------------------------------------
    pytest.param({**HW, "themes": ["hw.l3.theme.nope"]}, "themes[0]", id="unknown-theme"),
    pytest.param(
        {**HW, "accomplishments": ["hw.acc.book", "hw.acc.oscar"]}, "accomplishments[1]", id="unknown-acc"
    ),
    pytest.param(
        {**HW, "common_complexity": ["common.cx.none"]}, "common_complexity[0]", id="unknown-common-cx"
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": ["hw.cx.magic"], "size": "hw.size.team_member"}]},
        "experiences[0].complexity[0]",
        id="unknown-cx",
    ),
    pytest.param(
        {**HW, "experiences": [HW_EXP, {"complexity": [], "size": "hw.size.huge"}]},
        "experiences[1].size",
        id="unknown-size",
    ),
    # --- ids of another field or kind ----------------------------------------------------------------
    pytest.param(
        {**HW, "experiences": [{"complexity": ["sw.cx.multi_platform"], "size": "hw.size.team_member"}]},
        "experiences[0].complexity[0]",
        id="sw-cx-in-hw",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": ["common.cx.single_platform"], "size": "hw.size.team_member"}]},
        "experiences[0].complexity[0]",
        id="common-cx-in-experience",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [], "size": "sw.size.team_member"}]},
        "experiences[0].size",
        id="sw-size-in-hw",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [], "size": "fm.size.small"}]},
        "experiences[0].size",
        id="fm-size-in-hw",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [], "size": "hw.cx.multi_platform"}]},
        "experiences[0].size",
        id="cx-as-size",
    ),
    pytest.param(
        {**FM, "experiences": [{"complexity": [], "size": "hw.size.team_member"}]},
        "experiences[0].size",
        id="hw-size-in-fm",
    ),
    pytest.param(
        {**FM, "experiences": [fm_exp(complexity=["hw.cx.nonstop"])]},
        "experiences[0].complexity[0]",
        id="hw-cx-in-fm",
    ),
    pytest.param({**HW, "themes": ["sw.l3.theme.basics"]}, "themes[0]", id="sw-theme-in-hw"),
    pytest.param(
        {"field": "software", "role": "leader", "themes": ["hw.l5.theme.satisfaction"]},
        "themes[0]",
        id="hw-l5-theme-in-sw",
    ),
    pytest.param({**HW, "accomplishments": ["fm.acc.book"]}, "accomplishments[0]", id="fm-acc-in-hw"),
    pytest.param({**HW, "themes": ["common.theme.hardware", "hw.acc.book"]}, "themes[1]", id="acc-as-theme"),
    pytest.param({**HW, "accomplishments": ["hw.l4.theme.revenue"]}, "accomplishments[0]", id="theme-as-acc"),
    pytest.param(
        {**HW, "accomplishments": ["common.theme.hardware"]}, "accomplishments[0]", id="common-theme-as-acc"
    ),
    pytest.param(
        {**HW, "common_complexity": ["hw.cx.multi_platform"]}, "common_complexity[0]", id="hw-cx-as-common"
    ),
    pytest.param(
        {**HW, "common_complexity": ["common.theme.hardware"]},
        "common_complexity[0]",
        id="theme-as-common-cx",
    ),
    pytest.param({**HW, "themes": ["common.cx.single_platform"]}, "themes[0]", id="common-cx-as-theme"),
    # --- numbers -------------------------------------------------------------------------------------
    pytest.param({**FM, "experiences": [fm_exp(rooms=-1)]}, "experiences[0].rooms", id="negative-rooms"),
    pytest.param(
        {**FM, "experiences": [FM_EXP, fm_exp(area_m2=-5)]}, "experiences[1].area_m2", id="negative-area"
    ),
    pytest.param({**FM, "experiences": [fm_exp(sites=-1)]}, "experiences[0].sites", id="negative-sites"),
    pytest.param({**FM, "experiences": [fm_exp(rooms="3")]}, "experiences[0].rooms", id="string-rooms"),
    pytest.param({**FM, "experiences": [fm_exp(rooms=True)]}, "experiences[0].rooms", id="bool-rooms"),
    pytest.param({**FM, "experiences": [fm_exp(rooms=3.0)]}, "experiences[0].rooms", id="float-rooms"),
    pytest.param({**FM, "experiences": [fm_exp(sites=None)]}, "experiences[0].sites", id="null-sites"),
    pytest.param({**FM, "experiences": [fm_exp(area_m2=[2000])]}, "experiences[0].area_m2", id="list-area"),
    pytest.param(
        {**FM, "experiences": [{"complexity": [], "scope": "part", "rooms": -1}]},
        "experiences[0].rooms",
        id="negative-rooms-part",
    ),
    # --- facility scope ------------------------------------------------------------------------------
    pytest.param(
        {**FM, "experiences": [{"complexity": [], "rooms": 1, "area_m2": 1, "sites": 1}]},
        "experiences[0].scope",
        id="missing-scope",
    ),
    pytest.param({**FM, "experiences": [fm_exp(scope="half")]}, "experiences[0].scope", id="bad-scope"),
    pytest.param(
        {**FM, "experiences": [{"complexity": [], "scope": "whole", "area_m2": 1, "sites": 1}]},
        "experiences[0].rooms",
        id="whole-without-rooms",
    ),
    pytest.param(
        {**FM, "experiences": [{"complexity": [], "scope": "whole", "rooms": 1, "area_m2": 1}]},
        "experiences[0].sites",
        id="whole-without-sites",
    ),
    # --- other wrong types ---------------------------------------------------------------------------
    pytest.param({**HW, "mentoring": 1}, "mentoring", id="number-mentoring"),
    pytest.param({**HW, "mentoring": "yes"}, "mentoring", id="string-mentoring"),
    pytest.param({**HW, "mentoring": None}, "mentoring", id="null-mentoring"),
    pytest.param({**HW, "themes": {"common.theme.hardware": True}}, "themes", id="object-themes"),
    pytest.param({**HW, "themes": "common.theme.hardware"}, "themes", id="string-themes"),
    pytest.param({**HW, "themes": [["common.theme.hardware"]]}, "themes[0]", id="nested-list-theme"),
    pytest.param({**HW, "accomplishments": [1]}, "accomplishments[0]", id="number-acc"),
    pytest.param({**HW, "experiences": {"0": HW_EXP}}, "experiences", id="object-experiences"),
    pytest.param({**HW, "experiences": [HW_EXP, "big project"]}, "experiences[1]", id="string-experience"),
    pytest.param(
        {**HW, "experiences": [{"complexity": "hw.cx.nonstop", "size": "hw.size.team_member"}]},
        "experiences[0].complexity",
        id="string-complexity",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [], "size": 3}]}, "experiences[0].size", id="number-size"
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [], "size": ["hw.size.team_member"]}]},
        "experiences[0].size",
        id="list-size",
    ),
    pytest.param({**HW, "involvement": "lots"}, "involvement", id="bad-involvement"),
    pytest.param({**HW, "involvement": True}, "involvement", id="bool-involvement"),
    pytest.param({**HW, "role": "boss"}, "role", id="bad-role"),
    pytest.param({**HW, "role": ["member"]}, "role", id="list-role"),
    pytest.param({**HW, "field": "network"}, "field", id="bad-field"),
    pytest.param({**HW, "field": None}, "field", id="null-field"),
    # --- unknown and missing keys --------------------------------------------------------------------
    pytest.param({**HW, "level": 5}, "level", id="unknown-top-key"),
    pytest.param(
        {**HW, "experiences": [{**HW_EXP, "year": 2020}]}, "experiences[0].year", id="unknown-exp-key"
    ),
    pytest.param(
        {**FM, "experiences": [fm_exp(size="fm.size.large")]}, "experiences[0].size", id="size-key-in-fm"
    ),
    pytest.param(
        {**HW, "experiences": [{**HW_EXP, "scope": "whole"}]}, "experiences[0].scope", id="scope-key-in-hw"
    ),
    # a size may be left out only below the field's least complexity (2 items): here it is reached
    pytest.param(
        {**HW, "experiences": [{"complexity": HW_EXP["complexity"]}]},
        "experiences[0].size",
        id="missing-size",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": [*HW_EXP["complexity"], "hw.cx.nonstop"]}]},
        "experiences[0].size",
        id="missing-size-3-ticks",
    ),
    pytest.param(
        {**FM, "experiences": [{"complexity": ["fm.cx.nonstop", "fm.cx.many_sites"]}]},
        "experiences[0].scope",
        id="missing-scope-at-minimum",
    ),
    pytest.param(
        {**FM, "experiences": [{"complexity": ["fm.cx.nonstop"], "rooms": 3}]},
        "experiences[0].scope",
        id="numbers-without-scope-below-minimum",
    ),
    pytest.param(
        {**FM, "experiences": [{"complexity": ["fm.cx.nonstop"], "scope": "whole", "rooms": 3, "sites": 0}]},
        "experiences[0].area_m2",
        id="half-facility-below-minimum",
    ),
    pytest.param(
        {**HW, "experiences": [{"complexity": ["hw.cx.nonstop"], "size": "hw.size.huge"}]},
        "experiences[0].size",
        id="bad-size-below-minimum",
    ),
    pytest.param({"role": "member"}, "field", id="missing-field"),
    pytest.param({"field": "software"}, "role", id="missing-role"),
    # --- duplicates ----------------------------------------------------------------------------------
    pytest.param(
        {**HW, "themes": ["common.theme.hardware", "common.theme.hardware"]}, "themes[1]", id="dup-theme"
    ),
    pytest.param(
        {**HW, "accomplishments": ["hw.acc.book", "hw.acc.patent", "hw.acc.book"]},
        "accomplishments[2]",
        id="dup-acc",
    ),
    pytest.param(
        {**HW, "common_complexity": ["common.cx.easy_stop", "common.cx.easy_stop"]},
        "common_complexity[1]",
        id="dup-common-cx",
    ),
    pytest.param(
        {
            **HW,
            "experiences": [
                {"complexity": ["hw.cx.nonstop", "hw.cx.nonstop"], "size": "hw.size.team_member"}
            ],
        },
        "experiences[0].complexity[1]",
        id="dup-cx",
    ),
]


@pytest.mark.parametrize(("profile", "key"), BAD)
def test_bad_profile_is_rejected_naming_the_key(profile, key):
    with pytest.raises(ProfileError) as err:
        parse_profile(profile)
    assert err.value.key == key
    assert isinstance(err.value, ValueError)
    assert key in str(err.value)


@pytest.mark.parametrize("raw", [None, [], "hardware", 5])
def test_a_profile_must_be_an_object(raw):
    with pytest.raises(ProfileError):
        parse_profile(raw)


def test_minimal_profile_defaults():
    p = parse_profile({"field": "software", "role": "participant"})
    assert p == Profile(field="software", role="participant")
    assert (p.experiences, p.involvement, p.themes, p.accomplishments, p.mentoring) == (
        (),
        "none",
        frozenset(),
        frozenset(),
        False,
    )


def test_part_scope_needs_no_numbers():
    p = parse_profile({**FM, "experiences": [{"complexity": [], "scope": "part"}]})
    assert p.experiences[0].size == "fm.size.part"


def test_the_same_experience_twice_is_two_projects():
    """Two identical projects are two completed projects, not a duplicate key."""
    assert len(parse_profile({**HW, "experiences": [HW_EXP, HW_EXP]}).experiences) == 2


@given(any_profile_json())
@SETTINGS
def test_round_trip(raw):
    p = parse_profile(raw)
    out = profile_to_json(p)
    assert parse_profile(out) == p
    assert profile_to_json(parse_profile(out)) == out


@given(profile_json(full=True))
@SETTINGS
def test_round_trip_keeps_every_answer(raw):
    """With every key written out, the exported form has the same ids (in catalogue order) and numbers."""
    out = profile_to_json(parse_profile(raw))
    for key in ("field", "role", "involvement", "mentoring"):
        assert out[key] == raw[key]
    for key in ("common_complexity", "themes", "accomplishments"):
        assert sorted(out[key]) == sorted(raw[key])
    assert len(out["experiences"]) == len(raw["experiences"])
    for got, given_ in zip(out["experiences"], raw["experiences"], strict=True):
        assert sorted(got["complexity"]) == sorted(given_["complexity"])
        for k in ("size", "scope", "rooms", "area_m2", "sites"):
            if k in given_:
                assert got[k] == given_[k]


# --- a project too weak to count may leave its size out ----------------------------------------------


@pytest.mark.parametrize(
    "exp",
    [
        {"complexity": []},
        {"complexity": ["hw.cx.nonstop"]},
        {},
    ],
    ids=["no-ticks", "one-tick", "nothing"],
)
def test_a_project_below_the_least_complexity_needs_no_size(exp: dict[str, Any]) -> None:
    p = parse_profile({**HW, "experiences": [exp]})
    assert p.experiences[0].size is None and p.experiences[0].facility is None
    assert evaluate(p).experience_levels == (0,)
    assert profile_to_json(p)["experiences"] == [{"complexity": exp.get("complexity", [])}]


@pytest.mark.parametrize(
    "exp",
    [{"complexity": ["fm.cx.nonstop"]}, {"complexity": []}],
    ids=["one-tick", "no-ticks"],
)
def test_a_facility_project_below_the_least_complexity_needs_no_scope_nor_numbers(
    exp: dict[str, Any],
) -> None:
    p = parse_profile({**FM, "experiences": [exp, FM_EXP]})
    assert (p.experiences[0].size, p.experiences[0].facility) == (None, None)
    assert p.experiences[1].facility is not None
    assert profile_to_json(p)["experiences"][0] == exp
    assert parse_profile(profile_to_json(p)) == p


def test_a_weak_project_with_its_size_keeps_it() -> None:
    """Leaving the size out is allowed, not required: a given size is kept and exported."""
    exp = {"complexity": ["hw.cx.nonstop"], "size": "hw.size.wide_area"}
    p = parse_profile({**HW, "experiences": [exp]})
    assert p.experiences[0].size == "hw.size.wide_area"
    assert profile_to_json(p)["experiences"] == [exp]


def test_the_least_complexity_is_read_from_the_standard() -> None:
    std = load_standard()
    assert {f: least_complexity(s) for f, s in std.fields.items()} == {
        "hardware": 2,
        "software": 2,
        "facility": 2,
    }
    toy = load_standard_file(TOY)
    assert {f: least_complexity(s) for f, s in toy.fields.items()} == {"desk": 1, "onsite": 1}
    # the toy's desk levels ask for 1 item at level 2: one tick without a size is refused there
    with pytest.raises(ProfileError) as err:
        parse_profile(
            {"field": "desk", "role": "agent", "experiences": [{"complexity": ["desk.cx.vip"]}]}, toy
        )
    assert err.value.key == "experiences[0].size"
    p = parse_profile({"field": "desk", "role": "agent", "experiences": [{"complexity": []}]}, toy)
    assert p.experiences[0].size is None and evaluate(p, toy).experience_levels == (0,)


def test_the_cli_evaluates_a_profile_with_a_sizeless_project() -> None:
    profile = {**HW, "experiences": [{"complexity": ["hw.cx.nonstop"]}, HW_EXP]}
    done = subprocess.run(
        [sys.executable, "-m", "criteria", "evaluate", "-", "--json"],
        input=json.dumps(profile),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["experience_levels"] == [0, 3]
    refused = subprocess.run(
        [sys.executable, "-m", "criteria", "evaluate", "-"],
        input=json.dumps({**HW, "experiences": [{"complexity": HW_EXP["complexity"]}]}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert refused.returncode != 0 and "experiences[0].size" in refused.stderr
