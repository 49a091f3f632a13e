"""Polling on PostgreSQL handles different people's updates side by side and each person's in
arrival order (``bot.telegram_order``); on SQLite one update at a time. The poller fetches no more
while every place is taken."""

from __future__ import annotations

import asyncio
import gc
import warnings
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Update

from bot.config import Settings
from bot.telegram_bot import build_application
from bot.telegram_order import CONCURRENT_UPDATES, PersonOrderedUpdates, person_of
from bot.telegram_polling import Poller


def _update(update_id: int, user: int | None) -> Update:
    """A text from ``user`` (None: an update of nobody, such as a poll's new state)."""
    if user is None:
        return Update(update_id)
    message = {
        "message_id": update_id,
        "date": 1,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "P"},
        "text": str(update_id),
    }
    update = Update.de_json({"update_id": update_id, "message": message}, None)
    assert update is not None
    return update


async def _run_all(processor: PersonOrderedUpdates, updates: list[tuple[Update, float]]) -> list[str]:
    """Feeds ``updates`` as python-telegram-bot does (a task each, in order); each takes its delay."""
    events: list[str] = []

    async def handle(update: Update, delay: float) -> None:
        events.append(f"start {update.update_id}")
        await asyncio.sleep(delay)
        events.append(f"end {update.update_id}")

    tasks = [asyncio.create_task(processor.process_update(u, handle(u, d))) for u, d in updates]
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    return events


async def test_one_persons_updates_run_in_order_and_others_meanwhile() -> None:
    processor = PersonOrderedUpdates(8)
    # Alice's first update is slow; her second must wait for it, Bob's must not.
    events = await _run_all(
        processor, [(_update(1, 7), 0.05), (_update(2, 7), 0.0), (_update(3, 8), 0.0), (_update(4, 7), 0.0)]
    )
    assert events.index("end 1") < events.index("start 2") < events.index("end 2") < events.index("start 4")
    assert events.index("end 3") < events.index("end 1"), "Bob waited for Alice"
    assert processor._last == {}  # no line is kept for people with nothing in hand


async def test_an_update_of_nobody_waits_for_no_one() -> None:
    processor = PersonOrderedUpdates(4)
    events = await _run_all(processor, [(_update(1, 7), 0.05), (_update(2, None), 0.0)])
    assert events.index("end 2") < events.index("end 1")
    assert person_of(_update(3, None)) is None and person_of(object()) is None


async def test_one_at_a_time_when_there_is_one_place() -> None:
    events = await _run_all(PersonOrderedUpdates(1), [(_update(1, 7), 0.02), (_update(2, 8), 0.0)])
    assert events == ["start 1", "end 1", "start 2", "end 2"]


async def test_cancelled_in_line_it_never_runs_and_the_next_still_waits() -> None:
    """At shutdown an update waiting for its person's earlier one may be cancelled: its handling is
    dropped without a "never awaited" warning, and the person's next one still waits its turn."""
    processor = PersonOrderedUpdates(8)
    events: list[str] = []
    release = asyncio.Event()

    async def handle(name: str, wait: bool) -> None:
        events.append(f"start {name}")
        if wait:
            await release.wait()
        events.append(f"end {name}")

    first = asyncio.create_task(processor.process_update(_update(1, 7), handle("1", True)))
    second = asyncio.create_task(processor.process_update(_update(2, 7), handle("2", False)))
    third = asyncio.create_task(processor.process_update(_update(3, 7), handle("3", False)))
    await asyncio.sleep(0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be an error here
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        gc.collect()
    await asyncio.sleep(0.01)
    assert events == ["start 1"], "the third ran before the first was done"
    third.cancel()  # the last in line now: whoever comes next must still wait for the first
    with pytest.raises(asyncio.CancelledError):
        await third
    fourth = asyncio.create_task(processor.process_update(_update(4, 7), handle("4", False)))
    await asyncio.sleep(0.01)
    assert events == ["start 1"], "a later update ran before the first was done"
    release.set()
    await asyncio.wait_for(asyncio.gather(first, fourth), 5)
    assert events == ["start 1", "end 1", "start 4", "end 4"]
    assert processor._last == {}


async def test_the_poller_waits_for_a_free_place_before_fetching_more() -> None:
    class _Bot:
        def __init__(self) -> None:
            self.calls = 0

        async def get_updates(self, **_: Any) -> list[Update]:
            self.calls += 1
            await asyncio.sleep(0)
            return [Update(self.calls)]

    processor = SimpleNamespace(current_concurrent_updates=2, max_concurrent_updates=2)
    app = SimpleNamespace(
        bot=_Bot(),
        update_queue=asyncio.Queue(),
        drained=asyncio.Event(),
        finished=asyncio.Event(),
        update_processor=processor,
    )
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(app, stop).run())  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    app.update_queue.get_nowait()
    app.drained.set()  # the update fetched is being handled, but every place is taken
    await asyncio.sleep(0.01)
    assert app.bot.calls == 1
    processor.current_concurrent_updates = 1  # one is done
    app.finished.set()
    await asyncio.sleep(0.01)
    assert app.bot.calls == 2
    stop.set()
    await asyncio.wait_for(polling, 5)


@pytest.mark.parametrize(
    ("database_url", "places"),
    [
        (None, 1),
        ("sqlite:///levelcheck.sqlite3", 1),
        ("postgresql://levelcheck@db/levelcheck", CONCURRENT_UPDATES),
    ],
)
def test_updates_go_side_by_side_on_postgresql_only(database_url: str | None, places: int) -> None:
    settings = Settings(bot_token="123:abc", database_url=database_url)  # type: ignore[call-arg]
    app = build_application(settings)
    assert app.update_processor.max_concurrent_updates == places
    assert isinstance(app.update_processor, PersonOrderedUpdates) == (places > 1)
