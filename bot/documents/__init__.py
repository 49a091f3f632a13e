"""Documents a person keeps: the result card (PNG) and the PDF report of one assessment.

Both are drawn from the same ``dialogs.result.ResultView`` as the chat message, in the person's
language, with a font that comes from a PyPI package (``bot.documents.fonts``), so they render the
same on any machine, Japanese included. Rendering is synchronous and CPU-bound (tens of
milliseconds); an async front runs it in a worker thread.
"""

from bot.documents.card import render_card
from bot.documents.report import render_report

__all__ = ["render_card", "render_report"]
