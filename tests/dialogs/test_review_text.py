"""A lead's review in words, in English and Japanese: every kind of claim reads as a line naming what
was claimed, verdicts name the reviewer, and the result shows the self-assessed and the lead-confirmed
level side by side only once there is a review.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from criteria import Claim, claims_of, load_standard, load_standard_file, parse_profile
from dialogs.messages import Messages
from dialogs.result import HTML, build_result
from dialogs.review import ClaimLine, ReviewView, claim_text, levels_line, verdict_text

ROOT = Path(__file__).resolve().parents[2]
STD = load_standard()
TOY = load_standard_file(ROOT / "tests" / "fixtures" / "standards" / "toy-helpdesk.json")
EXAMPLE: dict[str, Any] = json.loads((ROOT / "examples" / "profile-hardware-l4.json").read_text())
LANGUAGES = ("en", "ja")


def texts(raw: dict[str, Any], language: str, std=STD) -> dict[str, str]:
    msg = Messages(language, std)
    return {c.key: claim_text(c, msg) for c in claims_of(raw, std)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_claim_of_the_example_names_what_was_claimed(language: str) -> None:
    msg = Messages(language, STD)
    lines = texts(EXAMPLE, language)
    assert msg.std("role.responsible.short") in lines["role"]
    assert msg.std("involvement.carried_out.option") in lines["involvement"]
    first = lines["project:1"]
    for item in ("hw.cx.multi_vendor", "hw.cx.nonstop", "hw.size.specific_industries"):
        assert msg.item(item).rstrip(".。") in first
    assert msg("review.project.level", level=4) in first
    for key in ("theme:hw.l4.theme.satisfaction", "accomplishment:hw.acc.instructor"):
        assert msg.item(key.split(":", 1)[1]).rstrip(".。") in lines[key]
    satisfaction = msg.item("hw.l4.theme.satisfaction").rstrip(".。")
    assert lines["theme:hw.l4.theme.satisfaction"] == msg("review.claim.theme", level=4, item=satisfaction)
    hardware = msg.item("common.theme.hardware").rstrip(".。")
    assert lines["theme:common.theme.hardware"] == msg("review.claim.common_theme", item=hardware)
    assert lines["mentoring"] == msg("review.claim.mentoring")
    assert len(set(lines.values())) == len(lines)  # no two claims read alike


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_project_that_counts_for_nothing_says_so(language: str) -> None:
    raw = {"field": "hardware", "role": "member", "experiences": [{"complexity": ["hw.cx.nonstop"]}, {}]}
    msg = Messages(language, STD)
    lines = texts(raw, language)
    assert msg("review.project.none") in lines["project:1"]
    assert msg.item("hw.cx.nonstop").rstrip(".。") in lines["project:1"]
    assert msg("review.project.no_items") in lines["project:2"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_standard_is_worded_from_its_own_data(language: str) -> None:
    raw = {
        "field": "onsite",
        "role": "agent",
        "experiences": [{"complexity": ["onsite.cx.night", "onsite.cx.hazard"], "scope": "room"}],
        "involvement": "shadowed",
        "themes": ["common.theme.ticketing", "onsite.l3.theme.moves"],
        "accomplishments": ["onsite.acc.talk"],
        "mentoring": True,
    }
    msg = Messages(language, TOY)
    lines = texts(raw, language, TOY)
    assert list(lines) == [c.key for c in claims_of(raw, TOY)]
    assert msg.std("role.agent.short") in lines["role"]
    assert msg.item("onsite.size.room").rstrip(".。") in lines["project:1"]
    assert msg.std("involvement.shadowed.option") in lines["involvement"]
    assert msg.std("field.onsite.accomplishment_area") in lines["accomplishment:onsite.acc.talk"]
    assert lines["theme:onsite.l3.theme.moves"].startswith(msg("review.claim.theme", level=3, item="")[:4])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_levels_side_by_side(language: str) -> None:
    msg = Messages(language, STD)
    member = levels_line(4, 3, msg)
    assert msg("review.level", level=4) in member and msg("review.level", level=3) in member
    assert msg("review.level.none") in levels_line(4, 0, msg)
    assert levels_line(4, 3, msg, "lead") != member != levels_line(4, 3, msg, "shared")
    if language == "en":
        assert member == "Self-assessed: level 4 · Confirmed by your lead: level 3"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_shows_the_confirmed_level_only_once_reviewed(language: str) -> None:
    msg = Messages(language, STD)
    view = build_result(parse_profile(EXAMPLE, STD), STD, msg)
    assert view.confirmed_level is None
    side_by_side = levels_line(4, 3, msg)
    assert side_by_side not in view.render(msg) and len(view.summary(msg, "Aiko").split("\n")) == 3

    reviewed = dataclasses.replace(view, confirmed_level=3)
    lines = reviewed.render(msg).split("\n")
    assert lines[:3] == [view.headline, view.ladder_line(msg), side_by_side]  # right under the level
    assert reviewed.render(msg, HTML).split("\n")[2] == side_by_side.replace("&", "&amp;")
    shared = reviewed.summary(msg, "Aiko").split("\n")
    assert len(shared) == 4 and shared[2] == levels_line(4, 3, msg, "shared")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_review_renders_every_claim_with_its_verdict_and_comment(language: str) -> None:
    msg = Messages(language, STD)
    claims = claims_of(EXAMPLE, STD)
    at = datetime(2026, 5, 1, tzinfo=UTC)
    lines = [ClaimLine(c.key, claim_text(c, msg)) for c in claims]
    lines[0] = dataclasses.replace(lines[0], verdict="confirmed", reviewer="Dana", at=at)
    lines[1] = dataclasses.replace(
        lines[1], verdict="questioned", reviewer=None, comment="<Which one?>", at=at
    )
    view = ReviewView(1, "Alice", "hardware", 4, 3, tuple(lines), 2, len(lines), msg.field_name("hardware"))
    text = view.render(msg, audience="member")
    assert levels_line(4, 3, msg) in text
    assert msg("review.progress", reviewed=2, total=len(lines)) in text
    assert verdict_text(lines[0], msg) == msg("review.verdict.confirmed", reviewer="Dana") and "Dana" in text
    assert msg("review.verdict.questioned", reviewer=msg("review.reviewer.unknown")) in text
    assert msg("review.comment", comment="<Which one?>") in text
    assert text.count(msg("review.verdict.open")) == len(lines) - 2
    assert "&lt;Which one?&gt;" in view.render(msg, HTML)
    assert (view.questioned, view.confirmed) == (1, 1)
    unreviewed = dataclasses.replace(view, confirmed_level=None, reviewed=0)
    assert levels_line(4, 3, msg, "lead") not in unreviewed.render(msg)


def test_a_claim_of_an_unknown_kind_is_a_bug_not_a_silent_line() -> None:
    with pytest.raises(ValueError):
        claim_text(Claim("x:1", "x", ("hw.cx.nonstop",)), Messages("en", STD))
