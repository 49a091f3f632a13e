"""The questions of the interview: their kind, options, bounds, words and validation.

A question is identified by a key that also carries its instance ("project.2.size", "themes.4"),
so answers are a flat JSON dict and survive any restart unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from criteria import ROLES, load_standard
from dialogs.messages import Messages
from dialogs.prompt import Kind, Option

FIELD_IDS = ("hardware", "software", "facility")
INVOLVEMENT_IDS = ("none", "participated", "carried_out")
MAX_PROJECTS = 3  # no level of the standard needs more than three projects
INTEGER_BOUNDS = {"rooms": (0, 1_000), "area": (0, 1_000_000), "sites": (0, 100_000)}
_PROJECT = re.compile(r"^project\.([1-3])\.(complexity|size|scope|rooms|area|sites)$")
_THEMES = re.compile(r"^themes\.([3-6])$")


class AnswerError(ValueError):
    """A value that does not answer the question; the message is shown to the user as is."""


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


def state_of(key: str) -> str:
    """The machine state a question key belongs to."""
    if m := _PROJECT.match(key):
        return f"project_{m.group(2)}"
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


def build_question(key: str, answers: dict[str, Any], msg: Messages) -> Question:
    """The question for ``key`` given the answers so far (options depend on the chosen field)."""
    std = load_standard()
    field = answers.get("field")
    spec = std.fields.get(field) if isinstance(field, str) else None
    field_name = spec.name if spec else ""
    count = answers.get("project_count", 0)
    if key == "field":
        opts = tuple(Option(f, msg(f"field.{f}")) for f in FIELD_IDS)
        return Question(key, "field", Kind.SINGLE, msg("q.field"), msg("label.field"), opts)
    if key == "role":
        opts = tuple(Option(r, msg(f"role.{r}", field_name=field_name.lower())) for r in ROLES)
        return Question(
            key, "role", Kind.SINGLE, msg("q.role", field_name=field_name), msg("label.role"), opts
        )
    if key == "project_count":
        opts = tuple(Option(str(n), msg(f"project_count.{n}")) for n in range(MAX_PROJECTS + 1))
        return Question(key, key, Kind.SINGLE, msg("q.project_count"), msg("label.project_count"), opts)
    if part := project_part(key):
        n, what = part
        assert spec is not None, "project questions come after the field"
        text = msg(f"q.project.{what}", n=n, count=count)
        label = msg(f"label.project.{what}", n=n)
        state = state_of(key)
        if what == "complexity":
            return Question(key, state, Kind.MULTI, text, label, _items(msg, spec.complexity))
        if what == "size":
            return Question(key, state, Kind.SINGLE, text, label, _items(msg, spec.size_ladder))
        if what == "scope":
            opts = tuple(Option(s, msg(f"scope.{s}")) for s in ("part", "whole"))
            return Question(key, state, Kind.SINGLE, text, label, opts)
        low, high = INTEGER_BOUNDS[what]
        return Question(key, state, Kind.INTEGER, text, label, minimum=low, maximum=high)
    if (level := themes_level(key)) is not None:
        assert spec is not None
        themes = spec.specialty_levels[level].themes
        text = msg("q.themes", level=level, depth=msg(f"depth.{level}"))
        return Question(
            key, "themes", Kind.MULTI, text, msg("label.themes", level=level), _items(msg, themes)
        )
    if key == "accomplishments":
        assert spec is not None
        # The field's own name, not the data's accomplishment_area: Software's says "hardware" (a copy
        # slip of the seed kept in the data, R9), which would only confuse the person answering.
        text = msg("q.accomplishments", area=f"{field_name.lower()} technology succession")
        return Question(
            key, key, Kind.MULTI, text, msg("label.accomplishments"), _items(msg, spec.accomplishments)
        )
    if key == "mentoring":
        opts = (Option("yes", msg("yes")), Option("no", msg("no")))
        return Question(key, key, Kind.YESNO, msg("q.mentoring"), msg("label.mentoring"), opts)
    if key == "involvement":
        opts = tuple(Option(i, msg(f"involvement.{i}")) for i in INVOLVEMENT_IDS)
        return Question(key, key, Kind.SINGLE, msg("q.involvement"), msg("label.involvement"), opts)
    if key == "common_complexity":
        ids = std.common_levels[1].complexity
        return Question(
            key, key, Kind.MULTI, msg("q.common_complexity"), msg("label.common_complexity"), _items(msg, ids)
        )
    if key == "common_themes":
        ids = std.common_levels[1].themes
        return Question(
            key, key, Kind.MULTI, msg("q.common_themes"), msg("label.common_themes"), _items(msg, ids)
        )
    raise KeyError(f"unknown question key {key!r}")


#: ASCII digits only, optionally grouped by thousands ("2,500", "1_000"); "12,5" or "１２" are refused.
_INTEGER_TEXT = re.compile(r"^\s*\+?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]{1,12})\s*$")


def validate(question: Question, value: Any, msg: Messages) -> Any:
    """The answer in its stored form, or AnswerError with a sentence the user can act on."""
    ids = tuple(o.id for o in question.options)
    if question.kind is Kind.SINGLE:
        if isinstance(value, int) and not isinstance(value, bool) and question.key == "project_count":
            value = str(value)
        if not isinstance(value, str) or value not in ids:
            raise AnswerError(msg("error.choice"))
        return int(value) if question.key == "project_count" else value
    if question.kind is Kind.MULTI:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v in ids for v in value):
            raise AnswerError(msg("error.checklist"))
        chosen = set(value)
        return [i for i in ids if i in chosen]
    if question.kind is Kind.INTEGER:
        low, high = question.minimum or 0, question.maximum or 0
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and (m := _INTEGER_TEXT.match(value)):
            number = int(m.group(1).replace(",", "").replace("_", ""))
        if number is None or not low <= number <= high:
            raise AnswerError(msg("error.integer", minimum=f"{low:,}", maximum=f"{high:,}"))
        return number
    if question.kind is Kind.YESNO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no", "y", "n"):
            return value.strip().lower().startswith("y")
        raise AnswerError(msg("error.yesno"))
    raise AnswerError(msg("error.not_now"))


def selected_ids(question: Question, stored: Any) -> frozenset[str]:
    """Which options a stored answer pre-selects, for back and edit."""
    if stored is None:
        return frozenset()
    if question.kind is Kind.MULTI:
        return frozenset(stored)
    if question.kind is Kind.YESNO:
        return frozenset({"yes" if stored else "no"})
    return frozenset({str(stored)})
