"""Fixtures of the handler fuzz tests: the real application in-process, on a fresh SQLite file per test."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bot_fuzz_harness import ADMIN_ID, TOKEN, BotUnderTest, Failure
from fakes.bot_api import FakeBotApi

from bot.config import Settings
from bot.storage import create_engine_from_url
from bot.telegram_bot import build_application


@pytest.fixture
def event_loop_for_bot() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


@pytest.fixture
def bot_under_test(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, event_loop_for_bot: asyncio.AbstractEventLoop
) -> Iterator[BotUnderTest]:
    fake = FakeBotApi(token=TOKEN, username="levelcheck_fuzz_bot").start()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'fuzz.sqlite3'}"
    monkeypatch.chdir(tmp_path)  # Settings also reads ./.env: none here
    for name, value in {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "LOG_LEVEL": "INFO",
        **fake.env(),
    }.items():
        monkeypatch.setenv(name, value)
    app = build_application(Settings())
    harness = BotUnderTest(app, fake, event_loop_for_bot, database_url, create_engine_from_url(database_url))

    async def record(update: object, context: Any) -> None:
        error = context.error
        trace = "".join(traceback.format_exception(error)) if error else ""
        harness.failures.append(Failure(update, error, trace))

    app.add_error_handler(record)
    logger = logging.getLogger("bot")
    logger.addHandler(harness.log)
    loop = event_loop_for_bot
    try:
        loop.run_until_complete(app.initialize())
        assert app.post_init is not None
        loop.run_until_complete(app.post_init(app))  # initialize() does not run it; run_polling does
        assert fake.calls("setMyCommands"), "post_init publishes the commands"
        yield harness
    finally:
        logger.removeHandler(harness.log)
        try:
            if app.post_shutdown is not None:
                loop.run_until_complete(app.post_shutdown(app))
            loop.run_until_complete(app.shutdown())
        finally:
            loop.run_until_complete(harness.reader.dispose())
            fake.stop()
    assert fake.internal_errors == []
