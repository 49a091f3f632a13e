"""One class per reading rule R1–R9 (the product owner's reading where the seed is ambiguous)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from criteria import ProfileError, evaluate, experience_level, load_standard, parse_profile

STD = load_standard()
HW = STD.fields["hardware"]
SW = STD.fields["software"]
FM = STD.fields["facility"]


def ev(profile: dict[str, Any]):
    return evaluate(parse_profile(profile))


def hw_exp(ticks: int, size: str) -> dict[str, Any]:
    return {"complexity": list(HW.complexity[:ticks]), "size": f"hw.size.{size}"}


def fm_exp(
    ticks: int, scope: str = "whole", rooms: int = 0, area_m2: int = 0, sites: int = 0
) -> dict[str, Any]:
    return {
        "complexity": list(FM.complexity[:ticks]),
        "scope": scope,
        "rooms": rooms,
        "area_m2": area_m2,
        "sites": sites,
    }


def exp_levels(profile: dict[str, Any]) -> tuple[int, ...]:
    return ev(profile).experience_levels


HW5 = {
    "field": "hardware",
    "role": "leader",
    "experiences": [
        hw_exp(2, "wide_area"),
        hw_exp(2, "specific_industries"),
        hw_exp(2, "specific_industries"),
    ],
    "themes": ["hw.l5.theme.satisfaction"],
    "accomplishments": ["hw.acc.book", "hw.acc.patent", "hw.acc.instructor"],
    "mentoring": True,
}
HW3 = {
    "field": "hardware",
    "role": "member",
    "experiences": [hw_exp(2, "team_member")],
    "themes": ["hw.l3.theme.advice"],
}


class TestR1HighestLevelWhoseEveryCriterionIsMet:
    def test_level5_without_level4_themes_is_still_level5(self):
        result = ev(HW5)
        assert result.level == 5
        assert not result.at(4).met
        assert [c.key for c in result.at(4).missing] == ["themes"]
        assert not result.at(3).met and not result.at(2).met and not result.at(1).met

    def test_zero_means_not_even_level1(self):
        result = ev({"field": "software", "role": "participant"})
        assert result.level == 0
        assert result.next is result.at(1)
        assert [r.level for r in result.levels] == [1, 2, 3, 4, 5]

    def test_each_level_is_judged_on_its_own_criteria(self):
        """Adding Level 4's theme to the Level 5 profile makes Level 4 met too, without changing Level 5."""
        result = ev({**HW5, "themes": ["hw.l5.theme.satisfaction", "hw.l4.theme.satisfaction"]})
        assert result.level == 5
        assert result.at(4).met and result.at(5).met

    def test_a_gap_below_does_not_cap_the_level(self):
        """Meets Level 2 and Level 4 but not Level 3: the level is 4."""
        profile = {
            "field": "hardware",
            "role": "responsible",
            "experiences": [hw_exp(2, "specific_industries"), hw_exp(2, "team_member")],
            "involvement": "carried_out",
            "common_complexity": ["common.cx.single_platform"],
            "themes": ["common.theme.operation", "hw.l4.theme.revenue"],
            "accomplishments": ["hw.acc.book"],
            "mentoring": True,
        }
        result = ev(profile)
        assert [r.met for r in result.levels] == [True, True, False, True, False]
        assert result.level == 4
        assert result.next is result.at(5)

    def test_next_is_none_at_the_top(self):
        fm6 = {
            "field": "facility",
            "role": "leader",
            "experiences": [fm_exp(2, rooms=5, area_m2=5000), fm_exp(2, sites=100), fm_exp(2, sites=150)],
            "themes": ["fm.l6.theme.satisfaction"],
            "accomplishments": ["fm.acc.book", "fm.acc.patent", "fm.acc.instructor", "fm.acc.community"],
            "mentoring": True,
        }
        result = ev(fm6)
        assert result.level == 6 == FM.top
        assert result.next is None
        assert ev(HW5).next is None and HW.top == 5

    @pytest.mark.parametrize("field", ["hardware", "software", "facility"])
    def test_at_answers_only_for_levels_1_to_top(self, field):
        """``.at(n)`` is the verdict of level n; a person at level 0 asking ``at(result.level)`` must not get
        the top level's checklist back (Python's negative indexing would hand out ``levels[-1]``)."""
        result = ev({"field": field, "role": "participant"})
        top = STD.fields[field].top
        for n in range(1, top + 1):
            assert result.at(n).level == n
        for n in (0, -1, top + 1):
            with pytest.raises((IndexError, ValueError, KeyError)):
                result.at(n)

    def test_to_json_reports_level_and_next(self):
        out = ev(HW3).to_json()
        assert out["level"] == 3
        assert out["field"] == "hardware"
        assert out["next"]["level"] == 4
        assert not out["next"]["met"]
        assert {m["criterion"] for m in out["next"]["missing"]} == {
            "role",
            "projects",
            "peak_project",
            "themes",
            "accomplishments",
            "mentoring",
        }


class TestR2RoleLadder:
    def test_ladder_order(self):
        assert STD.role_ids == ("participant", "member", "responsible", "leader")

    @pytest.mark.parametrize("role", ["member", "responsible", "leader"])
    def test_a_higher_role_satisfies_the_level3_member_requirement(self, role):
        result = ev({**HW3, "role": role})
        assert result.level == 3
        assert result.at(3).criterion("role").met

    def test_participant_does_not_satisfy_member(self):
        c = ev({**HW3, "role": "participant"}).at(3).criterion("role")
        assert (c.met, c.have, c.need) == (False, "participant", "member")

    @pytest.mark.parametrize(
        ("field", "level", "need"),
        [
            ("hardware", 3, "member"),
            ("hardware", 4, "responsible"),
            ("hardware", 5, "leader"),
            ("software", 3, "member"),
            ("software", 4, "responsible"),
            ("software", 5, "leader"),
            ("facility", 3, "member"),
            ("facility", 4, "responsible"),
            ("facility", 5, "leader"),
            ("facility", 6, "leader"),
        ],
    )
    @pytest.mark.parametrize("role", ["participant", "member", "responsible", "leader"])
    def test_role_requirement_per_level(self, field, level, need, role):
        order = ["participant", "member", "responsible", "leader"]
        c = ev({"field": field, "role": role}).at(level).criterion("role")
        assert c.need == need
        assert c.met is (order.index(role) >= order.index(need))

    def test_leader_satisfies_fm_level4_responsible(self):
        fm4 = {
            "field": "facility",
            "role": "leader",
            "experiences": [fm_exp(2, rooms=3, area_m2=2000), fm_exp(2)],
            "themes": ["fm.l4.theme.engineering"],
            "accomplishments": ["fm.acc.book"],
            "mentoring": True,
        }
        assert ev(fm4).level == 4


class TestR3ExperienceLevelEquivalent:
    @pytest.mark.parametrize(
        ("ticks", "size", "level"),
        [
            # "two or more of the following complexity criteria"
            (0, "wide_area", 0),
            (1, "wide_area", 0),
            (2, "team_member", 3),
            (2, "specific_users", 3),
            (2, "specific_industries", 4),
            (2, "wide_area", 5),
            # "In case of the development team that meets four or more complexity criteria (above),
            #  assigned to service team that covers specific users" (L4) / "… covers wide service area,
            #  and provides service to specific industries" (L5)
            (3, "specific_users", 3),
            (4, "specific_users", 4),
            (6, "specific_users", 4),
            (3, "specific_industries", 4),
            (4, "specific_industries", 5),
            (3, "team_member", 3),
            (6, "team_member", 3),
        ],
    )
    def test_hardware_table(self, ticks, size, level):
        assert exp_levels({"field": "hardware", "role": "leader", "experiences": [hw_exp(ticks, size)]}) == (
            level,
        )

    def test_four_ticks_count_only_on_that_experience(self):
        """Four ticks on one project do not lift another project with three ticks."""
        profile = {
            "field": "hardware",
            "role": "leader",
            "experiences": [
                hw_exp(4, "team_member"),
                hw_exp(3, "specific_users"),
                hw_exp(3, "specific_industries"),
            ],
        }
        assert exp_levels(profile) == (3, 3, 4)

    def test_software_four_or_more(self):
        sw = {"field": "software", "role": "leader"}
        four = list(SW.complexity[:4])
        assert exp_levels(
            {**sw, "experiences": [{"complexity": four, "size": "sw.size.specific_industries"}]}
        ) == (5,)
        assert exp_levels(
            {**sw, "experiences": [{"complexity": four[:3], "size": "sw.size.specific_industries"}]}
        ) == (4,)

    @pytest.mark.parametrize(
        ("exp", "level"),
        [
            # "In case of the project that meets three or more complexity criteria (above) manages and
            #  operates subsidiary facilities of one part of network and computer rooms related to work." (L4)
            (fm_exp(2, "part"), 3),
            (fm_exp(3, "part"), 4),
            (fm_exp(4, "part"), 4),
            # "… three or more …, manages and operates subsidiary facilities of less than 2 computer
            #  rooms …" (L5)
            (fm_exp(2, rooms=1), 4),
            (fm_exp(3, rooms=1), 5),
            # "… three or more …, … 3 to 4 computer rooms from 2000 …" (L6)
            (fm_exp(2, rooms=3, area_m2=2000), 5),
            (fm_exp(3, rooms=3, area_m2=2000), 6),
            (fm_exp(2, sites=300), 6),
            (fm_exp(1, sites=300), 0),
            (fm_exp(0, rooms=9, area_m2=9000), 0),
        ],
    )
    def test_facility_three_or_more(self, exp, level):
        assert exp_levels({"field": "facility", "role": "leader", "experiences": [exp]}) == (level,)

    def test_experience_level_function_agrees(self):
        p = parse_profile({"field": "facility", "role": "leader", "experiences": [fm_exp(3, sites=100)]})
        assert experience_level(FM, p.experiences[0]) == 6

    def fm4(self, *exps: dict[str, Any]) -> dict[str, Any]:
        return {
            "field": "facility",
            "role": "responsible",
            "experiences": list(exps),
            "themes": ["fm.l4.theme.engineering"],
            "accomplishments": ["fm.acc.book"],
            "mentoring": True,
        }

    def test_fm_level4_needs_a_level5_equivalent_experience(self):
        """FM L4: "two times or more (at least one experience must meet complexity and size of Level 5 or
        equivalent, and others can be of Level 4)" — followed as written."""
        two_l4 = self.fm4(fm_exp(2, rooms=1), fm_exp(2, sites=50))
        result = ev(two_l4)
        assert result.experience_levels == (4, 4)
        assert result.level == 0
        assert {c.key: (c.have, c.need) for c in result.at(4).missing} == {"peak_project": (4, 5)}
        assert ev(self.fm4(fm_exp(3, rooms=1), fm_exp(2, sites=50))).level == 4

    def test_fm_level4_others_must_be_level4(self):
        result = ev(self.fm4(fm_exp(3, rooms=1), fm_exp(2, "part")))
        assert result.experience_levels == (5, 3)
        assert {c.key: (c.have, c.need) for c in result.at(4).missing} == {"projects": (1, 2)}

    @pytest.mark.parametrize(
        ("field", "level", "rule"),
        [
            ("hardware", 5, (3, 4, 5)),
            ("hardware", 4, (2, 3, 4)),
            ("hardware", 3, (1, 3, 3)),
            ("software", 5, (3, 4, 5)),
            ("software", 4, (2, 3, 4)),
            ("software", 3, (1, 3, 3)),
            ("facility", 6, (3, 5, 6)),
            ("facility", 5, (3, 4, 5)),
            ("facility", 4, (2, 4, 5)),
            ("facility", 3, (1, 3, 3)),
        ],
    )
    def test_rule_table_reported(self, field, level, rule):
        count, _floor, peak = rule
        result = ev({"field": field, "role": "leader"}).at(level)
        assert (result.criterion("projects").need, result.criterion("peak_project").need) == (count, peak)

    def test_the_peak_experience_counts_towards_n(self):
        """HW L4: one Level 5 project is one project, not two; two of them are enough."""
        hw4 = {
            "field": "hardware",
            "role": "responsible",
            "themes": ["hw.l4.theme.revenue"],
            "accomplishments": ["hw.acc.book"],
            "mentoring": True,
        }
        one = ev({**hw4, "experiences": [hw_exp(2, "wide_area")]})
        assert {c.key: (c.have, c.need) for c in one.at(4).missing} == {"projects": (1, 2)}
        assert ev({**hw4, "experiences": [hw_exp(2, "wide_area"), hw_exp(2, "wide_area")]}).level == 4

    def test_hw5_others_of_level3_do_not_count(self):
        """ "… and others can be of Level 4": Level 3 ones are not enough."""
        result = ev(
            {
                **HW5,
                "experiences": [
                    hw_exp(2, "wide_area"),
                    hw_exp(2, "specific_industries"),
                    hw_exp(2, "specific_users"),
                ],
            }
        )
        assert result.level == 0
        assert {c.key: (c.have, c.need) for c in result.at(5).missing} == {"projects": (2, 3)}


class TestR4SizeLadder:
    @pytest.mark.parametrize(
        ("fac", "rung"),
        [
            ({"scope": "whole", "rooms": 0, "area_m2": 0, "sites": 0}, "small"),
            # medium: "3 to 4 computer rooms from 2000 … square meters" or "from 100 … installation sites"
            ({"scope": "whole", "rooms": 2, "area_m2": 2000, "sites": 0}, "small"),
            ({"scope": "whole", "rooms": 3, "area_m2": 2000, "sites": 0}, "medium"),
            ({"scope": "whole", "rooms": 3, "area_m2": 1999, "sites": 0}, "small"),
            ({"scope": "whole", "rooms": 0, "area_m2": 0, "sites": 99}, "small"),
            ({"scope": "whole", "rooms": 0, "area_m2": 0, "sites": 100}, "medium"),
            # large: "5 or more computer rooms with 5000 square meters of space or more" or "300 or more
            # installation sites"
            ({"scope": "whole", "rooms": 4, "area_m2": 5000, "sites": 0}, "medium"),
            ({"scope": "whole", "rooms": 5, "area_m2": 5000, "sites": 0}, "large"),
            ({"scope": "whole", "rooms": 5, "area_m2": 4999, "sites": 0}, "medium"),
            ({"scope": "whole", "rooms": 0, "area_m2": 0, "sites": 299}, "medium"),
            ({"scope": "whole", "rooms": 0, "area_m2": 0, "sites": 300}, "large"),
            ({"scope": "whole", "rooms": 2, "area_m2": 1999, "sites": 300}, "large"),
            # larger than "3 to 4" rooms but under 5,000 m²: still medium (upper bounds do not exclude)
            ({"scope": "whole", "rooms": 9, "area_m2": 3000, "sites": 0}, "medium"),
            # many m² but few rooms: rooms AND area are both needed
            ({"scope": "whole", "rooms": 2, "area_m2": 90000, "sites": 0}, "small"),
            ({"scope": "whole", "rooms": 90, "area_m2": 1000, "sites": 0}, "small"),
            # "one part of network and computer rooms related to work": the numbers are ignored
            ({"scope": "part", "rooms": 10, "area_m2": 10000, "sites": 1000}, "part"),
            ({"scope": "part"}, "part"),
        ],
    )
    def test_facility_thresholds(self, fac, rung):
        p = parse_profile({"field": "facility", "role": "member", "experiences": [{"complexity": [], **fac}]})
        assert p.experiences[0].size == f"fm.size.{rung}"

    def test_facility_ladder_order(self):
        assert FM.size_ladder == ("fm.size.part", "fm.size.small", "fm.size.medium", "fm.size.large")
        assert HW.size_ladder == (
            "hw.size.team_member",
            "hw.size.specific_users",
            "hw.size.specific_industries",
            "hw.size.wide_area",
        )

    @pytest.mark.parametrize("size", ["team_member", "specific_users", "specific_industries", "wide_area"])
    def test_any_hw_size_satisfies_level3(self, size):
        """Level 3's "Participates in service tasks for specific users as a member of team …" is the
        smallest rung: every larger one satisfies it."""
        assert ev({**HW3, "experiences": [hw_exp(2, size)]}).level == 3

    def test_a_larger_hw_size_satisfies_the_conditional_smaller_one(self):
        """HW L4 "four or more … covers specific users": "covers wide service area" with four ticks is
        more."""
        assert exp_levels(
            {"field": "hardware", "role": "leader", "experiences": [hw_exp(4, "wide_area")]}
        ) == (5,)
        assert exp_levels(
            {"field": "hardware", "role": "leader", "experiences": [hw_exp(2, "wide_area")]}
        ) == (5,)

    def test_part_to_whole_is_larger(self):
        fm = {"field": "facility", "role": "leader"}
        assert exp_levels({**fm, "experiences": [fm_exp(2, "part")]}) == (3,)
        assert exp_levels({**fm, "experiences": [fm_exp(2, "whole")]}) == (4,)

    def test_large_satisfies_fm_level5_medium(self):
        fm5 = {
            "field": "facility",
            "role": "leader",
            "experiences": [fm_exp(2, sites=300), fm_exp(2, sites=1), fm_exp(2, rooms=2)],
            "themes": ["fm.l5.theme.engineering"],
            "accomplishments": ["fm.acc.book", "fm.acc.patent", "fm.acc.instructor"],
            "mentoring": True,
        }
        assert ev(fm5).level == 5


class TestR5ThemesPerLevel:
    def test_level4_theme_with_the_same_words_does_not_satisfy_level5(self):
        assert (
            STD.items["hw.l4.theme.operation_products"].seed_text
            == STD.items["hw.l5.theme.operation_products"].seed_text
        )
        result = ev({**HW5, "themes": ["hw.l4.theme.operation_products"]})
        c = result.at(5).criterion("themes")
        assert (c.met, c.have, c.need) == (False, 0, 1)
        assert "hw.l5.theme.operation_products" in c.options
        assert "hw.l4.theme.operation_products" not in c.options
        assert result.level == 4  # it does satisfy Level 4, whose criteria are all met

    def test_level5_theme_does_not_satisfy_level4(self):
        hw4 = {
            "field": "hardware",
            "role": "responsible",
            "experiences": [hw_exp(2, "specific_industries"), hw_exp(2, "team_member")],
            "themes": ["hw.l5.theme.operation_products"],
            "accomplishments": ["hw.acc.book"],
            "mentoring": True,
        }
        assert ev(hw4).level == 0
        assert ev({**hw4, "themes": ["hw.l4.theme.operation_products"]}).level == 4

    def test_options_are_the_levels_own_list(self):
        result = ev({"field": "facility", "role": "leader"})
        for level in (3, 4, 5, 6):
            assert result.at(level).criterion("themes").options == FM.specialty_levels[level].themes

    def test_one_common_theme_serves_level1_and_level2(self):
        result = ev(
            {
                "field": "facility",
                "role": "participant",
                "involvement": "carried_out",
                "common_complexity": ["common.cx.small_impact"],
                "themes": ["common.theme.installation"],
            }
        )
        assert result.level == 2
        for level in (1, 2):
            c = result.at(level).criterion("themes")
            assert (c.met, c.have, c.need) == (True, 1, 1)

    def test_common_theme_does_not_serve_level3(self):
        result = ev({**HW3, "themes": ["common.theme.hardware"]})
        assert result.level == 0
        assert result.at(3).criterion("themes").have == 0


class TestR6DistinctAccomplishmentKinds:
    def test_seven_kinds(self):
        for spec in (HW, SW, FM):
            assert len(spec.accomplishments) == 7

    @pytest.mark.parametrize(
        ("field", "level", "need"),
        [
            ("hardware", 5, 3),
            ("hardware", 4, 1),
            ("software", 5, 3),
            ("software", 4, 1),
            ("facility", 6, 4),
            ("facility", 5, 3),
            ("facility", 4, 1),
        ],
    )
    def test_counts(self, field, level, need):
        assert ev({"field": field, "role": "leader"}).at(level).criterion("accomplishments").need == need

    @pytest.mark.parametrize(("field", "level"), [("hardware", 3), ("software", 3), ("facility", 3)])
    def test_none_below_level4(self, field, level):
        keys = [c.key for c in ev({"field": field, "role": "leader"}).at(level).criteria]
        assert "accomplishments" not in keys

    def test_three_distinct_kinds_meet_level5(self):
        c = ev(HW5).at(5).criterion("accomplishments")
        assert (c.met, c.have, c.need) == (True, 3, 3)

    def test_the_same_kind_twice_is_rejected_not_counted(self):
        with pytest.raises(ProfileError) as err:
            parse_profile({**HW5, "accomplishments": ["hw.acc.book", "hw.acc.book", "hw.acc.patent"]})
        assert err.value.key == "accomplishments[1]"

    def test_all_seven_kinds(self):
        c = ev({**HW5, "accomplishments": list(HW.accomplishments)}).at(5).criterion("accomplishments")
        assert (c.met, c.have) == (True, 7)


class TestR7DevelopingSubordinates:
    @pytest.mark.parametrize(
        ("field", "level", "required"),
        [
            ("hardware", 3, False),
            ("hardware", 4, True),
            ("hardware", 5, True),
            ("software", 3, False),
            ("software", 4, True),
            ("software", 5, True),
            ("facility", 3, False),
            ("facility", 4, True),
            ("facility", 5, True),
            ("facility", 6, True),
        ],
    )
    def test_required_where_the_seed_asks(self, field, level, required):
        result = ev({"field": field, "role": "leader", "mentoring": False}).at(level)
        keys = [c.key for c in result.criteria]
        assert ("mentoring" in keys) is required
        if required:
            c = result.criterion("mentoring")
            assert (c.met, c.have, c.need) == (False, False, True)

    def test_level3_without_mentoring(self):
        assert ev({**HW3, "mentoring": False}).level == 3

    def test_mentoring_is_the_only_gap(self):
        result = ev({**HW5, "mentoring": False})
        assert result.level == 0
        assert [c.key for c in result.at(5).missing] == ["mentoring"]


class TestR8CommonLevels:
    BASE: ClassVar[dict[str, Any]] = {
        "field": "hardware",
        "role": "participant",
        "common_complexity": ["common.cx.single_platform"],
        "themes": ["common.theme.operation"],
    }

    def test_participated_gives_level1_not_level2(self):
        result = ev({**self.BASE, "involvement": "participated"})
        assert result.level == 1
        assert [c.key for c in result.at(2).missing] == ["involvement"]

    def test_carried_out_gives_level2(self):
        assert ev({**self.BASE, "involvement": "carried_out"}).level == 2

    def test_none_gives_nothing(self):
        assert ev({**self.BASE, "involvement": "none"}).level == 0
        assert ev({k: v for k, v in self.BASE.items()}).level == 0  # involvement defaults to none

    @pytest.mark.parametrize(
        "item", ["common.cx.single_platform", "common.cx.small_impact", "common.cx.easy_stop"]
    )
    def test_any_one_of_the_three_items(self, item):
        assert ev({**self.BASE, "involvement": "carried_out", "common_complexity": [item]}).level == 2

    def test_no_item_no_level(self):
        assert ev({**self.BASE, "involvement": "carried_out", "common_complexity": []}).level == 0

    def test_regardless_of_size_no_project_needed(self):
        """ "… regardless of its size": no specialty experience is asked for at all."""
        result = ev({**self.BASE, "involvement": "carried_out", "experiences": []})
        assert result.level == 2
        assert [c.key for c in result.at(1).criteria] == [
            "role",
            "involvement",
            "common_complexity",
            "themes",
        ]

    def test_all_three_items(self):
        c = (
            ev({**self.BASE, "common_complexity": list(STD.common_levels[1].complexity)})
            .at(1)
            .criterion("common_complexity")
        )
        assert (c.have, c.need) == (3, 1)


class TestR9CopySlipsKeptWithNotes:
    def test_software_level5_uses_hardware_theme_words(self):
        sw5 = SW.specialty_levels[5].themes
        hw5 = HW.specialty_levels[5].themes
        assert [STD.items[i].seed_text for i in sw5] == [STD.items[i].seed_text for i in hw5]
        assert all(i.startswith("sw.") for i in sw5)
        assert all(STD.items[i].note for i in sw5)
        # "System operation management and hardware product technologies" is a Software Level 5 theme.
        assert "System operation management and hardware product technologies" in [
            STD.items[i].seed_text for i in sw5
        ]

    def test_software_level5_theme_works_in_a_software_profile(self):
        sw5 = {
            "field": "software",
            "role": "leader",
            "experiences": [{"complexity": list(SW.complexity[:2]), "size": "sw.size.wide_area"}] * 3,
            "themes": ["sw.l5.theme.operation_products"],
            "accomplishments": ["sw.acc.book", "sw.acc.patent", "sw.acc.community"],
            "mentoring": True,
        }
        assert ev(sw5).level == 5

    def test_hardware_level5_theme_ids_are_not_software_ones(self):
        with pytest.raises(ProfileError) as err:
            parse_profile(
                {"field": "software", "role": "leader", "themes": ["hw.l5.theme.operation_products"]}
            )
        assert err.value.key == "themes[0]"

    @pytest.mark.parametrize("level", [4, 5])
    def test_software_accomplishment_area(self, level):
        rule = SW.specialty_levels[level]
        assert rule.accomplishment_area == "hardware technology succession"
        assert rule.notes

    def test_software_level3_and_hardware_levels_have_no_notes(self):
        assert SW.specialty_levels[3].notes == ()
        assert all(HW.specialty_levels[n].notes == () for n in (3, 4, 5))

    def test_fm_level4_projects_note(self):
        """Not a copy slip kept silently: FM L4's "Level 5 or equivalent" is documented."""
        assert any("Level 5" in n for n in FM.specialty_levels[4].notes)
