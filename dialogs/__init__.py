"""The interview: a state machine that asks one criterion at a time (no Telegram, no SQL here).

Fronts build a ``Context`` (standards and language) per request, create or restore an
``Interview`` with it, render its ``Prompt`` and feed ``Action`` values back; every operation
returns a ``Step``. The snapshot is plain JSON, so any storage can keep it.
"""

from dialogs.actions import Action, Answer, Back, Choose, Done, Restart, Toggle
from dialogs.context import Context
from dialogs.interview import Interview, Step
from dialogs.kinds import KINDS, QuestionKind, kind_of
from dialogs.messages import DEFAULT_LANGUAGE, Messages, languages, supported_language
from dialogs.prompt import Kind, Option, Progress, Prompt
from dialogs.result import ResultView

__all__ = [
    "DEFAULT_LANGUAGE",
    "KINDS",
    "Action",
    "Answer",
    "Back",
    "Choose",
    "Context",
    "Done",
    "Interview",
    "Kind",
    "Messages",
    "Option",
    "Progress",
    "Prompt",
    "QuestionKind",
    "Restart",
    "ResultView",
    "Step",
    "Toggle",
    "kind_of",
    "languages",
    "supported_language",
]
