"""The questions of the interview: their kind, options, bounds and words, read from the standard.

A question is identified by a key that also carries its instance ("project.2.size", "themes.4"),
so answers are a flat JSON dict and survive any restart unchanged. The grammar of the keys is
generic; which projects, parts and levels exist comes from the standard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from criteria import Standard
from dialogs.kinds import AnswerError, kind_of
from dialogs.messages import Messages
from dialogs.prompt import Kind, Option

__all__ = [
    "AnswerError",
    "Question",
    "build_question",
    "project_part",
    "selected_ids",
    "state_of",
    "validate",
]

STANDARD = "standard"
_PROJECT = re.compile(r"^project\.([1-9][0-9]?)\.([a-z_]+)$")
_THEMES = re.compile(r"^themes\.([1-9][0-9]?)$")
#: Project parts every field has; a measured field adds ``scope`` and one part per quantity.
CHOSEN_PARTS = ("complexity", "size")


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    state: str  # the machine state that asks it
    kind: Kind
    text: str
    label: str
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    numeric: bool = False  # option ids are numbers, stored as int (the project count)


def state_of(key: str) -> str:
    """The machine state a question key belongs to: one state per kind of question, not per instance."""
    if m := _PROJECT.match(key):
        part = m.group(2)
        return f"project_{part}" if part in (*CHOSEN_PARTS, "scope") else "project_quantity"
    if _THEMES.match(key):
        return "themes"
    return key


def project_part(key: str) -> tuple[int, str] | None:
    m = _PROJECT.match(key)
    return (int(m.group(1)), m.group(2)) if m else None


def themes_level(key: str) -> int | None:
    m = _THEMES.match(key)
    return int(m.group(1)) if m else None


def _items(msg: Messages, ids: tuple[str, ...]) -> tuple[Option, ...]:
    return tuple(Option(i, msg.item(i)) for i in ids)


def standard_question(offered: tuple[Standard, ...], msg: Messages) -> Question:
    options = tuple(Option(s.id, msg.standard_title(s)) for s in offered)
    return Question(STANDARD, STANDARD, Kind.SINGLE, msg("q.standard"), msg("label.standard"), options)


def build_question(key: str, answers: dict[str, Any], std: Standard, msg: Messages) -> Question:
    """The question for ``key`` given the answers so far (options depend on the chosen field)."""
    field = answers.get("field")
    spec = std.fields.get(field) if isinstance(field, str) else None
    field_name = msg.field_name(field) if spec else ""
    count = answers.get("project_count", 0)
    if key == "field":
        opts = tuple(Option(f, msg.std(f"field.{f}.option")) for f in std.field_ids)
        return Question(key, "field", Kind.SINGLE, msg("q.field"), msg("label.field"), opts)
    if key == "role":
        opts = tuple(Option(r, msg.std(f"role.{r}.option", field_name=field_name)) for r in std.role_ids)
        return Question(
            key, "role", Kind.SINGLE, msg("q.role", field_name=field_name), msg("label.role"), opts
        )
    if key == "project_count":
        top = std.max_projects
        opts = tuple(
            Option(str(n), msg(f"project_count.{n}") if msg.has(f"project_count.{n}") else msg.number(n))
            for n in range(top + 1)
        )
        text = msg("q.project_count", most=top, what=msg.std("projects.what"))
        return Question(key, key, Kind.SINGLE, text, msg("label.project_count"), opts, numeric=True)
    if part := project_part(key):
        n, what = part
        assert spec is not None, "project questions come after the field"
        state = state_of(key)
        if what in CHOSEN_PARTS:
            text = msg(f"q.project.{what}", n=n, count=count)
            label = msg(f"label.project.{what}", n=n)
            if what == "complexity":
                return Question(key, state, Kind.MULTI, text, label, _items(msg, spec.complexity))
            return Question(key, state, Kind.SINGLE, text, label, _items(msg, spec.size_ladder))
        measured = spec.measured_size
        assert measured is not None, f"{key} belongs to a measured field"
        if what == "scope":
            opts = tuple(Option(s, msg.std(f"scope.{s}.option")) for s in measured.scopes)
            text, label = msg.std("scope.question", n=n, count=count), msg.std("scope.label", n=n)
            return Question(key, state, Kind.SINGLE, text, label, opts)
        quantity = next(q for q in measured.quantities if q.answer == what)
        text = msg.std(f"quantity.{what}.question", n=n, count=count) + " " + msg("q.number.zero")
        label = msg.std(f"quantity.{what}.label", n=n)
        return Question(key, state, Kind.INTEGER, text, label, minimum=0, maximum=quantity.maximum)
    if (level := themes_level(key)) is not None:
        assert spec is not None
        themes = spec.specialty_levels[level].themes
        text = msg("q.themes", level=level, depth=msg.std(f"themes.depth.{level}"))
        return Question(
            key, "themes", Kind.MULTI, text, msg("label.themes", level=level), _items(msg, themes)
        )
    if key == "accomplishments":
        assert spec is not None
        # The field's own area, not the data's accomplishment_area: Software's says "hardware" (a copy
        # slip of the seed kept in the data, R9), which would only confuse the person answering.
        text = msg("q.accomplishments", area=msg.std(f"field.{spec.field}.accomplishment_area"))
        return Question(
            key, key, Kind.MULTI, text, msg("label.accomplishments"), _items(msg, spec.accomplishments)
        )
    if key == "mentoring":
        opts = (Option("yes", msg("yes")), Option("no", msg("no")))
        return Question(key, key, Kind.YESNO, msg("q.mentoring"), msg("label.mentoring"), opts)
    if key == "involvement":
        opts = tuple(Option(i, msg.std(f"involvement.{i}.option")) for i in std.involvement_ids)
        return Question(
            key, key, Kind.SINGLE, msg.std("involvement.question"), msg.std("involvement.label"), opts
        )
    first_common = std.common_levels[min(std.common_levels)] if std.common_levels else None
    if key == "common_complexity" and first_common is not None:
        return Question(
            key,
            key,
            Kind.MULTI,
            msg("q.common_complexity"),
            msg("label.common_complexity"),
            _items(msg, first_common.complexity),
        )
    if key == "common_themes" and first_common is not None:
        return Question(
            key,
            key,
            Kind.MULTI,
            msg("q.common_themes"),
            msg("label.common_themes"),
            _items(msg, first_common.themes),
        )
    raise KeyError(f"unknown question key {key!r}")


def validate(question: Question, value: Any, msg: Messages) -> Any:
    """The answer in its stored form, or AnswerError with a sentence the person can act on."""
    return kind_of(question.kind).validate(question, value, msg)


def selected_ids(question: Question, stored: Any) -> frozenset[str]:
    """Which options a stored answer pre-selects, for back and edit."""
    return kind_of(question.kind).selected(question, stored)
