"""The transaction boundary: one ``async with`` block per handled update.

Repositories never commit, so a handler that fails half-way leaves no half-written interview behind.
On SQLite a unit of work holds the database's single write lock from its first statement to its end:
keep it short (no network calls inside) and never open one inside another, or the inner one waits for
the outer one until the busy timeout runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from bot.storage.database import read_only_options
from bot.storage.idempotency import record_current_key
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


class UnitOfWork:
    """Owns one session; whatever is not committed when the block exits is rolled back.

    Objects loaded in the block stay readable afterwards (detached) when the block committed or only
    read. When uncommitted writes are rolled back, the objects are expired instead, so stale values
    cannot be mistaken for stored ones: reading them then raises ``DetachedInstanceError``.
    """

    session: AsyncSession
    users: UserRepository
    interviews: InterviewRepository
    results: ResultRepository
    reviews: ReviewRepository
    transcripts: TranscriptRepository
    invitations: InvitationRepository
    invitation_failures: InvitationFailureRepository
    audit: AuditRepository
    teams: TeamRepository
    notifications: NotificationRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        _track_writes(self.session.sync_session)
        self.users = UserRepository(self.session)
        self.interviews = InterviewRepository(self.session)
        self.results = ResultRepository(self.session)
        self.reviews = ReviewRepository(self.session)
        self.transcripts = TranscriptRepository(self.session)
        self.invitations = InvitationRepository(self.session)
        self.invitation_failures = InvitationFailureRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.teams = TeamRepository(self.session)
        self.notifications = NotificationRepository(self.session)
        return self

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
        # Exactly once: the delivery being handled (if any) is recorded with its first change.
        delivery = await record_current_key(self.session, self._has_uncommitted_writes())
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

    async def rollback(self) -> None:
        """Discards the changes so far; the unit of work stays usable."""
        await self.session.rollback()
        self.session.info[_WROTE] = False

    def _has_uncommitted_writes(self) -> bool:
        session = self.session
        return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def _track_writes(session: Session) -> None:
    """Remembers whether anything reached the database since the last commit or rollback."""

    def after_flush(flushed: Session, _flush_context: UOWTransaction) -> None:
        flushed.info[_WROTE] = True

    def do_orm_execute(state: ORMExecuteState) -> None:
        if not state.is_select:  # conservative: raw SQL counts as a write
            state.session.info[_WROTE] = True

    event.listen(session, "after_flush", after_flush)
    event.listen(session, "do_orm_execute", do_orm_execute)


def unit_of_work_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    """The callable handlers receive; ``expire_on_commit=False`` keeps loaded objects readable after
    commit, which asyncio needs because an expired attribute cannot be lazily re-read."""
    session_factory = async_sessionmaker(engine, expire_on_commit=False)
    return lambda: UnitOfWork(session_factory)
