"""Transcripts keep every prompt and answer, in order, with aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.storage import Interview, StaleInterviewError, TranscriptDirection, UnitOfWorkFactory

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


async def test_lines_saved_with_the_interview_keep_what_was_staged(uow_factory: UnitOfWorkFactory) -> None:
    """A save writes the lines staged before it (on PostgreSQL in its own statement): every column
    comes back as it was staged, a missing payload as SQL NULL."""
    interview = await started(uow_factory)
    before = datetime.now(UTC)
    lines = [*LINES, (TranscriptDirection.ANSWER, "q3", "はい、5年です", {"value": "5年", "message": 7})]
    async with uow_factory() as uow:
        for direction, key, line, payload in lines:
            await uow.transcripts.append(interview, direction, key, line, payload)
        await uow.interviews.save(interview, "q3", {"at": "q3"}, interview.version)
        await uow.commit()
    after = datetime.now(UTC)
    async with uow_factory() as uow:
        entries = await uow.transcripts.for_interview(interview)
        row = await uow.interviews.get(interview.id)
    async with uow_factory() as uow:
        nulls = await uow.session.scalar(
            text("SELECT count(*) FROM transcript_entries WHERE interview_id = :id AND payload IS NULL"),
            {"id": interview.id},
        )
    assert [(e.direction, e.key, e.text, e.payload) for e in entries] == lines
    assert [e.seq for e in entries] == list(range(1, len(lines) + 1))
    assert nulls == sum(1 for *_, payload in lines if payload is None)
    assert all(e.created_at.tzinfo is UTC and before <= e.created_at <= after for e in entries)
    assert row is not None and (row.transcript_seq, row.last_message_id) == (len(lines), 7)


async def test_a_stale_save_writes_none_of_its_lines(uow_factory: UnitOfWorkFactory) -> None:
    first = await started(uow_factory)
    async with uow_factory() as uow:
        interview = await uow.interviews.get(first.id)
        assert interview is not None
        await uow.session.execute(
            text("UPDATE interviews SET version = version + 1 WHERE id = :id"), {"id": interview.id}
        )
        await uow.transcripts.append(interview, "answer", "q1", "late", {"message": 5})
        with pytest.raises(StaleInterviewError):
            await uow.interviews.save(interview, "q2", {}, interview.version)
        # The transaction is still usable: a retry on the current version writes its own lines only.
        uow.transcripts.discard_staged()  # what the staged lines recorded did not happen
        await uow.interviews.refresh(interview)
        await uow.transcripts.append(interview, "answer", "q1", "current", {"message": 6})
        await uow.interviews.save(interview, "q2", {}, interview.version)
        await uow.commit()
    async with uow_factory() as uow:
        entries = await uow.transcripts.for_interview(interview)
        row = await uow.interviews.get(interview.id)
    assert [(e.seq, e.text) for e in entries] == [(1, "current")]
    assert row is not None and (row.version, row.transcript_seq, row.last_message_id) == (3, 1, 6)


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
