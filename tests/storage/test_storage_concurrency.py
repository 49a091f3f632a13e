"""Concurrent units of work (the bot handles updates concurrently) neither lose writes nor duplicate rows."""

from __future__ import annotations

import asyncio

import pytest
from backends import count_rows
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import ActiveInterviewExistsError, StaleInterviewError, UnitOfWorkFactory

CONCURRENCY = 5


async def test_concurrent_first_contacts_create_one_user(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    async def first_contact() -> int:
        async with uow_factory() as uow:
            user = await uow.users.get_or_create_telegram(77, "Alice")
            await uow.commit()
            return user.id

    ids = await asyncio.gather(*(first_contact() for _ in range(CONCURRENCY)))
    assert len(set(ids)) == 1
    assert (await count_rows(database_engine))["users"] == 1


async def test_concurrent_starts_leave_one_active_interview(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(77, "Alice")
        await uow.commit()

    async def start() -> int:
        async with uow_factory() as uow:
            interview = await uow.interviews.start(user, "q1", {})
            await uow.commit()
            return interview.id

    outcomes = await asyncio.gather(*(start() for _ in range(CONCURRENCY)), return_exceptions=True)
    started = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, ActiveInterviewExistsError)]
    assert len(started) == 1, outcomes
    assert len(refused) == CONCURRENCY - 1, outcomes


async def test_concurrent_saves_of_the_same_version_let_exactly_one_win(
    uow_factory: UnitOfWorkFactory, database_backend: str
) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(77, "Alice")
        interview_id = (await uow.interviews.start(user, "q1", {})).id
        await uow.commit()

    # On PostgreSQL both writers read version 1 before either writes. SQLite serializes whole units of
    # work, so there the second one reads the first one's result; both paths must refuse the loser.
    both_loaded = asyncio.Barrier(2) if database_backend == "postgresql" else None

    async def answer(state: str) -> str:
        async with uow_factory() as uow:
            interview = await uow.interviews.get(interview_id)
            assert interview is not None
            if both_loaded is not None:
                await asyncio.wait_for(both_loaded.wait(), timeout=5)
            await uow.interviews.save(interview, state, {"answer": state}, expected_version=1)
            await uow.commit()
            return state

    outcomes = await asyncio.gather(answer("a"), answer("b"), return_exceptions=True)
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    assert isinstance(next(o for o in outcomes if not isinstance(o, str)), StaleInterviewError)

    async with uow_factory() as uow:
        stored = await uow.interviews.get(interview_id)
        assert stored is not None
        assert (stored.version, stored.state, stored.snapshot) == (2, winners[0], {"answer": winners[0]})


@pytest.mark.parametrize("entries", [8])
async def test_concurrent_transcript_appends_get_distinct_sequence_numbers(
    uow_factory: UnitOfWorkFactory, entries: int
) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(77, "Alice")
        interview = await uow.interviews.start(user, "q1", {})
        await uow.commit()

    async def append(n: int) -> None:
        async with uow_factory() as uow:
            await uow.transcripts.append(interview, "event", None, f"event {n}")
            await uow.commit()

    await asyncio.gather(*(append(n) for n in range(entries)))
    async with uow_factory() as uow:
        seqs = [entry.seq for entry in await uow.transcripts.for_interview(interview)]
    assert seqs == list(range(1, entries + 1))
