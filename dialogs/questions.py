"""The questions of the interview: their kind, options, bounds and words, read from the standard.

A question is identified by a key that also carries its instance ("project.2.size", "themes.4"),
so answers are a flat JSON dict and survive any restart unchanged. The grammar of the keys is
generic; which projects, parts and levels exist comes from the standard.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from criteria import FieldSpec, Standard
from criteria.standard import MeasuredSize, Quantity, SpecialtyLevel
from dialogs.kinds import AnswerError, Band, kind_of
from dialogs.messages import Messages
from dialogs.prompt import Kind, Option

__all__ = [
    "AnswerError",
    "Question",
    "build_question",
    "field_asks",
    "project_part",
    "quantity_bands",
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
    bands: tuple[Band, ...] = ()  # a counted quantity's ranges, offered as options beside typing


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
        assert spec is not None, "the project count comes after the field"
        top = std.max_projects  # the standard's, not the field's: a field change keeps this answer
        opts = tuple(
            Option(str(n), msg(f"project_count.{n}") if msg.has(f"project_count.{n}") else msg.number(n))
            for n in range(top + 1)
        )
        question = msg("q.project_count", what=msg.std("projects.what"))
        text = _sentences(msg, question, *_what_counts(spec, top, msg))
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
        text = _sentences(msg, msg.std(f"quantity.{what}.question", n=n, count=count), msg("q.number.zero"))
        label = msg.std(f"quantity.{what}.label", n=n)
        bands = quantity_bands(measured, quantity)
        opts = tuple(Option(b.id, b.label(msg)) for b in bands)
        return Question(
            key, state, Kind.INTEGER, text, label, opts, minimum=0, maximum=quantity.maximum, bands=bands
        )
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


def _sentences(msg: Messages, first: str, *more: str) -> str:
    """Sentences one after the other as the language writes them (English with a space, Japanese
    without)."""
    return functools.reduce(lambda text, next_: msg("sentence.pair", first=text, second=next_), more, first)


def field_asks(spec: FieldSpec, key: str) -> bool:
    """Whether a field has the field-dependent question ``key`` at all (a level's themes, a
    measured field's scope and quantities, a chosen field's size)."""
    if (level := themes_level(key)) is not None:
        return level in spec.specialty_levels
    if (part := project_part(key)) is None:
        return key == "accomplishments"
    what, measured = part[1], spec.measured_size
    if what in CHOSEN_PARTS:
        return what == "complexity" or measured is None
    if measured is None:
        return False
    return what == "scope" or any(q.answer == what for q in measured.quantities)


def _what_counts(spec: FieldSpec, most: int, msg: Messages) -> tuple[str, ...]:
    """What the project count question says up front, from the field's level rules: from which
    level on two or more projects are needed, and which ones to describe when one has more than
    ``most`` (the most any level asks for: more can never change a level).

    "Levels N and up" is said only of the levels from which every higher level needs several
    projects too, so the sentence stays true for any standard's data.
    """
    rules = [spec.specialty_levels[lv] for lv in sorted(spec.specialty_levels)]
    several: list[SpecialtyLevel] = []
    for rule in reversed(rules):
        if rule.projects.count < 2:
            break
        several.insert(0, rule)
    sentences: list[str] = []
    if several:
        counts = sorted({r.projects.count for r in several})
        words = [msg.number(c) for c in counts]
        listed = words[-1]
        if len(words) > 1:
            listed = msg("list.or", first=msg("list.separator").join(words[:-1]), last=listed)
        sentences.append(
            msg(
                "q.project_count.needs.one" if len(several) == 1 else "q.project_count.needs",
                level=several[0].level,
                counts=listed,
            )
        )
    if most:
        sentences.append(msg("q.project_count.strongest", most=most))
    return tuple(sentences)


def quantity_bands(measured: MeasuredSize, quantity: Quantity) -> tuple[Band, ...]:
    """The ranges of ``quantity`` cut at the standard's thresholds for it (rooms: 3 and 5 give
    "under 3", "3–4", "5 or more"); none when no threshold names it (then it is only typed)."""
    cuts = sorted(
        {
            least
            for alternatives in measured.thresholds.values()
            for alternative in alternatives
            for name, least in alternative.items()
            if name == quantity.id and 0 < least <= quantity.maximum
        }
    )
    if not cuts:
        return ()
    edges = [0, *cuts]
    return tuple(Band(low, edges[i + 1] if i + 1 < len(edges) else None) for i, low in enumerate(edges))


def validate(question: Question, value: Any, msg: Messages) -> Any:
    """The answer in its stored form, or AnswerError with a sentence the person can act on."""
    return kind_of(question.kind).validate(question, value, msg)


def selected_ids(question: Question, stored: Any) -> frozenset[str]:
    """Which options a stored answer pre-selects, for back and edit."""
    return kind_of(question.kind).selected(question, stored)
