"""The interview: a state machine that asks one criterion at a time (no Telegram, no SQL here).

Fronts create or restore an ``Interview``, render its ``Prompt`` and feed answers back; every
operation returns a ``Step``. The snapshot is plain JSON, so any storage can keep it.
"""

from dialogs.interview import Interview, Step
from dialogs.messages import Messages
from dialogs.prompt import Kind, Option, Progress, Prompt
from dialogs.result import ResultView

__all__ = ["Interview", "Kind", "Messages", "Option", "Progress", "Prompt", "ResultView", "Step"]
