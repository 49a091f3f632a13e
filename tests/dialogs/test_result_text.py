"""The result message as people read it (issue #8, "The result message"), in English and Japanese.

Every requirement is checked on the words themselves, not on the view's fields alone: a project that
does not count says why, the senior who ticked no theme reads how close their own level is, the
"you still need" sections hold only missing things, each said once, with counts that read right,
Telegram's HTML is escaped, long option lists fold, copy-slip notes show, and the share text is three
lines with nothing personal but the name. A property runs the reading rules of the text over many
generated profiles of every field.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
from dialog_strategies import SETTINGS, experience, ids_of, some_of, truth_profile
from hypothesis import event, given
from hypothesis import strategies as st

from criteria import Evaluation, Profile, Standard, evaluate, load_standard, parse_profile
from criteria.standard import parse_standard
from dialogs.messages import Messages
from dialogs.result import FOLD_OPTIONS, HTML, PLAIN, ResultView, build_result

STD = load_standard()
FIELDS = STD.field_ids
LANGUAGES = ("en", "ja")
Json = dict[str, Any]

#: "have (need needed)" as each language writes a count on a need line.
COUNT = {
    "en": re.compile(r"(\d+) \((\d+) needed\)"),
    "ja": re.compile(r"(\d+)(?:件|項目|種類)（(\d+)(?:件|項目|種類)必要"),
}
#: "N of M" / "N/M" anywhere: N must never exceed M.
OF = re.compile(r"(\d+) of (\d+)|(\d+)/(\d+)")
COUNTED = {"projects", "themes", "common_complexity", "accomplishments"}
LADDER = re.compile(r"L(\d+) (✓|✗)")


def view_of(raw: Json, language: str, std: Standard = STD) -> tuple[ResultView, Messages, Evaluation]:
    profile = parse_profile(raw, std)
    msg = Messages(language, std)
    return build_result(profile, std, msg), msg, evaluate(profile, std)


def project(field: str, ticks: int, size: str | None) -> Json:
    """One project with the first ``ticks`` complexity items; ``size`` is a rung of hardware or
    software, or for facility management "part", "small", "medium" or "large"; None: not given (a
    project with too few items to count, whose size the interview does not ask)."""
    complexity = ids_of(field, "complexity")[:ticks]
    if size is None:
        return {"complexity": complexity}
    if field != "facility":
        return {"complexity": complexity, "size": size}
    whole = {"small": (1, 500, 0), "medium": (3, 2000, 0), "large": (5, 5000, 0)}
    if size == "part":
        return {"complexity": complexity, "scope": "part"}
    rooms, area, sites = whole[size]
    return {"complexity": complexity, "scope": "whole", "rooms": rooms, "area_m2": area, "sites": sites}


def largest(field: str) -> str:
    return "large" if field == "facility" else STD.fields[field].size_ladder[-1]


def grounded(field: str, *themes: str) -> Json:
    """Levels 1 and 2 met (involvement, a system trait, a basic theme), plus the given themes."""
    return {
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ["common.theme.operation", *themes],
    }


def senior_without_themes(field: str) -> Json:
    """A leader with three strong projects, every accomplishment and mentoring, who ticked no theme."""
    return {
        "field": field,
        "role": "leader",
        "experiences": [project(field, 2, largest(field))] * 3,
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": [],
        "accomplishments": ids_of(field, "accomplishment"),
        "mentoring": True,
    }


def sections(text: str) -> list[list[str]]:
    return [block.split("\n") for block in text.split("\n\n")]


def need_sections(view: ResultView, text: str) -> list[list[str]]:
    """The "you still need" blocks of a rendered result (heading first), one per gap, in order."""
    headings = [g.heading for g in view.gaps]
    found = [block for block in sections(text) if block[0] in headings]
    assert [block[0] for block in found] == headings, "every gap is rendered under its heading"
    return found


# --- projects --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sized", [True, False], ids=["with-size", "size-not-asked"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", FIELDS)
def test_a_project_with_too_few_complexity_items_says_that_is_why_it_does_not_count(
    field: str, language: str, sized: bool
) -> None:
    size = largest(field) if sized else None
    raw = {
        "field": field,
        "role": "leader",
        "experiences": [project(field, 1, size), project(field, 0, size)],
    }
    view, msg, _ = view_of(raw, language)
    one, none = view.projects
    assert (one.level, none.level) == (0, 0)
    if language == "en":
        assert one.text == "Project 1 does not count: only 1 complexity item ticked (2 needed)."
        assert none.text == "Project 2 does not count: 0 complexity items ticked (2 needed)."
    else:
        assert one.text == "プロジェクト1は対象外です：複雑性が1項目のみ（2項目必要）。"
        assert none.text == "プロジェクト2は対象外です：複雑性が0項目（2項目必要）。"
    rendered = view.render(msg)
    assert f"• {one.text}" in rendered and f"• {none.text}" in rendered


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_counting_project_says_its_level_and_what_the_next_level_would_need(language: str) -> None:
    raw = {
        "field": "hardware",
        "role": "member",
        "experiences": [project("hardware", 2, "hw.size.team_member")],
    }
    view, msg, _ = view_of(raw, language)
    (line,) = view.projects
    wide = msg.item("hw.size.specific_industries")
    users = msg.item("hw.size.specific_users")
    assert line.level == 3
    if language == "en":
        assert line.text == (
            "Project 1 counts as level 3: 2 complexity items ✓, size ✓. For level 4 it would need "
            f"the size “{wide}”, or 2 more complexity items and the size “{users}”."
        )
    else:
        assert line.text == (
            "プロジェクト1はレベル3相当です：複雑性2項目 ✓、規模 ✓。"
            f"レベル4には規模「{wide}」、または複雑性あと2項目と規模「{users}」が必要です。"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_more_item_is_singular_and_a_quoted_size_keeps_no_full_stop_of_its_own(language: str) -> None:
    raw = {"field": "facility", "role": "member", "experiences": [project("facility", 2, "part")]}
    view, msg, _ = view_of(raw, language)
    (line,) = view.projects
    small = msg.item("fm.size.small").rstrip(".")
    assert line.level == 3
    if language == "en":
        assert msg.item("fm.size.small").endswith(".")  # the seed's sentence: not to be doubled
        assert "For level 4 it would need 1 more complexity item, or the size “" in line.text
        assert line.text.endswith(f"“{small}”.")
    else:
        assert f"レベル4には複雑性あと1項目、または規模「{small}」が必要です。" in line.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", FIELDS)
def test_a_project_at_the_top_says_so_and_asks_for_nothing_more(field: str, language: str) -> None:
    raw = {"field": field, "role": "leader", "experiences": [project(field, 2, largest(field))]}
    view, _, _ = view_of(raw, language)
    (line,) = view.projects
    top = STD.fields[field].top
    assert line.level == top
    if language == "en":
        assert line.text == f"Project 1 counts as level {top}, the field's top: 2 complexity items ✓, size ✓."
    else:
        assert line.text == f"プロジェクト1はレベル{top}相当（この分野の最上位）です：複雑性2項目 ✓、規模 ✓。"


# --- closest levels --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", FIELDS)
def test_a_senior_who_ticked_no_theme_reads_that_their_own_level_is_one_step_away(
    field: str, language: str
) -> None:
    view, msg, evaluation = view_of(senior_without_themes(field), language)
    top = STD.fields[field].top
    assert evaluation.level == 0 and view.level == 0
    assert [g.level for g in view.gaps] == [1, top]
    assert [g.closest for g in view.gaps] == [False, True]
    text = view.render(msg)
    expected = f"Level {top} is one step away:" if language == "en" else f"レベル{top}まであと一歩です："
    assert view.gaps[1].heading == expected
    assert f"\n\n{expected}\n" in text
    (theme,) = view.gaps[1].needs
    assert theme.key == "themes"
    assert (f"Level {top} themes" if language == "en" else f"レベル{top}の専門分野のテーマ") in theme.text
    first = (
        "To reach level 1 you still need:"
        if language == "en"
        else "レベル1に到達するには、あと次のものが必要です："
    )
    assert text.index(first) < text.index(expected), "the next level comes first, then the closest"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_beginner_reads_only_the_next_level(language: str) -> None:
    """Levels as far away as level 1 are not listed: the message stays short for those who start."""
    view, msg, _ = view_of({"field": "software", "role": "participant"}, language)
    assert [g.level for g in view.gaps] == [1]
    assert view.gaps[0].heading == msg("outcome.next", level=1)


# --- "you still need" ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_peak_project_that_the_missing_projects_bring_is_said_once(language: str) -> None:
    # Facility management level 4: two projects at level 4, one of them at level 5; one at level 4 told.
    raw = {
        "field": "facility",
        "role": "responsible",
        "experiences": [project("facility", 2, "small")],
        **grounded("facility", "fm.l3.theme.advice", "fm.l4.theme.satisfaction"),
        "accomplishments": ["fm.acc.book"],
        "mentoring": True,
    }
    view, msg, evaluation = view_of(raw, language)
    level4 = evaluation.at(4)
    assert not level4.criterion("projects").met and not level4.criterion("peak_project").met
    assert view.next_level == 4
    assert [n.key for n in view.missing] == ["projects"]
    (need,) = view.missing
    if language == "en":
        assert need.text == "Projects at level 4 or equivalent: 1 (2 needed), one of them at level 5"
    else:
        assert need.text == "レベル4相当以上のプロジェクト：1件（2件必要、うち1件はレベル5相当以上）"
    (block,) = need_sections(view, view.render(msg))
    assert len([line for line in block if line.startswith("✗")]) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_peak_project_alone_is_its_own_line(language: str) -> None:
    raw = {
        "field": "hardware",
        "role": "responsible",
        "experiences": [project("hardware", 2, "hw.size.team_member")] * 2,
        **grounded("hardware", "hw.l3.theme.advice", "hw.l4.theme.revenue"),
        "accomplishments": ["hw.acc.book"],
        "mentoring": True,
    }
    view, _, _ = view_of(raw, language)
    assert view.next_level == 4
    (need,) = view.missing
    assert need.key == "peak_project"
    if language == "en":
        assert need.text == "A project at level 4 or equivalent (your best: level 3)"
    else:
        assert need.text == "レベル4相当以上のプロジェクト（あなたの最高：レベル3）"


@pytest.mark.parametrize("language", LANGUAGES)
def test_counts_read_have_then_needed_even_when_more_than_needed(language: str) -> None:
    raw = {
        "field": "hardware",
        "role": "participant",
        "involvement": "participated",
        "common_complexity": ids_of("common", "complexity")[:2],
        "themes": ids_of("common", "theme")[:2],
    }
    view, _, _ = view_of(raw, language)
    level1 = view.levels[0]
    assert level1.met
    texts = {c.key: c.text for c in level1.criteria}
    if language == "en":
        assert texts["common_complexity"] == "Traits of the systems you worked on: 2 (1 needed)"
        assert texts["themes"] == "Basic themes: 2 (1 needed)"
    else:
        assert texts["common_complexity"] == "担当したシステムの特性：2項目（1項目必要）"
        assert texts["themes"] == "基本テーマ：2項目（1項目必要）"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_involvement_line_quotes_the_answers(language: str) -> None:
    view, msg, _ = view_of({"field": "hardware", "role": "participant"}, language)
    need = next(n for n in view.missing if n.key == "involvement")
    said, answered = msg.std("involvement.participated.option"), msg.std("involvement.none.option")
    if language == "en":
        assert need.text == (f"Installation/maintenance under guidance: “{said}” (your answer: “{answered}”)")
    else:
        assert need.text == f"指導下での導入・保守：「{said}」（あなたの回答：「{answered}」）"


# --- markup, folding, notes ------------------------------------------------------------------------


def test_html_markup_escapes_and_plain_does_not() -> None:
    assert HTML.text("<a&b>") == "&lt;a&amp;b&gt;"
    assert HTML.bold("<a&b>") == "<b>&lt;a&amp;b&gt;</b>"
    assert PLAIN.text("<a&b>") == PLAIN.bold("<a&b>") == "<a&b>"


def _standard_with_markup() -> Standard:
    """The packaged standard with a field name and an option that look like HTML."""
    raw = json.loads(resources.files("criteria").joinpath("data/standard.json").read_text(encoding="utf-8"))
    raw["fields"]["hardware"]["name"] = "Hard <ware> & co"
    for item in raw["items"]:
        if item["id"] == "common.theme.installation":
            item["seed_text"] = "Install <b>all</b> & <i>support"
    return parse_standard(raw)


def test_html_rendering_escapes_the_standards_words() -> None:
    std = _standard_with_markup()
    view, msg, _ = view_of({"field": "hardware", "role": "participant"}, "en", std)
    text = view.render(msg, HTML)
    assert text.startswith("<b>Hard &lt;ware&gt; &amp; co — level 1 not reached yet</b>\n")
    assert "• Install &lt;b&gt;all&lt;/b&gt; &amp; &lt;i&gt;support" in text
    assert "<" not in re.sub(r"</?b>", "", text) and ">" not in re.sub(r"</?b>", "", text)
    assert re.findall(r"&(?!amp;|lt;|gt;)", text) == []
    assert "• Install <b>all</b> & <i>support" in view.render(msg, PLAIN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_option_lists_are_folded_for_a_front_with_a_button(language: str) -> None:
    view, msg, _ = view_of({"field": "hardware", "role": "participant"}, language)
    themes = next(n for n in view.missing if n.key == "themes")
    assert len(themes.options) > FOLD_OPTIONS and themes.folded
    shown = view.render(msg, inline_options=True).split("\n")
    folded = view.render(msg, inline_options=False).split("\n")
    for option in themes.options:
        assert f"    • {option}" in shown
        assert f"    • {option}" not in folded
    short = next(n for n in view.missing if n.key == "common_complexity")
    assert 0 < len(short.options) <= FOLD_OPTIONS and not short.folded
    assert all(f"    • {o}" in folded for o in short.options), "short lists stay in the message"
    assert [(g, n) for g, n, _ in view.folded_needs()] == [(0, view.missing.index(themes))]
    for g, n, need in view.folded_needs():
        assert view.gaps[g].needs[n] is need


@pytest.mark.parametrize("language", LANGUAGES)
def test_software_level_5_themes_show_the_copy_slip_note(language: str) -> None:
    raw = {
        "field": "software",
        "role": "leader",
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ["common.theme.operation", "sw.l3.theme.advice", "sw.l4.theme.diagnosis"],
        "experiences": [project("software", 2, "sw.size.wide_area")] * 3,
        "accomplishments": ids_of("software", "accomplishment")[:3],
        "mentoring": True,
    }
    view, msg, _ = view_of(raw, language)
    assert view.level == 4 and view.next_level == 5
    (themes,) = view.missing
    english = "Seed copy slip kept literally (R9): Software level 5 repeats the Hardware level 5 theme list."
    expected = english if language == "en" else STD.translations["ja"].notes[english]
    assert themes.note == expected
    assert f"    ⓘ {expected}" in view.render(msg)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_copy_slip_noted_on_the_level_and_on_its_items_is_told_once(language: str) -> None:
    raw = {
        "field": "software",
        "role": "responsible",
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ["common.theme.operation", "sw.l3.theme.advice", "sw.l4.theme.diagnosis"],
        "experiences": [project("software", 2, "sw.size.specific_industries")] * 2,
        "mentoring": True,
    }
    view, msg, _ = view_of(raw, language)
    assert view.next_level == 4
    (accomplishments,) = view.missing
    assert accomplishments.key == "accomplishments" and accomplishments.note is not None
    assert accomplishments.note.count("R9") == 1
    assert view.render(msg).count("R9") == 1


# --- the share text --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_is_three_lines_with_the_name_and_nothing_else_personal(language: str) -> None:
    raw = {
        "field": "hardware",
        "role": "member",
        "involvement": "carried_out",
        "common_complexity": ids_of("common", "complexity")[:1],
        "themes": ["common.theme.operation", "hw.l3.theme.advice"],
        "experiences": [project("hardware", 3, "hw.size.specific_users")],
        "accomplishments": ["hw.acc.patent"],
    }
    view, msg, _ = view_of(raw, language)
    summary = view.summary(msg, "Aiko Tanaka")
    lines = summary.split("\n")
    assert len(lines) == 3
    assert lines[0] == msg("outcome.share.who", name="Aiko Tanaka", headline=view.headline)
    assert lines[1] == view.ladder_line(msg)
    assert STD.version in lines[2] and msg.standard_title() in lines[2]
    assert summary.count("Aiko Tanaka") == 1
    ticked = [*raw["themes"], *raw["accomplishments"], *raw["common_complexity"]]
    ticked += raw["experiences"][0]["complexity"]
    assert not any(msg.item(i) in summary for i in ticked)
    assert not any(p.text in summary for p in view.projects)
    anonymous = view.summary(msg).split("\n")
    assert anonymous[0] == view.headline and anonymous[1:] == lines[1:]


# --- properties over generated people --------------------------------------------------------------


@st.composite
def sparse_profile(draw: st.DrawFn) -> Json:
    """Any valid person, many of them near the bottom: few answers, any role, few projects (some too
    weak to count, given without the size the interview no longer asks for them)."""
    field = draw(st.sampled_from(FIELDS))
    themes = ids_of(field, "theme") + ids_of("common", "theme")
    weak = st.lists(st.sampled_from(ids_of(field, "complexity")), max_size=1).map(lambda c: {"complexity": c})
    return {
        "field": field,
        "role": draw(st.sampled_from(STD.role_ids)),
        "experiences": draw(st.lists(st.one_of(experience(field), weak), max_size=3)),
        "involvement": draw(st.sampled_from(STD.involvement_ids)),
        "common_complexity": draw(some_of(ids_of("common", "complexity"))),
        "themes": draw(st.lists(st.sampled_from(themes), unique=True, max_size=3)),
        "accomplishments": draw(some_of(ids_of(field, "accomplishment"))),
        "mentoring": draw(st.booleans()),
    }


def at_level(field: str, level: int) -> Json:
    """A person who meets ``level`` of ``field`` and every level below it, and nothing more."""
    spec = STD.fields[field]
    raw: Json = {
        "field": field,
        "role": "participant",
        **grounded(field),
        "accomplishments": [],
        "mentoring": False,
    }
    raw["involvement"] = "carried_out" if level >= 2 else "participated"
    for lv in (lv for lv in spec.specialty_levels if lv <= level):
        raw["themes"].append(ids_of(field, "theme", lv)[0])
    if level in spec.specialty_levels:
        rule = spec.specialty_levels[level]
        strongest = spec.specialty_levels[max(level, rule.projects.peak)].size_options[0].size
        size = strongest.rsplit(".", 1)[1] if field == "facility" else strongest
        raw["role"] = rule.role
        raw["experiences"] = [project(field, 2, size)] * rule.projects.count
        raw["accomplishments"] = ids_of(field, "accomplishment")[: rule.accomplishments]
        raw["mentoring"] = rule.mentoring
    return raw


@st.composite
def near_level(draw: st.DrawFn) -> Json:
    """A person at one level of one field, or just short of it: one or two answers taken away."""
    field = draw(st.sampled_from(FIELDS))
    raw = at_level(field, draw(st.sampled_from(STD.fields[field].levels)))
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["theme", "project", "ticks", "role", "accomplishment", "mentoring"]))
        if change == "theme" and raw["themes"]:
            raw["themes"] = raw["themes"][:-1]
        elif change == "project" and raw.get("experiences"):
            raw["experiences"] = raw["experiences"][:-1]
        elif change == "ticks" and raw.get("experiences"):
            raw["experiences"] = [{**raw["experiences"][0], "complexity": []}, *raw["experiences"][1:]]
        elif change == "role":
            raw["role"] = STD.role_ids[max(0, STD.role_ids.index(raw["role"]) - 1)]
        elif change == "accomplishment":
            raw["accomplishments"] = raw["accomplishments"][:-1]
        elif change == "mentoring":
            raw["mentoring"] = False
    return raw


def check_reads_right(raw: Json, language: str) -> str:
    """Every reading rule of the text for one person; returns a label of the case for statistics."""
    profile: Profile = parse_profile(raw, STD)
    msg = Messages(language, STD)
    view, evaluation = build_result(profile, STD, msg), evaluate(profile, STD)
    spec = STD.fields[profile.field]
    text = view.render(msg)

    # the headline names the evaluated level, the ladder every level with ✓ where it is met or covered
    assert view.level == evaluation.level
    assert text.split("\n")[:2] == [view.headline, view.ladder_line(msg)]
    if evaluation.level:
        assert (f"level {evaluation.level} —" if language == "en" else f"レベル{evaluation.level} —") in (
            view.headline
        )
    else:
        assert view.headline == msg("outcome.headline0", field_name=view.field_name, level=1)
    assert msg.field_name(profile.field) in view.headline
    ladder = [(int(lv), mark == "✓") for lv, mark in LADDER.findall(view.ladder_line(msg))]
    assert ladder == [(lv, evaluation.at(lv).met or lv < evaluation.level) for lv in spec.levels]

    # one line per project, at the level it counts for
    assert [p.level for p in view.projects] == list(evaluation.experience_levels)

    # the gaps: the next level first, then at most one closer level above it
    if evaluation.next is None:
        assert view.gaps == () and view.closing is not None
    else:
        assert view.gaps[0].level == evaluation.level + 1 and view.closing is None
        assert all(g.level > view.gaps[0].level for g in view.gaps[1:]) and len(view.gaps) <= 2

    # under "you still need" only missing things, each cause once, counts that read right
    for gap, block in zip(view.gaps, need_sections(view, text), strict=True):
        level = evaluation.at(gap.level)
        assert not level.met
        assert not any("✓" in line for line in block)
        assert all(line.startswith(("✗ ", "    • ", "    ⓘ ")) for line in block[1:])
        assert sum(1 for line in block if line.startswith("✗ ")) == len(gap.needs)
        keys = [n.key for n in gap.needs]
        assert len(keys) == len(set(keys))
        assert {n.key for n in gap.needs} <= {c.key for c in level.missing}
        if "projects" in keys:
            assert "peak_project" not in keys, "a missing project count says the peak too"
        for need in gap.needs:
            assert not need.met
            if language == "en":
                assert need.text[:1].isupper(), need.text
            if need.key in COUNTED:
                (count,) = COUNT[language].findall(need.text)
                have, needed = map(int, count)
                criterion = level.criterion(need.key)
                assert (have, needed) == (criterion.have, criterion.need)
                assert have < needed, need.text
    for found in OF.finditer("\n".join([text, *(c.text for lv in view.levels for c in lv.criteria)])):
        n, m = (int(x) for x in found.groups() if x is not None)
        assert n <= m, found.group(0)

    # folded option lists are addressed by their place in the gaps, and leave the folded message
    folded = view.render(msg, inline_options=False).split("\n")
    shown = {f"    • {o}" for gap in view.gaps for n in gap.needs if not n.folded for o in n.options}
    for g, n, need in view.folded_needs():
        assert view.gaps[g].needs[n] is need and need.folded
        assert not any(f"    • {o}" in folded for o in need.options if f"    • {o}" not in shown)

    # Telegram's HTML: only <b> is markup
    html = re.sub(r"</?b>", "", view.render(msg, HTML, inline_options=False))
    assert "<" not in html and ">" not in html

    # the share text
    assert len(view.summary(msg, "Aiko").split("\n")) == 3
    return f"{profile.field} level {evaluation.level}, {len(view.gaps)} gap(s)"


@SETTINGS
@given(raw=st.one_of(truth_profile(), sparse_profile(), near_level()), language=st.sampled_from(LANGUAGES))
def test_every_result_reads_right(raw: Json, language: str) -> None:
    event(check_reads_right(raw, language))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", FIELDS)
def test_named_people_read_right(field: str, language: str) -> None:
    """The hand-made people of this module, through the same checks as the generated ones."""
    for level in STD.fields[field].levels:
        assert evaluate(parse_profile(at_level(field, level), STD)).level == level
        check_reads_right(at_level(field, level), language)
    check_reads_right(senior_without_themes(field), language)
    check_reads_right({"field": field, "role": "participant"}, language)
    everything = {
        **senior_without_themes(field),
        "themes": ids_of(field, "theme") + ids_of("common", "theme"),
    }
    check_reads_right(everything, language)
    view, msg, evaluation = view_of(everything, language)
    assert evaluation.level == STD.fields[field].top and view.gaps == ()
    assert view.closing == msg("outcome.top", field_name=view.field_name)
