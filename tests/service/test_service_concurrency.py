"""Two updates of the same person at once (a double tap, two devices, two bot processes).

Each call runs on its own engine, as it would in another process: nothing is shared but the database.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import AsyncExitStack
from typing import Any

import pytest
from admin_views import transcript_of
from service_driver import Fresh, accepted
from sqlalchemy import make_url, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.service import AssessmentService, Identity, Reply
from bot.storage import Interview as InterviewRow
from bot.storage.repositories import InterviewRepository

ALICE = Identity(telegram_id=2001, display_name="Alice")
WRITERS = 4


async def _services(stack: AsyncExitStack, fresh: Fresh, count: int) -> list[AssessmentService]:
    """``count`` services as separate processes, each already connected: otherwise opening the
    connections staggers the calls and they rarely overlap at all."""
    services = [await stack.enter_async_context(fresh()) for _ in range(count)]
    await asyncio.gather(*(s.words(ALICE) for s in services))
    return services


async def _at_field(service: AssessmentService) -> Reply:
    start = await service.start(ALICE)
    assert start.interview_id is not None and start.version is not None
    return accepted(await service.answer(ALICE, "yes", (start.interview_id, start.version)), "consent")


async def _check_consistent(service: AssessmentService, interview_id: int) -> tuple[dict, list]:
    """The stored snapshot agrees with the transcript: every accepted answer is there exactly once."""
    current = await service.current(ALICE)
    assert current.interview_id == interview_id and current.prompt is not None
    async with service._uow() as uow:
        row = await uow.interviews.get(interview_id)
        assert row is not None
        snapshot = dict(row.snapshot)
    lines = await transcript_of(service, interview_id)
    assert lines is not None
    assert [x.seq for x in lines] == list(range(1, len(lines) + 1))
    accepted_keys = [x.key for x in lines if x.direction == "answer" and x.rejected is None]
    assert len(accepted_keys) == len(set(accepted_keys)), accepted_keys
    assert snapshot["history"] == [k for k in accepted_keys if k != "consent"]
    assert set(snapshot["answers"]) == set(snapshot["history"])
    return snapshot, lines


async def test_concurrent_answers_with_the_same_version_let_exactly_one_win(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    field = await _at_field(service)
    assert field.interview_id is not None and field.version is not None
    expect = (field.interview_id, field.version)
    values = ["hardware", "software", "facility", "hardware"][:WRITERS]
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, WRITERS)
        replies = await asyncio.gather(
            *(s.answer(ALICE, v, expect) for s, v in zip(services, values, strict=True))
        )

    winners = [(v, r) for v, r in zip(values, replies, strict=True) if not r.stale]
    assert len(winners) == 1, replies
    value, winner = winners[0]
    assert winner.prompt is not None and winner.prompt.key == "role" and winner.version == field.version + 1
    for reply in replies:
        if reply.stale:
            assert reply.notice == "stale" and reply.version == winner.version
            assert reply.prompt is not None and reply.prompt.key == "role"

    snapshot, lines = await _check_consistent(service, field.interview_id)
    assert snapshot["answers"] == {"field": value}
    assert [x.key for x in lines if x.direction == "answer"] == ["consent", "field"]
    assert (await service.current(ALICE)).version == field.version + 1


async def test_concurrent_answers_without_a_version_are_applied_one_after_the_other(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    """The terminal sends no version: the second answer meets the next question and is judged there."""
    field = await _at_field(service)
    assert field.interview_id is not None and field.version is not None
    async with AsyncExitStack() as stack:
        one, two = await _services(stack, fresh_service, 2)
        replies = await asyncio.gather(one.answer(ALICE, "hardware"), two.answer(ALICE, "software"))

    snapshot, lines = await _check_consistent(service, field.interview_id)
    assert snapshot["answers"]["field"] in ("hardware", "software")
    assert list(snapshot["answers"]) == ["field"]  # neither field value can answer the role question
    refused = [r for r in replies if r.stale or (r.prompt is not None and r.prompt.error)]
    assert len(refused) == 1, replies
    field_answers = [x for x in lines if x.direction == "answer" and x.key == "field"]
    assert len(field_answers) == 1 and field_answers[0].rejected is None


async def test_concurrent_toggles_are_all_kept_or_reported_stale(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    reply = await _at_field(service)
    for value in ("hardware", "responsible", "1"):
        reply = accepted(await service.answer(ALICE, value), value)
    assert reply.prompt is not None and reply.prompt.key == "project.1.complexity"
    options = [o.id for o in reply.prompt.options][:WRITERS]
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, len(options))
        replies = await asyncio.gather(*(s.toggle(ALICE, o) for s, o in zip(services, options, strict=True)))

    kept = {o for o, r in zip(options, replies, strict=True) if not r.stale}
    assert kept, replies
    current = await service.current(ALICE)
    assert current.prompt is not None and set(current.prompt.selected) == kept
    assert current.version == reply.version + len(kept)  # type: ignore[operator]


@pytest.mark.parametrize("known", [True, False], ids=["known_person", "first_contact"])
async def test_concurrent_starts_open_one_interview_and_the_others_resume_it(
    service: AssessmentService, fresh_service: Fresh, known: bool
) -> None:
    """Four /start of one person at once, as four processes: one opens the interview, three resume
    it — none fails. Nothing but the lock on the person's row orders them (reads write nothing, so
    no incidental UPDATE of ``last_seen_at`` does it any more); a first contact races on the
    insert of the person, whose losers then wait on the winner's row."""
    if known:  # with everything /start would store about her, so it has no UPDATE of its own to do
        async with service._uow() as uow:
            user = await uow.users.get_or_create_telegram(ALICE.telegram_id or 0, "Alice")
            user.language = "en"
            await uow.commit()
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, WRITERS)
        replies = await asyncio.gather(*(s.start(ALICE) for s in services))
    assert len({r.interview_id for r in replies}) == 1, replies
    assert sorted(r.notice or "" for r in replies) == ["", *["resumed"] * (WRITERS - 1)]
    async with service._uow() as uow:
        user = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        assert user is not None and len(await uow.interviews.list_for_user(user)) == 1


@pytest.mark.postgres
async def test_a_second_update_of_the_person_waits_on_the_person_row_lock(
    service: AssessmentService, fresh_service: Fresh, database_backend: str, database_engine: AsyncEngine
) -> None:
    """The serialization is the explicit ``SELECT … FOR UPDATE`` of the person, nothing else.

    The first /start is held inside its transaction, after it loaded the person and before it
    looks for an interview. A second /start (another process) must then be waiting in PostgreSQL
    on exactly that lock: on the ``SELECT … FROM users … FOR UPDATE``, not further on (without the
    lock it would get to the insert of a second interview and wait on the unique index there, or
    fail). Released, the first opens the interview and the second resumes it.
    """
    if database_backend != "postgresql":
        pytest.skip("SQLite has no row locks: BEGIN IMMEDIATE serializes writers (next test)")
    async with service._uow() as uow:
        await uow.users.get_or_create_telegram(ALICE.telegram_id or 0, "Alice")
        await uow.commit()
    holding, release = asyncio.Event(), asyncio.Event()
    real_active_for = InterviewRepository.active_for

    async def held_once(self: InterviewRepository, user: Any) -> Any:
        if not holding.is_set():  # only the first caller is held
            holding.set()
            await release.wait()
        return await real_active_for(self, user)

    async with AsyncExitStack() as stack:
        first_service, second_service = await _services(stack, fresh_service, 2)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(InterviewRepository, "active_for", held_once)
            first = asyncio.create_task(first_service.start(ALICE))
            await asyncio.wait_for(holding.wait(), timeout=10)
            second = asyncio.create_task(second_service.start(ALICE))
            try:
                waiting = await _waiting_statement(database_engine)
            finally:
                release.set()
            replies = await asyncio.gather(first, second, return_exceptions=True)
    assert re.search(r"FROM users\b.*FOR UPDATE", waiting, re.IGNORECASE | re.DOTALL), waiting
    assert [r.notice for r in replies] == [None, "resumed"]
    assert replies[0].interview_id == replies[1].interview_id


async def _waiting_statement(engine: AsyncEngine) -> str:
    """The statement of the session blocked on a lock in this database, once there is one ("" if
    none is within 10 s: then the second update was not held back at all)."""
    query = text(
        "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        async with engine.connect() as connection:
            found = (await connection.execute(query)).scalars().first()
        if found is not None:
            return str(found)
        await asyncio.sleep(0.01)  # polling for a state, not waiting for time to pass
    return ""


async def test_sqlite_serializes_writers_at_begin(
    service: AssessmentService, database_backend: str, migrated_database_url: str
) -> None:
    """SQLite's side of the same guarantee: while one unit of work writes for a person, no other
    writer can even begin (``BEGIN IMMEDIATE`` takes the database's one write lock), so the
    ``FOR UPDATE`` that SQLite ignores is not missed. A read still can."""
    if database_backend != "sqlite":
        pytest.skip("PostgreSQL serializes on the person's row (previous test)")
    path = make_url(migrated_database_url).database
    assert path is not None
    async with service._uow() as uow:
        await uow.users.get_or_create_telegram(ALICE.telegram_id or 0, "Alice")
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN")
            assert other.execute("SELECT count(*) FROM users").fetchone() == (0,)  # not committed yet
            other.execute("ROLLBACK")
        finally:
            other.close()
        await uow.commit()


async def test_a_write_that_loses_the_version_race_is_rolled_back_and_reported_stale(
    service: AssessmentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The conditional UPDATE itself refuses (another writer got in between the read and the write).

    Across processes the lock on the person's row serializes the calls for one person first, so this
    is forced: the version moves inside the same transaction, just before the save.
    """
    field = await _at_field(service)
    assert field.interview_id is not None
    before = await transcript_of(service, field.interview_id)
    real_save = InterviewRepository.save

    async def save_after_someone_else(self, interview, state, snapshot, expected_version):  # type: ignore[no-untyped-def]
        await self._session.execute(
            update(InterviewRow)
            .where(InterviewRow.id == interview.id)
            .values(version=InterviewRow.version + 1)
        )
        return await real_save(self, interview, state, snapshot, expected_version)

    monkeypatch.setattr(InterviewRepository, "save", save_after_someone_else)
    reply = await service.answer(ALICE, "hardware")
    monkeypatch.undo()

    assert reply.stale and reply.notice == "stale"
    assert (reply.interview_id, reply.version) == (field.interview_id, field.version)
    assert reply.prompt is not None and reply.prompt.key == "field"
    assert await transcript_of(service, field.interview_id) == before
    current = await service.current(ALICE)
    assert (current.version, current.prompt) == (field.version, field.prompt)
