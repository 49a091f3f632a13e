"""The storage side of exactly-once: an idempotency key is recorded with a delivery's first change,
in the same transaction, so a second handling of the same key is rolled back whole."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from backends import count_rows
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import RuntimeOptions
from bot.housekeeping import PROCESSED_UPDATES_KEPT, Housekeeping
from bot.storage import UnitOfWorkFactory, utc_now
from bot.storage.idempotency import DuplicateDelivery, ProcessedDeliveries, idempotency_key
from bot.storage.models import ProcessedUpdate


async def create_user(uow_factory: UnitOfWorkFactory, telegram_id: int) -> None:
    async with uow_factory() as uow:
        await uow.users.get_or_create_telegram(telegram_id, "Someone")
        await uow.commit()


async def test_the_key_is_committed_with_the_first_change_and_refuses_a_second_handling(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    with idempotency_key(41) as key:
        await create_user(uow_factory, 1)
        assert key.recorded
        await create_user(uow_factory, 2)  # a later transaction of the same handling: no second insert
    with pytest.raises(DuplicateDelivery), idempotency_key(41) as again:
        await create_user(uow_factory, 3)  # the redelivery's change is rolled back with the key
    assert not again.recorded
    counts = await count_rows(database_engine)
    assert (counts["users"], counts["processed_updates"]) == (2, 1)
    assert await ProcessedDeliveries(database_engine).seen(41)
    assert not await ProcessedDeliveries(database_engine).seen(42)


async def test_a_handling_that_changes_nothing_is_recorded_on_its_own(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    deliveries = ProcessedDeliveries(database_engine)
    with idempotency_key(7) as key:
        async with uow_factory() as uow:
            await uow.read_only()
            assert await uow.users.by_telegram_id(1) is None  # a read looks the key up, inserts nothing
        async with uow_factory() as uow:
            assert await uow.users.by_telegram_id(1) is None  # a write that never commits: rolled back
        assert not key.recorded
        await deliveries.record(key)
    assert key.recorded and await deliveries.seen(7)
    with idempotency_key(7) as copy, pytest.raises(DuplicateDelivery):
        await deliveries.record(copy)
    assert (await count_rows(database_engine))["processed_updates"] == 1


async def test_a_writing_transaction_that_commits_records_the_key_even_unchanged(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    """A button refused as stale commits nothing but its answer went out: a redelivery of it must
    find the key, or it would send the question again."""
    with idempotency_key(8) as key:
        async with uow_factory() as uow:
            assert await uow.users.by_telegram_id(1) is None
            await uow.commit()
        assert key.recorded
    with pytest.raises(DuplicateDelivery), idempotency_key(8):
        async with uow_factory() as uow:
            await uow.users.by_telegram_id(1)  # refused before it reads anything
    with pytest.raises(DuplicateDelivery), idempotency_key(8):
        async with uow_factory() as uow:
            await uow.read_only()
            await uow.users.by_telegram_id(1)  # a read of an applied delivery is refused too
    assert (await count_rows(database_engine))["processed_updates"] == 1


async def test_outside_a_key_or_after_it_closed_nothing_is_recorded(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await create_user(uow_factory, 1)
    with idempotency_key(9) as key:
        pass
    assert key.closed
    await create_user(uow_factory, 2)
    assert (await count_rows(database_engine))["processed_updates"] == 0


async def test_two_handlings_of_one_key_at_once_apply_one(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    """Two replicas handling the same update at the same moment: whichever commits second is
    refused and its change is gone."""

    async def handle(telegram_id: int) -> str:
        with idempotency_key(77):
            try:
                await create_user(uow_factory, telegram_id)
            except DuplicateDelivery:
                return "duplicate"
            return "applied"

    outcomes = await asyncio.gather(handle(1), handle(2))
    assert sorted(outcomes) == ["applied", "duplicate"]
    counts = await count_rows(database_engine)
    assert (counts["users"], counts["processed_updates"]) == (1, 1)


async def test_housekeeping_forgets_update_ids_after_a_week(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    now = utc_now()
    async with uow_factory() as uow:
        uow.session.add_all(
            [
                ProcessedUpdate(
                    update_id=1, processed_at=now - PROCESSED_UPDATES_KEPT - timedelta(minutes=1)
                ),
                ProcessedUpdate(
                    update_id=2, processed_at=now - PROCESSED_UPDATES_KEPT + timedelta(minutes=1)
                ),
            ]
        )
        await uow.commit()
    report = await Housekeeping(uow_factory, RuntimeOptions()).run(now)
    assert report.processed_updates == 1
    async with database_engine.connect() as connection:
        assert list(await connection.scalars(select(ProcessedUpdate.update_id))) == [2]
    assert timedelta(days=1) <= PROCESSED_UPDATES_KEPT, "Telegram redelivers for up to 24 hours"
