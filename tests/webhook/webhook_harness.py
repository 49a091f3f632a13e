"""What the webhook tests share: bot processes in webhook mode, and reading the bot's database.

``WebhookBot`` is the e2e harness's ``BotProcess`` (``python -m bot``, its own OS process) with
``MODE=webhook`` on a port of its own; the fake Bot API posts updates to it once a test registers
its address (``fake.set_webhook``), as ``python -m bot set-webhook`` would.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from e2e_harness import TOKEN, BotProcess, bot_errors
from fakes.bot_api import ApiCall, FakeBotApi
from sqlalchemy import text

from bot.storage import create_engine_from_url

SECRET = "wh_secret-for-tests_0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebhookBot(BotProcess):
    """One bot process serving the webhook on its own loopback port."""

    def __init__(self, fake: FakeBotApi, database_url: str, log_path: Path, **settings: str) -> None:
        self.port = free_port()
        super().__init__(
            fake,
            database_url,
            log_path,
            MODE="webhook",
            WEBHOOK_SECRET=SECRET,
            LISTEN_HOST="127.0.0.1",
            LISTEN_PORT=str(self.port),
            **{"PERSON_UPDATE_LIMIT": "0", **settings},  # scripted people answer faster than anyone
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/telegram"

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", timeout=10)

    def metric(self, name: str, **labels: str) -> float:
        """One sample of the bot's ``/metrics`` (0 when it has none yet)."""
        wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else "")
        for line in self.get("/metrics").text.splitlines():
            if line.startswith(wanted + " "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


class WebhookBots:
    """The processes one test started, on one fake Bot API."""

    def __init__(self, fake: FakeBotApi, tmp_path: Path) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.processes: list[WebhookBot] = []
        self.allow_error_log = False
        #: Failed Bot API calls a test expects (a crash can leave the bot retrying an edit already made).
        self.allowed: Callable[[ApiCall], bool] = lambda call: False

    def start(self, database_url: str, **settings: str) -> WebhookBot:
        log = self.tmp_path / f"bot-{len(self.processes) + 1}.log"
        bot = WebhookBot(self.fake, database_url, log, **settings)
        self.processes.append(bot)
        bot.start()
        return bot

    def stop_all(self) -> None:
        for process in self.processes:
            process.stop()

    def problems(self) -> list[str]:
        found: list[str] = []
        for n, process in enumerate(self.processes, start=1):
            log = process.log
            for secret in (TOKEN, TOKEN.split(":", 1)[1], SECRET):
                if secret in log:
                    found.append(f"bot process {n} logged a secret")
            if not self.allow_error_log:
                found += [f"bot {n} logged: {line}" for line in log.splitlines() if " ERROR " in line]
                if "Traceback" in log:
                    found.append(f"bot process {n} logged a traceback")
        found += [f"failed Bot API call: {e}" for e in bot_errors(self.fake, self.allowed)]
        return found


def sql(database_url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Reads the bot's database (SQLite or PostgreSQL) from a test that runs no event loop."""

    async def read() -> list[tuple[Any, ...]]:
        engine = create_engine_from_url(database_url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(statement), params)]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def answers(database_url: str, telegram_id: int) -> list[tuple[int, str | None, str]]:
    """The person's transcript answers, in order: (interview id, question key, text)."""
    return [
        (row[0], row[1], row[2])
        for row in sql(
            database_url,
            "SELECT t.interview_id, t.key, t.text FROM transcript_entries t "
            "JOIN interviews i ON i.id = t.interview_id JOIN users u ON u.id = i.user_id "
            "WHERE u.telegram_id = :tid AND t.direction = 'answer' ORDER BY t.interview_id, t.seq",
            tid=telegram_id,
        )
    ]
