"""Limits of the Telegram front: how fast the bot sends, how much one person may send, how long a
typed answer may be.

- **Sending.** Telegram allows a bot token about 30 messages a second in all (and 20 a minute into
  one group). python-telegram-bot's ``AIORateLimiter`` queues every Bot API call of this process
  under ``SEND_RATE_PER_SECOND / REPLICAS``, so N replicas together stay under the token's limit
  without talking to each other (a fixed share each: simple, and exact when the load is spread
  evenly, which Telegram's webhook does). A ``RetryAfter`` that still comes is waited out and the
  call retried (``SEND_RETRIES`` times), not lost.
- **Receiving.** One person may send ``PERSON_UPDATE_LIMIT`` messages per
  ``PERSON_UPDATE_WINDOW_SECONDS`` (20 per 10 s by default: far above a human pace of typing). The
  first message over the limit gets one polite answer; the rest of the window is silence — no
  reply, no database work — so a flood costs a dictionary lookup each. Button presses are not
  counted: each is tied to a message the bot sent, one person tapping through a checklist quickly
  easily makes 20 in 10 s, and a press the interview has moved past is refused after one row
  lookup (``Reply.repeat``), storing nothing. Messages are what can be sent without end, and what
  filled the database (300 messages of 4,096 characters in 7 seconds).
  The count is kept in this process only: with N replicas a person could get N times the limit
  through, which is fine, because this limit protects the process and the database from one
  client, while correctness never depends on it (one person's writes are serialized by the
  database, ``bot.storage.database.READ_ONLY``). Keeping it in PostgreSQL would add a write to every
  update, which is what it is meant to save.
- **Typed text** longer than ``MAX_TYPED`` characters answers nothing the interview asks (the
  longest free text, a review comment, is 1,000): it is refused before it reaches the dialogue or
  the database.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationHandlerStop, TypeHandler

from bot.config import Settings
from dialogs import DEFAULT_LANGUAGE, Messages, supported_language

MAX_TYPED = 1000
SEND_RETRIES = 3
#: Beyond this many people tracked at once, those whose window has passed are dropped.
_TRACKED = 10_000


def send_limiter(settings: Settings) -> AIORateLimiter:
    """This process's share of the token's send rate; a ``RetryAfter`` is waited out and retried."""
    return AIORateLimiter(
        overall_max_rate=settings.send_rate_per_second / settings.replicas,
        overall_time_period=1,
        max_retries=SEND_RETRIES,
    )


def too_long(text: str) -> bool:
    return len(text) > MAX_TYPED


def too_long_text(msg: Messages) -> str:
    return msg("bot.limits.too_long", limit=msg.number(MAX_TYPED))


class PersonLimit:
    """A sliding window of update times per person, in this process.

    ``clock`` is monotonic seconds; a test passes its own to move time without sleeping.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._told: set[int] = set()  # over the limit and already told so in this window

    def admit(self, person: int) -> bool | None:
        """True: handle the update. False: over the limit, say so once. None: over, stay silent."""
        if self.limit <= 0:
            return True
        now = self.clock()
        times = self._seen.setdefault(person, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._told.discard(person)
            if len(self._seen) > _TRACKED:
                self._forget_quiet(now)
            return True
        if person in self._told:
            return None
        self._told.add(person)
        return False

    def _forget_quiet(self, now: float) -> None:
        quiet = [p for p, times in self._seen.items() if not times or times[-1] <= now - self.window]
        for person in quiet:
            del self._seen[person]
            self._told.discard(person)

    async def __call__(self, update: object, context: Any) -> None:
        """The first handler of every update: lets a message through, or answers once and stops it."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        if update.message is None and update.edited_message is None:
            return  # button presses and the rest: not counted (see the module's docstring)
        admitted = self.admit(update.effective_user.id)
        if admitted:
            return
        if admitted is False and update.effective_message is not None:
            await update.effective_message.reply_text(_client_words(update)("bot.limits.slow_down"))
        raise ApplicationHandlerStop


def _client_words(update: Update) -> Messages:
    """The client's language: a flood gets no database lookup, not even for the stored one."""
    user = update.effective_user
    return Messages(supported_language(user.language_code if user else None) or DEFAULT_LANGUAGE)


def person_limit_handler(settings: Settings) -> TypeHandler[Update, Any, Any]:
    """The handler that goes first (its own group, before every other); its ``callback`` is the
    ``PersonLimit``."""
    limit = PersonLimit(settings.person_update_limit, settings.person_update_window)
    return TypeHandler(Update, limit)
