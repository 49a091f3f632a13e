"""Which questions the interview still needs, given the answers so far.

The plan is a pure function of the answers, recomputed after every one. That is what lets
"back", "edit" and "resume" work without special cases: changing an answer simply yields a new
plan, whose unanswered questions are exactly what the change invalidated.

What is asked (only what can still change the outcome or its gap):
1. field, role, how many projects, each project's complexity and size (facility: scope, and for
   whole facilities rooms, area and sites);
2. from the highest level the role and projects allow, stepping down only while a level fails:
   that level's themes, then accomplishments and mentoring once, if the level needs them (a level
   that an accomplishments or mentoring answer already fails is passed over without its themes);
3. the levels 1–2 questions only when no level from 3 up is met;
4. the next level's themes (and accomplishments/mentoring) so its whole gap can be shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from criteria import Evaluation, evaluate, load_standard, parse_profile
from dialogs.questions import project_part

STRUCTURAL = ("role", "projects", "peak_project")


@dataclass(frozen=True, slots=True)
class Plan:
    keys: tuple[str, ...]  # every question in order, through the first unanswered one
    complete: bool  # nothing left to ask

    @property
    def next_unanswered(self) -> str | None:
        return None if self.complete else self.keys[-1]


def project_keys(answers: dict[str, Any], n: int) -> tuple[str, ...]:
    """The questions of project ``n``: facility rooms/area/sites only for whole facilities."""
    if answers.get("field") != "facility":
        return (f"project.{n}.complexity", f"project.{n}.size")
    keys = (f"project.{n}.complexity", f"project.{n}.scope")
    if answers.get(f"project.{n}.scope") == "whole":
        keys += (f"project.{n}.rooms", f"project.{n}.area", f"project.{n}.sites")
    return keys


def profile_json(answers: dict[str, Any]) -> dict[str, Any] | None:
    """The answers as a criteria profile; unanswered questions count as nothing ticked."""
    field, role = answers.get("field"), answers.get("role")
    if field is None or role is None:
        return None
    experiences = []
    for n in range(1, answers.get("project_count", 0) + 1):
        keys = project_keys(answers, n)
        if not all(k in answers for k in keys):
            continue  # a half-described project counts for nothing yet
        exp: dict[str, Any] = {}
        for k in keys:
            part = project_part(k)
            assert part is not None
            name = {"area": "area_m2"}.get(part[1], part[1])
            exp[name] = answers[k]
        experiences.append(exp)
    themes = [t for k, v in answers.items() if k.startswith("themes.") for t in v]
    themes += answers.get("common_themes", [])
    return {
        "field": field,
        "role": role,
        "experiences": experiences,
        "involvement": answers.get("involvement", "none"),
        "common_complexity": list(answers.get("common_complexity", [])),
        "themes": themes,
        "accomplishments": list(answers.get("accomplishments", [])),
        "mentoring": answers.get("mentoring", False),
    }


def evaluate_answers(answers: dict[str, Any]) -> Evaluation | None:
    profile = profile_json(answers)
    return None if profile is None else evaluate(parse_profile(profile))


class _Incomplete(Exception):
    """Raised inside the planner at the first unanswered question."""


def make_plan(answers: dict[str, Any]) -> Plan:
    keys: list[str] = []

    def need(key: str) -> None:
        if key not in keys:
            keys.append(key)
        if key not in answers:
            raise _Incomplete

    try:
        _walk(answers, need)
    except _Incomplete:
        return Plan(tuple(keys), complete=False)
    return Plan(tuple(keys), complete=True)


def _society(field: str, level: int, need: Callable[[str], None]) -> None:
    rule = load_standard().fields[field].specialty_levels[level]
    need(f"themes.{level}")
    if rule.accomplishments:
        need("accomplishments")
    if rule.mentoring:
        need("mentoring")


def _ruled_out(answers: dict[str, Any], level: int) -> bool:
    """A level an answer already given fails (too few accomplishment kinds, no mentoring): its
    themes cannot change the outcome, so they are not asked."""
    evaluation = evaluate_answers(answers)
    assert evaluation is not None
    return any(
        not c.met
        for c in evaluation.at(level).criteria
        if c.key in ("accomplishments", "mentoring") and c.key in answers
    )


def _walk(answers: dict[str, Any], need: Callable[[str], None]) -> None:
    """Calls ``need`` for each question in order; ``need`` stops the walk at the first unanswered."""
    need("field")
    need("role")
    need("project_count")
    for n in range(1, answers["project_count"] + 1):
        for key in project_keys(answers, n):  # an unanswered scope stops here, before rooms/area/sites
            need(key)
    field = answers["field"]
    spec = load_standard().fields[field]
    evaluation = evaluate_answers(answers)
    assert evaluation is not None
    reachable = [
        lv
        for lv in sorted(spec.specialty_levels, reverse=True)
        if all(evaluation.at(lv).criterion(k).met for k in STRUCTURAL)
    ]
    achieved = 0
    for level in reachable:
        # The first level is always asked in full: its own accomplishments/mentoring answers come
        # after its themes, and must not remove those themes from the plan afterwards.
        if level != reachable[0] and _ruled_out(answers, level):
            continue
        _society(field, level, need)
        if evaluate_answers(answers).at(level).met:  # type: ignore[union-attr]
            achieved = level
            break
    if not achieved:
        need("involvement")
        need("common_complexity")
        need("common_themes")
        achieved = evaluate_answers(answers).level  # type: ignore[union-attr]
    following = achieved + 1
    if following in spec.specialty_levels:
        _society(field, following, need)
