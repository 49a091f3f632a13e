"""The transaction boundary: one ``async with`` block per handled update.

Repositories never commit, so a handler that fails half-way leaves no half-written interview behind.
On SQLite a unit of work holds the database's single write lock from its first statement to its end:
keep it short (no network calls inside) and never open one inside another, or the inner one waits for
the outer one until the busy timeout runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import Any, Self

from sqlalchemy import CursorResult, Executable, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from bot.storage.database import READ_ONLY, SINGLE_STATEMENT, read_only_options, single_statement_options
from bot.storage.idempotency import claim_in_transaction
from bot.storage.repositories import (
    AuditRepository,
    InterviewRepository,
    InvitationFailureRepository,
    InvitationRepository,
    NotificationRepository,
    ResultRepository,
    ReviewRepository,
    TeamRepository,
    TranscriptRepository,
    UserRepository,
)

UnitOfWorkFactory = Callable[[], "UnitOfWork"]

_WROTE = "levelcheck.uncommitted_writes"
_CLAIMED = "levelcheck.claimed_delivery"


class UnitOfWork:
    """Owns one session; whatever is not committed when the block exits is rolled back.

    Objects loaded in the block stay readable afterwards (detached) when the block committed or only
    read. When uncommitted writes are rolled back, the objects are expired instead, so stale values
    cannot be mistaken for stored ones: reading them then raises ``DetachedInstanceError``.
    """

    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        for name in _REPOSITORIES:  # entered again: repositories of the earlier session go
            self.__dict__.pop(name, None)
        return self

    # Repositories are made when first used: a button press uses three of the ten, and every update
    # opens two or three units of work.

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.session, self.execute_alone)

    @cached_property
    def transcripts(self) -> TranscriptRepository:
        return TranscriptRepository(self.session)

    @cached_property
    def interviews(self) -> InterviewRepository:
        return InterviewRepository(self.session, self.transcripts)

    @cached_property
    def results(self) -> ResultRepository:
        return ResultRepository(self.session)

    @cached_property
    def reviews(self) -> ReviewRepository:
        return ReviewRepository(self.session)

    @cached_property
    def invitations(self) -> InvitationRepository:
        return InvitationRepository(self.session)

    @cached_property
    def invitation_failures(self) -> InvitationFailureRepository:
        return InvitationFailureRepository(self.session)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.session)

    @cached_property
    def teams(self) -> TeamRepository:
        return TeamRepository(self.session)

    @cached_property
    def notifications(self) -> NotificationRepository:
        return NotificationRepository(self.session)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None or self._has_uncommitted_writes():
                await self.session.rollback()
        finally:
            # Closing ends a read-only transaction too (the pool rolls the connection back).
            await self.session.close()

    async def commit(self) -> None:
        # Exactly once: the delivery being handled (if any) was claimed as the transaction began.
        if "transcripts" in self.__dict__:  # lines are staged only through a repository in use
            await self.transcripts.write_staged()
        delivery = self.session.info.pop(_CLAIMED, None)
        await self.session.commit()
        if delivery is not None:
            delivery.recorded = True
        self.session.info[_WROTE] = False

    async def read_only(self) -> Self:
        """Makes this unit of work a read: called first, before any statement, it starts a
        transaction that takes no write lock (SQLite) and refuses writes (PostgreSQL). Reads then
        answer during a write outage and never queue behind a writer (see ``database.READ_ONLY``)."""
        options = read_only_options(self.session.sync_session.get_bind().dialect.name)
        await self.session.connection(execution_options=options)
        return self

    async def execute_alone(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> CursorResult[Any]:
        """Runs ``statement`` as a transaction of its own: one round trip, no ``BEGIN``/``COMMIT``.

        For the few writes that are complete in one statement and safe on their own — recording which
        message shows a question, clearing what a text was awaited for — where a transaction would
        triple the cost of a button press's bookkeeping. Called first in a unit of work, or after a
        commit; it claims no delivery (``bot.storage.idempotency``): such a write is harmless twice.
        """
        dialect = self.session.sync_session.get_bind().dialect.name
        connection = await self.session.connection(execution_options=single_statement_options(dialect))
        result = await connection.execute(statement, parameters)
        await self.session.commit()  # ends SQLAlchemy's bookkeeping; the database committed already
        return result

    async def rollback(self) -> None:
        """Discards the changes so far; the unit of work stays usable."""
        await self.session.rollback()
        if "transcripts" in self.__dict__:
            self.transcripts.discard_staged()
        self.session.info[_WROTE] = False
        self.session.info.pop(_CLAIMED, None)  # the next transaction claims the delivery again

    def _has_uncommitted_writes(self) -> bool:
        session = self.session
        return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


_REPOSITORIES = tuple(name for name, value in vars(UnitOfWork).items() if isinstance(value, cached_property))


class _TrackedSession(Session):
    """The session class of every unit of work; its listeners are registered once, on the class."""


@event.listens_for(_TrackedSession, "after_flush")
def _after_flush(flushed: Session, _flush_context: UOWTransaction) -> None:
    """Remembers that something reached the database since the last commit or rollback."""
    flushed.info[_WROTE] = True


@event.listens_for(_TrackedSession, "do_orm_execute")
def _on_orm_execute(state: ORMExecuteState) -> None:
    if not state.is_select:  # conservative: raw SQL counts as a write
        state.session.info[_WROTE] = True


@event.listens_for(_TrackedSession, "after_begin")
def _after_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    """The delivery being handled is claimed (or, for a read, looked up) by the transaction's first
    statement: see ``bot.storage.idempotency``. A savepoint inside it claims nothing again."""
    options = connection.get_execution_options()
    if transaction.nested or _CLAIMED in session.info or options.get(SINGLE_STATEMENT, False):
        return
    read_only = bool(options.get(READ_ONLY, False))
    claimed = claim_in_transaction(connection, read_only=read_only)
    if claimed is not None:
        session.info[_CLAIMED] = claimed


def unit_of_work_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    """The callable handlers receive; ``expire_on_commit=False`` keeps loaded objects readable after
    commit, which asyncio needs because an expired attribute cannot be lazily re-read."""
    session_factory = async_sessionmaker(engine, expire_on_commit=False, sync_session_class=_TrackedSession)
    return lambda: UnitOfWork(session_factory)
