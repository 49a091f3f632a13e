"""Results come back newest first for a person, with names for the admin, and latest per person for a lead."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.storage import Invitation, Result, UnitOfWorkFactory, User
from bot.storage.unit_of_work import UnitOfWork


async def _interview_with_result(
    uow: UnitOfWork, user: User, level: int, *, field: str = "hardware", invitation: Invitation | None = None
) -> Result:
    interview = await uow.interviews.start(user, "done", {"level": level}, invitation=invitation)
    result = await uow.results.add(interview, field, level, {"field": field}, {"level": level, "gaps": ["é"]})
    await uow.interviews.finish(interview)
    return result


async def test_history_is_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        alice = await uow.users.get_or_create_telegram(1, "Alice")
        bob = await uow.users.get_or_create_telegram(2, "Bob")
        for level in (2, 3, 4):
            await _interview_with_result(uow, alice, level)
        await _interview_with_result(uow, bob, 5)
        await uow.commit()
    async with uow_factory() as uow:
        history = await uow.results.history_for(alice)
    assert [r.level for r in history] == [4, 3, 2]
    assert history[0].evaluation == {"level": 4, "gaps": ["é"]}
    assert history[0].profile == {"field": "hardware"}
    assert history[0].created_at.tzinfo is UTC


async def test_all_results_carry_the_user_for_export(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        alice = await uow.users.get_or_create_telegram(1, "Alice")
        bob = await uow.users.get_or_create_local("terminal:bob", "Bob")
        await _interview_with_result(uow, alice, 3, field="hardware")
        await _interview_with_result(uow, bob, 4, field="software")
        await uow.commit()
    async with uow_factory() as uow:
        everything = await uow.results.all()
        software = await uow.results.all(field="software")
        recent = await uow.results.all(since=datetime(2000, 1, 1, tzinfo=UTC), limit=1)
    assert [(row.display_name, row.result.level) for row in everything] == [("Bob", 4), ("Alice", 3)]
    assert [row.user.local_key for row in software] == ["terminal:bob"]
    assert [row.display_name for row in recent] == ["Bob"]
