"""Which questions the interview still needs, given the answers so far.

The plan is a pure function of the answers, recomputed after every one. That is what lets
"back", "edit" and "resume" work without special cases: changing an answer simply yields a new
plan, whose unanswered questions are exactly what the change invalidated.

What is asked (only what can still change the outcome or its gap):
1. field, role, how many projects, each project's complexity and size (facility: scope, and for
   whole facilities rooms, area and sites) — the size only when the complexity lets the project
   count at some level;
2. from the highest level the role and projects allow, stepping down only while a level fails:
   that level's themes, then accomplishments and mentoring once, if the level needs them (a level
   that an accomplishments or mentoring answer already fails is passed over without its themes);
3. the levels 1–2 questions only when no level from 3 up is met;
4. the next level's themes (and accomplishments/mentoring) so its whole gap can be shown.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from criteria import Evaluation, FieldSpec, Standard, evaluate, parse_profile
from criteria.profile import least_complexity
from dialogs.kinds import stored_number
from dialogs.questions import CHOSEN_PARTS, project_part

STRUCTURAL = ("role", "projects", "peak_project")


@dataclass(frozen=True, slots=True)
class Plan:
    keys: tuple[str, ...]  # every question in order, through the first unanswered one
    complete: bool  # nothing left to ask

    @property
    def next_unanswered(self) -> str | None:
        return None if self.complete else self.keys[-1]


def project_keys(answers: dict[str, Any], n: int, std: Standard) -> tuple[str, ...]:
    """The questions of project ``n``: a measured field's quantities only for a measured scope.

    A project whose answered complexity is below every level's minimum counts at no level whatever
    its size (R3), so its size (scope, quantities) is not asked. An answer given before the
    complexity was lowered stays stored, out of the plan: raising the complexity again restores it.
    """
    spec = std.fields.get(answers.get("field", ""))
    if spec is None:
        return tuple(f"project.{n}.{part}" for part in CHOSEN_PARTS)
    complexity = answers.get(f"project.{n}.complexity")
    if isinstance(complexity, list) and len(complexity) < least_complexity(spec):
        return (f"project.{n}.complexity",)
    measured = spec.measured_size
    if measured is None:
        return tuple(f"project.{n}.{part}" for part in CHOSEN_PARTS)
    keys = (f"project.{n}.complexity", f"project.{n}.scope")
    if answers.get(f"project.{n}.scope") in measured.measured_scopes():
        keys += tuple(f"project.{n}.{q.answer}" for q in measured.quantities)
    return keys


def _profile_name(part: str, std: Standard, field: str) -> str:
    """A dialogue part's name in the profile format (the question "area" is the profile's "area_m2")."""
    measured = std.fields[field].measured_size
    quantity = next((q for q in measured.quantities if q.answer == part), None) if measured else None
    return quantity.id if quantity is not None else part


def profile_json(answers: dict[str, Any], std: Standard) -> dict[str, Any] | None:
    """The answers as a criteria profile; unanswered questions count as nothing ticked.

    A project too weak to count is exported with its complexity alone, as its size was not asked.
    """
    field, role = answers.get("field"), answers.get("role")
    if field is None or role is None:
        return None
    experiences = []
    for n in range(1, answers.get("project_count", 0) + 1):
        keys = project_keys(answers, n, std)
        if not all(k in answers for k in keys):
            continue  # a half-described project counts for nothing yet
        exp: dict[str, Any] = {}
        for k in keys:
            part = project_part(k)
            assert part is not None
            # a quantity answered with a band stands for the band's least value (see kinds.Band)
            exp[_profile_name(part[1], std, field)] = stored_number(answers[k])
        experiences.append(exp)
    themes = [t for k, v in answers.items() if k.startswith("themes.") for t in v]
    themes += answers.get("common_themes", [])
    profile = {
        "field": field,
        "role": role,
        "experiences": experiences,
        "common_complexity": list(answers.get("common_complexity", [])),
        "themes": themes,
        "accomplishments": list(answers.get("accomplishments", [])),
        "mentoring": answers.get("mentoring", False),
    }
    if std.involvements:
        profile["involvement"] = answers.get("involvement", std.involvement_ids[0])
    return profile


def evaluate_answers(answers: dict[str, Any], std: Standard) -> Evaluation | None:
    profile = profile_json(answers, std)
    return None if profile is None else evaluate(parse_profile(profile, std), std)


#: Plans already walked, by standard and answers: a press restores the answers the previous one
#: planned, and one press asks for the plan several times (the prompt, its progress, the next step).
_PLANS: OrderedDict[tuple[int, Hashable], tuple[Standard, Plan]] = OrderedDict()
_PLANS_KEPT = 2048


def _frozen(answers: dict[str, Any]) -> Hashable | None:
    """The answers as a hashable value, or None when one of them is not plain JSON of the usual kinds."""
    try:
        frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items()))
        hash(frozen)
    except TypeError:
        return None
    return frozen


def plan_for(answers: dict[str, Any], std: Standard) -> Plan:
    """``make_plan``, remembered: the same answers to the same standard always give the same plan.

    The standard is kept beside the plan and compared by identity, so a standard loaded anew (tests
    build many) can never be answered from another's entry that happens to share its ``id()``.
    """
    frozen = _frozen(answers)
    if frozen is None:
        return make_plan(answers, std)
    key = (id(std), frozen)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is std:
        _PLANS.move_to_end(key)
        return hit[1]
    plan = make_plan(answers, std)
    _PLANS[key] = (std, plan)
    if len(_PLANS) > _PLANS_KEPT:
        _PLANS.popitem(last=False)
    return plan


class _Incomplete(Exception):
    """Raised inside the planner at the first unanswered question."""


def make_plan(answers: dict[str, Any], std: Standard) -> Plan:
    keys: list[str] = []

    def need(key: str) -> None:
        if key not in keys:
            keys.append(key)
        if key not in answers:
            raise _Incomplete

    try:
        _walk(answers, std, need)
    except _Incomplete:
        return Plan(tuple(keys), complete=False)
    return Plan(tuple(keys), complete=True)


def _society(spec: FieldSpec, level: int, need: Callable[[str], None]) -> None:
    rule = spec.specialty_levels[level]
    need(f"themes.{level}")
    if rule.accomplishments:
        need("accomplishments")
    if rule.mentoring:
        need("mentoring")


def _ruled_out(answers: dict[str, Any], level: int, evaluation: Evaluation) -> bool:
    """A level an answer already given fails (too few accomplishment kinds, no mentoring): its
    themes cannot change the outcome, so they are not asked."""
    return any(
        not c.met
        for c in evaluation.at(level).criteria
        if c.key in ("accomplishments", "mentoring") and c.key in answers
    )


def _walk(answers: dict[str, Any], std: Standard, need: Callable[[str], None]) -> None:
    """Calls ``need`` for each question in order; ``need`` stops the walk at the first unanswered."""
    need("field")
    need("role")
    need("project_count")
    for n in range(1, answers["project_count"] + 1):
        for key in project_keys(answers, n, std):  # an unanswered scope stops here, before its quantities
            need(key)
    spec = std.fields[answers["field"]]
    # The answers do not change during the walk: one evaluation serves every level's test below.
    evaluation = evaluate_answers(answers, std)
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
        if level != reachable[0] and _ruled_out(answers, level, evaluation):
            continue
        _society(spec, level, need)
        if evaluation.at(level).met:
            achieved = level
            break
    if not achieved and std.common_levels:
        need("involvement")
        need("common_complexity")
        need("common_themes")
        achieved = evaluation.level
    following = achieved + 1
    if following in spec.specialty_levels:
        _society(spec, following, need)
