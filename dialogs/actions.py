"""What a person can do to a question, as values every front builds and the service takes.

Fronts translate their own input (a Telegram button, a typed line, a key in the terminal) into one
of these; how they encode them (callback data, numbers) stays their private business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Answer:
    """A value for the question (an option id, a list of ids, a number or its text, yes/no)."""

    value: Any


@dataclass(frozen=True, slots=True)
class Choose:
    """The option at ``index`` (0-based, in the order the prompt lists them)."""

    index: int


@dataclass(frozen=True, slots=True)
class Toggle:
    """Tick or untick the checklist options at these positions (0-based)."""

    indices: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Done:
    """Finish a checklist with what is ticked."""


@dataclass(frozen=True, slots=True)
class Back:
    """To the previous question that still belongs to the interview."""


@dataclass(frozen=True, slots=True)
class Restart:
    """Start the assessment over, with no answers (the consent stays given)."""


Action = Answer | Choose | Toggle | Done | Back | Restart
