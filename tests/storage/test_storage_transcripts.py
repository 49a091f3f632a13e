"""Transcripts keep every prompt and answer, in order, with aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.storage import Interview, TranscriptDirection, UnitOfWorkFactory

LINES = [
    (
        TranscriptDirection.PROMPT,
        "q1",
        "В какой области вы работаете?",
        {"options": ["hardware", "software"]},
    ),
    (TranscriptDirection.ANSWER, "q1", "hardware", None),
    (TranscriptDirection.PROMPT, "q2", "Сколько лет опыта?", None),
    (TranscriptDirection.EVENT, None, "reminder sent", {"after_s": 3600}),
    (TranscriptDirection.ANSWER, "q2", "5", None),
]


async def started(uow_factory: UnitOfWorkFactory, state: str = "q1") -> Interview:
    """A committed interview of a new person, at ``state``."""
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        interview = await uow.interviews.start(user, state, {})
        await uow.commit()
    return interview


async def test_transcript_keeps_order_and_timestamps(uow_factory: UnitOfWorkFactory) -> None:
    before = datetime.now(UTC)
    interview = await started(uow_factory)
    for direction, key, line, payload in LINES:  # one unit of work per update, as the bot does
        async with uow_factory() as uow:
            await uow.transcripts.append(interview, direction, key, line, payload)
            await uow.commit()
    after = datetime.now(UTC)

    async with uow_factory() as uow:
        entries = await uow.transcripts.for_interview(interview)
    assert [(e.direction, e.key, e.text, e.payload) for e in entries] == LINES
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    times = [e.created_at for e in entries]
    assert all(t.tzinfo is UTC for t in times)
    assert times == sorted(times)
    assert before <= times[0] and times[-1] <= after


async def test_sequences_are_per_interview(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        alice = await uow.users.get_or_create_telegram(1)
        bob = await uow.users.get_or_create_telegram(2)
        first = await uow.interviews.start(alice, "q1", {})
        second = await uow.interviews.start(bob, "q1", {})
        for interview in (first, second, first):
            await uow.transcripts.append(interview, "prompt", "q1", "?")
        await uow.commit()
        assert [e.seq for e in await uow.transcripts.for_interview(first)] == [1, 2]
        assert [e.seq for e in await uow.transcripts.for_interview(second)] == [1]


async def test_missing_payload_is_sql_null_and_odd_text_survives(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        interview = await uow.interviews.start(user, "q1", {})
        await uow.transcripts.append(interview, "answer", "q1", "a\x00b 🧑‍💻\n")
        await uow.commit()
    async with uow_factory() as uow:
        is_null = await uow.session.scalar(
            text("SELECT payload IS NULL FROM transcript_entries WHERE interview_id = :id"),
            {"id": interview.id},
        )
        assert bool(is_null)
        (stored,) = await uow.transcripts.for_interview(interview)
        assert stored.text == "a\ufffdb 🧑‍💻\n"  # PostgreSQL text cannot hold NUL


async def test_unknown_direction_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        interview = await uow.interviews.start(user, "q1", {})
        with pytest.raises(ValueError, match="whisper"):
            await uow.transcripts.append(interview, "whisper", None, "psst")


async def test_lines_are_written_at_commit_and_a_rollback_drops_them(uow_factory: UnitOfWorkFactory) -> None:
    interview = await started(uow_factory)
    async with uow_factory() as uow:
        await uow.transcripts.append(interview, "prompt", "q1", "?")
        await uow.rollback()
        await uow.transcripts.append(interview, "answer", "q1", "yes", {"message": 12})
        await uow.commit()
    async with uow_factory() as uow:
        await uow.transcripts.append(interview, "prompt", "q2", "never committed")
    async with uow_factory() as uow:
        entries = await uow.transcripts.for_interview(interview)
        row = await uow.interviews.get(interview.id)
    assert [(e.seq, e.text) for e in entries] == [(1, "yes")]
    assert row is not None and (row.transcript_seq, row.last_message_id) == (1, 12)


async def test_a_save_numbers_the_lines_staged_before_it_and_the_commit_those_after(
    uow_factory: UnitOfWorkFactory,
) -> None:
    interview = await started(uow_factory)
    async with uow_factory() as uow:
        await uow.transcripts.append(interview, "prompt", "q1", "first?")
        await uow.commit()
    async with uow_factory() as uow:
        await uow.transcripts.append(interview, "answer", "q1", "a", {"message": 30})
        await uow.transcripts.append(interview, "prompt", "q2", "second?")
        await uow.interviews.save(interview, "q2", {"at": "q2"}, interview.version)
        await uow.transcripts.append(interview, "event", None, "noted")  # after the save: no message
        await uow.commit()
    async with uow_factory() as uow:
        entries = await uow.transcripts.for_interview(interview)
        row = await uow.interviews.get(interview.id)
    assert [(e.seq, e.direction, e.text) for e in entries] == [
        (1, "prompt", "first?"),
        (2, "answer", "a"),
        (3, "prompt", "second?"),
        (4, "event", "noted"),
    ]
    assert row is not None and (row.version, row.transcript_seq, row.last_message_id) == (2, 4, None)


async def test_lines_of_an_interview_deleted_in_the_same_unit_of_work_go_with_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    interview = await started(uow_factory, "consent")
    async with uow_factory() as uow:
        await uow.transcripts.append(interview, "event", "consent", "decline")
        await uow.interviews.delete(interview)
        await uow.commit()
    async with uow_factory() as uow:
        count = await uow.session.scalar(text("SELECT count(*) FROM transcript_entries"))
    assert count == 0
