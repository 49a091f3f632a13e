"""Read-only commands write nothing, take no lock, and answer while the database refuses writes.

/resume, /result, /history, /export and the words of every front text are reads: a statement
counter on the engine checks that none of them issues an INSERT, UPDATE or DELETE (not even the old
``last_seen_at`` refresh), nor a row lock, nor SQLite's write lock.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from service_driver import BEGINNER, accepted, take_assessment
from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.service import AssessmentService, Identity
from bot.storage import create_engine_from_url, sqlite_driver, unit_of_work_factory
from bot.storage.repositories.users import LAST_SEEN_GRANULARITY

ALICE = Identity(telegram_id=3001, display_name="Alice", language_code="en")
BOB = Identity(telegram_id=3002, display_name="Bob", language_code="en")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs (BEGIN included on SQLite, where
    it goes with the transaction's first statement: ``sqlite_driver``)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    deferred = sqlite_driver.OneHopConnection.begin_with_next_statement

    def record_begin(connection: sqlite_driver.OneHopConnection, begin: str) -> None:
        seen.append(begin)
        deferred(connection, begin)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    sqlite_driver.OneHopConnection.begin_with_next_statement = record_begin  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        sqlite_driver.OneHopConnection.begin_with_next_statement = deferred  # type: ignore[method-assign]


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if WRITE.match(s) or "FOR UPDATE" in s.upper() or "BEGIN IMMEDIATE" in s.upper()]


def reads(service: AssessmentService, who: Identity) -> dict[str, Callable[[], Awaitable[Any]]]:
    return {
        "/resume": lambda: service.current(who),
        "original": lambda: service.current(who, original=True),
        "last_result": lambda: service.last_result(who),
        "/result": lambda: service.latest_result(who),
        "/history": lambda: service.history(who),
        "/export": lambda: service.export(who),
        "words": lambda: service.words(who),
    }


async def test_reads_issue_no_write_and_no_lock(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    await take_assessment(service, ALICE, BEGINNER)  # a result for /result and /history
    start = await service.start(ALICE)  # and one in progress for /resume and /export
    assert start.prompt is not None
    for who in (ALICE, BOB):  # someone known, and someone never seen
        for name, read in reads(service, who).items():
            with statements(database_engine) as seen:
                await read()
            assert seen, f"{name} was not measured"
            assert writes(seen) == [], f"{name} of {who.display_name} wrote or locked: {writes(seen)}"


async def test_the_statement_counter_sees_a_write(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    """The check above can fail: a writing operation shows up in it (the lock of the person too)."""
    with statements(database_engine) as seen:
        await service.start(ALICE)
    assert any(WRITE.match(s) for s in seen)
    locks = [s for s in writes(seen) if not WRITE.match(s)]
    assert locks, "the person's row lock (PostgreSQL) or the write lock (SQLite) is taken"


async def test_reads_leave_last_seen_alone_and_writes_refresh_it_coarsely(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    reply = await service.start(ALICE)
    assert reply.interview_id is not None and reply.version is not None
    first = await _last_seen(service)
    for read in reads(service, ALICE).values():
        await read()
    assert await _last_seen(service) == first
    accepted(await service.answer(ALICE, "yes", (reply.interview_id, reply.version)), "consent")
    assert await _last_seen(service) == first, "within the granularity a press adds no UPDATE of users"
    async with service._uow() as uow:  # as if the person had been silent for longer than that
        user = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        assert user is not None
        user.last_seen_at = first - LAST_SEEN_GRANULARITY
        await uow.commit()
    await service.answer(ALICE, "hardware")
    assert await _last_seen(service) > first


async def _last_seen(service: AssessmentService) -> Any:
    async with service._uow() as uow:
        user = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        assert user is not None
        return user.last_seen_at


@pytest.fixture
async def read_only_service(
    migrated_database_url: str, database_backend: str
) -> AsyncIterator[AssessmentService]:
    """The same database, opened the way a write outage leaves it: SQLite read-only (``mode=ro``),
    PostgreSQL with ``default_transaction_read_only`` (a replica, a role set so, a full disk)."""
    url = make_url(migrated_database_url)
    if database_backend == "sqlite":
        url = url.set(database=f"file:{url.database}?mode=ro&uri=true")
    else:
        options = url.query.get("options", "")
        url = url.update_query_dict({"options": f"{options} -cdefault_transaction_read_only=on".strip()})
    engine = create_engine_from_url(url.render_as_string(hide_password=False))
    try:
        yield AssessmentService(unit_of_work_factory(engine))
    finally:
        await engine.dispose()


async def test_resume_result_and_history_answer_while_the_database_refuses_writes(
    service: AssessmentService, read_only_service: AssessmentService
) -> None:
    finished = await take_assessment(service, ALICE, BEGINNER)
    started = await service.start(ALICE)
    frozen = read_only_service

    current = await frozen.current(ALICE)
    assert current.prompt is not None and current.interview_id == started.interview_id
    assert current.version == started.version
    history = await frozen.history(ALICE)
    assert [r.id for r in history] == [finished.result_id]
    latest = await frozen.latest_result(ALICE)
    assert latest is not None and latest[0].level == finished.finished_level
    assert (await frozen.export(ALICE) or {}).get("level") == finished.finished_level
    assert (await frozen.words(ALICE)).language == "en"
    # Recording which message shows the question is bookkeeping: it fails quietly, the answer stands.
    assert await frozen.swap_live_message(ALICE, 4242) is None

    with pytest.raises(Exception) as refused:  # the database really refuses writes
        await frozen.answer(ALICE, "yes")
    assert "read" in str(refused.value).lower()
