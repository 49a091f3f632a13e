"""Strict parsing: every bad profile is rejected with a ProfileError naming the offending key."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from strategies import SETTINGS, any_profile_json, profile_json

from criteria import Profile, ProfileError, parse_profile, profile_to_json

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
    pytest.param({**HW, "experiences": [{"complexity": []}]}, "experiences[0].size", id="missing-size"),
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
