"""What an evaluation means for the person's next step: each project's standing, and which levels
above the achieved one are closest.

The evaluation says met or not per criterion; a person wants to know *what to do*. This module
stays on the rules' side of that question (how many items, which size, how far each level is) so
that every front and document words the same advice, and so the advice is tested without words.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria.evaluate import CriterionResult, Evaluation, LevelResult, experience_level
from criteria.profile import Experience, Profile
from criteria.standard import FieldSpec, SizeOption, Standard


@dataclass(frozen=True, slots=True)
class SizeRoute:
    """One way a project could reach a level: the size it would need, and complexity items it lacks."""

    option: SizeOption
    index: int  # the option's position in the level's ``size_options`` (its translation key)
    size_short: bool  # the project's size is below the option's
    more_complexity: int  # complexity items still to tick for this route (0: enough)


@dataclass(frozen=True, slots=True)
class ProjectStanding:
    """One described project: the level it counts as (R3) and what its next level would take."""

    number: int  # 1-based, as the person numbered the projects
    complexity: int  # ticked complexity items
    size: str | None  # None: not asked, too few complexity items for any level
    level: int  # 0: it does not count for any level
    complexity_min: int  # the fewest items any level of the field asks
    target: int | None  # the next specialty level above ``level``, None at the field's top
    routes: tuple[SizeRoute, ...]  # ways to reach ``target``, cheapest first, none harder than another

    @property
    def too_few_items(self) -> bool:
        return self.complexity < self.complexity_min


@dataclass(frozen=True, slots=True)
class Gap:
    """A level above the achieved one and what separates the person from it."""

    level: int
    missing: tuple[CriterionResult, ...]
    steps: int  # a rough count of things to add (items, projects, a role): used to rank levels

    @property
    def met(self) -> bool:
        return not self.missing


def _route_cost(route: SizeRoute) -> tuple[int, int]:
    """Things to change (items to tick, a size to grow); on a tie the later option first, the seed's
    "in case of four or more complexity criteria" alternative that lets the project keep its size."""
    return (route.more_complexity + (1 if route.size_short else 0), -route.index)


def _dominated(route: SizeRoute, others: list[SizeRoute], spec: FieldSpec) -> bool:
    """Another route asks no more of anything and less of something (or the same, listed earlier):
    naming this one too would offer a harder way as an alternative ("the size small, or the size
    medium" for the same project) or say one way twice."""

    def asks(r: SizeRoute) -> tuple[int, int]:
        return (r.more_complexity, spec.size_rank(r.option.size) if r.size_short else -1)

    mine = asks(route)
    return any(
        other is not route
        and all(a <= b for a, b in zip(asks(other), mine, strict=True))
        and (asks(other) != mine or other.index < route.index)
        for other in others
    )


def project_standing(spec: FieldSpec, number: int, exp: Experience) -> ProjectStanding:
    ticks = len(exp.complexity)
    level = experience_level(spec, exp)
    floor = min((r.complexity_min for r in spec.specialty_levels.values()), default=0)
    above = sorted(lv for lv in spec.specialty_levels if lv > level)
    target = above[0] if above else None
    routes: tuple[SizeRoute, ...] = ()
    if target is not None:
        rule = spec.specialty_levels[target]
        rank = spec.size_rank(exp.size) if exp.size is not None else -1
        found = [
            SizeRoute(
                option,
                index,
                rank < spec.size_rank(option.size),
                max(0, max(rule.complexity_min, option.min_complexity) - ticks),
            )
            for index, option in enumerate(rule.size_options)
        ]
        routes = tuple(sorted((r for r in found if not _dominated(r, found, spec)), key=_route_cost))
    return ProjectStanding(number, ticks, exp.size, level, floor, target, routes)


def project_standings(profile: Profile, std: Standard) -> tuple[ProjectStanding, ...]:
    spec = std.fields[profile.field]
    return tuple(project_standing(spec, n, e) for n, e in enumerate(profile.experiences, start=1))


def _steps(criterion: CriterionResult, level: LevelResult) -> int:
    """How many things a missing criterion asks for; a missing peak project that a missing project
    count will supply anyway costs nothing more (one cause is counted once)."""
    if criterion.key == "peak_project":
        projects = next((c for c in level.criteria if c.key == "projects"), None)
        return 0 if projects is not None and not projects.met else 1
    if isinstance(criterion.need, bool) or isinstance(criterion.have, str):
        return 1
    assert isinstance(criterion.have, int) and isinstance(criterion.need, int)
    return max(1, criterion.need - criterion.have)


def gap(level: LevelResult) -> Gap:
    return Gap(level.level, level.missing, sum(_steps(c, level) for c in level.missing))


def _what(g: Gap) -> frozenset[tuple[str, tuple[str, ...]]]:
    """What a gap asks for, as kinds of criteria and their options (not their levels' numbers)."""
    return frozenset((c.key, c.options) for c in g.missing)


def closest_levels(evaluation: Evaluation) -> tuple[Gap, ...]:
    """The next level's gap, then the nearest higher level when it is closer, or one step away too.

    R1 judges each level on its own, so the highest level a person completes is their level: a
    senior who ticked no theme is at level 0, yet one theme of their own level makes them that
    level. Level 1 is one theme away as well, so "strictly closer" alone would never name it; a
    higher level one step away is therefore named even when the next level is one step away too,
    unless it asks for the very same things (level 2 for a beginner who lacks only what level 1
    lacks), which would only repeat the line above. At equal distances of several steps the next
    level stays the one to aim at, and the message stays short.
    """
    if evaluation.next is None:
        return ()
    following = gap(evaluation.next)

    def worth_naming(g: Gap) -> bool:
        if g.steps < following.steps:
            return True
        return g.steps == following.steps == 1 and _what(g) != _what(following)

    higher = [g for g in (gap(r) for r in evaluation.levels if r.level > following.level) if worth_naming(g)]
    nearest = min(higher, key=lambda g: (g.steps, -g.level), default=None)
    return (following,) if nearest is None else (following, nearest)
