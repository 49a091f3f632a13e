"""Each Telegram update applied once, however often it arrives, in webhook and polling mode alike.

``ExactlyOnceApplication`` is python-telegram-bot's ``Application`` with ``process_update`` wrapped:

1. an id this process handled lately is dropped at once (counted, nothing sent);
2. the handlers run inside ``idempotency_key(update_id)``: the first statement of each transaction
   they open claims the id (``bot.storage.idempotency``) — a writing one inserts it, so the first
   commit records it with what the update changed; a read looks it up. An id applied before, by this
   process before a restart or by another replica, fails there, before anything was read or changed,
   and the handling stops without sending anything. The door costs no round trip of its own;
3. a handling that committed nothing (a read-only command) is recorded in a tiny transaction of its
   own afterwards.

A copy arriving while the same process still handles the original waits for it and is then dropped
at the door, so not even a read-only reply goes out twice. Copies handled at the same moment by two
replicas are told apart by the key: the one that commits second is rolled back and sends nothing
after its commit (a reply to a read-only command may, rarely, go out twice).

The outcome tells the webhook what to answer Telegram: ``RETRY`` (HTTP 500, Telegram delivers the
update again) only when the handling failed before anything was committed and in a way a second try
may cure — the database or the Bot API unreachable, a lock timeout. A bug or a refusal by Telegram
would fail the same way on every redelivery, and Telegram would keep retrying it for a day while
that chat's later updates wait behind it: those are logged, counted and answered 200. Once the
update's change is committed, a redelivery could only be dropped, so the answer is 200 whatever
failed afterwards (the person's next command shows where they are).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, NotSupportedError, ProgrammingError
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application

from bot import metrics
from bot.storage.idempotency import DuplicateDelivery, IdempotencyKey, ProcessedDeliveries, idempotency_key

log = logging.getLogger(__name__)

#: The kinds counted by name in ``levelcheck_updates_handled``; anything else is "other".
KINDS = ("message", "callback_query", "edited_message")


class Outcome(StrEnum):
    HANDLED = "handled"  # applied (or nothing to apply) and recorded
    DUPLICATE = "duplicate"  # applied before, by this process or another: nothing done
    RETRY = "retry"  # failed before committing, in a way a redelivery may cure
    FAILED = "failed"  # failed for good (a bug, a refusal by Telegram): logged and dropped


@dataclass(slots=True)
class _Handling:
    update: object
    error: BaseException | None = None
    duplicate: bool = False
    key: IdempotencyKey | None = None


_handling: ContextVar[_Handling | None] = ContextVar("levelcheck_handling", default=None)


def curable(error: BaseException) -> bool:
    """Whether delivering the update again may succeed where this handling failed."""
    if isinstance(error, BadRequest):  # a NetworkError in python-telegram-bot, but our request was wrong
        return False
    if isinstance(error, NetworkError | RetryAfter | OSError | TimeoutError):
        return True
    if database_unavailable(error):
        return True
    # The database unreachable, restarting, a lock or deadlock timeout: not a constraint or a bug.
    return isinstance(error, DBAPIError) and not isinstance(
        error, IntegrityError | DataError | ProgrammingError | NotSupportedError
    )


#: SQLSTATE classes of a server that is not there for now: 08 connection exception, 57P operator
#: intervention (shutting down, crashed, "the database system is starting up").
_UNAVAILABLE_SQLSTATES = ("08", "57P")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached right now (restarting, unreachable),
    whichever layer raised it: asyncpg raises some of these, ``CannotConnectNowError`` while the
    server starts up, without SQLAlchemy wrapping them."""
    if isinstance(error, DBAPIError):
        error = error.orig if error.orig is not None else error
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


class _RecentIds:
    """The ids this process handled lately, newest last: a redelivery to the same process (a webhook
    retried after a slow answer) is dropped without touching the database."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._size = size

    def __contains__(self, value: int) -> bool:
        return value in self._ids

    def add(self, value: int) -> None:
        self._ids[value] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)


def update_kind(update: Update) -> str:
    return next((kind for kind in KINDS if getattr(update, kind, None) is not None), "other")


class ExactlyOnceApplication(Application[Any, Any, Any, Any, Any, Any]):
    """``Application`` whose updates are applied once (see the module); built by ``build_application``."""

    _deliveries: ProcessedDeliveries | None = None
    _in_flight: dict[int, asyncio.Event] | None = None
    _recent: _RecentIds | None = None
    _drained: asyncio.Event | None = None
    _finished: asyncio.Event | None = None

    @property
    def drained(self) -> asyncio.Event:
        """Set while nothing waits in the update queue (the last update fetched is being handled or
        done): the poller fetches the next batch then, so a busy bot asks Telegram less often and
        for more updates at once, and the next ``getUpdates`` overlaps the last update's handling."""
        if self._drained is None:
            self._drained = asyncio.Event()
            self._drained.set()
        return self._drained

    @property
    def finished(self) -> asyncio.Event:
        """Set as an update's handling ends: where updates are handled side by side, the poller
        waits for it while every place is taken (``Poller._until_drained``)."""
        if self._finished is None:
            self._finished = asyncio.Event()
        return self._finished

    async def process_update(self, update: object) -> None:
        """python-telegram-bot's own entry (polling): the same dedup, the outcome only logged."""
        if self.update_queue.empty():
            self.drained.set()
        try:
            if isinstance(update, Update):
                await self.process_update_once(update)
            else:
                await super().process_update(update)
        finally:
            self.finished.set()

    async def process_update_once(self, update: Update) -> Outcome:
        """Handles ``update`` unless it was applied before; returns only after its last commit."""
        deliveries = self._processed()
        if deliveries is None:  # before post_init opened the database: nothing to record into
            await super().process_update(update)
            return Outcome.HANDLED
        in_flight = self._in_flight = self._in_flight if self._in_flight is not None else {}
        while (original := in_flight.get(update.update_id)) is not None:
            await original.wait()  # a copy of an update this process is handling: after it, the door
        done = in_flight[update.update_id] = asyncio.Event()
        try:
            return await self._handle(update, deliveries)
        finally:
            del in_flight[update.update_id]
            done.set()

    async def _handle(self, update: Update, deliveries: ProcessedDeliveries) -> Outcome:
        recent = self._recent = self._recent if self._recent is not None else _RecentIds()
        if update.update_id in recent:
            return self._duplicate()
        outcome = await self._handle_once(update, deliveries)
        if outcome in (Outcome.HANDLED, Outcome.DUPLICATE, Outcome.FAILED):
            recent.add(update.update_id)
        return outcome

    async def _handle_once(self, update: Update, deliveries: ProcessedDeliveries) -> Outcome:
        started = time.perf_counter()
        handling = _Handling(update)
        token = _handling.set(handling)
        try:
            with idempotency_key(update.update_id) as key:
                handling.key = key
                await super().process_update(update)
                if handling.duplicate:
                    return self._duplicate()
                metrics.UPDATES.labels(update_kind(update)).inc()
                if handling.error is not None:
                    return self._failed(handling.error, committed=key.recorded)
                try:
                    await deliveries.record(key)
                except DuplicateDelivery:  # a read-only command handled twice at once: harmless
                    return self._duplicate()
                except Exception as exc:
                    return self._failed(exc, committed=False)
                return Outcome.HANDLED
        finally:
            _handling.reset(token)
            metrics.HANDLING_SECONDS.observe(time.perf_counter() - started)

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Any = None,
        coroutine: Any = None,
    ) -> bool:
        """Notes what failed the update being handled; a duplicate, or a failure Telegram will
        deliver again, stops there, before the error handler would tell the person something went
        wrong. Any failure of an update ends its handling: no later handler group runs for it."""
        handling = _handling.get()
        if handling is not None and update is handling.update:
            if isinstance(error, DuplicateDelivery):
                handling.duplicate = True
                return True  # no further handlers, no error message: it was applied already
            handling.error = error
            committed = handling.key is not None and handling.key.recorded
            if self._redelivered(error, committed=committed):
                return True  # the redelivery answers the person (see ``_redelivered``)
            await super().process_error(update, error, job, coroutine)
            # No later handler group goes on with an update that failed: the person is told once,
            # and whatever failed (the database, say) would fail there too.
            return True
        return await super().process_error(update, error, job, coroutine)

    def _redelivered(self, error: BaseException, *, committed: bool) -> bool:
        """Whether Telegram will deliver the failed update again: webhook mode (no updater) answers it
        500. The error handler then stays silent: its "try again" would reach the person before the
        redelivery does the real thing, and its answer to a pressed button would use up the one
        answer Telegram accepts per button press, failing the redelivery. Polling has no
        redelivery: the person is asked to try again."""
        return self.updater is None and not committed and curable(error)

    def _processed(self) -> ProcessedDeliveries | None:
        if self._deliveries is None:
            runtime = getattr(self.bot_data, "runtime", None)
            if runtime is None:
                return None
            self._deliveries = ProcessedDeliveries(runtime.engine)
        return self._deliveries

    @staticmethod
    def _duplicate() -> Outcome:
        metrics.DUPLICATES.inc()
        log.debug("an update delivered again was dropped: it had been applied already")
        return Outcome.DUPLICATE

    def _failed(self, error: BaseException, *, committed: bool) -> Outcome:
        """Counts the failure and, when it is an outage (the Bot API or the database away, which a
        later try may cure), says so once here; a bug or a refusal was logged by the error handler."""
        retry = not committed and curable(error)
        metrics.ERRORS.labels("true" if retry else "false").inc()
        # The error handler says a Bot API outage itself, unless the update goes back to Telegram
        # (then it stays silent: see ``_redelivered``); a database outage is said only here.
        said = isinstance(error, NetworkError) and not (retry and self.updater is None)
        if curable(error) and not said:
            log.warning(
                "an update could not be handled (%s)%s",
                type(error).__name__,
                # Polling has no redelivery; a committed change is not applied again.
                "; it is to be delivered again" if retry and self.updater is None else "",
                exc_info=log.isEnabledFor(logging.DEBUG),
            )
        return Outcome.RETRY if retry else Outcome.FAILED
