"""Hand-worked cases, one block per field and level, straight from the seed's sentences.

For every level: a profile that meets exactly that level (nothing of any other level's own lists),
then, for each criterion of the level, a variant lacking just that criterion. The variants are
written as "the exact profile with one key replaced" so the difference is visible at a glance.

Expected results were worked out by hand from the seed (and reading rules R1–R8), not computed by
``criteria``. Because the exact profiles carry nothing of the other levels' lists, every variant
falls to level 0, except at Level 2, where "participated" still leaves Level 1 (R8).

Levels 3 are special: with "once or more (equivalent to complexity and size of Level 3)" the count
(1) and the peak (Level 3) cannot be missed separately, so that variant lacks both "projects" and
"peak_project". Levels 1–2: the role criterion ("Acts as a member of customer service team under
guidance …") is met by every role, so it has no "lacking" variant.
"""

from __future__ import annotations

from typing import Any

import pytest

from criteria import evaluate, parse_profile


def ev(profile: dict[str, Any]):
    return evaluate(parse_profile(profile))


def check_exact(profile: dict[str, Any], level: int, keys: list[str]) -> None:
    result = ev(profile)
    assert result.level == level
    assert result.at(level).met
    assert result.at(level).missing == ()
    assert [c.key for c in result.at(level).criteria] == keys


def check_lacking(profile: dict[str, Any], level: int, lacking: dict[str, tuple[Any, Any]], now: int) -> None:
    """``lacking`` maps each criterion key that must be missing at ``level`` to its (have, need)."""
    result = ev(profile)
    assert result.level < level
    assert result.level == now
    assert not result.at(level).met
    missing = {c.key: (c.have, c.need) for c in result.at(level).missing}
    assert missing == lacking


SPECIALTY_KEYS = ["role", "projects", "peak_project", "themes", "accomplishments", "mentoring"]
L3_KEYS = ["role", "projects", "peak_project", "themes"]
COMMON_KEYS = ["role", "involvement", "common_complexity", "themes"]


# =====================================================================================================
# Hardware Level 5
# "acts as a responsible person of hardware service, by leading other customer service job career
#  categories. … three times or more (at least one experience must meet complexity and size of Level 5
#  or equivalent, and others can be of Level 4)."
# Size: "□Assigned to a role that totally covers wide service area, …" (Level 5);
# Level 4's "□assigned to service team that covers wide service area, and provides service to specific
# industries".
# =====================================================================================================

HW5 = {
    "field": "hardware",
    "role": "leader",
    "experiences": [
        # 2 ticks + "totally covers wide service area" -> Level 5 equivalent
        {"complexity": ["hw.cx.multi_platform", "hw.cx.multi_vendor"], "size": "hw.size.wide_area"},
        # 2 ticks + "covers wide service area … specific industries" -> Level 4 equivalent
        {"complexity": ["hw.cx.critical_mission", "hw.cx.nonstop"], "size": "hw.size.specific_industries"},
        {"complexity": ["hw.cx.leading_edge", "hw.cx.nationwide"], "size": "hw.size.specific_industries"},
    ],
    # "Holds the high specialty in either one or more of the following major themes …"
    "themes": ["hw.l5.theme.it_components"],
    # "Has recognized accomplishments three items or more in the area of hardware technology succession."
    "accomplishments": ["hw.acc.book", "hw.acc.patent", "hw.acc.instructor"],
    # "Has accomplishments in developing subordinates (by mentoring, coaching, etc.)"
    "mentoring": True,
}
HW5_L4_EXP = {"complexity": ["hw.cx.multi_platform", "hw.cx.nonstop"], "size": "hw.size.specific_industries"}
HW5_L3_EXP = {"complexity": ["hw.cx.multi_platform", "hw.cx.nonstop"], "size": "hw.size.specific_users"}


def test_hw5_exact():
    check_exact(HW5, 5, SPECIALTY_KEYS)
    assert ev(HW5).experience_levels == (5, 4, 4)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        # "by leading other customer service job career categories": a responsible person is not enough.
        pytest.param({"role": "responsible"}, {"role": ("responsible", "leader")}, id="role"),
        # "three times or more": only two projects.
        pytest.param({"experiences": HW5["experiences"][:2]}, {"projects": (2, 3)}, id="projects-two"),
        # "others can be of Level 4": a third project of Level 3 does not count.
        pytest.param(
            {"experiences": [*HW5["experiences"][:2], HW5_L3_EXP]}, {"projects": (2, 3)}, id="projects-l3"
        ),
        # "at least one experience must meet complexity and size of Level 5": three Level 4 ones.
        pytest.param(
            {"experiences": [HW5_L4_EXP, *HW5["experiences"][1:]]}, {"peak_project": (4, 5)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param(
            {"accomplishments": ["hw.acc.book", "hw.acc.patent"]}, {"accomplishments": (2, 3)}, id="acc"
        ),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_hw5_lacking_one(variant, lacking):
    check_lacking({**HW5, **variant}, 5, lacking, now=0)


# =====================================================================================================
# Hardware Level 4
# "acts as a responsible person of hardware service. … two times or more (at least one experience must
#  meet complexity and size of Level 4 or equivalent, and others can be of Level 3)."
# Size: "□assigned to service team that covers wide service area, and provides service to specific
# industries"; Level 3: "□Participates in service tasks for specific users as a member of team …".
# =====================================================================================================

HW4 = {
    "field": "hardware",
    "role": "responsible",
    "experiences": [
        {
            "complexity": ["hw.cx.multi_vendor", "hw.cx.critical_mission"],
            "size": "hw.size.specific_industries",
        },  # L4
        {"complexity": ["hw.cx.multi_platform", "hw.cx.nationwide"], "size": "hw.size.team_member"},  # L3
    ],
    # "Holds the high specialty in either one or more of the following major themes … and guides
    #  subordinates."
    "themes": ["hw.l4.theme.revenue"],
    # "Has recognized accomplishments one items or more in the area of hardware technology succession."
    "accomplishments": ["hw.acc.community"],
    "mentoring": True,
}
HW4_L3_EXP = {"complexity": ["hw.cx.multi_vendor", "hw.cx.critical_mission"], "size": "hw.size.team_member"}


def test_hw4_exact():
    check_exact(HW4, 4, SPECIALTY_KEYS)
    assert ev(HW4).experience_levels == (4, 3)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        # "acts as a responsible person of hardware service": a member is not.
        pytest.param({"role": "member"}, {"role": ("member", "responsible")}, id="role"),
        # "two times or more": only the Level 4 project.
        pytest.param({"experiences": HW4["experiences"][:1]}, {"projects": (1, 2)}, id="projects"),
        # "at least one experience must meet complexity and size of Level 4": two Level 3 ones.
        pytest.param(
            {"experiences": [HW4_L3_EXP, HW4["experiences"][1]]}, {"peak_project": (3, 4)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param({"accomplishments": []}, {"accomplishments": (0, 1)}, id="acc"),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_hw4_lacking_one(variant, lacking):
    check_lacking({**HW4, **variant}, 4, lacking, now=0)


# =====================================================================================================
# Hardware Level 3
# "Acts as a member of hardware service team, and has responsibility in the assigned area. … once or
#  more (equivalent to complexity and size of Level 3)." Complexity: "two or more of the following".
# =====================================================================================================

HW3 = {
    "field": "hardware",
    "role": "member",
    "experiences": [
        {"complexity": ["hw.cx.multi_platform", "hw.cx.multi_vendor"], "size": "hw.size.team_member"}
    ],
    # "Holds the specialty in either one or more of the following major themes … and practices by
    #  him/herself."
    "themes": ["hw.l3.theme.basics"],
}


def test_hw3_exact():
    check_exact(HW3, 3, L3_KEYS)
    assert ev(HW3).experience_levels == (3,)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        # "Acts as a member of hardware service team, and has responsibility": not a member under guidance.
        pytest.param({"role": "participant"}, {"role": ("participant", "member")}, id="role"),
        # "two or more of the following complexity criteria": one tick makes no Level 3 project.
        pytest.param(
            {"experiences": [{"complexity": ["hw.cx.multi_platform"], "size": "hw.size.team_member"}]},
            {"projects": (0, 1), "peak_project": (0, 3)},
            id="projects+peak",
        ),
        pytest.param({"experiences": []}, {"projects": (0, 1), "peak_project": (0, 3)}, id="no-projects"),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
    ],
)
def test_hw3_lacking_one(variant, lacking):
    check_lacking({**HW3, **variant}, 3, lacking, now=0)


# =====================================================================================================
# Software Level 5 (same sentences as Hardware with "software"; themes and accomplishment area are the
# Hardware words, R9).
# "acts as a responsible person of software service, by leading other customer service job career
#  categories. … three times or more (at least one experience must meet complexity and size of Level 5
#  or equivalent, and others can be of Level 4)."
# =====================================================================================================

SW5 = {
    "field": "software",
    "role": "leader",
    "experiences": [
        {"complexity": ["sw.cx.multi_platform", "sw.cx.multi_vendor"], "size": "sw.size.wide_area"},  # L5
        {
            "complexity": ["sw.cx.critical_mission", "sw.cx.nonstop"],
            "size": "sw.size.specific_industries",
        },  # L4
        {
            "complexity": ["sw.cx.leading_edge", "sw.cx.nationwide"],
            "size": "sw.size.specific_industries",
        },  # L4
    ],
    "themes": ["sw.l5.theme.hr_profit"],
    "accomplishments": ["sw.acc.paper_external", "sw.acc.paper_internal", "sw.acc.talk_external"],
    "mentoring": True,
}
SW5_L4_EXP = {"complexity": ["sw.cx.multi_platform", "sw.cx.nonstop"], "size": "sw.size.specific_industries"}
SW5_L3_EXP = {"complexity": ["sw.cx.multi_platform", "sw.cx.nonstop"], "size": "sw.size.team_member"}


def test_sw5_exact():
    check_exact(SW5, 5, SPECIALTY_KEYS)
    assert ev(SW5).experience_levels == (5, 4, 4)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "responsible"}, {"role": ("responsible", "leader")}, id="role"),
        pytest.param(
            {"experiences": SW5["experiences"][1:]}, {"projects": (2, 3), "peak_project": (4, 5)}, id="two-l4"
        ),
        pytest.param(
            {"experiences": [*SW5["experiences"][:2], SW5_L3_EXP]}, {"projects": (2, 3)}, id="projects-l3"
        ),
        pytest.param(
            {"experiences": [SW5_L4_EXP, *SW5["experiences"][1:]]}, {"peak_project": (4, 5)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param(
            {"accomplishments": ["sw.acc.book", "sw.acc.patent"]}, {"accomplishments": (2, 3)}, id="acc"
        ),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_sw5_lacking_one(variant, lacking):
    check_lacking({**SW5, **variant}, 5, lacking, now=0)


def test_sw5_a_level4_theme_does_not_serve_level5():
    """Level 4's "□Acquisition of customer satisfaction" is not one of Level 5's themes (R5); with it the
    profile meets all of Level 4 instead (R1)."""
    check_lacking({**SW5, "themes": ["sw.l4.theme.satisfaction"]}, 5, {"themes": (0, 1)}, now=4)


def test_sw5_projects_alone():
    """ "three times or more": two projects, one of them Level 5, lacks only the count."""
    check_lacking({**SW5, "experiences": SW5["experiences"][:2]}, 5, {"projects": (2, 3)}, now=0)


# =====================================================================================================
# Software Level 4
# "acts as a responsible person of software service. … two times or more (at least one experience must
#  meet complexity and size of Level 4 or equivalent, and others can be of Level 3)."
# Size: "□In case of the development team that meets four or more complexity criteria (above), assigned
# to service team that covers specific users" — used here for the Level 4 project.
# =====================================================================================================

SW4 = {
    "field": "software",
    "role": "responsible",
    "experiences": [
        # four ticks + "covers specific users" -> Level 4 equivalent through the conditional option
        {
            "complexity": [
                "sw.cx.multi_platform",
                "sw.cx.multi_vendor",
                "sw.cx.leading_edge",
                "sw.cx.nonstop",
            ],
            "size": "sw.size.specific_users",
        },
        {"complexity": ["sw.cx.critical_mission", "sw.cx.nationwide"], "size": "sw.size.team_member"},  # L3
    ],
    "themes": ["sw.l4.theme.diagnosis"],
    "accomplishments": ["sw.acc.instructor"],
    "mentoring": True,
}
# three ticks only: the conditional option no longer applies, "covers specific users" is Level 3.
SW4_L3_EXP = {
    "complexity": ["sw.cx.multi_platform", "sw.cx.multi_vendor", "sw.cx.leading_edge"],
    "size": "sw.size.specific_users",
}


def test_sw4_exact():
    check_exact(SW4, 4, SPECIALTY_KEYS)
    assert ev(SW4).experience_levels == (4, 3)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "member"}, {"role": ("member", "responsible")}, id="role"),
        pytest.param({"experiences": SW4["experiences"][:1]}, {"projects": (1, 2)}, id="projects"),
        pytest.param(
            {"experiences": [SW4_L3_EXP, SW4["experiences"][1]]}, {"peak_project": (3, 4)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param({"accomplishments": []}, {"accomplishments": (0, 1)}, id="acc"),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_sw4_lacking_one(variant, lacking):
    check_lacking({**SW4, **variant}, 4, lacking, now=0)


def test_sw4_a_level3_theme_does_not_serve_level4():
    """Level 3's "Basic knowledge regarding software failure diagnosis, software product technology" is not
    Level 4's "Software failure diagnosis, software product technology" (R5): the profile is Level 3."""
    check_lacking({**SW4, "themes": ["sw.l3.theme.basics"]}, 4, {"themes": (0, 1)}, now=3)


# =====================================================================================================
# Software Level 3
# "Acts as a member of software service team, and has responsibility in the assigned area. … once or
#  more (equivalent to complexity and size of Level 3)."
# =====================================================================================================

SW3 = {
    "field": "software",
    "role": "member",
    "experiences": [{"complexity": ["sw.cx.nonstop", "sw.cx.nationwide"], "size": "sw.size.team_member"}],
    "themes": ["sw.l3.theme.inquiries"],
}


def test_sw3_exact():
    check_exact(SW3, 3, L3_KEYS)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "participant"}, {"role": ("participant", "member")}, id="role"),
        pytest.param(
            {"experiences": [{"complexity": ["sw.cx.nonstop"], "size": "sw.size.wide_area"}]},
            {"projects": (0, 1), "peak_project": (0, 3)},
            id="projects+peak",
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        # Hardware's Level 3 themes are not Software's (and are not even accepted, see validation tests).
    ],
)
def test_sw3_lacking_one(variant, lacking):
    check_lacking({**SW3, **variant}, 3, lacking, now=0)


# =====================================================================================================
# Facility management Level 6
# "acts as a responsible person of facility management service, by leading other customer service job
#  career categories. … three times or more (at least one experience must meet complexity and size of
#  Level 6 or equivalent, and others can be of Level 5)."
# Size: "□Manages and operates subsidiary facilities of 5 or more computer rooms with 5000 square meters
# of space or more, or … large-scale network with 300 or more installation sites"; Level 5: "… 3 to 4
# computer rooms from 2000 but less than 5,000 square meters …, or … from 100 but less than 300
# installation sites."
# =====================================================================================================

FM6 = {
    "field": "facility",
    "role": "leader",
    "experiences": [
        # 5 rooms and 5,000 m² -> large -> Level 6 equivalent with two ticks
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
            "scope": "whole",
            "rooms": 5,
            "area_m2": 5000,
            "sites": 0,
        },
        # 3 rooms and 2,000 m² -> medium -> Level 5
        {
            "complexity": ["fm.cx.many_sites", "fm.cx.disaster_crime"],
            "scope": "whole",
            "rooms": 3,
            "area_m2": 2000,
            "sites": 0,
        },
        # 100 installation sites -> medium -> Level 5
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.many_sites"],
            "scope": "whole",
            "rooms": 0,
            "area_m2": 0,
            "sites": 100,
        },
    ],
    # "… sufficient enough to guide others and contributes to the industry."
    "themes": ["fm.l6.theme.strategy"],
    # "Has recognized accomplishments four items or more in the area of facility management technology
    #  succession."
    "accomplishments": ["fm.acc.community", "fm.acc.book", "fm.acc.paper_external", "fm.acc.patent"],
    "mentoring": True,
}
FM6_L5_EXP = {
    "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
    "scope": "whole",
    "rooms": 4,
    "area_m2": 4999,
    "sites": 299,
}
FM6_L4_EXP = {
    "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
    "scope": "whole",
    "rooms": 2,
    "area_m2": 9000,
    "sites": 99,
}


def test_fm6_exact():
    check_exact(FM6, 6, SPECIALTY_KEYS)
    assert ev(FM6).experience_levels == (6, 5, 5)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "responsible"}, {"role": ("responsible", "leader")}, id="role"),
        pytest.param({"experiences": FM6["experiences"][:2]}, {"projects": (2, 3)}, id="projects-two"),
        # "others can be of Level 5": a Level 4 one (2 rooms, 99 sites: small) does not count.
        pytest.param(
            {"experiences": [*FM6["experiences"][:2], FM6_L4_EXP]}, {"projects": (2, 3)}, id="projects-l4"
        ),
        # 4 rooms, 4,999 m², 299 sites is still medium: no Level 6 project.
        pytest.param(
            {"experiences": [FM6_L5_EXP, *FM6["experiences"][1:]]}, {"peak_project": (5, 6)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param({"accomplishments": FM6["accomplishments"][:3]}, {"accomplishments": (3, 4)}, id="acc"),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_fm6_lacking_one(variant, lacking):
    check_lacking({**FM6, **variant}, 6, lacking, now=0)


def test_fm6_the_same_words_at_level5_do_not_serve_level6():
    """ "□Facilities management, architecture, electricity, machinery, generic cabling system, etc." is in
    both lists; ticked at Level 5 it is a different criterion (R5), and the profile is Level 5."""
    check_lacking({**FM6, "themes": ["fm.l5.theme.engineering"]}, 6, {"themes": (0, 1)}, now=5)


# =====================================================================================================
# Facility management Level 5
# "acts as a responsible person of facility management service, by leading other customer service job
#  career categories. … three times or more (at least one experience must meet complexity and size of
#  Level 5 or equivalent, and others can be of Level 4)."
# Level 4 size: "□In case of the project that meets three or more complexity criteria (above) manages and
# operates subsidiary facilities of one part of network and computer rooms related to work."
# =====================================================================================================

FM5 = {
    "field": "facility",
    "role": "leader",
    "experiences": [
        # 3 rooms, 2,000 m² -> medium -> Level 5 with two ticks
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
            "scope": "whole",
            "rooms": 3,
            "area_m2": 2000,
            "sites": 0,
        },
        # one whole small facility -> Level 4
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.disaster_crime"],
            "scope": "whole",
            "rooms": 1,
            "area_m2": 500,
            "sites": 0,
        },
        # one part, three ticks -> Level 4 through the conditional option
        {"complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.many_sites"], "scope": "part"},
    ],
    "themes": ["fm.l5.theme.personnel_revenue"],
    "accomplishments": ["fm.acc.talk_external", "fm.acc.instructor", "fm.acc.paper_internal"],
    "mentoring": True,
}
FM5_L4_EXP = {
    "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
    "scope": "whole",
    "rooms": 2,
    "area_m2": 2000,
    "sites": 0,
}
FM5_L3_EXP = {
    "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
    "scope": "part",
    "rooms": 9,
    "area_m2": 9000,
    "sites": 900,
}


def test_fm5_exact():
    check_exact(FM5, 5, SPECIALTY_KEYS)
    assert ev(FM5).experience_levels == (5, 4, 4)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "responsible"}, {"role": ("responsible", "leader")}, id="role"),
        pytest.param({"experiences": FM5["experiences"][:2]}, {"projects": (2, 3)}, id="projects-two"),
        # a part with two ticks is only Level 3: "others can be of Level 4" excludes it.
        pytest.param(
            {"experiences": [*FM5["experiences"][:2], FM5_L3_EXP]}, {"projects": (2, 3)}, id="projects-l3"
        ),
        # 2 rooms and 2,000 m² is not "3 to 4 computer rooms from 2000": small, Level 4.
        pytest.param(
            {"experiences": [FM5_L4_EXP, *FM5["experiences"][1:]]}, {"peak_project": (4, 5)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param({"themes": ["fm.l6.theme.satisfaction"]}, {"themes": (0, 1)}, id="themes-l6"),
        pytest.param({"accomplishments": FM5["accomplishments"][:2]}, {"accomplishments": (2, 3)}, id="acc"),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_fm5_lacking_one(variant, lacking):
    check_lacking({**FM5, **variant}, 5, lacking, now=0)


# =====================================================================================================
# Facility management Level 4
# "acts as a responsible person of facility management service. … two times or more (at least one
#  experience must meet complexity and size of Level 5 or equivalent, and others can be of Level 4)."
# (R3: the seed says Level 5 here and it is followed.)
# Level 5 size: "□In case of the project that meets three or more complexity criteria (above), manages and
# operates subsidiary facilities of less than 2 computer rooms or less than 2000 square meters …"
# =====================================================================================================

FM4 = {
    "field": "facility",
    "role": "responsible",
    "experiences": [
        # small + three ticks -> Level 5 through the conditional option
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.disaster_crime"],
            "scope": "whole",
            "rooms": 1,
            "area_m2": 1500,
            "sites": 0,
        },
        # small + two ticks -> Level 4
        {
            "complexity": ["fm.cx.many_sites", "fm.cx.disaster_crime"],
            "scope": "whole",
            "rooms": 0,
            "area_m2": 0,
            "sites": 9,
        },
    ],
    # "… and guides subordinates."
    "themes": ["fm.l4.theme.satisfaction"],
    # "Has recognized accomplishments one items or more in the area of facility management technology
    #  succession."
    "accomplishments": ["fm.acc.paper_external"],
    "mentoring": True,
}
# the same small facility with two ticks is Level 4 only
FM4_L4_EXP = {
    "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
    "scope": "whole",
    "rooms": 1,
    "area_m2": 1500,
    "sites": 0,
}
FM4_L3_EXP = {"complexity": ["fm.cx.many_sites", "fm.cx.disaster_crime"], "scope": "part"}


def test_fm4_exact():
    check_exact(FM4, 4, SPECIALTY_KEYS)
    assert ev(FM4).experience_levels == (5, 4)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "member"}, {"role": ("member", "responsible")}, id="role"),
        pytest.param({"experiences": FM4["experiences"][:1]}, {"projects": (1, 2)}, id="projects-one"),
        pytest.param(
            {"experiences": [FM4["experiences"][0], FM4_L3_EXP]}, {"projects": (1, 2)}, id="projects-l3"
        ),
        # "at least one experience must meet complexity and size of Level 5": two Level 4 ones fail.
        pytest.param(
            {"experiences": [FM4_L4_EXP, FM4["experiences"][1]]}, {"peak_project": (4, 5)}, id="peak"
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
        pytest.param({"accomplishments": []}, {"accomplishments": (0, 1)}, id="acc"),
        pytest.param({"mentoring": False}, {"mentoring": (False, True)}, id="mentoring"),
    ],
)
def test_fm4_lacking_one(variant, lacking):
    check_lacking({**FM4, **variant}, 4, lacking, now=0)


# =====================================================================================================
# Facility management Level 3
# "Acts as a member of facility management service team, and has responsibility in the assigned area.
#  … once or more (equivalent to complexity and size of Level 3)." Size: "□Manages and operates
# subsidiary facilities of one part of network and computer rooms related to work."
# =====================================================================================================

FM3 = {
    "field": "facility",
    "role": "member",
    "experiences": [{"complexity": ["fm.cx.nonstop", "fm.cx.disaster_crime"], "scope": "part"}],
    "themes": ["fm.l3.theme.basics"],
}


def test_fm3_exact():
    check_exact(FM3, 3, L3_KEYS)
    assert ev(FM3).experience_levels == (3,)


@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"role": "participant"}, {"role": ("participant", "member")}, id="role"),
        pytest.param(
            {
                "experiences": [
                    {
                        "complexity": ["fm.cx.nonstop"],
                        "scope": "whole",
                        "rooms": 9,
                        "area_m2": 9999,
                        "sites": 999,
                    }
                ]
            },
            {"projects": (0, 1), "peak_project": (0, 3)},
            id="projects+peak",
        ),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
    ],
)
def test_fm3_lacking_one(variant, lacking):
    check_lacking({**FM3, **variant}, 3, lacking, now=0)


# =====================================================================================================
# Common to Customer Service Level 2 (every field)
# "Acts as a member of customer service team under guidance of a higher-level specialist …";
# "Has experience in carrying out installation, maintenance, and safety activity of complexity system that
#  meets some of the following complexity criteria. □Single platform environment …";
# "Has experience in the installation, maintenance, and safety activity of system, regardless of its size.";
# "-Has basic knowledge and experience in the following major themes …"
# =====================================================================================================

FIELDS = ["hardware", "software", "facility"]


def l2(field: str) -> dict[str, Any]:
    return {
        "field": field,
        "role": "participant",
        "involvement": "carried_out",
        "common_complexity": ["common.cx.single_platform"],
        "themes": ["common.theme.hardware"],
    }


@pytest.mark.parametrize("field", FIELDS)
def test_l2_exact(field):
    check_exact(l2(field), 2, COMMON_KEYS)
    assert ev(l2(field)).at(1).met  # the same answers meet Level 1 too


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(
    ("variant", "lacking", "now"),
    [
        # "carrying out" (L2) vs "participating in" (L1): only participated -> Level 1 (R8).
        pytest.param(
            {"involvement": "participated"},
            {"involvement": ("participated", "carried_out")},
            1,
            id="involvement",
        ),
        # "meets some of the following complexity criteria": none ticked.
        pytest.param({"common_complexity": []}, {"common_complexity": (0, 1)}, 0, id="complexity"),
        pytest.param({"themes": []}, {"themes": (0, 1)}, 0, id="themes"),
    ],
)
def test_l2_lacking_one(field, variant, lacking, now):
    check_lacking({**l2(field), **variant}, 2, lacking, now=now)


# =====================================================================================================
# Common to Customer Service Level 1 (every field)
# "Has experience in participating in installation, maintenance, and safety activity of complexity system
#  that meets some of the following complexity criteria."; "… regardless of its size."
# =====================================================================================================


def l1(field: str) -> dict[str, Any]:
    return {
        "field": field,
        "role": "participant",
        "involvement": "participated",
        "common_complexity": ["common.cx.easy_stop"],
        "themes": ["common.theme.software"],
    }


@pytest.mark.parametrize("field", FIELDS)
def test_l1_exact(field):
    check_exact(l1(field), 1, COMMON_KEYS)
    assert not ev(l1(field)).at(2).met


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(
    ("variant", "lacking"),
    [
        pytest.param({"involvement": "none"}, {"involvement": ("none", "participated")}, id="involvement"),
        pytest.param({"common_complexity": []}, {"common_complexity": (0, 1)}, id="complexity"),
        pytest.param({"themes": []}, {"themes": (0, 1)}, id="themes"),
    ],
)
def test_l1_lacking_one(field, variant, lacking):
    check_lacking({**l1(field), **variant}, 1, lacking, now=0)


@pytest.mark.parametrize(
    ("field", "theme"),
    [
        ("hardware", "hw.l3.theme.basics"),
        ("software", "sw.l3.theme.basics"),
        ("facility", "fm.l3.theme.basics"),
    ],
)
def test_l1_a_level3_basic_theme_is_not_one_of_the_four_basic_themes(field, theme):
    """ "-Has basic knowledge and experience in the following major themes" lists only the four common
    themes; Level 3's "Basic knowledge …" themes are another list (R5)."""
    check_lacking({**l1(field), "themes": [theme]}, 1, {"themes": (0, 1)}, now=0)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("role", ["participant", "member", "responsible", "leader"])
def test_l1_l2_role_is_met_by_every_role(field, role):
    """ "Acts as a member of customer service team under guidance …": the lowest rung, so no variant can
    lack it; every role meets it (R2)."""
    result = ev({**l2(field), "role": role})
    for level in (1, 2):
        c = result.at(level).criterion("role")
        assert (c.met, c.have, c.need) == (True, role, "participant")
    assert result.level == 2
