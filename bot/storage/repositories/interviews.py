"""Interviews: the dialogue's saved state, written with optimistic concurrency."""

from __future__ import annotations

import copy
import functools
from typing import Any

from sqlalchemy import Select, Update, bindparam, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.column_types import JsonObject, utc_now
from bot.storage.errors import ActiveInterviewExistsError, InterviewNotActiveError, StaleInterviewError
from bot.storage.models import Interview, InterviewStatus, Invitation, Result, TranscriptEntry, User
from bot.storage.repositories.transcripts import TranscriptRepository, counted, with_lines


class InterviewRepository:
    """Access to ``interviews``.

    Every write goes through a conditional ``UPDATE ... WHERE version = expected`` instead of the ORM's
    dirty tracking: a lost race then raises ``StaleInterviewError`` without touching the row and without
    breaking the session, so the caller can reload in the same unit of work.
    """

    def __init__(self, session: AsyncSession, transcripts: TranscriptRepository) -> None:
        self._session = session
        self._transcripts = transcripts
        self._dialect = session.sync_session.get_bind().dialect.name

    async def get(self, interview_id: int) -> Interview | None:
        return await self._session.get(Interview, interview_id)

    async def active_for(self, user: User) -> Interview | None:
        return await self._session.scalar(
            select(Interview).where(Interview.user_id == user.id, Interview.status == InterviewStatus.ACTIVE)
        )

    async def list_for_user(self, user: User) -> list[Interview]:
        """Oldest first, the order in which they were taken."""
        rows = await self._session.scalars(
            select(Interview).where(Interview.user_id == user.id).order_by(Interview.started_at, Interview.id)
        )
        return list(rows)

    async def start(
        self, user: User, state: str, snapshot: JsonObject, invitation: Invitation | None = None
    ) -> Interview:
        """Opens a new interview at version 1.

        Raises ``ActiveInterviewExistsError`` if the user already has one: silently replacing it would lose
        answers, so the caller must ``finish`` or ``abandon`` it explicitly.
        """
        existing = await self.active_for(user)
        if existing is not None:
            raise ActiveInterviewExistsError(user.id, existing.id)
        now = utc_now()
        interview = Interview(
            user_id=user.id,
            invitation_id=None if invitation is None else invitation.id,
            status=InterviewStatus.ACTIVE.value,
            state=state,
            snapshot=copy.deepcopy(snapshot),
            version=1,
            started_at=now,
            updated_at=now,
        )
        try:
            # The partial unique index catches a concurrent start; the savepoint keeps the session usable.
            async with self._session.begin_nested():
                self._session.add(interview)
        except IntegrityError:
            existing = await self.active_for(user)
            if existing is None:
                raise
            raise ActiveInterviewExistsError(user.id, existing.id) from None
        return interview

    async def refresh(self, interview: Interview) -> Interview:
        """Re-reads the row; needed after ``StaleInterviewError`` because ``get`` returns the already loaded
        (now outdated) object from the unit of work's identity map."""
        await self._session.refresh(interview)
        return interview

    async def save(
        self, interview: Interview, state: str, snapshot: JsonObject, expected_version: int
    ) -> Interview:
        """Stores the dialogue's new state and bumps ``version``.

        ``expected_version`` is the version the caller based its decision on (for example the one embedded
        in an inline button); if the interview moved on since, ``StaleInterviewError`` is raised and
        nothing is written.
        """
        await self._write(interview, expected_version, {"state": state, "snapshot": copy.deepcopy(snapshot)})
        return interview

    async def finish(self, interview: Interview) -> Interview:
        """Marks the interview done, freeing the user to start another one."""
        return await self._close(interview, InterviewStatus.FINISHED)

    async def abandon(self, interview: Interview) -> Interview:
        """Gives up on the interview (e.g. the user restarts) while keeping its transcript for reference."""
        return await self._close(interview, InterviewStatus.ABANDONED)

    async def delete(self, interview: Interview) -> None:
        """Removes the interview with its transcript and results (``ON DELETE CASCADE``): for a person who
        refused consent, of whom nothing may be kept."""
        interview_id = interview.id
        await self._session.delete(interview)
        await self._session.flush()
        for obj in list(self._session.identity_map.values()):
            owned = isinstance(obj, TranscriptEntry | Result)
            if owned and inspect(obj).dict.get("interview_id") == interview_id:
                self._session.expunge(obj)

    async def _close(self, interview: Interview, status: InterviewStatus) -> Interview:
        now = utc_now()
        values = {"status": status.value, "finished_at": now, "updated_at": now}
        await self._write(interview, interview.version, values)
        return interview

    async def _write(self, interview: Interview, expected_version: int, values: dict[str, Any]) -> None:
        if interview.status != InterviewStatus.ACTIVE:
            raise InterviewNotActiveError(interview.id, interview.status)
        if interview.version != expected_version:
            raise StaleInterviewError(interview.id, expected_version, interview.version)
        values = {"updated_at": utc_now(), **values, "version": expected_version + 1}
        # The transcript lines staged so far are numbered by this same statement.
        counters = self._transcripts.counters(interview)
        # PostgreSQL inserts them in the same statement too; SQLite has no INSERT inside a WITH, so
        # they are inserted as the unit of work commits (``TranscriptRepository.write_staged``).
        inserted = counters is not None and self._dialect == "postgresql"
        statement = _versioned_update(
            tuple(values), counters is not None, counters is not None and counters.acts, inserted
        )
        parameters = {f"v_{name}": value for name, value in values.items()}
        parameters |= {"b_id": interview.id, "b_expected": expected_version}
        if counters is not None:
            parameters |= counters.parameters()
        if inserted:
            parameters |= self._transcripts.line_arrays(interview)
        last = (await self._session.execute(statement, parameters)).scalar()
        if last is None:
            actual = await self._session.scalar(select(Interview.version).where(Interview.id == interview.id))
            raise StaleInterviewError(interview.id, expected_version, actual)
        if counters is not None:
            self._transcripts.number(interview, last, written=inserted)
        # Mirror the row into the loaded object without marking it dirty (that would write it twice).
        for name, value in values.items():
            set_committed_value(interview, name, value)


@functools.cache
def _versioned_update(
    names: tuple[str, ...], counted_lines: bool, acts: bool, inserted: bool = False
) -> Update | Select[tuple[int]]:
    """``UPDATE interviews SET <names> … WHERE id AND version AND active RETURNING transcript_seq``
    (``inserted``: with the ``INSERT`` of the lines it numbers, see ``with_lines``), built once per
    shape (a statement's construction and cache key cost more than running it); Core, as the ORM's
    bulk-update bookkeeping would too."""
    table = Interview.__table__
    values: dict[str, Any] = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in names}
    if counted_lines:
        values |= counted(acts)
    numbering = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.version == bindparam("b_expected"),
            table.c.status == InterviewStatus.ACTIVE.value,
        )
        .values(**values)
        .returning(table.c.transcript_seq)
    )
    return with_lines(numbering) if inserted else numbering
