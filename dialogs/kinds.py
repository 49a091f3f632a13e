"""Question kinds as objects: each validates an answer, says what is pre-selected, describes a stored
answer and reads typed text, so a new kind is one class here plus one renderer per front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dialogs.actions import Action, Answer, Choose, Toggle
from dialogs.prompt import Kind
from dialogs.typed import parse_number, parse_positions, parse_yes_no

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


class Number(QuestionKind):
    kind = Kind.INTEGER

    def validate(self, question: Question, value: Any, msg: Messages) -> Any:
        low, high = question.minimum or 0, question.maximum or 0
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            number = parse_number(value)
        if number is None or not low <= number <= high:
            raise AnswerError(msg("error.integer", minimum=msg.number(low), maximum=msg.number(high)))
        return number

    def describe(self, question: Question, value: Any, msg: Messages) -> str:
        return "—" if value is None else msg.number(value)

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
