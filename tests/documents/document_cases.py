"""Profiles of every field at levels 0, 1, 3 and the field's top, written by hand as the JSON a
person's answers become, and their card and report rendered once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from bot.documents.card import render_card
from bot.documents.report import render_report
from criteria import Profile, Standard, evaluate, load_standard, parse_profile
from dialogs.messages import Messages
from dialogs.result import ResultView, build_result

TAKEN_ON = date(2026, 5, 1)
LANGUAGES = ("en", "ja")
PREFIX = {"hardware": "hw", "software": "sw", "facility": "fm"}
TOP = {"hardware": 5, "software": 5, "facility": 6}
CASES = [(field, level) for field in PREFIX for level in (0, 1, 3, TOP[field])]


def _beginner(field: str) -> dict[str, Any]:
    return {
        "field": field,
        "role": "participant",
        "involvement": "participated",
        "common_complexity": ["common.cx.single_platform"],
        "themes": ["common.theme.installation"],
    }


def _member(field: str) -> dict[str, Any]:
    p = PREFIX[field]
    if field == "facility":
        projects: list[dict[str, Any]] = [
            {"complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"], "scope": "part"},
            # one complexity item: counts for nothing, so the report leaves out its size
            {"complexity": ["fm.cx.many_sites"], "scope": "whole", "rooms": 3, "area_m2": 2500, "sites": 0},
        ]
    else:
        projects = [
            {
                "complexity": [f"{p}.cx.multi_platform", f"{p}.cx.multi_vendor"],
                "size": f"{p}.size.team_member",
            }
        ]
    return {"field": field, "role": "member", "experiences": projects, "themes": [f"{p}.l3.theme.basics"]}


def _top(field: str) -> dict[str, Any]:
    p = PREFIX[field]
    if field == "facility":
        project: dict[str, Any] = {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
            "scope": "whole",
            "rooms": 5,
            "area_m2": 5000,
            "sites": 0,
        }
        themes = ["fm.l6.theme.engineering"]
        accomplishments = ["fm.acc.community", "fm.acc.book", "fm.acc.paper_external", "fm.acc.patent"]
    else:
        project = {"complexity": [f"{p}.cx.multi_platform", f"{p}.cx.nonstop"], "size": f"{p}.size.wide_area"}
        themes = [f"{p}.l5.theme.it_components"]
        accomplishments = [f"{p}.acc.community", f"{p}.acc.book", f"{p}.acc.patent"]
    return {
        "field": field,
        "role": "leader",
        "experiences": [project, project, project],
        "themes": themes,
        "accomplishments": accomplishments,
        "mentoring": True,
    }


def profile_json(field: str, level: int) -> dict[str, Any]:
    if level == 0:
        return {"field": field, "role": "participant"}
    if level == 1:
        return _beginner(field)
    if level == 3:
        return _member(field)
    assert level == TOP[field]
    return _top(field)


@dataclass(frozen=True)
class Rendered:
    std: Standard
    profile: Profile
    view: ResultView
    msg: Messages
    png: bytes
    pdf: bytes


@cache
def rendered(field: str, level: int, language: str) -> Rendered:
    """The card and the report of one case (rendering is the slow part: once per session)."""
    std = load_standard()
    profile = parse_profile(profile_json(field, level), std)
    achieved = evaluate(profile, std).level
    assert achieved == level, f"the {field} level-{level} profile is at level {achieved}"
    msg = Messages(language, std)
    view = build_result(profile, std, msg, taken_on=TAKEN_ON)
    return Rendered(std, profile, view, msg, render_card(view, msg), render_report(view, profile, msg))
