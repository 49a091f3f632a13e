"""What one update costs the database, counted in statements: the shape the load benchmark's figures
rest on (``bench/bench_load.py``), kept from growing back.

A button press: one transaction that claims the update's id, loads the person with their interview
(locked), writes the new state with the transcript's numbers in one ``UPDATE`` and the transcript's
lines in one ``INSERT`` — on PostgreSQL both in one statement — and commits. Recording the message
that now shows the question is one statement of its own; a text that is nobody's awaited answer
costs one ``SELECT``; a read writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.awaiting import Awaiting
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory
from bot.storage.idempotency import idempotency_key
from dialogs import Answer

ALICE = Identity(telegram_id=501, display_name="Alice", language_code="en")


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements (their first two words) and transaction ends the block sends, in order."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        if words[0] != "BEGIN":  # a BEGIN is counted below, whichever way the driver sends it
            seen.append(" ".join(words[:2]).upper())

    def on_begin(_conn: Any) -> None:
        seen.append("BEGIN")

    def on_commit(_conn: Any) -> None:
        seen.append("COMMIT")

    sync = engine.sync_engine
    listeners = (("before_cursor_execute", on_execute), ("begin", on_begin), ("commit", on_commit))
    for name, listener in listeners:
        event.listen(sync, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(sync, name, listener)


async def consented(service: AssessmentService) -> int:
    reply = await service.start(ALICE)
    reply = await service.act(ALICE, Answer(True), (reply.interview_id or 0, reply.version or 0))
    assert reply.prompt is not None and reply.prompt.key == "field"
    return reply.version or 0


async def test_a_button_press_is_one_transaction_of_four_statements_or_five_on_sqlite(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    version = await consented(service)
    current = await service.current(ALICE)
    with statements(database_engine) as seen, idempotency_key(9001):
        reply = await service.act(ALICE, Answer("hardware"), (current.interview_id or 0, version))
    assert reply.prompt is not None and reply.prompt.key == "role"
    if database_engine.dialect.name == "postgresql":
        # The new state, numbering the answer and the next question, and both transcript lines.
        writes = ["WITH BUMPED"]
    else:  # SQLite has no INSERT inside a WITH
        writes = ["UPDATE INTERVIEWS", "INSERT INTO"]
    assert seen == [
        "BEGIN",
        "INSERT INTO",  # the update's id: the door against a second delivery, and its record
        "SELECT USERS.ID,",  # the person with their active interview, locked
        *writes,
        "COMMIT",
    ]


async def test_recording_the_live_message_is_one_statement_unless_another_update_came_first(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    await consented(service)
    reply = await service.current(ALICE)
    press = await service.act(ALICE, Answer("hardware"), (reply.interview_id or 0, reply.version or 0))
    with statements(database_engine) as seen:
        assert await service.swap_live_message(ALICE, 70, press.live) is None  # nothing was live yet
    assert seen == ["BEGIN", "UPDATE USERS", "COMMIT"]  # SQLAlchemy's bookkeeping: no BEGIN is sent
    # An older view of the live message (another update swapped since): the locked path decides.
    with statements(database_engine) as seen:
        assert await service.swap_live_message(ALICE, 71, press.live) == 70
    assert seen.count("UPDATE USERS") == 2 and "SELECT USERS.ID," in seen


async def test_a_text_nobody_awaited_costs_one_select_and_a_command_one_update(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await consented(service)
    awaiting = Awaiting(uow_factory)
    with statements(database_engine) as seen:
        assert await awaiting.take(ALICE) is None
    assert [s for s in seen if s not in ("BEGIN", "COMMIT")] == ["SELECT USERS.AWAITING"]
    with statements(database_engine) as seen:
        assert await awaiting.clear(ALICE) is False
    assert [s for s in seen if s not in ("BEGIN", "COMMIT")] == ["UPDATE USERS"]
    await awaiting.expect(ALICE, "team-name")
    assert await awaiting.take(ALICE) == "team-name"
    assert await awaiting.take(ALICE) is None


async def test_reads_write_nothing(service: AssessmentService, database_engine: AsyncEngine) -> None:
    await consented(service)
    with statements(database_engine) as seen, idempotency_key(9002):
        await service.current(ALICE)
        await service.words(ALICE)
        await service.history(ALICE)
    assert not [s for s in seen if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert "COMMIT" not in seen
