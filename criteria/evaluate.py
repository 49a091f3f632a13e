"""Judge a profile against every level of its field (reading rules R1–R8).

Every criterion of every level is reported, met or not, with what the person has and what is
needed: the dialogue shows the next level's whole checklist, so "missing" alone is not enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from criteria.profile import Experience, Profile
from criteria.registry import load_standard
from criteria.standard import CommonLevel, FieldSpec, SpecialtyLevel, Standard

Value = int | str | bool


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion of one level; ``options`` lists the item ids that would satisfy a checklist."""

    key: str
    met: bool
    have: Value
    need: Value
    text: str
    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.key,
            "met": self.met,
            "have": self.have,
            "need": self.need,
            "text": self.text,
            "options": list(self.options),
        }


@dataclass(frozen=True, slots=True)
class LevelResult:
    """A level is met when all of its own criteria are (R1: each level is judged on its own)."""

    level: int
    criteria: tuple[CriterionResult, ...]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def missing(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.met)

    def criterion(self, key: str) -> CriterionResult:
        return next(c for c in self.criteria if c.key == key)

    def to_json(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "missing": [c.to_json() for c in self.missing],
            "criteria": [c.to_json() for c in self.criteria],
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The outcome for one profile: achieved level, every level's verdict, and the next step."""

    field: str
    level: int
    levels: tuple[LevelResult, ...]
    experience_levels: tuple[int, ...]

    def at(self, level: int) -> LevelResult:
        """Level ``level`` (1..top); anything else is a caller's bug, never a wrapped-around index."""
        if not 1 <= level <= len(self.levels):
            raise IndexError(f"{self.field} has levels 1 to {len(self.levels)}, not {level}")
        return self.levels[level - 1]

    @property
    def top(self) -> int:
        return len(self.levels)

    @property
    def next(self) -> LevelResult | None:
        """The level just above the achieved one, or None at the field's top."""
        return self.at(self.level + 1) if self.level < self.top else None

    def to_json(self) -> dict[str, Any]:
        nxt = self.next
        return {
            "field": self.field,
            "level": self.level,
            "experience_levels": list(self.experience_levels),
            "levels": {str(r.level): r.to_json() for r in self.levels},
            "next": None if nxt is None else {"level": nxt.level, **nxt.to_json()},
        }


def experience_level(spec: FieldSpec, exp: Experience) -> int:
    """R3: the highest specialty level whose complexity and size criteria this one project meets, else 0.

    A project without a size (allowed only below every level's complexity minimum, see
    ``criteria.profile.least_complexity``) meets no size option: it is passed over like too few ticks.
    """
    ticks = len(exp.complexity)
    if exp.size is None:
        return 0
    rank = spec.size_rank(exp.size)
    for level in sorted(spec.specialty_levels, reverse=True):
        rule = spec.specialty_levels[level]
        if ticks < rule.complexity_min:
            continue
        if any(ticks >= o.min_complexity and rank >= spec.size_rank(o.size) for o in rule.size_options):
            return level
    return 0


def _checklist(
    key: str, ticked: frozenset[str], options: tuple[str, ...], need: int, what: str
) -> CriterionResult:
    have = sum(1 for o in options if o in ticked)
    return CriterionResult(key, have >= need, have, need, f"{have} of {need} {what}", options)


def _role(profile: Profile, need: str, std: Standard) -> CriterionResult:
    ladder = std.role_ids
    met = ladder.index(profile.role) >= ladder.index(need)
    have, needed = std.role(profile.role).label, std.role(need).label
    text = f"role: {have}" + ("" if met else f" (needs {needed})")
    return CriterionResult("role", met, profile.role, need, text)


def _specialty(
    profile: Profile,
    rule: SpecialtyLevel,
    exp_levels: tuple[int, ...],
    kinds: tuple[str, ...],
    std: Standard,
) -> LevelResult:
    p = rule.projects
    enough = sum(1 for lv in exp_levels if lv >= p.floor)
    best = max(exp_levels, default=0)
    criteria = [
        _role(profile, rule.role, std),
        CriterionResult(
            "projects",
            enough >= p.count,
            enough,
            p.count,
            f"{enough} of {p.count} projects at level {p.floor} or equivalent",
        ),
        CriterionResult(
            "peak_project",
            best >= p.peak,
            best,
            p.peak,
            f"best project at level {best} or equivalent"
            + ("" if best >= p.peak else f" (needs one at level {p.peak} or equivalent)"),
        ),
        _checklist("themes", profile.themes, rule.themes, 1, f"level {rule.level} themes of specialty"),
    ]
    if rule.accomplishments:
        have = len(profile.accomplishments)  # R6: distinct kinds; parsing already rejected repeats
        criteria.append(
            CriterionResult(
                "accomplishments",
                have >= rule.accomplishments,
                have,
                rule.accomplishments,
                f"{have} of {rule.accomplishments} accomplishment kinds",
                tuple(k for k in kinds if k not in profile.accomplishments),  # what can still be added
            )
        )
    if rule.mentoring:
        criteria.append(
            CriterionResult(
                "mentoring",
                profile.mentoring,
                profile.mentoring,
                True,
                "developing subordinates" + (": done" if profile.mentoring else ": not yet"),
            )
        )
    return LevelResult(rule.level, tuple(criteria))


def _common(profile: Profile, rule: CommonLevel, std: Standard) -> LevelResult:
    ladder = std.involvement_ids
    met = ladder.index(profile.involvement) >= ladder.index(rule.involvement)
    have, needed = std.involvement(profile.involvement).label, std.involvement(rule.involvement).label
    involvement = CriterionResult(
        "involvement",
        met,
        profile.involvement,
        rule.involvement,
        have + ("" if met else f" (needs: {needed})"),
    )
    low, high = min(std.common_levels), max(std.common_levels)
    common = f"level {low}" if low == high else f"level {low}-{high}"
    return LevelResult(
        rule.level,
        (
            _role(profile, rule.role, std),
            involvement,
            _checklist(
                "common_complexity",
                profile.common_complexity,
                rule.complexity,
                rule.complexity_min,
                f"{common} complexity items",
            ),
            _checklist("themes", profile.themes, rule.themes, rule.themes_min, f"{common} basic themes"),
        ),
    )


def evaluate(profile: Profile, std: Standard | None = None) -> Evaluation:
    """R1: the achieved level is the highest level whose every criterion is met, 0 if none."""
    std = std or load_standard()
    spec = std.fields[profile.field]
    exp_levels = tuple(experience_level(spec, e) for e in profile.experiences)
    results: list[LevelResult] = []
    for level in spec.levels:
        if level in std.common_levels:
            results.append(_common(profile, std.common_levels[level], std))
        else:
            results.append(
                _specialty(profile, spec.specialty_levels[level], exp_levels, spec.accomplishments, std)
            )
    achieved = max((r.level for r in results if r.met), default=0)
    return Evaluation(profile.field, achieved, tuple(results), exp_levels)
