"""Exactly once: a delivery's id is recorded in the very transaction that applies it.

Work that may arrive more than once (Telegram's webhook delivers an update again until it gets a 2xx
answer; polling may hand one over again after a restart) is handled inside ``idempotency_key(id)``.
Every writing unit of work inside it inserts the id into ``processed_updates`` as its transaction
begins (``claim_in_transaction``), so the first one that commits records the delivery with what it
changed. A second handling of the same id — a redelivery after a crash, or a duplicate running at
the same moment on another replica — then violates the key at once, before it has read or changed
anything: its transaction rolls back, and ``DuplicateDelivery`` tells the entry point to stop there.
That one insert is both the door and the record, in a transaction the update opens anyway. A
handling that only reads looks the id up as its read begins, and is recorded afterwards in a tiny
transaction of its own (``ProcessedDeliveries.record``).

The key travels in a context variable, so the repositories and services stay as they are and the
storage layer knows ids, not Telegram.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.storage.column_types import utc_now
from bot.storage.errors import StorageError
from bot.storage.models import ProcessedUpdate


@dataclass(slots=True)
class IdempotencyKey:
    """The id of the delivery being handled, and whether a committed transaction holds it yet."""

    value: int
    recorded: bool = False
    #: Looked up (or inserted) already in this handling: a later read need not look again.
    checked: bool = False
    #: The handling ended: a task it left behind must not record the id in some later transaction.
    closed: bool = False


_PROCESSED = ProcessedUpdate.__table__
#: Built once (a statement's construction and cache key cost more than running it): the claim runs
#: in every writing transaction.
_CLAIM = insert(_PROCESSED)
_LOOKUP = select(_PROCESSED.c.update_id).where(_PROCESSED.c.update_id == bindparam("update_id"))

_current: ContextVar[IdempotencyKey | None] = ContextVar("levelcheck_idempotency_key", default=None)


class DuplicateDelivery(StorageError):
    """This delivery's id was already applied (by this process earlier, or by another one just now);
    the transaction that tried to apply it again was rolled back, nothing of it was saved."""

    def __init__(self, value: int) -> None:
        self.value = value
        super().__init__(f"delivery {value} was applied already; nothing was saved")


@contextmanager
def idempotency_key(value: int) -> Iterator[IdempotencyKey]:
    """Every unit of work committed inside the block records ``value`` with its first change."""
    key = IdempotencyKey(value)
    token = _current.set(key)
    try:
        yield key
    finally:
        key.closed = True
        _current.reset(token)


def claim_in_transaction(connection: Connection, *, read_only: bool) -> IdempotencyKey | None:
    """Called as a unit of work's transaction begins, before its first statement (see
    ``UnitOfWork``): the door and the record of the delivery being handled, in one statement that
    rides on a transaction the update needed anyway.

    A writing transaction inserts the key first: when it commits, the delivery is recorded with
    whatever it changed — or with nothing, so a button refused as stale is answered once too. A
    delivery applied before (or being applied by another replica: PostgreSQL makes the insert wait
    for that one's commit) fails the insert, and ``DuplicateDelivery`` stops the unit of work
    before it reads anything. A read-only transaction cannot insert: it looks the key up instead.
    Returns the key this transaction inserted (to mark recorded once it commits), else None.
    """
    key = _current.get()
    if key is None or key.recorded or key.closed:
        return None
    if read_only:
        if not key.checked:
            found = connection.scalar(_LOOKUP, {"update_id": key.value})
            if found is not None:
                raise DuplicateDelivery(key.value)
            key.checked = True
        return None
    try:  # no savepoint: a refused insert dooms the transaction, and the unit of work ends with it
        connection.execute(_CLAIM, {"update_id": key.value, "processed_at": utc_now()})
    except IntegrityError:
        raise DuplicateDelivery(key.value) from None
    key.checked = True
    return key


class ProcessedDeliveries:
    """The entry point's side of ``processed_updates``: the record of a delivery that opened no
    writing transaction, and a lookup (the door itself is ``claim_in_transaction``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def seen(self, value: int) -> bool:
        """Whether ``value`` was applied already: one primary-key lookup (for operators and tests; a
        handling never asks first, its first transaction claims the id)."""
        async with self._engine.connect() as connection:
            found = await connection.scalar(
                select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == value)
            )
        return found is not None

    async def record(self, key: IdempotencyKey) -> None:
        """Records a handled delivery no transaction recorded (it changed nothing); a no-op otherwise.

        Raises ``DuplicateDelivery`` when another handling of the same id got there first.
        """
        if key.recorded:
            return
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(ProcessedUpdate).values(update_id=key.value, processed_at=utc_now())
                )
        except IntegrityError:
            raise DuplicateDelivery(key.value) from None
        key.recorded = True


async def purge_processed_before(session: AsyncSession, before: datetime) -> int:
    """Forgets the ids recorded before ``before`` (Telegram stops redelivering after 24 hours)."""
    result = await session.execute(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
