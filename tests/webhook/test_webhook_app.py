"""The webhook's ASGI app in this process: the secret, health, readiness, metrics, and duplicates.

The bot (python-telegram-bot's application, its database and services) runs in the test's event
loop and answers through the fake Bot API; updates are what the fake queued for a user's action,
posted to the app by the test itself, once or twice, one after the other or at the same moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from backends import count_rows
from e2e_harness import CATALOGUE, TOKEN, question_key
from fakes.bot_api import FakeBotApi, FakeUser
from telegram import Update
from webhook_harness import SECRET

from bot import metrics
from bot.config import Settings
from bot.storage import create_engine_from_url
from bot.telegram_bot import build_application
from bot.telegram_delivery import ExactlyOnceApplication
from bot.telegram_webhook import SECRET_HEADER, create_webhook_app


class Bot:
    """The application, its ASGI app and a client for it."""

    def __init__(self, app: ExactlyOnceApplication, client: httpx.AsyncClient, fake: FakeBotApi) -> None:
        self.app = app
        self.client = client
        self.fake = fake

    @property
    def engine(self) -> Any:
        return self.app.bot_data.runtime.engine

    def take(self) -> dict[str, Any]:
        """The update the fake queued for the latest user action (nobody polls: the test delivers)."""
        with self.fake._state.cond:
            return self.fake._state.updates.pop(0)

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return (await self.client.post("/telegram", json=update, headers=headers)).status_code


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings(
        _env_file=None,
        BOT_TOKEN=TOKEN,
        DATABASE_URL=database_url,
        BOT_API_BASE_URL=fake.base_url,
        BOT_API_FILE_URL=fake.base_file_url,
        MODE="webhook",
        WEBHOOK_SECRET=SECRET,
        PERSON_UPDATE_LIMIT=0,
    )
    app = build_application(settings)
    assert isinstance(app, ExactlyOnceApplication)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    asgi = create_webhook_app(app, app.bot_data.runtime.engine, SECRET)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url="http://bot"
        ) as client:
            yield Bot(app, client, fake)
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels or None) or 0.0


def prompts(user: FakeUser, key: str) -> list[dict[str, Any]]:
    """The bot's messages in the chat that ask question ``key``."""
    found = []
    for message in user.history:
        if message["from"]["is_bot"] and "reply_markup" in message:
            try:
                if question_key(message["text"]) == key:
                    found.append(message)
            except AssertionError:
                continue
    return found


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    bot: Bot, fake: FakeBotApi, secret: str | None
) -> None:
    fake.user(7330000001, "Eve").send_text("/start")
    update = bot.take()
    sent = len(fake.calls("sendMessage"))
    assert await bot.post(update, secret) == 403
    counts = await count_rows(bot.engine)
    assert (counts["users"], counts["interviews"], counts["processed_updates"]) == (0, 0, 0)
    assert len(fake.calls("sendMessage")) == sent
    assert await bot.post(update) == 200  # the right secret: handled
    assert (await count_rows(bot.engine))["interviews"] == 1


async def test_health_readiness_and_metrics(bot: Bot) -> None:
    assert (await bot.client.get("/healthz")).text == "ok\n"
    ready = await bot.client.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready\n")
    page = await bot.client.get("/metrics")
    assert page.headers["content-type"].startswith("text/plain")
    for name in (
        "levelcheck_updates_handled_total",
        "levelcheck_update_handling_seconds_bucket",
        "levelcheck_update_errors_total",
        "levelcheck_duplicate_updates_dropped_total",
        "levelcheck_interviews_started_total",
        "levelcheck_interviews_finished_total",
    ):
        assert f"\n{name}" in page.text or f"# HELP {name} " in page.text, name
    assert (await bot.client.get("/telegram")).status_code == 405
    assert (
        await bot.client.post("/telegram", content=b"{", headers={SECRET_HEADER: SECRET})
    ).status_code == 400


async def test_not_ready_without_a_migrated_database_or_without_a_database(bot: Bot, tmp_path: Path) -> None:
    for url, why in (
        (f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}", "this code expects"),
        ("postgresql+asyncpg://nobody@127.0.0.1:9/none", "does not answer"),
    ):
        engine = create_engine_from_url(url)
        try:
            app = create_webhook_app(bot.app, engine, SECRET)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
                ready = await client.get("/readyz")
                assert ready.status_code == 503 and why in ready.text, ready.text
                assert (await client.get("/healthz")).status_code == 200  # alive all the same
        finally:
            await engine.dispose()


async def test_a_duplicate_start_is_applied_once(bot: Bot, fake: FakeBotApi) -> None:
    dropped = sample("levelcheck_duplicate_updates_dropped_total")
    started = sample("levelcheck_interviews_started_total")
    eve = fake.user(7330000002, "Eve")
    eve.send_text("/start")
    update = bot.take()
    assert [await bot.post(update), await bot.post(update)] == [200, 200]
    assert len(prompts(eve, "consent")) == 1, "the second delivery sent nothing"
    assert sample("levelcheck_duplicate_updates_dropped_total") == dropped + 1
    assert sample("levelcheck_interviews_started_total") == started + 1
    counts = await count_rows(bot.engine)
    assert (counts["interviews"], counts["transcript_entries"], counts["processed_updates"]) == (1, 2, 1)


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-the-same-moment"])
async def test_a_duplicate_button_press_asks_the_next_question_once(
    bot: Bot, fake: FakeBotApi, at_once: bool
) -> None:
    """Regression: every button press produced the next question twice when delivered twice."""
    eve = fake.user(7330000003, "Eve")
    eve.send_text("/start")
    assert await bot.post(bot.take()) == 200
    [consent] = prompts(eve, "consent")
    eve.press(CATALOGUE["consent.yes"], consent["message_id"])
    press = bot.take()
    dropped = sample("levelcheck_duplicate_updates_dropped_total")
    if at_once:
        statuses = await asyncio.gather(bot.post(press), bot.post(press))
    else:
        statuses = [await bot.post(press), await bot.post(press)]
    assert statuses == [200, 200]
    assert len(prompts(eve, "field")) == 1
    assert sample("levelcheck_duplicate_updates_dropped_total") == dropped + 1
    assert len([a for a in eve.callback_answers if a.query_id == press["callback_query"]["id"]]) == 1
    counts = await count_rows(bot.engine)
    assert counts["processed_updates"] == 2


async def test_polling_drops_an_update_handed_over_again(bot: Bot, fake: FakeBotApi) -> None:
    """Polling mode goes through python-telegram-bot's own ``process_update``: the same dedup."""
    dropped = sample("levelcheck_duplicate_updates_dropped_total")
    eve = fake.user(7330000004, "Eve")
    eve.send_text("/start")
    update = Update.de_json(bot.take(), bot.app.bot)
    await bot.app.process_update(update)
    await bot.app.process_update(update)  # after a restart, an update not yet confirmed comes again
    assert len(prompts(eve, "consent")) == 1
    assert sample("levelcheck_duplicate_updates_dropped_total") == dropped + 1
