"""After a successful start the process freezes what it built, so full collections skip it."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

from telegram.error import InvalidToken

from bot.telegram_polling import EXIT_TOKEN_REJECTED, start_or_exit


class _App:
    """What ``start_or_exit`` uses of an Application."""

    post_init = None

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse

    async def initialize(self) -> None:
        if self.refuse:
            raise InvalidToken("rejected")


def _start(app: Any) -> int | None:
    return asyncio.run(start_or_exit(app, asyncio.Event(), logging.getLogger("test")))


def test_a_started_process_freezes_its_startup_objects() -> None:
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        assert _start(_App()) is None
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_a_refused_start_freezes_nothing() -> None:
    gc.unfreeze()
    try:
        assert _start(_App(refuse=True)) == EXIT_TOKEN_REJECTED
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
