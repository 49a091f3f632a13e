"""What a front end renders: a prompt with its kind, options, pre-selection, progress and error.

Fronts (Telegram, the terminal, tests) only ever see these values, never the machine, so the
dialogue can change without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SINGLE = "single"  # one option id
    MULTI = "multi"  # a checklist: toggles then Done, answered as a list of option ids
    INTEGER = "integer"  # a whole number within [minimum, maximum]
    YESNO = "yesno"  # true or false
    INFO = "info"  # nothing to answer (the declined notice)


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the person is, in counts that are true when shown and never need taking back.

    ``number`` is the question's place in the interview as it stands (1 for the first question);
    during a project's questions ``project`` of ``projects`` says which project it is. There is no
    total on purpose: how many questions remain depends on answers not given yet, and an estimate
    that jumps reads as a broken promise.
    """

    number: int
    text: str
    project: int | None = None
    projects: int | None = None


@dataclass(frozen=True, slots=True)
class Prompt:
    """``key`` names the question ("role", "project.2.size", "themes.4", "review", "result", …)."""

    key: str
    kind: Kind
    text: str
    options: tuple[Option, ...] = ()
    value: Any = None
    minimum: int | None = None
    maximum: int | None = None
    progress: Progress | None = None
    error: str | None = None
    can_go_back: bool = False
    details: tuple[str, ...] = field(default=())
    #: Worded in another language than the standard's own: fronts offer the original beside it.
    translated: bool = False

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options if o.selected)
