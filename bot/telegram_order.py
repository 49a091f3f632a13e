"""Updates of different people handled side by side, each person's in the order Telegram sent them.

Handling one update is mostly waiting: for the database, then for two or three Bot API calls. One
update after another, a polling bot idles through all of it, and on a slow day of the development
machine a steady 50 updates/s came close to what it could take that way (the queue then stretched
the p99 past a second). python-telegram-bot can handle several updates at once
(``concurrent_updates``); what it does not keep is the order of one person's updates, which the
dialogue needs (a typed answer, then a press; two quick presses). ``PersonOrderedUpdates`` keeps it:
an update waits until the previous update of the same person (``Update.effective_user``, else the
chat) is done, and everyone else's go on meanwhile. Writes stay serialized per person in the
database as well (the person's row lock).

PostgreSQL only (``build_application``): SQLite has one write lock for the whole database, so
concurrent handlers there only queue for it — through SQLite's busy handler, which sleeps — and
measured slower than one at a time.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: How many updates one process handles at once: enough to overlap the waits of a busy minute,
#: few enough that a burst queues at Telegram rather than in memory.
CONCURRENT_UPDATES = 8


def person_of(update: object) -> int | None:
    """Whose update this is, for ordering: the user, else the chat; None for an update of nobody."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PersonOrderedUpdates(BaseUpdateProcessor):
    """A person's updates one at a time, in arrival order; different people's concurrently.

    Updates reach ``do_process_update`` in the order python-telegram-bot fetched them (its tasks start
    in creation order and its semaphore wakes waiters first come, first served), and each takes its
    place in its person's line before its first ``await``.
    """

    __slots__ = ("_last",)

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._last: dict[int, asyncio.Future[None]] = {}  # the newest update of each person in line

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = person_of(update)
        if person is None:
            await coroutine
            return
        before = self._last.get(person)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[person] = mine
        started = False
        try:
            if before is not None:
                await asyncio.shield(before)
            started = True
            await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled in line (shutdown): never run, and no warning that it was not
            if before is None or before.done():
                self._release(person, mine)
            else:  # cancelled while waiting (shutdown): whoever comes next still waits for ``before``
                before.add_done_callback(lambda _: self._release(person, mine))

    def _release(self, person: int, mine: asyncio.Future[None]) -> None:
        """The person's next update may go; the line is forgotten if nobody else joined it."""
        mine.set_result(None)
        if self._last.get(person) is mine:
            del self._last[person]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for the updates in hand before it stops."""
