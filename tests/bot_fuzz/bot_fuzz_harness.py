"""The real Telegram application in-process, talking to the fake Bot API, fed update by update.

``build_application`` is called with real ``Settings`` (from environment variables), the
application is initialised and its ``post_init`` (migrations, runtime, commands) run by hand as
``run_polling`` would. Updates are produced by the fake's user side (``send_text``, ``press``),
fetched with the bot's own ``getUpdates`` exactly as polling would, and handed to
``Application.process_update`` one at a time. Everything that went wrong is collected: exceptions
that reached the error handlers, ERROR log records of the ``bot`` package, failed Bot API calls and
crashes of the fake.

``tests/`` goes on ``sys.path`` so the fake imports as ``fakes.bot_api``, as elsewhere (this
module is imported by this folder's ``conftest.py`` first).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from fakes.bot_api import ApiCall, FakeBotApi  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.storage import unit_of_work_factory  # noqa: E402

TOKEN = "6100000001:FuzzToken_not-real-42"
ADMIN_ID = 6199999999
_T = TypeVar("_T")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Failure:
    update: object
    error: BaseException | None
    trace: str


@dataclass(repr=False)
class BotUnderTest:
    app: Application[Any, Any, Any, Any, Any, Any]
    fake: FakeBotApi
    loop: asyncio.AbstractEventLoop
    database_url: str
    reader: AsyncEngine  # a second engine on the same database, for the checks
    failures: list[Failure] = field(default_factory=list)
    log: _Records = field(default_factory=_Records)
    offset: int = 0

    def __repr__(self) -> str:
        return f"<BotUnderTest {self.database_url}>"

    def uow(self) -> Any:
        return unit_of_work_factory(self.reader)()

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return self.loop.run_until_complete(coro)

    async def deliver(self) -> int:
        """Takes what the fake has queued, as polling would, and processes it in order."""
        updates = await self.app.bot.get_updates(offset=self.offset, timeout=0)
        for update in updates:
            self.offset = update.update_id + 1
            await self.app.process_update(update)
        return len(updates)

    async def process(self, data: dict[str, Any]) -> None:
        """An update built by hand (for kinds the fake's user side cannot produce, e.g. edits)."""
        await self.app.process_update(Update.de_json(data, self.app.bot))

    def failed_calls(self, since: int) -> list[ApiCall]:
        """The bot's Bot API calls that failed, except what real Telegram says on a harmless no-op edit
        (the bot handles "message is not modified" on purpose)."""
        return [
            c
            for c in self.fake.requests[since:]
            if not c.ok
            and c.method != "getUpdates"
            and not str(c.response.get("description", "")).startswith("Bad Request: message is not modified")
        ]
