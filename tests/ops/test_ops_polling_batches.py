"""A busy bot fetches its next updates when the batch it has is being handled to its last update,
not while updates still wait in its queue (``Poller._until_drained``)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from telegram import Update

from bot.telegram_polling import Poller


class _Bot:
    def __init__(self) -> None:
        self.calls: list[int | None] = []
        self.next_id = 1

    async def get_updates(self, offset: int | None = None, **_: Any) -> list[Update]:
        self.calls.append(offset)
        batch = [Update(self.next_id + n) for n in range(3)]
        self.next_id += 3
        await asyncio.sleep(0)
        return batch


async def test_the_next_poll_waits_until_the_queue_is_drained() -> None:
    bot = _Bot()
    app = SimpleNamespace(bot=bot, update_queue=asyncio.Queue(), drained=asyncio.Event())
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(app, stop).run())  # type: ignore[arg-type]
    for _ in range(20):
        await asyncio.sleep(0)
    assert bot.calls == [None]  # three updates wait in the queue: no second poll yet
    assert app.update_queue.qsize() == 3
    for _ in range(3):  # the application takes them; taking the last one drains the queue
        app.update_queue.get_nowait()
    app.drained.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert bot.calls[:2] == [None, 4]  # the next poll confirms the first batch
    stop.set()
    await asyncio.wait_for(polling, 5)
