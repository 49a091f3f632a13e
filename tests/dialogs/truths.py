"""Hand-made FULL truth profiles: one person per field and level, each with things never asked.

Every truth carries answers the interview should not need (themes of other levels, level 1–2
answers of a level-4 person, accomplishments of a level-3 person, …): the interview must reach
the same level and the same next-level gap without them. Levels were worked out by hand from the
standard (see the comment of each); the tests also check them against ``criteria``.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def _specialty(f: str) -> dict[int, Json]:
    """HW and SW share their structure; only the ids' prefix and some theme names differ."""
    l4_themes = {"hw": ["hw.l4.theme.satisfaction"], "sw": ["sw.l4.theme.diagnosis"]}[f]
    common = {
        "involvement": "carried_out",
        "common_complexity": ["common.cx.single_platform"],
    }
    return {
        # Level 0: a participant who has not yet taken part in installation or maintenance.
        0: {
            "field": FIELD[f],
            "role": "participant",
            "experiences": [],
            "involvement": "none",
            "common_complexity": ["common.cx.single_platform", "common.cx.easy_stop"],
            "themes": ["common.theme.installation", f"{f}.l3.theme.basics"],
            "accomplishments": [f"{f}.acc.book"],
            "mentoring": False,
        },
        # Level 1: participated, one system trait, one basic theme.
        1: {
            "field": FIELD[f],
            "role": "participant",
            "experiences": [{"complexity": [f"{f}.cx.multi_vendor"], "size": f"{f}.size.team_member"}],
            "involvement": "participated",
            "common_complexity": ["common.cx.small_impact"],
            "themes": ["common.theme.operation", *l4_themes],
            "accomplishments": [],
            "mentoring": True,
        },
        # Level 2: carried out; a member whose one project has a single complexity item (not level 3),
        # who already masters a level-3 theme (so the level-3 gap shows themes met).
        2: {
            "field": FIELD[f],
            "role": "member",
            "experiences": [{"complexity": [f"{f}.cx.nonstop"], "size": f"{f}.size.wide_area"}],
            **common,
            "themes": ["common.theme.hardware", "common.theme.software", f"{f}.l3.theme.inquiries"],
            "accomplishments": [f"{f}.acc.patent"],
            "mentoring": False,
        },
        # Level 3: a member with one level-3 project; level 4 fails on role and projects.
        3: {
            "field": FIELD[f],
            "role": "member",
            "experiences": [
                {
                    "complexity": [f"{f}.cx.multi_platform", f"{f}.cx.leading_edge"],
                    "size": f"{f}.size.team_member",
                }
            ],
            **common,
            "themes": [
                "common.theme.installation",
                f"{f}.l3.theme.advice",
                *l4_themes,
                f"{f}.l5.theme.hr_profit",
            ],
            "accomplishments": [f"{f}.acc.instructor"],
            "mentoring": True,
        },
        # Level 4: responsible; one project level 4 via "four or more complexity criteria" with specific
        # users, one level 3; level 5 fails on role, projects, themes and accomplishments.
        4: {
            "field": FIELD[f],
            "role": "responsible",
            "experiences": [
                {
                    "complexity": [
                        f"{f}.cx.multi_platform",
                        f"{f}.cx.multi_vendor",
                        f"{f}.cx.nonstop",
                        f"{f}.cx.nationwide",
                    ],
                    "size": f"{f}.size.specific_users",
                },
                {
                    "complexity": [f"{f}.cx.critical_mission", f"{f}.cx.nonstop"],
                    "size": f"{f}.size.team_member",
                },
            ],
            **common,
            "themes": [f"{f}.l3.theme.basics", *l4_themes],
            "accomplishments": [f"{f}.acc.book", f"{f}.acc.community"],
            "mentoring": True,
        },
        # Level 5 (top): leader; level 5, level 4 and level 5-by-four-items projects.
        5: {
            "field": FIELD[f],
            "role": "leader",
            "experiences": [
                {
                    "complexity": [f"{f}.cx.multi_platform", f"{f}.cx.multi_vendor"],
                    "size": f"{f}.size.wide_area",
                },
                {
                    "complexity": [f"{f}.cx.critical_mission", f"{f}.cx.nonstop"],
                    "size": f"{f}.size.specific_industries",
                },
                {
                    "complexity": [
                        f"{f}.cx.multi_platform",
                        f"{f}.cx.leading_edge",
                        f"{f}.cx.nonstop",
                        f"{f}.cx.nationwide",
                    ],
                    "size": f"{f}.size.specific_industries",
                },
            ],
            "involvement": "none",
            "common_complexity": [],
            "themes": [f"{f}.l5.theme.it_components", f"{f}.l5.theme.satisfaction"],
            "accomplishments": [f"{f}.acc.book", f"{f}.acc.patent", f"{f}.acc.talk_external"],
            "mentoring": True,
        },
    }


FIELD = {"hw": "hardware", "sw": "software", "fm": "facility"}

FM_COMMON = {"involvement": "carried_out", "common_complexity": ["common.cx.easy_stop"]}

FACILITY: dict[int, Json] = {
    0: {
        "field": "facility",
        "role": "member",
        "experiences": [],
        "involvement": "participated",
        "common_complexity": [],
        "themes": ["common.theme.installation", "fm.l3.theme.basics"],
        "accomplishments": [],
        "mentoring": False,
    },
    1: {
        "field": "facility",
        "role": "participant",
        "experiences": [
            {"complexity": ["fm.cx.nonstop"], "scope": "part", "rooms": 0, "area_m2": 0, "sites": 0}
        ],
        "involvement": "participated",
        "common_complexity": ["common.cx.single_platform", "common.cx.small_impact", "common.cx.easy_stop"],
        "themes": ["common.theme.hardware"],
        "accomplishments": ["fm.acc.book"],
        "mentoring": False,
    },
    # Level 2: a member whose whole-facility project has one complexity item only.
    2: {
        "field": "facility",
        "role": "member",
        "experiences": [
            {"complexity": ["fm.cx.many_sites"], "scope": "whole", "rooms": 6, "area_m2": 9000, "sites": 0}
        ],
        **FM_COMMON,
        "themes": ["common.theme.operation"],
        "accomplishments": [],
        "mentoring": False,
    },
    # Level 3: one part-of-network project with two items.
    3: {
        "field": "facility",
        "role": "responsible",
        "experiences": [{"complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"], "scope": "part"}],
        **FM_COMMON,
        "themes": ["fm.l3.theme.advice", "fm.l4.theme.engineering", "fm.l6.theme.strategy"],
        "accomplishments": ["fm.acc.paper_internal", "fm.acc.patent"],
        "mentoring": True,
    },
    # Level 4 (the seed's "Level 5 or equivalent" peak): a medium whole facility (level 5) and a
    # part-of-network project with three items (level 4).
    4: {
        "field": "facility",
        "role": "responsible",
        "experiences": [
            {
                "complexity": ["fm.cx.nonstop", "fm.cx.many_sites"],
                "scope": "whole",
                "rooms": 3,
                "area_m2": 2000,
                "sites": 0,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.disaster_crime"],
                "scope": "part",
            },
        ],
        **FM_COMMON,
        "themes": ["fm.l4.theme.personnel_profit", "fm.l5.theme.strategy", "fm.l3.theme.basics"],
        "accomplishments": ["fm.acc.community", "fm.acc.book"],
        "mentoring": True,
    },
    # Level 5: a medium network (sites), a small facility with three items, a part with three items.
    5: {
        "field": "facility",
        "role": "leader",
        "experiences": [
            {
                "complexity": ["fm.cx.nonstop", "fm.cx.many_sites"],
                "scope": "whole",
                "rooms": 0,
                "area_m2": 0,
                "sites": 150,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.many_sites"],
                "scope": "whole",
                "rooms": 1,
                "area_m2": 500,
                "sites": 5,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.disaster_crime"],
                "scope": "part",
            },
        ],
        **FM_COMMON,
        "themes": ["fm.l5.theme.satisfaction", "fm.l6.theme.engineering"],
        "accomplishments": ["fm.acc.community", "fm.acc.book", "fm.acc.instructor"],
        "mentoring": True,
    },
    # Level 6 (top): two large facilities (rooms+area, sites) and a medium one with three items.
    6: {
        "field": "facility",
        "role": "leader",
        "experiences": [
            {
                "complexity": ["fm.cx.nonstop", "fm.cx.many_sites"],
                "scope": "whole",
                "rooms": 5,
                "area_m2": 5000,
                "sites": 0,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
                "scope": "whole",
                "rooms": 0,
                "area_m2": 0,
                "sites": 300,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.disaster_crime"],
                "scope": "whole",
                "rooms": 3,
                "area_m2": 2500,
                "sites": 0,
            },
        ],
        "involvement": "none",
        "common_complexity": [],
        "themes": ["fm.l6.theme.personnel_revenue"],
        "accomplishments": ["fm.acc.community", "fm.acc.book", "fm.acc.instructor", "fm.acc.patent"],
        "mentoring": True,
    },
}

BY_FIELD: dict[str, dict[int, Json]] = {
    "hardware": _specialty("hw"),
    "software": _specialty("sw"),
    "facility": FACILITY,
}

#: (field, level, truth) for every level each field has.
ALL_LEVELS: list[tuple[str, int, Json]] = [
    (field, level, truth) for field, levels in BY_FIELD.items() for level, truth in sorted(levels.items())
]

#: Cases where the interview has to step down or skip: each with the level worked out by hand.
SPECIAL: dict[str, tuple[int, Json]] = {
    # Level 5 is structurally reachable but only two accomplishments: step down to level 4.
    "hw_step_down_5_to_4": (
        4,
        {
            **BY_FIELD["hardware"][5],
            "themes": ["hw.l5.theme.user_planning", "hw.l4.theme.revenue"],
            "accomplishments": ["hw.acc.book", "hw.acc.patent"],
        },
    ),
    # Level 5 and 4 reachable but neither has a theme: step down to level 3.
    "sw_step_down_5_to_3": (
        3,
        {**BY_FIELD["software"][5], "themes": ["sw.l3.theme.advice", "common.theme.operation"]},
    ),
    # Every specialty level reachable but no theme at all, and level 1-2 answers: level 2.
    "fm_leader_without_themes": (
        2,
        {**BY_FIELD["facility"][6], "themes": ["common.theme.software"], **FM_COMMON},
    ),
    # Five projects: the three strongest are described.
    "hw_five_projects": (
        5,
        {
            **BY_FIELD["hardware"][5],
            "experiences": [
                {"complexity": ["hw.cx.nonstop"], "size": "hw.size.team_member"},
                *BY_FIELD["hardware"][5]["experiences"][:2],
                {"complexity": [], "size": "hw.size.wide_area"},
                BY_FIELD["hardware"][5]["experiences"][2],
            ],
        },
    ),
    # Leader without mentoring: levels 4 and 5 fail on mentoring only; level 3.
    "fm_no_mentoring": (3, {**BY_FIELD["facility"][6], "mentoring": False, "themes": ["fm.l3.theme.basics"]}),
}
