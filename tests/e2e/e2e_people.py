"""The engineers of the end-to-end tests, with their levels worked out by hand where it matters."""

from __future__ import annotations

import copy

from e2e_harness import Person

# Hardware, level 4 by hand (README reading rules):
# - project 1: 2 complexity items and size "specific industries" -> meets level 4's size option
#   (level 5 needs "wide area", or "specific industries" with 4+ items: no) -> level-4 equivalent;
# - project 2: 2 items, size "team member" -> level 3's option only -> level-3 equivalent;
# - level 4: role responsible (needed responsible), 2 projects at level 3 or better (needed 2),
#   best project 4 (needed 4), one level-4 theme, one accomplishment kind (needed 1), mentoring: met;
# - level 5 needs the leader role: not met. Highest level whose every criterion is met: 4.
HARDWARE_L4 = Person(
    field="hardware",
    role="responsible",
    projects=[
        {"complexity": ["hw.cx.multi_vendor", "hw.cx.nonstop"], "size": "hw.size.specific_industries"},
        {"complexity": ["hw.cx.multi_platform", "hw.cx.critical_mission"], "size": "hw.size.team_member"},
    ],
    themes={"hw.l4.theme.satisfaction", "hw.l5.theme.satisfaction"},
    accomplishments=["hw.acc.instructor"],
    mentoring=True,
)
HARDWARE_L4_BY_HAND = 4

# Facility management, level 5 by hand:
# - project 1: 2 items, whole facilities with 3 rooms and 2,513 m² (medium: 3+ rooms with 2,000+ m²)
#   -> level 5 (medium, any 2+ items); level 6 needs large, or medium with 3+ items: no -> 5;
# - project 2: 3 items, one part of the network -> level 4 ("part" with 3+ items); level 5 needs
#   medium, or small with 3+ items, and part is below small -> 4;
# - project 3: 2 items, whole: 1 room, 487 m², 12 sites -> small (not medium: <3 rooms, <100 sites)
#   -> level 4 (small); level 5 would need 3+ items with small -> 4;
# - level 5: leader (needed leader), 3 projects at level 4 or better (needed 3), best 5 (needed 5),
#   a level-5 theme, 3 accomplishment kinds (needed 3), mentoring: met;
# - level 6: needs 3 projects at level 5 or better: only 1. Result: 5.
FACILITY_L5 = Person(
    field="facility",
    role="leader",
    projects=[
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
            "scope": "whole",
            "rooms": 3,
            "area_m2": 2513,
            "sites": 0,
        },
        {"complexity": ["fm.cx.many_sites", "fm.cx.disaster_crime", "fm.cx.nonstop"], "scope": "part"},
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.disaster_crime"],
            "scope": "whole",
            "rooms": 1,
            "area_m2": 487,
            "sites": 12,
        },
    ],
    themes={"fm.l5.theme.engineering", "fm.l6.theme.strategy"},
    accomplishments=["fm.acc.community", "fm.acc.book", "fm.acc.instructor"],
    mentoring=True,
)
FACILITY_L5_BY_HAND = 5

# Software: describes one project at first (level 3), then changes the project count from the review
# to two, the second project being a level-4 one (2 items, "specific industries").
SOFTWARE_CHANGES = Person(
    field="software",
    role="responsible",
    projects=[
        {"complexity": ["sw.cx.multi_platform", "sw.cx.multi_vendor"], "size": "sw.size.team_member"},
        {"complexity": ["sw.cx.leading_edge", "sw.cx.nonstop"], "size": "sw.size.specific_industries"},
    ],
    themes={"sw.l3.theme.basics", "sw.l4.theme.diagnosis"},
    accomplishments=["sw.acc.book"],
    mentoring=True,
    project_count=1,
)

# Software, no project yet: levels 1-2 questions; carried out under guidance -> level 2.
SOFTWARE_L2 = Person(
    field="software",
    role="member",
    projects=[],
    involvement="carried_out",
    common_complexity=["common.cx.single_platform"],
    common_themes=["common.theme.software"],
)


def fresh(person: Person) -> Person:
    """A copy a test may change (e.g. a different answer after a review) without touching others."""
    return copy.deepcopy(person)
