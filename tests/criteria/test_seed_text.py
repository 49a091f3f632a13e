"""The packaged standard against the seed's own words (tests/fixtures copy of the ITSS V2 text).

The seed is parsed here, independently of ``criteria``: it is cut into its sixteen "Field … Level N"
blocks, and each block's checklists (complexity, size, themes, accomplishments) are read from its
"□" lines. Every list in ``criteria/data/standard.json`` must then be exactly the seed's list: same
count, same words (after collapsing whitespace), same order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from criteria import load_standard

SEED_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "itss-v2-customer-service-kpi.txt"
SEED = SEED_PATH.read_text(encoding="utf-8")
STD = load_standard()

FIELD_HEADINGS = {
    "Hardware": "hardware",
    "Software": "software",
    "Facility management": "facility",
    "Common to Customer Service": "common",
}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def collapse(text: str) -> str:
    return " ".join(text.split())


SEED_FLAT = collapse(SEED)


def _blocks() -> dict[tuple[str, int], str]:
    heading = re.compile(
        r"Field\s*\n\s*(Hardware|Software|Facility management|Common to Customer Service) Level (\d)"
    )
    matches = list(heading.finditer(SEED))
    out = {}
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(SEED)
        out[(FIELD_HEADINGS[m.group(1)], int(m.group(2)))] = SEED[m.end() : end]
    return out


BLOCKS = _blocks()


def _between(block: str, start: str, stop: str | None) -> str:
    i = block.index(start)
    j = block.index(stop, i) if stop else len(block)
    return block[i:j]


def _boxes(lines_text: str) -> list[str]:
    """The "□" items of consecutive checklist lines (several items may share one line)."""
    items: list[str] = []
    for line in lines_text.splitlines():
        line = line.strip()
        if line.startswith("□"):
            items += [collapse(part) for part in line.split("□") if part.strip()]
    return items


def _theme_lines(block: str) -> str:
    """The run of "□" lines right after the "-Holds …" / "-Has basic knowledge …" sentence."""
    lines = block[block.index("[Contribution to professional society]") :].splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(("-Holds", "-Has basic knowledge")))
    run = []
    for line in lines[start + 1 :]:
        if not line.strip().startswith("□"):
            break
        run.append(line)
    return "\n".join(run)


def seed_complexity(field: str, level: int) -> list[str]:
    return _boxes(_between(BLOCKS[(field, level)], "●Complexity", "●Size"))


def seed_size_options(field: str, level: int) -> list[str]:
    text = collapse(_between(BLOCKS[(field, level)], "●Size", "[Contribution to professional society]"))
    return [collapse(part) for part in text.split("□")[1:]]


def seed_themes(field: str, level: int) -> list[str]:
    return _boxes(_theme_lines(BLOCKS[(field, level)]))


def seed_accomplishments(field: str, level: int) -> list[str]:
    block = BLOCKS[(field, level)]
    if "-Has recognized accomplishments" not in block:
        return []
    return _boxes(_between(block, "-Has recognized accomplishments", "-Has accomplishments in developing"))


def texts(ids: tuple[str, ...] | list[str]) -> list[str]:
    return [STD.items[i].seed_text for i in ids]


SPECIALTY = [(f, lv) for f in ("hardware", "software", "facility") for lv in STD.fields[f].specialty_levels]
COMMON_LEVELS = [1, 2]


def test_the_seed_copy_has_all_sixteen_level_blocks():
    assert sorted(BLOCKS) == sorted(
        [("hardware", n) for n in (3, 4, 5)]
        + [("software", n) for n in (3, 4, 5)]
        + [("facility", n) for n in (3, 4, 5, 6)]
        + [("common", n) for n in (1, 2)]
    )
    assert [(f, STD.fields[f].levels) for f in ("hardware", "software", "facility")] == [
        ("hardware", (1, 2, 3, 4, 5)),
        ("software", (1, 2, 3, 4, 5)),
        ("facility", (1, 2, 3, 4, 5, 6)),
    ]


def test_the_fixture_is_the_whole_seed():
    """The project carries its own copy of the seed (nothing reads ../shared); it must be whole."""
    text = SEED_PATH.read_text(encoding="utf-8")
    headings = [f"Hardware Level {n}" for n in (5, 4, 3)] + [f"Software Level {n}" for n in (5, 4, 3)]
    headings += [f"Facility management Level {n}" for n in (6, 5, 4, 3)]
    headings += [f"Common to Customer Service Level {n}" for n in (2, 1)]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
    assert text.rstrip().endswith("and other nations.")


@pytest.mark.parametrize("item_id", sorted(STD.items))
def test_every_item_text_occurs_in_the_seed(item_id):
    assert collapse(STD.items[item_id].seed_text) in SEED_FLAT


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_every_size_option_text_occurs_in_the_seed(field, level):
    for option in STD.fields[field].specialty_levels[level].size_options:
        assert collapse(option.seed_text) in SEED_FLAT


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_complexity_list_is_the_seeds(field, level):
    """ "… meets two or more of the following complexity criteria" — the list under each level."""
    spec = STD.fields[field]
    assert texts(spec.complexity) == seed_complexity(field, level)
    assert spec.specialty_levels[level].complexity_min == 2
    assert "two or more of the following complexity criteria" in collapse(BLOCKS[(field, level)])


@pytest.mark.parametrize("level", COMMON_LEVELS)
def test_common_complexity_list_is_the_seeds(level):
    """ "… meets some of the following complexity criteria" (levels 1–2, R8: at least one)."""
    rule = STD.common_levels[level]
    assert texts(rule.complexity) == seed_complexity("common", level)
    assert len(rule.complexity) == 3
    assert rule.complexity_min == 1


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_theme_list_is_the_seeds(field, level):
    rule = STD.fields[field].specialty_levels[level]
    assert texts(rule.themes) == seed_themes(field, level)
    # The items of a level's list name exactly that level (R5: themes are per level).
    assert all(STD.items[i].levels == (level,) for i in rule.themes)


@pytest.mark.parametrize("level", COMMON_LEVELS)
def test_common_theme_list_is_the_seeds(level):
    rule = STD.common_levels[level]
    assert texts(rule.themes) == seed_themes("common", level)
    assert len(rule.themes) == 4
    assert rule.themes_min == 1


def test_theme_list_lengths_as_counted_by_hand():
    expected = {
        ("hardware", 5): 5,
        ("hardware", 4): 4,
        ("hardware", 3): 3,
        ("software", 5): 5,
        ("software", 4): 4,
        ("software", 3): 3,
        ("facility", 6): 4,
        ("facility", 5): 4,
        ("facility", 4): 3,
        ("facility", 3): 2,
    }
    assert {k: len(seed_themes(*k)) for k in expected} == expected
    assert {k: len(STD.fields[k[0]].specialty_levels[k[1]].themes) for k in expected} == expected


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_accomplishment_list_is_the_seeds(field, level):
    """ "-Has recognized accomplishments N items or more in the area of … technology succession." """
    spec = STD.fields[field]
    listed = seed_accomplishments(field, level)
    if not listed:
        assert level == 3
        assert spec.specialty_levels[level].accomplishments == 0
        return
    assert len(listed) == 7
    assert texts(spec.accomplishments) == listed
    assert all(level in STD.items[i].levels for i in spec.accomplishments)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_accomplishment_count_and_area_are_the_seeds(field, level):
    rule = STD.fields[field].specialty_levels[level]
    m = re.search(
        r"accomplishments (\w+) items or more in the area of (.+?)\.", collapse(BLOCKS[(field, level)])
    )
    if m is None:
        assert (rule.accomplishments, rule.accomplishment_area) == (0, None)
    else:
        assert rule.accomplishments == NUMBER_WORDS[m.group(1)]
        assert rule.accomplishment_area == m.group(2)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_size_options_are_the_seeds(field, level):
    """ "… that meets either one of the following size." — every option, in order, word for word."""
    rule = STD.fields[field].specialty_levels[level]
    assert [o.seed_text for o in rule.size_options] == seed_size_options(field, level)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_conditional_size_options_carry_the_seeds_tick_count(field, level):
    """ "In case of the development team that meets four or more complexity criteria (above), …" (HW/SW),
    "In case of the project that meets three or more complexity criteria (above) …" (FM)."""
    for option in STD.fields[field].specialty_levels[level].size_options:
        m = re.match(
            r"In case of the (?:development team|project) that meets (\w+) or more complexity",
            option.seed_text,
        )
        assert option.min_complexity == (NUMBER_WORDS[m.group(1)] if m else 0)
        if m:
            assert option.min_complexity == (3 if field == "facility" else 4)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_size_option_names_its_rung(field, level):
    """Each option's words end with the words of the size item it points at (R4 rungs)."""
    for option in STD.fields[field].specialty_levels[level].size_options:
        # Compared case-insensitively ("Manages …" vs "… (above)[,] manages …"), without the final
        # period, and with "5,000" read as "5000" (the seed writes both).
        def norm(text: str) -> str:
            return text.lower().rstrip(".").replace("5,000", "5000")

        assert norm(STD.items[option.size].seed_text) in norm(option.seed_text)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_project_count_floor_and_peak_are_the_seeds(field, level):
    """ "… three times or more (at least one experience must meet complexity and size of Level 5 or
    equivalent, and others can be of Level 4)" / "… once or more (equivalent to complexity and size of
    Level 3)"."""
    block = collapse(BLOCKS[(field, level)])
    times = re.search(r"(once|two times|three times) or more", block).group(1)
    count = {"once": 1, "two times": 2, "three times": 3}[times]
    m = re.search(r"Level (\d) or equivalent, and others can be of Level (\d)", block)
    if m:
        peak, floor = int(m.group(1)), int(m.group(2))
    else:
        peak = floor = int(re.search(r"equivalent to complexity and size of Level (\d)", block).group(1))
    p = STD.fields[field].specialty_levels[level].projects
    assert (p.count, p.floor, p.peak) == (count, floor, peak)


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_role_is_the_seeds(field, level):
    """ "acts as a responsible person of … service, by leading other customer service job career
    categories" → leader; "acts as a responsible person of … service." → responsible; "Acts as a member
    of … service team, and has responsibility in the assigned area." → member (R2)."""
    block = collapse(BLOCKS[(field, level)])
    if "by leading other customer service job career categories" in block:
        role = "leader"
    elif "acts as a responsible person of" in block:
        role = "responsible"
    else:
        assert re.search(
            r"Acts as a member of [\w ]+ service team, and has responsibility in the assigned area", block
        )
        role = "member"
    assert STD.fields[field].specialty_levels[level].role == role


@pytest.mark.parametrize(("field", "level"), SPECIALTY)
def test_mentoring_is_required_where_the_seed_says_so(field, level):
    """ "-Has accomplishments in developing subordinates (by mentoring, coaching, etc.)" (R7)."""
    said = "Has accomplishments in developing subordinates" in BLOCKS[(field, level)]
    assert STD.fields[field].specialty_levels[level].mentoring is said


@pytest.mark.parametrize("level", COMMON_LEVELS)
def test_common_levels_ask_guidance_and_the_seeds_involvement(level):
    """L2: "Has experience in carrying out installation, maintenance, and safety activity …";
    L1: "Has experience in participating in installation, maintenance, and safety activity …" (R8)."""
    block = collapse(BLOCKS[("common", level)])
    assert "under guidance of a higher-level specialist" in block
    complexity_sentence = _between(block, "●Complexity", "□")
    expected = "carried_out" if "carrying out" in complexity_sentence else "participated"
    assert STD.common_levels[level].involvement == expected
    assert "regardless of its size" in block


# --- R9: the seed's evident copy slips are kept literally, each with a note -------------------------


def test_software_level5_themes_repeat_the_hardware_list_and_say_so():
    """Software Level 5 lists "Major IT components in general □System operation management and
    hardware product technologies …", word for word the Hardware Level 5 list."""
    sw5 = STD.fields["software"].specialty_levels[5]
    hw5 = STD.fields["hardware"].specialty_levels[5]
    assert texts(sw5.themes) == texts(hw5.themes) == seed_themes("software", 5)
    for item_id in sw5.themes:
        assert STD.items[item_id].note and "R9" in STD.items[item_id].note
    assert any("theme" in n and "R9" in n for n in sw5.notes)


@pytest.mark.parametrize("level", [4, 5])
def test_software_accomplishment_area_says_hardware_and_says_so(level):
    """Software Levels 4 and 5: "Has recognized accomplishments … in the area of hardware technology
    succession." """
    assert "area of hardware technology succession" in collapse(BLOCKS[("software", level)])
    rule = STD.fields["software"].specialty_levels[level]
    assert rule.accomplishment_area == "hardware technology succession"
    assert any("hardware technology succession" in n and "R9" in n for n in rule.notes)
    for item_id in STD.fields["software"].accomplishments:
        note = STD.items[item_id].note
        assert note and "hardware technology succession" in note


def test_hardware_items_carry_no_copy_slip_note():
    """The slips are Software's; Hardware's own words are not slips."""
    hw = [i for i in STD.items.values() if i.field == "hardware"]
    assert hw and all(i.note is None for i in hw)


# --- every catalogue item sits exactly where the seed lists it -------------------------------------------


@pytest.mark.parametrize("item_id", sorted(STD.items))
def test_item_levels_are_where_the_seed_lists_it(item_id):
    """Complexity and accomplishment items name every level whose seed list holds their words; theme items
    name the one level whose list holds them; size items name the levels whose size options use them."""
    item = STD.items[item_id]
    if item.field == "common":
        blocks = [("common", 1), ("common", 2)]
    else:
        blocks = [(item.field, lv) for lv in STD.fields[item.field].specialty_levels]
    if item.kind == "complexity":
        where = [lv for f, lv in blocks if item.seed_text in seed_complexity(f, lv)]
        assert list(item.levels) == where
    elif item.kind == "accomplishment":
        where = [lv for f, lv in blocks if item.seed_text in seed_accomplishments(f, lv)]
        assert list(item.levels) == where
    elif item.kind == "theme":
        for lv in item.levels:
            assert item.seed_text in seed_themes(item.field, lv)
        if item.field != "common":
            assert len(item.levels) == 1
    else:
        assert item.kind == "size"
        spec = STD.fields[item.field]
        where = [
            lv
            for lv, rule in spec.specialty_levels.items()
            if any(o.size == item_id for o in rule.size_options)
        ]
        assert list(item.levels) == sorted(where)
        assert item_id in spec.size_ladder


@pytest.mark.parametrize("field", ["hardware", "software", "facility"])
def test_no_orphan_items(field):
    """Every theme item of a field is on some level's list; every size item is on the ladder."""
    spec = STD.fields[field]
    listed = {t for rule in spec.specialty_levels.values() for t in rule.themes}
    themes = {i.id for i in STD.items.values() if i.field == field and i.kind == "theme"}
    assert themes == listed
    sizes = {i.id for i in STD.items.values() if i.field == field and i.kind == "size"}
    assert sizes == set(spec.size_ladder)
    assert len(spec.size_ladder) == 4


@pytest.mark.parametrize("field", ["hardware", "software", "facility"])
def test_role_texts_are_the_seeds_words(field):
    for text in STD.fields[field].role_text.values():
        assert collapse(text) in SEED_FLAT


def test_the_level_1_wording_slip_is_noted_in_the_data() -> None:
    """Level 1 Responsibilities: "Has experience in carrying out installation"; its Complexity:
    "Has experience in participating in installation". R8 reads "participating"; the data says so."""
    note = load_standard().common_levels[1].note
    assert note is not None and "participating" in note
