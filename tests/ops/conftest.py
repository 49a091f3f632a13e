"""Fixtures of the operations tests: the fake Bot API, bot processes that always end, and the rule
that no bot token ever reaches a log, whatever the level and whatever went wrong.

This folder reuses ``tests/e2e/e2e_harness.py`` (``BotProcess``) and the fake in ``tests/fakes``, so
``tests`` and ``tests/e2e`` go on ``sys.path`` here (and this folder, for ``ops_harness``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
for folder in (TESTS, TESTS / "e2e", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from e2e_harness import BOT_USERNAME, TOKEN, BotProcess  # noqa: E402
from fakes.bot_api import FakeBotApi  # noqa: E402
from ops_harness import SECRETS, StartBot  # noqa: E402


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, username=BOT_USERNAME) as api:
        yield api
        assert api.internal_errors == []


@pytest.fixture
def bot_processes(fake: FakeBotApi, tmp_path: Path) -> Iterator[list[BotProcess]]:
    """Every bot process a test made; each is stopped at teardown and its log checked for the token."""
    processes: list[BotProcess] = []
    yield processes
    for process in processes:
        process.stop()
    for n, process in enumerate(processes, start=1):
        for secret in SECRETS:
            assert secret not in process.log, f"bot process {n} logged the token:\n{process.log}"


@pytest.fixture
def make_bot(fake: FakeBotApi, tmp_path: Path, bot_processes: list[BotProcess]) -> StartBot:
    """``make_bot(**settings)``: a bot process (not started) on this test's SQLite file."""

    def make(**settings: str) -> BotProcess:
        log = tmp_path / f"bot-{len(bot_processes) + 1}.log"
        database_url = settings.pop("DATABASE_URL", f"sqlite:///{tmp_path / 'levelcheck.sqlite3'}")
        process = BotProcess(fake, database_url, log)
        process.env.update(settings)  # LOG_LEVEL too, which BotProcess sets to INFO itself
        bot_processes.append(process)
        return process

    return make
