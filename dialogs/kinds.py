"""Question kinds as objects: each validates an answer, says what is pre-selected, describes a stored
answer and reads typed text, so a new kind is one class here plus one renderer per front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dialogs.actions import Action, Answer, Choose, Toggle
from dialogs.prompt import Kind
from dialogs.typed import fold, parse_number, parse_positions, parse_yes_no

if TYPE_CHECKING:
    from dialogs.messages import Messages
    from dialogs.questions import Question


class AnswerError(ValueError):
    """A value that does not answer the question; the message is shown to the person as is."""


class QuestionKind:
    """The behaviour shared by every question of one kind."""

    kind: ClassVar[Kind]

    def typed_error(self, msg: Messages) -> str:
        """What to say when typed text means nothing for this kind."""
        return msg("error.not_now")

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        """The answer in its stored form, or AnswerError with a sentence the person can act on."""
        raise AnswerError(msg("error.not_now"))

    def selected(self, question: Question, stored: Any) -> frozenset[str]:
        """Which options a stored answer pre-selects, for back and edit."""
        return frozenset() if stored is None else frozenset({str(stored)})

    def describe(self, question: Question, value: Any, msg: Messages) -> str:
        """A stored answer in words, for the review and the transcript."""
        if value is None:
            return "—"
        return next((o.label for o in question.options if o.id == str(value)), str(value))

    def read(self, text: str) -> Action | None:
        """What typed text means for a prompt of this kind; None when it means nothing here."""
        return None


class SingleChoice(QuestionKind):
    kind = Kind.SINGLE

    def typed_error(self, msg: Messages) -> str:
        return msg("error.choice")

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        ids = tuple(o.id for o in question.options)
        if question.numeric and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or value not in ids:
            raise AnswerError(msg("error.choice"))
        return int(value) if question.numeric else value

    def read(self, text: str) -> Action | None:
        positions = parse_positions(text)
        if positions is None or len(positions) != 1:
            return None
        return Choose(positions[0] - 1)


class Checklist(QuestionKind):
    kind = Kind.MULTI

    def typed_error(self, msg: Messages) -> str:
        return msg("error.checklist")

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        ids = tuple(o.id for o in question.options)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v in ids for v in value):
            raise AnswerError(msg("error.checklist"))
        chosen = set(value)
        return [i for i in ids if i in chosen]

    def selected(self, question: Question, stored: Any) -> frozenset[str]:
        return frozenset(stored or ())

    def describe(self, question: Question, value: Any, msg: Messages) -> str:
        if value is None:
            return "—"
        labels = [o.label for o in question.options if o.id in value]
        return "; ".join(labels) if labels else msg("none_ticked")

    def read(self, text: str) -> Action | None:
        positions = parse_positions(text)
        return None if positions is None else Toggle(tuple(p - 1 for p in positions))


@dataclass(frozen=True, slots=True)
class Band:
    """A range of a counted quantity (rooms, area, sites) inside which the verdict cannot change.

    Bands are cut at the standard's own thresholds for that quantity, so every number of a band
    compares with every threshold the same way: a person who knows "3 or 4 rooms" but not which
    can say so instead of guessing a number.

    Storage: a typed number is stored as it was typed (an ``int``); a band is stored as a band,
    ``{"at_least": 3, "below": 5}`` (no ``below`` for the open top band). The review, the
    snapshot and the transcript thus keep what the person actually said ("3–4"), never a number
    they did not give. Where a plain number is required — the profile the verdict and the export
    are computed from, whose format holds whole numbers — a band stands for its least value
    (``stored_number``): the least the person vouched for, and exactly as strong as any other
    number of the band, since only the thresholds are ever compared with it.
    """

    at_least: int
    below: int | None = None  # None: the open band at the top

    @property
    def id(self) -> str:
        """How the band is typed, in any front and any language: ``<3``, ``3-4``, ``5+`` (symbols
        and digits, which no front uses as a command and which read the same in every language)."""
        if self.below is None:
            return f"{self.at_least}+"
        if self.at_least == 0:
            return f"<{self.below}"
        return f"{self.at_least}-{self.below - 1}"

    def stored(self) -> dict[str, int]:
        return {"at_least": self.at_least} | ({} if self.below is None else {"below": self.below})

    @classmethod
    def from_stored(cls, value: Any) -> Band | None:
        """The band a stored answer holds, or None for a number (or anything else)."""
        if not isinstance(value, dict) or set(value) - {"at_least", "below"}:
            return None
        least, below = value.get("at_least"), value.get("below")
        if not _whole(least) or not (below is None or (_whole(below) and below > least)):
            return None
        return cls(least, below)

    def label(self, msg: Messages) -> str:
        if self.below is None:
            return msg("band.at_least", least=msg.number(self.at_least))
        if self.at_least == 0:
            return msg("band.below", below=msg.number(self.below))
        if self.below - 1 == self.at_least:
            return msg.number(self.at_least)
        return msg("band.between", least=msg.number(self.at_least), most=msg.number(self.below - 1))


#: The ways people write a range's dash: hyphen, en and em dash, tilde, the Japanese wave dash.
_BAND_DASHES = re.compile(r"[-‐‑–—~〜]")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def stored_number(value: Any) -> Any:
    """The whole number a stored quantity answer stands for: the number itself, or a band's least."""
    band = Band.from_stored(value)
    return value if band is None else band.at_least


class Number(QuestionKind):
    """A whole number, typed; a counted quantity also offers its bands (options ``<3``, ``3-4``, …)."""

    kind = Kind.INTEGER

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        low, high = question.minimum or 0, question.maximum or 0
        band = self._band(question, value)
        if band is not None:
            return band.stored()
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            number = parse_number(value)
        if number is None or not low <= number <= high:
            raise AnswerError(msg("error.integer", minimum=msg.number(low), maximum=msg.number(high)))
        return number

    @staticmethod
    def _band(question: Question, value: Any) -> Band | None:
        """The band a value picks: its id (pressed, or typed as ``3-4``, ``３〜４``, ``2,000–4,999``,
        ``5 +``) or its stored form."""
        typed = _BAND_DASHES.sub("-", re.sub(r"[\s,]", "", fold(value))) if isinstance(value, str) else None
        for band in question.bands:
            if typed == band.id:
                return band
            if isinstance(value, dict) and value == band.stored():
                return band
        return None

    def selected(self, question: Question, stored: Any) -> frozenset[str]:
        """A band answer marks its band; a typed number marks nothing (it is shown as the number)."""
        return frozenset(b.id for b in question.bands if b.stored() == stored)

    def describe(self, question: Question, value: Any, msg: Messages) -> str:
        if value is None:
            return "—"
        band = Band.from_stored(value)
        return msg.number(value) if band is None else band.label(msg)

    def read(self, text: str) -> Action | None:
        return Answer(text)


class YesNo(QuestionKind):
    kind = Kind.YESNO

    def typed_error(self, msg: Messages) -> str:
        return msg("error.yesno")

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value in ("yes", "no"):  # the option ids
                return value == "yes"
            word = parse_yes_no(value)
            if word is not None:
                return word
        raise AnswerError(msg("error.yesno"))

    def selected(self, question: Question, stored: Any) -> frozenset[str]:
        return frozenset() if stored is None else frozenset({"yes" if stored else "no"})

    def describe(self, question: Question, value: Any, msg: Messages) -> str:
        return "—" if value is None else msg("yes" if value else "no")

    def read(self, text: str) -> Action | None:
        word = parse_yes_no(text)
        if word is not None:
            return Answer(word)
        positions = parse_positions(text)
        return Choose(positions[0] - 1) if positions in ((1,), (2,)) else None


class Info(QuestionKind):
    kind = Kind.INFO


KINDS: dict[Kind, QuestionKind] = {
    k.kind: k for k in (SingleChoice(), Checklist(), Number(), YesNo(), Info())
}


def kind_of(kind: Kind) -> QuestionKind:
    return KINDS[kind]
